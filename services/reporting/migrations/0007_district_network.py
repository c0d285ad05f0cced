"""The district issue accumulation (ケースの積み上げ: issues raised at network meetings and desk
consultations) and the areas (圏域) it is summed over.

0002 creates the read-model tables from the current metadata, so a database created from scratch
has them already; only one created before this revision gets them here.

Revision ID: reporting_district_network
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_district_network"
down_revision = "reporting_0006_activity"

TABLES = ("rm_district_issues", "rm_areas")


def upgrade() -> None:
    from services.reporting.adapters import readmodel

    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    missing = [readmodel.TABLES[name] for name in TABLES if name not in existing]
    readmodel.metadata.create_all(bind, tables=missing)


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
