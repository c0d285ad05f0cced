"""Conferences' queries: one conference as a viewer may see it, lists of conferences, action items, reviews.

Special-care details (purpose, summary, decisions, the person's wishes, action item descriptions)
are shown to conferences staff; other departments see them only when the conference
recorded a basis for sharing (statutory or consent), else the fields are ``None`` and named in
``redacted`` so a screen can say 非開示.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection

from services.conferences.adapters import rows
from services.conferences.domain.conference import ConferenceState
from services.conferences.handlers import CONFERENCE, CONFERENCE_FOLD
from shared.access import reads_details
from shared.envelope import Actor
from shared.referrals import projection as referral_projection
from shared.service import ServiceKit

__all__ = ["action_items", "conference_detail", "due_reviews", "list_conferences", "sees_details"]

_PERSONAL = ("purpose", "summary", "decisions", "person_wishes")
T = TypeVar("T")


def _read(kit: ServiceKit, query: Callable[..., T], *args: Any, **filters: Any) -> T:
    """``query(conn, *args, **filters)`` on a connection of its own, which writes nothing."""
    with kit.engine.connect() as conn:
        result = query(conn, *args, **filters)
        conn.rollback()
    return result


def sees_details(state: ConferenceState, viewer: Actor, requested_by: str | None = None) -> bool:
    """Conferences staff always; another department only when the meeting was held on a basis and
    that department asked for it, took part or was assigned its work
    (:meth:`ConferenceState.shared_with`); in either case only roles that read details
    (:func:`shared.access.reads_details`)."""
    return reads_details(viewer) and viewer.department in state.shared_with(requested_by)


def _requested_by(conn: Connection, state: ConferenceState) -> str | None:
    """The department whose referral asked for the meeting (it reads the minutes on a basis)."""
    request = referral_projection.load_state(conn, state.referral_id) if state.referral_id else None
    return request.made.source_department if request is not None and request.made is not None else None


def conference_detail(kit: ServiceKit, conference_id: str, viewer: Actor) -> dict[str, Any]:
    with kit.engine.connect() as conn:
        envelopes = kit.store.read_stream(conn, CONFERENCE.stream(conference_id))
        state = CONFERENCE_FOLD.run(envelopes)
        requested_by = _requested_by(conn, state)
        conn.rollback()
    if not CONFERENCE.exists(state):
        raise CONFERENCE.not_found(conference_id)
    shown = sees_details(state, viewer, requested_by)
    view: dict[str, Any] = {
        "conference_id": state.conference_id,
        "case_id": state.case_id,
        "kind": state.kind,
        "status": state.status,
        "purpose": state.purpose,
        "scheduled_for": state.scheduled_for.isoformat() if state.scheduled_for else None,
        "referral_id": state.referral_id,
        "held_at": state.held_at.isoformat() if state.held_at else None,
        "participants": [p.model_dump() for p in state.participants],
        "basis": state.basis.model_dump(),
        "summary": state.summary,
        "decisions": list(state.decisions),
        "person_wishes": state.person_wishes,
        "action_items": [
            {
                **rows.action_item_fields(a),
                "description": a.description if shown else None,
                "completed_by_department": a.completed_by_department,
            }
            for a in state.action_items
        ],
        "reviews": [rows.review_fields(r) for r in state.reviews],
        "version": envelopes[-1].streamversion,
        "redacted": [],
    }
    if not shown:
        for name in _PERSONAL:
            view[name] = [] if name == "decisions" else None
        view["redacted"] = [*_PERSONAL, "action_items.description"]
    return view


def list_conferences(
    kit: ServiceKit, *, case_id: str | None, kind: str | None, status: str | None, limit: int, offset: int
) -> dict[str, Any]:
    items, total = _read(
        kit, rows.list_conferences, case_id=case_id, kind=kind, status=status, limit=limit, offset=offset
    )
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def action_items(
    kit: ServiceKit, viewer: Actor, *, assignee: str | None, case_id: str | None, done: bool | None, limit: int
) -> dict[str, Any]:
    """Action items under the filter, each with what is to be done when the viewer may read its
    conference's details (:func:`sees_details`), else ``description`` is ``None`` and named in the
    row's ``redacted`` (so the assigned department reads its own work in the list)."""
    with kit.engine.connect() as conn:
        items = rows.list_action_items(conn, assignee=assignee, case_id=case_id, done=done, limit=limit)
        states: dict[str, tuple[ConferenceState, bool]] = {}
        for conference_id in dict.fromkeys(str(i["conference_id"]) for i in items):
            state = CONFERENCE_FOLD.run(kit.store.read_stream(conn, CONFERENCE.stream(conference_id)))
            states[conference_id] = (state, sees_details(state, viewer, _requested_by(conn, state)))
        conn.rollback()
    listed = []
    for item in items:
        state, shown = states[str(item["conference_id"])]
        spec = state.action_item(str(item["action_id"]))
        description = spec.description if spec is not None and shown else None
        listed.append({**item, "description": description, "redacted": [] if shown else ["description"]})
    return {"items": listed}


def due_reviews(kit: ServiceKit, *, until: date, case_id: str | None, limit: int) -> dict[str, Any]:
    return {"items": _read(kit, rows.due_reviews, until=until, case_id=case_id, limit=limit)}
