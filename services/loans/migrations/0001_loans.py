"""The loans desk's read tables: consultations and their contacts, applications and their schedules,
households registered here, and the follow-up list (要フォロー).

Revision ID: loans_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "loans_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "loan_households",
        sa.Column("household_id", sa.String(128), primary_key=True),
        sa.Column("member_ids", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "loan_consultations",
        sa.Column("consultation_id", sa.String(128), primary_key=True),
        sa.Column("household_id", sa.String(128), nullable=False, index=True),
        sa.Column("person_id", sa.String(128)),
        sa.Column("fund_type", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("initial", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(64)),
        sa.Column("reached_service", sa.Boolean()),
        sa.Column("issues", sa.Text(), nullable=False),
        sa.Column("responses", sa.Text(), nullable=False),
        sa.Column("contact_count", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("loan_application_id", sa.String(128)),
        sa.Column("opened_at", sa.String(40), nullable=False, index=True),
        sa.Column("closed_at", sa.String(40)),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "loan_contacts",
        sa.Column("contact_id", sa.String(128), primary_key=True),
        sa.Column("consultation_id", sa.String(128), nullable=False, index=True),
        sa.Column("household_id", sa.String(128), nullable=False),
        sa.Column("fund_type", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("counterpart", sa.String(64), nullable=False),
        sa.Column("initial", sa.Boolean(), nullable=False),
        sa.Column("contacted_at", sa.String(40), nullable=False, index=True),
    )
    op.create_table(
        "loan_applications",
        sa.Column("application_id", sa.String(128), primary_key=True),
        sa.Column("household_id", sa.String(128), nullable=False, index=True),
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("consultation_id", sa.String(128)),
        sa.Column("fund_type", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("requested_amount", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("amount", sa.BigInteger()),
        sa.Column("instalment_count", sa.Integer()),
        sa.Column("monthly_amount", sa.BigInteger()),
        sa.Column("first_due_date", sa.Date()),
        sa.Column("grace_months", sa.Integer()),
        sa.Column("disbursed_on", sa.Date()),
        sa.Column("outstanding", sa.BigInteger(), nullable=False),
        sa.Column("missed_count", sa.Integer(), nullable=False),
        sa.Column("arrears_count", sa.Integer(), nullable=False),
        sa.Column("arrears_amount", sa.BigInteger(), nullable=False),
        sa.Column("decision_reason", sa.Text()),
        sa.Column("submitted_at", sa.String(40), nullable=False, index=True),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "loan_instalments",
        sa.Column("application_id", sa.String(128), primary_key=True),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("postponed_months", sa.Integer(), nullable=False),
        sa.Column("missed", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "loan_follow_ups",
        sa.Column("consultation_id", sa.String(128), primary_key=True),
        sa.Column("household_id", sa.String(128), nullable=False, index=True),
        sa.Column("person_id", sa.String(128)),
        sa.Column("fund_type", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("issues", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(64), nullable=False),
        sa.Column("closed_at", sa.String(40), nullable=False, index=True),
    )


def downgrade() -> None:
    for table in (
        "loan_follow_ups",
        "loan_instalments",
        "loan_applications",
        "loan_contacts",
        "loan_consultations",
        "loan_households",
    ):
        op.drop_table(table)
