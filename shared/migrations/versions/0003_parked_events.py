"""Events the outbox relay could not publish and set aside (parked) so that the stream goes on.

Revision ID: kit_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "kit_0003"
down_revision = "kit_0002"


def upgrade() -> None:
    op.create_table(
        "parked_events",
        sa.Column("relay", sa.String(128), primary_key=True),
        sa.Column("position", sa.BigInteger(), primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("stream_id", sa.String(128), nullable=False),
        sa.Column("case_id", sa.String(128), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("parked_at", sa.String(40), nullable=False),
        sa.Column("released_at", sa.String(40)),
    )


def downgrade() -> None:
    op.drop_table("parked_events")
