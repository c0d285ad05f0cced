"""SQLAlchemy Core tables of conferences' read models (created by ``migrations/0001_conferences.py``).

Dates and times are ISO text, so SQLite and PostgreSQL compare them alike.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.columns import table

metadata = MetaData()

conferences = table(
    "conferences",
    metadata,
    """
    conference_id         id     key
    case_id               id     required
    kind                  code   required
    status                state  required
    scheduled_for         time   required
    referral_id           id
    held_at               time
    basis_kind            state  required
    participant_count     int    required
    outside_participants  int    required
    open_action_items     int    required
    version               int    required
    updated_at            time   required
    """,
)

action_items = table(
    "action_items",
    metadata,
    """
    action_id      id     key
    conference_id  id     required
    case_id        id     required
    assignee_kind  state  required
    assignee       label  required
    due_on         date
    done           bool   required
    completed_at   time
    """,
)

reviews = table(
    "reviews",
    metadata,
    """
    review_id      id    key
    conference_id  id    required
    case_id        id    required
    due_on         date  required
    purpose        text  required
    """,
)

action_item_referrals = table(
    "action_item_referrals",
    metadata,
    """
    referral_id    id  key
    action_id      id  required
    conference_id  id  required
    assignee       code  required
    """,
)
