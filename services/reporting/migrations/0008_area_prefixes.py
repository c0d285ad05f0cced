"""The areas' names and address prefixes (圏域の住所範囲), so that reporting places registered people,
households and resources in areas (statistics per area, the case view's areas).

0002 creates the read-model tables from the current metadata, so a database created from scratch
has it already; only one created before this revision gets it here. Areas defined before the
upgrade get their prefixes on the next rebuild (``python -m services.reporting rebuild``).

Revision ID: reporting_0008_area_prefixes
"""

from services.reporting.adapters.added_tables import add_read_models, drop_read_models

revision = "reporting_0008_area_prefixes"
down_revision = "reporting_district_network"

TABLES = ("rm_area_prefixes",)


def upgrade() -> None:
    add_read_models(*TABLES)


def downgrade() -> None:
    drop_read_models(*TABLES)
