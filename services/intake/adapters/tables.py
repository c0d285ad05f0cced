"""SQLAlchemy Core tables of intake's read models (created by ``migrations/0001_intake.py``).

Dates and times are ISO text (as the event store keeps them), so SQLite and PostgreSQL sort and
compare them alike. The ``*_key`` columns hold search keys from :mod:`shared.registry.normalise`.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text

metadata = MetaData()

people = Table(
    "people",
    metadata,
    Column("person_id", String(128), primary_key=True),
    Column("canonical_id", String(128), nullable=False),
    Column("name_kanji", Text),
    Column("name_kana", Text),
    Column("birth_date", String(10)),
    Column("address", Text),
    Column("phone", String(64)),
    Column("care_notes", Text),
    Column("name_kanji_key", Text),
    Column("name_kana_key", Text),
    Column("address_key", Text),
    Column("phone_key", String(64)),
    Column("registered_by_service", String(64), nullable=False),
    Column("registered_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

households = Table(
    "households",
    metadata,
    Column("household_id", String(128), primary_key=True),
    Column("address", Text),
    Column("address_key", Text),
    Column("registered_by_service", String(64), nullable=False),
    Column("registered_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

household_members = Table(
    "household_members",
    metadata,
    Column("household_id", String(128), nullable=False),
    Column("person_id", String(128), nullable=False),
    Column("relationship", String(64)),
    Column("joined_on", String(10), nullable=False),
    Column("left_on", String(10)),
)

consultations = Table(
    "consultations",
    metadata,
    Column("consultation_id", String(128), primary_key=True),
    Column("case_id", String(128), nullable=False),
    Column("person_id", String(128)),
    Column("household_id", String(128)),
    Column("status", String(16), nullable=False),
    Column("source", String(64), nullable=False),
    Column("channel", String(64), nullable=False),
    Column("issues", Text, nullable=False),
    Column("urgency", String(16), nullable=False),
    Column("isolated", Boolean, nullable=False),
    Column("opened_at", String(40), nullable=False),
    Column("opened_by", String(128), nullable=False),
    Column("contact_count", Integer, nullable=False),
    Column("unacknowledged_comments", Integer, nullable=False),
    Column("outcome", String(32)),
    Column("closed_at", String(40)),
    Column("version", Integer, nullable=False),
    Column("updated_at", String(40), nullable=False),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("follow_up_id", String(128), primary_key=True),
    Column("consultation_id", String(128), nullable=False),
    Column("case_id", String(128), nullable=False),
    Column("due_on", String(10), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("done_by_contact_id", String(128)),
)

consents = Table(
    "consents",
    metadata,
    Column("record_id", String(128), primary_key=True),
    Column("person_id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("basis", String(64), nullable=False),
    Column("recipients", Text, nullable=False),
    Column("purposes", Text, nullable=False),
    Column("meeting_id", String(128)),
    Column("given_at", String(40), nullable=False),
    Column("valid_until", String(10)),
    Column("withdrawn_at", String(40)),
)
