"""SQLAlchemy Core tables of districts' read models (created by ``migrations/0001_districts.py``)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text

metadata = MetaData()

district_cases = Table(
    "district_cases",
    metadata,
    Column("case_id", String(128), primary_key=True),
    Column("district_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reported_by", String(64)),
    Column("referral_ids", Text, nullable=False),
    Column("concerns", Integer, nullable=False),
    Column("visit_count", Integer, nullable=False),
    Column("last_visit_outcome", String(16)),
    Column("last_visited_at", String(40)),
    Column("refused", Boolean, nullable=False),
    Column("watch_frequency", String(16)),
    Column("watch_approach", String(16)),
    Column("watch_started_on", String(10)),
    Column("version", Integer, nullable=False),
    Column("updated_at", String(40), nullable=False),
)

salon_attendance = Table(
    "salon_attendance",
    metadata,
    Column("attendance_id", String(128), primary_key=True),
    Column("case_id", String(128), nullable=False),
    Column("district_id", String(64), nullable=False),
    Column("salon_name", String(200), nullable=False),
    Column("attended_on", String(10), nullable=False),
    Column("first_visit", Boolean, nullable=False),
)

volunteer_roles = Table(
    "volunteer_roles",
    metadata,
    Column("role_id", String(128), primary_key=True),
    Column("case_id", String(128), nullable=False),
    Column("district_id", String(64), nullable=False),
    Column("role", String(200), nullable=False),
    Column("activity", String(200), nullable=False),
    Column("started_on", String(10), nullable=False),
)
