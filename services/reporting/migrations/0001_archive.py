"""Reporting's archive of every consumed event, indexed by case, and case links.

Revision ID: reporting_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "reporting_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("case_id", sa.String(128), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.String(40), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
    )
    op.create_index("ix_archive_case", "archive", ["case_id", "occurred_at"])
    op.create_index("ix_archive_subject", "archive", ["subject", "stream_version"])
    op.create_table(
        "case_links",
        sa.Column("case_id", sa.String(128), primary_key=True),
        sa.Column("canonical_id", sa.String(128), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("case_links")
    op.drop_table("archive")
