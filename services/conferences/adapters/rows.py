"""Conference rows: written from the folded state after each command; lists for the screens."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select, true

from services.conferences.adapters.tables import action_items, conferences, reviews
from services.conferences.domain.conference import ConferenceState
from services.conferences.domain.values import OUTSIDE_KINDS

__all__ = ["due_reviews", "list_action_items", "list_conferences", "save"]


def save(conn: Connection, state: ConferenceState, version: int, at: datetime) -> None:
    """Replace the conference's rows with the state after ``version``."""
    if state.conference_id is None or state.case_id is None or state.scheduled_for is None:
        raise ValueError("only a scheduled conference has rows")
    values: dict[str, Any] = {
        "case_id": state.case_id,
        "kind": state.kind or "",
        "status": state.status,
        "scheduled_for": state.scheduled_for.isoformat(),
        "referral_id": state.referral_id,
        "held_at": state.held_at.isoformat() if state.held_at else None,
        "basis_kind": state.basis.kind,
        "participant_count": len(state.participants),
        "outside_participants": sum(1 for p in state.participants if p.kind in OUTSIDE_KINDS),
        "open_action_items": len(state.open_action_items),
        "version": version,
        "updated_at": at.isoformat(),
    }
    cid = state.conference_id
    updated = conn.execute(conferences.update().where(conferences.c.conference_id == cid).values(**values))
    if updated.rowcount == 0:
        conn.execute(conferences.insert().values(conference_id=cid, **values))
    conn.execute(action_items.delete().where(action_items.c.conference_id == cid))
    for a in state.action_items:
        conn.execute(
            action_items.insert().values(
                action_id=a.action_id,
                conference_id=cid,
                case_id=state.case_id,
                assignee_kind=a.assignee_kind,
                assignee=a.assignee,
                due_on=a.due_on.isoformat() if a.due_on else None,
                done=a.done,
                completed_at=a.completed_at.isoformat() if a.completed_at else None,
            )
        )
    conn.execute(reviews.delete().where(reviews.c.conference_id == cid))
    for r in state.reviews:
        conn.execute(
            reviews.insert().values(
                review_id=r.review_id,
                conference_id=cid,
                case_id=state.case_id,
                due_on=r.due_on.isoformat(),
                purpose=r.purpose,
            )
        )


def list_conferences(
    conn: Connection,
    *,
    case_id: str | None,
    kind: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """A page of conferences, soonest scheduled last (newest first), and the total under the filter."""
    c = conferences.c
    clauses: list[Any] = []
    if case_id is not None:
        clauses.append(c.case_id == case_id)
    if kind is not None:
        clauses.append(c.kind == kind)
    if status is not None:
        clauses.append(c.status == status)
    where = and_(true(), *clauses)
    total = conn.execute(select(func.count()).select_from(conferences).where(where)).scalar_one()
    rows = conn.execute(
        select(conferences).where(where).order_by(c.scheduled_for.desc(), c.conference_id).limit(limit).offset(offset)
    ).mappings()
    return [dict(r) for r in rows], int(total)


def list_action_items(
    conn: Connection, *, assignee: str | None, case_id: str | None, done: bool | None, limit: int
) -> list[dict[str, Any]]:
    """Action items under the filter, those due soonest first (undated last)."""
    a = action_items.c
    clauses: list[Any] = []
    if assignee is not None:
        clauses.append(a.assignee == assignee)
    if case_id is not None:
        clauses.append(a.case_id == case_id)
    if done is not None:
        clauses.append(a.done == done)
    rows = conn.execute(
        select(action_items)
        .where(and_(true(), *clauses))
        .order_by(a.due_on.is_(None), a.due_on, a.action_id)
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows]


def due_reviews(conn: Connection, *, until: date, case_id: str | None, limit: int) -> list[dict[str, Any]]:
    """Reviews due on or before ``until``, soonest first."""
    r = reviews.c
    clauses: list[Any] = [r.due_on <= until.isoformat()]
    if case_id is not None:
        clauses.append(r.case_id == case_id)
    rows = conn.execute(select(reviews).where(and_(*clauses)).order_by(r.due_on, r.review_id).limit(limit)).mappings()
    return [dict(x) for x in rows]
