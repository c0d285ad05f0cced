"""Consultations (相談) list and follow-ups: rows written from the folded state after each command."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, exists, literal, select

from services.intake.adapters.tables import consultations, follow_ups
from services.intake.domain.consultation import ConsultationState
from shared.columns import put_row, row_of
from shared.eventstore import events_table
from shared.pages import counts_by, page_of

__all__ = ["ConsultationFilter", "due_follow_ups", "get_row", "list_consultations", "save"]


def _issues_text(issues: Sequence[str]) -> str:
    # Delimited on both sides so that one issue code is found with LIKE '%,code,%'.
    return "," + ",".join(issues) + ","


def save(
    conn: Connection, state: ConsultationState, version: int, at: datetime, *, opened_by: str | None = None
) -> None:
    """Write the consultation's row and its follow-ups from the state after ``version``.

    ``opened_by`` is given when the row is first written (the state does not keep it).
    """
    if state.consultation_id is None or state.case_id is None or state.opened_at is None:
        raise ValueError("only an opened consultation has a row")
    values = row_of(
        state,
        consultations,
        source=state.source or "",
        channel=state.channel or "",
        issues=_issues_text(state.issues),
        unacknowledged_comments=len(state.unacknowledged_comments),
        version=version,
        updated_at=at.isoformat(),
    )
    put_row(conn, consultations, "consultation_id", state.consultation_id, values, opened_by=opened_by or "")
    conn.execute(follow_ups.delete().where(follow_ups.c.consultation_id == state.consultation_id))
    for f in state.follow_ups:
        conn.execute(
            follow_ups.insert().values(
                **row_of(f, follow_ups, consultation_id=state.consultation_id, case_id=state.case_id)
            )
        )


def get_row(conn: Connection, consultation_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(consultations).where(consultations.c.consultation_id == consultation_id)).mappings().first()
    )
    return _row(row) if row else None


def _row(row: Any) -> dict[str, Any]:
    out = dict(row)
    out["issues"] = [i for i in str(out["issues"]).split(",") if i]
    return out


class ConsultationFilter:
    """Filters of the consultation list; every given one must hold."""

    def __init__(
        self,
        *,
        status: str | None = None,
        urgency: str | None = None,
        issue: str | None = None,
        source: str | None = None,
        case_ids: Sequence[str] | None = None,
        household_id: str | None = None,
        opened_from: date | None = None,
        opened_to: date | None = None,
        opened_by: str | None = None,
        unacknowledged_comments: bool | None = None,
        commented: bool | None = None,
    ) -> None:
        c = consultations.c
        self.clauses: list[Any] = []
        if status is not None:
            self.clauses.append(c.status == status)
        if urgency is not None:
            self.clauses.append(c.urgency == urgency)
        if issue is not None:
            self.clauses.append(c.issues.contains(f",{issue},", autoescape=True))
        if source is not None:
            self.clauses.append(c.source == source)
        if case_ids is not None:
            self.clauses.append(c.case_id.in_(list(case_ids)) | c.person_id.in_(list(case_ids)))
        if household_id is not None:
            self.clauses.append(c.household_id == household_id)
        if opened_from is not None:
            self.clauses.append(c.opened_at >= opened_from.isoformat())
        if opened_to is not None:
            # opened_to is inclusive: everything before the next day's ISO prefix.
            self.clauses.append(c.opened_at < date.fromordinal(opened_to.toordinal() + 1).isoformat())
        if opened_by is not None:
            self.clauses.append(c.opened_by == opened_by)
        if unacknowledged_comments is not None:
            self.clauses.append(
                c.unacknowledged_comments > 0 if unacknowledged_comments else c.unacknowledged_comments == 0
            )
        if commented is not None:
            # A supervisor comment is an event on the consultation's stream (the row keeps only how
            # many await the worker): ``commented=false`` is the queue of records never reviewed.
            e = events_table.c
            any_comment = exists().where(
                e.stream_id == literal("consultation-") + c.consultation_id,
                e.event_type == "intake.SupervisorCommentAdded",
            )
            self.clauses.append(any_comment if commented else ~any_comment)


def list_consultations(
    conn: Connection, flt: ConsultationFilter, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int, dict[str, int]]:
    """A page of consultations, newest first; the total and counts by status under the filter."""
    c = consultations.c
    rows, total = page_of(conn, consultations, flt.clauses, (c.opened_at.desc(), c.consultation_id), limit, offset)
    return [_row(r) for r in rows], total, counts_by(conn, c.status, flt.clauses)


def due_follow_ups(conn: Connection, *, until: date, limit: int = 100) -> list[dict[str, Any]]:
    """Follow-ups not yet done, due on or before ``until``, soonest first."""
    f = follow_ups.c
    rows = conn.execute(
        select(follow_ups, consultations.c.status, consultations.c.person_id)
        .join(consultations, consultations.c.consultation_id == f.consultation_id)
        .where(f.done_by_contact_id.is_(None), f.due_on <= until.isoformat(), consultations.c.status == "open")
        .order_by(f.due_on, f.follow_up_id)
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows]
