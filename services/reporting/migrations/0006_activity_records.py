"""The activity-record approval read model (地区活動記録): each record's steps, per month and author.

0002 creates the read-model tables from the current metadata, so a database created from scratch
has it already; only one created before this revision gets it here.

Revision ID: reporting_0006_activity
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0006_activity"
down_revision = "reporting_0005"


def upgrade() -> None:
    from services.reporting.adapters import readmodel

    bind = op.get_bind()
    if "rm_activity_records" not in set(sa.inspect(bind).get_table_names()):
        readmodel.metadata.create_all(bind, tables=[readmodel.activity_records])


def downgrade() -> None:
    op.drop_table("rm_activity_records")
