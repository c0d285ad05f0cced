"""Intake's read tables: people search index, households and members, consultations, follow-ups,
the consent ledger projection.

Revision ID: intake_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("canonical_id", sa.String(128), nullable=False, index=True),
        sa.Column("name_kanji", sa.Text()),
        sa.Column("name_kana", sa.Text()),
        sa.Column("birth_date", sa.String(10), index=True),
        sa.Column("address", sa.Text()),
        sa.Column("phone", sa.String(64)),
        sa.Column("care_notes", sa.Text()),
        sa.Column("name_kanji_key", sa.Text(), index=True),
        sa.Column("name_kana_key", sa.Text(), index=True),
        sa.Column("address_key", sa.Text()),
        sa.Column("phone_key", sa.String(64), index=True),
        sa.Column("registered_by_service", sa.String(64), nullable=False),
        sa.Column("registered_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "households",
        sa.Column("household_id", sa.String(128), primary_key=True),
        sa.Column("address", sa.Text()),
        sa.Column("address_key", sa.Text()),
        sa.Column("registered_by_service", sa.String(64), nullable=False),
        sa.Column("registered_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "household_members",
        sa.Column("household_id", sa.String(128), nullable=False, index=True),
        sa.Column("person_id", sa.String(128), nullable=False, index=True),
        sa.Column("relationship", sa.String(64)),
        sa.Column("joined_on", sa.String(10), nullable=False),
        sa.Column("left_on", sa.String(10)),
    )
    op.create_table(
        "consultations",
        sa.Column("consultation_id", sa.String(128), primary_key=True),
        sa.Column("case_id", sa.String(128), nullable=False, index=True),
        sa.Column("person_id", sa.String(128), index=True),
        sa.Column("household_id", sa.String(128), index=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("issues", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("isolated", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.String(40), nullable=False, index=True),
        sa.Column("opened_by", sa.String(128), nullable=False),
        sa.Column("contact_count", sa.Integer(), nullable=False),
        sa.Column("unacknowledged_comments", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(32)),
        sa.Column("closed_at", sa.String(40)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "follow_ups",
        sa.Column("follow_up_id", sa.String(128), primary_key=True),
        sa.Column("consultation_id", sa.String(128), nullable=False, index=True),
        sa.Column("case_id", sa.String(128), nullable=False),
        sa.Column("due_on", sa.String(10), nullable=False, index=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("done_by_contact_id", sa.String(128)),
    )
    op.create_table(
        "consents",
        sa.Column("record_id", sa.String(128), primary_key=True),
        sa.Column("person_id", sa.String(128), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("basis", sa.String(64), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("purposes", sa.Text(), nullable=False),
        sa.Column("meeting_id", sa.String(128)),
        sa.Column("given_at", sa.String(40), nullable=False),
        sa.Column("valid_until", sa.String(10)),
        sa.Column("withdrawn_at", sa.String(40)),
    )


def downgrade() -> None:
    for table in ("consents", "follow_ups", "consultations", "household_members", "households", "people"):
        op.drop_table(table)
