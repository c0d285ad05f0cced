"""Blue-green read models (generation-scoped tables), the active-generation pointer, time-stamped links.

The read-model tables are created from :mod:`services.reporting.adapters.readmodel` as they stand
in this revision; later changes to them get their own revision.

Revision ID: reporting_0002
"""

import sqlalchemy as sa
from alembic import op

from shared.columns import columns

revision = "reporting_0002"
down_revision = "reporting_0001"


def upgrade() -> None:
    from services.reporting.adapters import readmodel

    bind = op.get_bind()
    readmodel.metadata.create_all(bind)
    op.execute(
        sa.text(
            "INSERT INTO rm_generations (gen, state, created_at) VALUES (1, 'active', '1970-01-01T00:00:00.000000Z')"
        )
    )
    op.execute(sa.text("INSERT INTO rm_active (id, gen) VALUES (1, 1)"))
    op.drop_table("case_links")
    op.create_table(
        "archive_links",
        *columns(
            """
            event_id     code   key
            a            id     required index
            b            id     required index
            kind         state  required
            occurred_at  time   required
            """
        ),
    )


def downgrade() -> None:
    from services.reporting.adapters import readmodel

    op.drop_table("archive_links")
    op.create_table(
        "case_links",
        *columns(
            """
            case_id       id  key
            canonical_id  id  required index
            """
        ),
    )
    readmodel.metadata.drop_all(op.get_bind())
