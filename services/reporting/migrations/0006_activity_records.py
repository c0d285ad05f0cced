"""The activity-record approval read model (地区活動記録): each record's steps, per month and author.

0002 creates the read-model tables from the current metadata, so a database created from scratch
has it already; only one created before this revision gets it here.

Revision ID: reporting_0006_activity
"""

from services.reporting.adapters.added_tables import add_read_models, drop_read_models

revision = "reporting_0006_activity"
down_revision = "reporting_0005"

TABLES = ("rm_activity_records",)


def upgrade() -> None:
    add_read_models(*TABLES)


def downgrade() -> None:
    drop_read_models(*TABLES)
