"""Reporting's archive of every consumed event, indexed by case, and case links.

Revision ID: reporting_0001
"""

import sqlalchemy as sa
from alembic import op

from shared.columns import columns

revision = "reporting_0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "archive",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        *columns(
            """
            event_id        code   required unique
            source          code   required
            event_type      label  required
            case_id         id     required
            subject         id     required
            stream_version  int    required
            occurred_at     time   required
            envelope        text   required
            """
        ),
    )
    op.create_index("ix_archive_case", "archive", ["case_id", "occurred_at"])
    op.create_index("ix_archive_subject", "archive", ["subject", "stream_version"])
    op.create_table(
        "case_links",
        *columns(
            """
            case_id       id  key
            canonical_id  id  required index
            """
        ),
    )


def downgrade() -> None:
    op.drop_table("case_links")
    op.drop_table("archive")
