"""The actor's display name on every timeline row (the identity provider's name for the staff member).

0002 creates the read-model tables from the current metadata, so a database created from scratch
has the column already; only one created before this revision gets it added here.

Revision ID: reporting_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0003"
down_revision = "reporting_0002"


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("rm_timeline")}
    if "actor_name" not in columns:
        with op.batch_alter_table("rm_timeline") as batch:
            batch.add_column(sa.Column("actor_name", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("rm_timeline") as batch:
        batch.drop_column("actor_name")
