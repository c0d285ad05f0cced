"""The areas' names and address prefixes (圏域の住所範囲), so that reporting places registered people,
households and resources in areas (statistics per area, the case view's areas).

0002 creates the read-model tables from the current metadata, so a database created from scratch
has it already; only one created before this revision gets it here. Areas defined before the
upgrade get their prefixes on the next rebuild (``python -m services.reporting rebuild``).

Revision ID: reporting_0008_area_prefixes
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0008_area_prefixes"
down_revision = "reporting_district_network"

TABLES = ("rm_area_prefixes",)


def upgrade() -> None:
    from services.reporting.adapters import readmodel

    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    missing = [readmodel.TABLES[name] for name in TABLES if name not in existing]
    readmodel.metadata.create_all(bind, tables=missing)


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
