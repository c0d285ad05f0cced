"""Conference rows: written from the folded state after each command; lists for the screens."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, select

from services.conferences.adapters.tables import action_item_referrals, action_items, conferences, reviews
from services.conferences.domain.conference import (
    CONFERENCE_DEPARTMENT,
    ActionItem,
    ConferenceState,
    Review,
    action_item_referral_id,
)
from services.conferences.domain.values import OUTSIDE_KINDS
from shared.columns import put_row
from shared.pages import equal_to, page_of

__all__ = [
    "action_item_fields",
    "due_reviews",
    "item_of_referral",
    "list_action_items",
    "list_conferences",
    "referral_of",
    "review_fields",
    "save",
]


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
    put_row(conn, conferences, "conference_id", cid, values)
    owned = {"conference_id": cid, "case_id": state.case_id}
    _replace(conn, action_items, cid, [{**owned, **action_item_fields(a)} for a in state.action_items])
    _replace(conn, reviews, cid, [{**owned, **review_fields(r)} for r in state.reviews])
    referred = [
        {"referral_id": referral, "action_id": a.action_id, "conference_id": cid, "assignee": a.assignee}
        for a in state.action_items
        if (referral := referral_of(a)) is not None
    ]
    _replace(conn, action_item_referrals, cid, referred)


def referral_of(item: ActionItem) -> str | None:
    """The referral an action item became: one assigned to another council department."""
    if item.assignee_kind != "department" or item.assignee == CONFERENCE_DEPARTMENT:
        return None
    return action_item_referral_id(item.action_id)


def item_of_referral(conn: Connection, referral_id: str) -> dict[str, Any] | None:
    """The conference and action item a referral was made for, if it was made for one."""
    row = conn.execute(select(action_item_referrals).where(action_item_referrals.c.referral_id == referral_id))
    found = row.mappings().first()
    return dict(found) if found is not None else None


def action_item_fields(item: ActionItem) -> dict[str, Any]:
    """An action item's columns, as listed (``/action-items``) and shown in its conference."""
    return {
        "action_id": item.action_id,
        "assignee_kind": item.assignee_kind,
        "assignee": item.assignee,
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "done": item.done,
        "completed_at": item.completed_at.isoformat() if item.completed_at else None,
    }


def review_fields(review: Review) -> dict[str, Any]:
    return {"review_id": review.review_id, "due_on": review.due_on.isoformat(), "purpose": review.purpose}


def _replace(conn: Connection, table: Table, conference_id: str, rows: list[dict[str, Any]]) -> None:
    """The conference's rows in ``table`` become exactly ``rows``."""
    conn.execute(table.delete().where(table.c.conference_id == conference_id))
    if rows:
        conn.execute(table.insert(), rows)


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
    where = equal_to(conferences, case_id=case_id, kind=kind, status=status)
    c = conferences.c
    rows, total = page_of(conn, conferences, where, (c.scheduled_for.desc(), c.conference_id), limit, offset)
    return [dict(r) for r in rows], total


def list_action_items(
    conn: Connection, *, assignee: str | None, case_id: str | None, done: bool | None, limit: int
) -> list[dict[str, Any]]:
    """Action items under the filter, those due soonest first (undated last)."""
    a = action_items.c
    rows = conn.execute(
        select(action_items)
        .where(*equal_to(action_items, assignee=assignee, case_id=case_id, done=done))
        .order_by(a.due_on.is_(None), a.due_on, a.action_id)
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows]


def due_reviews(conn: Connection, *, until: date, case_id: str | None, limit: int) -> list[dict[str, Any]]:
    """Reviews due on or before ``until``, soonest first."""
    r = reviews.c
    where = [r.due_on <= until.isoformat(), *equal_to(reviews, case_id=case_id)]
    rows = conn.execute(select(reviews).where(*where).order_by(r.due_on, r.review_id).limit(limit)).mappings()
    return [dict(x) for x in rows]
