"""The district issue accumulation (ケースの積み上げ: issues raised at network meetings and desk
consultations) and the areas (圏域) it is summed over.

0002 creates the read-model tables from the current metadata, so a database created from scratch
has them already; only one created before this revision gets them here.

Revision ID: reporting_district_network
"""

from services.reporting.adapters.added_tables import add_read_models, drop_read_models

revision = "reporting_district_network"
down_revision = "reporting_0006_activity"

TABLES = ("rm_district_issues", "rm_areas")


def upgrade() -> None:
    add_read_models(*TABLES)


def downgrade() -> None:
    drop_read_models(*TABLES)
