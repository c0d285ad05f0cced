"""The districts' read models: the monthly schedule (地域事業) with each department's answer and
escalations, and the resources and helpers (地域資源・担い手) registered per district.

0002 creates the read-model tables from the current metadata, so a database created from scratch
has them already; only one created before this revision gets them here.

Revision ID: reporting_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0004"
down_revision = "reporting_0003"

TABLES = ("rm_district_events", "rm_district_event_steps", "rm_district_resources")


def upgrade() -> None:
    from services.reporting.adapters import readmodel

    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    missing = [readmodel.TABLES[name] for name in TABLES if name not in existing]
    readmodel.metadata.create_all(bind, tables=missing)


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
