"""Aggregate snapshots: an aggregate's folded state at one stream version (see shared/snapshots.py).

Revision ID: kit_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "kit_0005"
down_revision = "kit_0004"


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("stream_id", sa.String(128), primary_key=True),
        sa.Column("fold_key", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("snapshots")
