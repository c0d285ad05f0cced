"""Conferences' read tables: conferences, their action items and follow-up reviews.

Revision ID: conferences_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "conferences_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conferences",
        sa.Column("conference_id", sa.String(128), primary_key=True),
        sa.Column("case_id", sa.String(128), nullable=False, index=True),
        sa.Column("kind", sa.String(64), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("scheduled_for", sa.String(40), nullable=False, index=True),
        sa.Column("referral_id", sa.String(128)),
        sa.Column("held_at", sa.String(40)),
        sa.Column("basis_kind", sa.String(16), nullable=False),
        sa.Column("participant_count", sa.Integer(), nullable=False),
        sa.Column("outside_participants", sa.Integer(), nullable=False),
        sa.Column("open_action_items", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "action_items",
        sa.Column("action_id", sa.String(128), primary_key=True),
        sa.Column("conference_id", sa.String(128), nullable=False, index=True),
        sa.Column("case_id", sa.String(128), nullable=False, index=True),
        sa.Column("assignee_kind", sa.String(16), nullable=False),
        sa.Column("assignee", sa.String(200), nullable=False, index=True),
        sa.Column("due_on", sa.String(10)),
        sa.Column("done", sa.Boolean(), nullable=False, index=True),
        sa.Column("completed_at", sa.String(40)),
    )
    op.create_table(
        "reviews",
        sa.Column("review_id", sa.String(128), primary_key=True),
        sa.Column("conference_id", sa.String(128), nullable=False, index=True),
        sa.Column("case_id", sa.String(128), nullable=False, index=True),
        sa.Column("due_on", sa.String(10), nullable=False, index=True),
        sa.Column("purpose", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("reviews", "action_items", "conferences"):
        op.drop_table(table)
