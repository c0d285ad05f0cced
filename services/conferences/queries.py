"""Conferences' queries: one conference as a viewer may see it, lists of conferences, action items, reviews.

Special-care details (purpose, summary, decisions, the person's wishes, action item descriptions)
are shown to conferences staff; other departments see them only when the conference
recorded a basis for sharing (statutory or consent), else the fields are ``None`` and named in
``redacted`` so a screen can say 非開示.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.conferences.adapters import rows
from services.conferences.domain.conference import ConferenceState
from services.conferences.domain.errors import ConferenceNotFound
from services.conferences.handlers import CONFERENCE, CONFERENCE_FOLD
from shared.access import reads_details
from shared.envelope import Actor
from shared.referrals import projection as referral_projection
from shared.service import ServiceKit

__all__ = ["action_items", "conference_detail", "due_reviews", "list_conferences", "sees_details"]

_PERSONAL = ("purpose", "summary", "decisions", "person_wishes")


def sees_details(state: ConferenceState, viewer: Actor, requested_by: str | None = None) -> bool:
    """Conferences staff always; another department only when the meeting was held on a basis and
    that department asked for it, took part or was assigned its work
    (:meth:`ConferenceState.shared_with`); in either case only roles that read details
    (:func:`shared.access.reads_details`)."""
    return reads_details(viewer) and viewer.department in state.shared_with(requested_by)


def conference_detail(kit: ServiceKit, conference_id: str, viewer: Actor) -> dict[str, Any]:
    with kit.engine.connect() as conn:
        envelopes = kit.store.read_stream(conn, CONFERENCE.stream(conference_id))
        state = CONFERENCE_FOLD.run(envelopes)
        request = referral_projection.load_state(conn, state.referral_id) if state.referral_id else None
        conn.rollback()
    if state.conference_id is None:
        raise ConferenceNotFound(f"no conference {conference_id!r} was scheduled", field="conference_id")
    requested_by = request.made.source_department if request is not None and request.made is not None else None
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
                "action_id": a.action_id,
                "description": a.description if shown else None,
                "assignee_kind": a.assignee_kind,
                "assignee": a.assignee,
                "due_on": a.due_on.isoformat() if a.due_on else None,
                "done": a.done,
                "completed_at": a.completed_at.isoformat() if a.completed_at else None,
                "completed_by_department": a.completed_by_department,
            }
            for a in state.action_items
        ],
        "reviews": [
            {"review_id": r.review_id, "due_on": r.due_on.isoformat(), "purpose": r.purpose} for r in state.reviews
        ],
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
    with kit.engine.connect() as conn:
        items, total = rows.list_conferences(
            conn, case_id=case_id, kind=kind, status=status, limit=limit, offset=offset
        )
        conn.rollback()
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def action_items(
    kit: ServiceKit, *, assignee: str | None, case_id: str | None, done: bool | None, limit: int
) -> dict[str, Any]:
    with kit.engine.connect() as conn:
        items = rows.list_action_items(conn, assignee=assignee, case_id=case_id, done=done, limit=limit)
        conn.rollback()
    return {"items": items}


def due_reviews(kit: ServiceKit, *, until: date, case_id: str | None, limit: int) -> dict[str, Any]:
    with kit.engine.connect() as conn:
        items = rows.due_reviews(conn, until=until, case_id=case_id, limit=limit)
        conn.rollback()
    return {"items": items}
