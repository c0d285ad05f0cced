"""Writes to the read tables, on the unit of work's connection (never committing).

Each function receives the aggregate's state *after* the new events, the new events themselves and
the stream's new version, and brings the rows in line. Rows are rebuilt from the folded state where
they can be (a schedule after a grace, arrears after a repayment), so a projection never drifts from
the events.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from services.loans.adapters.tables import applications, consultations, contacts, follow_ups, households, instalments
from services.loans.domain.consultation import ConsultationState
from services.loans.domain.events import (
    LoanApplicationApproved,
    LoanApplicationDenied,
    LoanApplicationSubmitted,
    LoanApplicationWithdrawn,
    LoanConsultationClosed,
    LoanConsultationOpened,
    LoanContactRecorded,
)
from services.loans.domain.loan import LoanState
from shared.columns import row_of
from shared.events import DomainEvent

__all__ = ["save_application", "save_consultation", "save_household"]


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def save_household(
    conn: Connection, household_id: str, member_ids: Sequence[str], registered_at: datetime, version: int
) -> None:
    conn.execute(
        households.insert().values(
            household_id=household_id,
            member_ids=json.dumps(list(member_ids)),
            registered_at=_iso(registered_at),
            version=version,
        )
    )


def save_consultation(conn: Connection, state: ConsultationState, events: Sequence[DomainEvent], version: int) -> None:
    row: dict[str, Any] = {
        "status": state.status.value,
        "outcome": state.outcome,
        "reached_service": state.reached_service,
        "issues": json.dumps(list(state.issues)),
        "responses": json.dumps(list(state.response_codes)),
        "contact_count": state.contact_count,
        "version": version,
    }
    inserted: dict[str, Any] | None = None
    for event in events:
        match event:
            case LoanConsultationOpened():
                conn.execute(consultations.insert().values(**row_of(event, consultations, **row)))
                inserted = dict(row)
                _contact(
                    conn,
                    event.consultation_id,
                    event,
                    event.channel,
                    event.counterpart,
                    event.initial,
                    event.opened_at,
                    event.fund_type,
                )
            case LoanContactRecorded():
                _contact(
                    conn,
                    event.contact_id,
                    event,
                    event.channel,
                    event.counterpart,
                    False,
                    event.contacted_at,
                    event.fund_type,
                )
            case LoanConsultationClosed():
                row["closed_at"] = _iso(event.closed_at)
                if not event.reached_service:
                    conn.execute(
                        follow_ups.insert().values(
                            consultation_id=event.consultation_id,
                            household_id=event.household_id,
                            person_id=event.person_id,
                            fund_type=state.fund_type,
                            kind=state.kind,
                            issues=json.dumps(list(state.issues)),
                            outcome=event.outcome,
                            closed_at=_iso(event.closed_at),
                        )
                    )
            case _:
                pass
    if row != inserted:  # a row inserted just now already holds the state's values
        conn.execute(
            consultations.update().where(consultations.c.consultation_id == state.consultation_id).values(**row)
        )


def _contact(
    conn: Connection,
    contact_id: str,
    event: LoanConsultationOpened | LoanContactRecorded,
    channel: str,
    counterpart: str,
    initial: bool,
    at: datetime,
    fund_type: str,
) -> None:
    # One row per contact (延件数); the opening contact of an initial consultation also counts as 実数.
    conn.execute(
        contacts.insert().values(
            contact_id=contact_id,
            consultation_id=event.consultation_id,
            household_id=event.household_id,
            fund_type=fund_type,
            kind=event.kind,
            channel=channel,
            counterpart=counterpart,
            initial=initial,
            contacted_at=_iso(at),
        )
    )


def save_application(
    conn: Connection, state: LoanState, events: Sequence[DomainEvent], version: int, now: datetime
) -> None:
    in_arrears = [i for i in state.instalments if (i.number, i.due_date) in state.misses and i.remaining > 0]
    row: dict[str, Any] = {
        "status": state.status.value,
        "outstanding": state.outstanding,
        "disbursed_on": state.disbursed_on,
        "missed_count": len(state.misses),
        "arrears_count": len(in_arrears),
        "arrears_amount": sum(i.remaining for i in in_arrears),
        "updated_at": _iso(now),
        "version": version,
    }
    for event in events:
        match event:
            case LoanApplicationSubmitted():
                conn.execute(applications.insert().values(**row_of(event, applications, **row)))
            case LoanApplicationApproved():
                row.update(
                    amount=event.amount,
                    instalment_count=event.instalment_count,
                    monthly_amount=event.monthly_amount,
                    first_due_date=event.first_due_date,
                    grace_months=event.grace_months,
                )
            case LoanApplicationDenied() | LoanApplicationWithdrawn():
                row["decision_reason"] = event.reason
            case _:
                pass
    conn.execute(applications.update().where(applications.c.application_id == state.application_id).values(**row))
    conn.execute(instalments.delete().where(instalments.c.application_id == state.application_id))
    if state.instalments:
        conn.execute(
            instalments.insert(),
            [
                {
                    "application_id": state.application_id,
                    "number": i.number,
                    "due_date": i.due_date,
                    "amount": i.amount,
                    "paid": i.paid,
                    "postponed_months": i.postponed_months,
                    "missed": (i.number, i.due_date) in state.misses and i.remaining > 0,
                }
                for i in state.instalments
            ],
        )
