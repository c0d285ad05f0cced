"""SQLAlchemy Core tables of districts' read models (created by ``migrations/0001_districts.py``)."""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.columns import table

metadata = MetaData()

district_cases = table(
    "district_cases",
    metadata,
    """
    case_id             id     key
    district_id         code   required
    status              state  required
    reported_by         code
    referral_ids        text   required
    concerns            int    required
    visit_count         int    required
    last_visit_outcome  state
    last_visited_at     time
    refused             bool   required
    watch_frequency     state
    watch_approach      state
    watch_started_on    date
    version             int    required
    updated_at          time   required
    """,
)

salon_attendance = table(
    "salon_attendance",
    metadata,
    """
    attendance_id  id     key
    case_id        id     required
    district_id    code   required
    salon_name     label  required
    attended_on    date   required
    first_visit    bool   required
    """,
)

volunteer_roles = table(
    "volunteer_roles",
    metadata,
    """
    role_id      id     key
    case_id      id     required
    district_id  code   required
    role         label  required
    activity     label  required
    started_on   date   required
    """,
)
