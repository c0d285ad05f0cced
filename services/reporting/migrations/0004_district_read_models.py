"""The districts' read models: the monthly schedule (地域事業) with each department's answer and
escalations, and the resources and helpers (地域資源・担い手) registered per district.

0002 creates the read-model tables from the current metadata, so a database created from scratch
has them already; only one created before this revision gets them here.

Revision ID: reporting_0004
"""

from services.reporting.adapters.added_tables import add_read_models, drop_read_models

revision = "reporting_0004"
down_revision = "reporting_0003"

TABLES = ("rm_district_events", "rm_district_event_steps", "rm_district_resources")


def upgrade() -> None:
    add_read_models(*TABLES)


def downgrade() -> None:
    drop_read_models(*TABLES)
