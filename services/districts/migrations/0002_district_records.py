"""Districts' own records: areas (圏域), district files (地区ファイル), the resource and helper registry;
salon attendance and volunteer roles name the registered resource.

Revision ID: districts_0002
"""

import sqlalchemy as sa
from alembic import op

from shared.columns import table_revision

revision = "districts_0002"
down_revision = "districts_0001"

_create, _drop = table_revision(
    """
    district_areas:
        area_id           code   key
        kind              state  required index
        name              label  required
        parent_id         code   index
        address_prefixes  text   required
        version           int    required
        defined_at        time   required
    district_files:
        file_id           id     key
        district_id       code   required index
        fiscal_year       int    required index
        csw_id            id     required
        goal              text   required
        evaluation        text
        evaluated_at      time
        population_as_of  date
        population        text
        version           int    required
        updated_at        time   required
    local_resources:
        resource_id    id     key
        district_id    code   required index
        kind           code   required index
        name           label  required
        address        text
        contact        text
        serves         text
        registered_at  time   required
    district_helpers:
        helper_id      id     key
        district_id    code   required index
        kind           code   required index
        name           label  required
        contact        text
        resource_id    id     index
        registered_at  time   required
    """
)

_LINKED = ("salon_attendance", "volunteer_roles")


def upgrade() -> None:
    _create()
    for name in _LINKED:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("resource_id", sa.String(128)))
            batch.create_index(f"ix_{name}_resource_id", ["resource_id"])


def downgrade() -> None:
    for name in _LINKED:
        with op.batch_alter_table(name) as batch:
            batch.drop_index(f"ix_{name}_resource_id")
            batch.drop_column("resource_id")
    _drop()
