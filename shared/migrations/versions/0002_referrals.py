"""The referral projection every department keeps (inbox and outbox of 紹介).

Revision ID: kit_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "kit_0002"
down_revision = "kit_0001"


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("referral_id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(128)),
        sa.Column("source_department", sa.String(64)),
        sa.Column("target_kind", sa.String(16)),
        sa.Column("target", sa.String(64)),
        sa.Column("reason_category", sa.String(64)),
        sa.Column("priority", sa.String(16)),
        sa.Column("status", sa.String(16)),
        sa.Column("deadline", sa.String(40)),
        sa.Column("made_at", sa.String(40)),
        sa.Column("escalated", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("rule_id", sa.String(128)),
        sa.Column("events", sa.Text(), nullable=False),
    )
    op.create_index("ix_referrals_target", "referrals", ["target", "status"])
    op.create_index("ix_referrals_source", "referrals", ["source_department", "status"])
    op.create_index("ix_referrals_case", "referrals", ["case_id"])


def downgrade() -> None:
    op.drop_table("referrals")
