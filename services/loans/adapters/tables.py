"""The loans desk's read tables (SQLAlchemy Core), mirroring ``migrations/0001_loans.py``.

They are projections of the event store, written in the same transaction as the events that change
them; the events stay the truth. Free text (summaries, purposes, reasons) is kept here only for the
loans desk's own screens; :mod:`services.loans.views` withholds it from other departments.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.columns import table

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

households = table(
    "loan_households",
    metadata,
    """
    household_id   id    key
    member_ids     text  required
    registered_at  time  required
    version        int   required
    """,
)

consultations = table(
    "loan_consultations",
    metadata,
    """
    consultation_id      id     key
    household_id         id     required
    person_id            id
    fund_type            code   required
    kind                 code   required
    initial              bool   required
    status               state  required
    outcome              code
    reached_service      bool
    issues               text   required
    responses            text   required
    contact_count        int    required
    summary              text   required
    loan_application_id  id
    opened_at            time   required
    closed_at            time
    version              int    required
    """,
)

contacts = table(
    "loan_contacts",
    metadata,
    """
    contact_id       id    key
    consultation_id  id    required
    household_id     id    required
    fund_type        code  required
    kind             code  required
    channel          code  required
    counterpart      code  required
    initial          bool  required
    contacted_at     time  required
    """,
)

applications = table(
    "loan_applications",
    metadata,
    """
    application_id    id      key
    household_id      id      required
    person_id         id      required
    consultation_id   id
    fund_type         code    required
    status            state   required
    requested_amount  bigint  required
    purpose           text    required
    amount            bigint
    instalment_count  int
    monthly_amount    bigint
    first_due_date    day
    grace_months      int
    disbursed_on      day
    outstanding       bigint  required
    missed_count      int     required
    arrears_count     int     required
    arrears_amount    bigint  required
    decision_reason   text
    submitted_at      time    required
    updated_at        time    required
    version           int     required
    """,
)

instalments = table(
    "loan_instalments",
    metadata,
    """
    application_id    id      key
    number            int     key
    due_date          day     required
    amount            bigint  required
    paid              bigint  required
    postponed_months  int     required
    missed            bool    required
    """,
)

follow_ups = table(
    "loan_follow_ups",
    metadata,
    """
    consultation_id  id    key
    household_id     id    required
    person_id        id
    fund_type        code  required
    kind             code  required
    issues           text  required
    outcome          code  required
    closed_at        time  required
    """,
)
