"""The actor's display name on every stored event (from the identity provider's token).

Revision ID: kit_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "kit_0004"
down_revision = "kit_0003"


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("actor_name", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("actor_name")
