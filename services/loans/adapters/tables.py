"""The loans desk's read tables (SQLAlchemy Core), mirroring ``migrations/0001_loans.py``.

They are projections of the event store, written in the same transaction as the events that change
them; the events stay the truth. Free text (summaries, purposes, reasons) is kept here only for the
loans desk's own screens; :mod:`services.loans.views` withholds it from other departments.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, Integer, MetaData, String, Table, Text

__all__ = [
    "applications",
    "consultations",
    "contacts",
    "follow_ups",
    "households",
    "instalments",
    "metadata",
]

metadata = MetaData()

households = Table(
    "loan_households",
    metadata,
    Column("household_id", String(128), primary_key=True),
    Column("member_ids", Text, nullable=False),
    Column("registered_at", String(40), nullable=False),
    Column("version", Integer, nullable=False),
)

consultations = Table(
    "loan_consultations",
    metadata,
    Column("consultation_id", String(128), primary_key=True),
    Column("household_id", String(128), nullable=False),
    Column("person_id", String(128)),
    Column("fund_type", String(64), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("initial", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("outcome", String(64)),
    Column("reached_service", Boolean),
    Column("issues", Text, nullable=False),
    Column("responses", Text, nullable=False),
    Column("contact_count", Integer, nullable=False),
    Column("summary", Text, nullable=False),
    Column("loan_application_id", String(128)),
    Column("opened_at", String(40), nullable=False),
    Column("closed_at", String(40)),
    Column("version", Integer, nullable=False),
)

contacts = Table(
    "loan_contacts",
    metadata,
    Column("contact_id", String(128), primary_key=True),
    Column("consultation_id", String(128), nullable=False),
    Column("household_id", String(128), nullable=False),
    Column("fund_type", String(64), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("channel", String(64), nullable=False),
    Column("counterpart", String(64), nullable=False),
    Column("initial", Boolean, nullable=False),
    Column("contacted_at", String(40), nullable=False),
)

applications = Table(
    "loan_applications",
    metadata,
    Column("application_id", String(128), primary_key=True),
    Column("household_id", String(128), nullable=False),
    Column("person_id", String(128), nullable=False),
    Column("consultation_id", String(128)),
    Column("fund_type", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("requested_amount", BigInteger, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("amount", BigInteger),
    Column("instalment_count", Integer),
    Column("monthly_amount", BigInteger),
    Column("first_due_date", Date),
    Column("grace_months", Integer),
    Column("disbursed_on", Date),
    Column("outstanding", BigInteger, nullable=False),
    Column("missed_count", Integer, nullable=False),
    Column("arrears_count", Integer, nullable=False),
    Column("arrears_amount", BigInteger, nullable=False),
    Column("decision_reason", Text),
    Column("submitted_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("version", Integer, nullable=False),
)

instalments = Table(
    "loan_instalments",
    metadata,
    Column("application_id", String(128), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("due_date", Date, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("paid", BigInteger, nullable=False),
    Column("postponed_months", Integer, nullable=False),
    Column("missed", Boolean, nullable=False),
)

follow_ups = Table(
    "loan_follow_ups",
    metadata,
    Column("consultation_id", String(128), primary_key=True),
    Column("household_id", String(128), nullable=False),
    Column("person_id", String(128)),
    Column("fund_type", String(64), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("issues", Text, nullable=False),
    Column("outcome", String(64), nullable=False),
    Column("closed_at", String(40), nullable=False),
)
