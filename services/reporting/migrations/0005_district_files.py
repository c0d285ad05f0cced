"""The district files (地区ファイル) read model: each year's CSW, goal and evaluation of a district.

0002 creates the read-model tables from the current metadata, so a database created from scratch
has it already; only one created before this revision gets it here.

Revision ID: reporting_0005
"""

from services.reporting.adapters.added_tables import add_read_models, drop_read_models

revision = "reporting_0005"
down_revision = "reporting_0004"

TABLES = ("rm_district_files",)


def upgrade() -> None:
    add_read_models(*TABLES)


def downgrade() -> None:
    drop_read_models(*TABLES)
