"""SQLAlchemy Core tables of intake's read models (created by ``migrations/0001_intake.py``).

Dates and times are ISO text (as the event store keeps them), so SQLite and PostgreSQL sort and
compare them alike. The ``*_key`` columns hold search keys from :mod:`shared.registry.normalise`.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.columns import table

metadata = MetaData()

people = table(
    "people",
    metadata,
    """
    person_id              id    key
    canonical_id           id    required
    name_kanji             text
    name_kana              text
    birth_date             date
    address                text
    phone                  code
    care_notes             text
    name_kanji_key         text
    name_kana_key          text
    address_key            text
    phone_key              code
    registered_by_service  code  required
    registered_at          time  required
    updated_at             time  required
    """,
)

households = table(
    "households",
    metadata,
    """
    household_id           id    key
    address                text
    address_key            text
    registered_by_service  code  required
    registered_at          time  required
    updated_at             time  required
    """,
)

household_members = table(
    "household_members",
    metadata,
    """
    household_id  id    required
    person_id     id    required
    relationship  code
    joined_on     date  required
    left_on       date
    """,
)

consultations = table(
    "consultations",
    metadata,
    """
    consultation_id          id     key
    case_id                  id     required
    person_id                id
    household_id             id
    status                   state  required
    source                   code   required
    channel                  code   required
    issues                   text   required
    urgency                  state  required
    isolated                 bool   required
    opened_at                time   required
    opened_by                id     required
    contact_count            int    required
    unacknowledged_comments  int    required
    outcome                  str32
    closed_at                time
    version                  int    required
    updated_at               time   required
    """,
)

follow_ups = table(
    "follow_ups",
    metadata,
    """
    follow_up_id        id    key
    consultation_id     id    required
    case_id             id    required
    due_on              date  required
    purpose             text  required
    done_by_contact_id  id
    """,
)

consents = table(
    "consents",
    metadata,
    """
    record_id     id     key
    person_id     id     required
    kind          state  required
    basis         code   required
    recipients    text   required
    purposes      text   required
    meeting_id    id
    given_at      time   required
    valid_until   date
    withdrawn_at  time
    """,
)
