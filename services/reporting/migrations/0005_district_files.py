"""The district files (地区ファイル) read model: each year's CSW, goal and evaluation of a district.

0002 creates the read-model tables from the current metadata, so a database created from scratch
has it already; only one created before this revision gets it here.

Revision ID: reporting_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0005"
down_revision = "reporting_0004"


def upgrade() -> None:
    from services.reporting.adapters import readmodel

    bind = op.get_bind()
    if "rm_district_files" not in set(sa.inspect(bind).get_table_names()):
        readmodel.metadata.create_all(bind, tables=[readmodel.district_files])


def downgrade() -> None:
    op.drop_table("rm_district_files")
