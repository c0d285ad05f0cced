"""Districts' read tables: the cases each district looks after, salon attendance, volunteer roles.

Revision ID: districts_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "districts_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "district_cases",
        sa.Column("case_id", sa.String(128), primary_key=True),
        sa.Column("district_id", sa.String(64), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("reported_by", sa.String(64)),
        sa.Column("referral_ids", sa.Text(), nullable=False),
        sa.Column("concerns", sa.Integer(), nullable=False),
        sa.Column("visit_count", sa.Integer(), nullable=False),
        sa.Column("last_visit_outcome", sa.String(16)),
        sa.Column("last_visited_at", sa.String(40)),
        sa.Column("refused", sa.Boolean(), nullable=False),
        sa.Column("watch_frequency", sa.String(16)),
        sa.Column("watch_approach", sa.String(16)),
        sa.Column("watch_started_on", sa.String(10)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "salon_attendance",
        sa.Column("attendance_id", sa.String(128), primary_key=True),
        sa.Column("case_id", sa.String(128), nullable=False, index=True),
        sa.Column("district_id", sa.String(64), nullable=False, index=True),
        sa.Column("salon_name", sa.String(200), nullable=False, index=True),
        sa.Column("attended_on", sa.String(10), nullable=False, index=True),
        sa.Column("first_visit", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "volunteer_roles",
        sa.Column("role_id", sa.String(128), primary_key=True),
        sa.Column("case_id", sa.String(128), nullable=False, index=True),
        sa.Column("district_id", sa.String(64), nullable=False, index=True),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("activity", sa.String(200), nullable=False),
        sa.Column("started_on", sa.String(10), nullable=False),
    )


def downgrade() -> None:
    for table in ("volunteer_roles", "salon_attendance", "district_cases"):
        op.drop_table(table)
