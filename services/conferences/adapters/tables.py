"""SQLAlchemy Core tables of conferences' read models (created by ``migrations/0001_conferences.py``).

Dates and times are ISO text, so SQLite and PostgreSQL compare them alike.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text

metadata = MetaData()

conferences = Table(
    "conferences",
    metadata,
    Column("conference_id", String(128), primary_key=True),
    Column("case_id", String(128), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("scheduled_for", String(40), nullable=False),
    Column("referral_id", String(128)),
    Column("held_at", String(40)),
    Column("basis_kind", String(16), nullable=False),
    Column("participant_count", Integer, nullable=False),
    Column("outside_participants", Integer, nullable=False),
    Column("open_action_items", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", String(40), nullable=False),
)

action_items = Table(
    "action_items",
    metadata,
    Column("action_id", String(128), primary_key=True),
    Column("conference_id", String(128), nullable=False),
    Column("case_id", String(128), nullable=False),
    Column("assignee_kind", String(16), nullable=False),
    Column("assignee", String(200), nullable=False),
    Column("due_on", String(10)),
    Column("done", Boolean, nullable=False),
    Column("completed_at", String(40)),
)

reviews = Table(
    "reviews",
    metadata,
    Column("review_id", String(128), primary_key=True),
    Column("conference_id", String(128), nullable=False),
    Column("case_id", String(128), nullable=False),
    Column("due_on", String(10), nullable=False),
    Column("purpose", Text, nullable=False),
)
