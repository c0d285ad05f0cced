"""Conferences' queries: one conference as a viewer may see it, lists of conferences, action items, reviews.

Special-care details (purpose, summary, decisions, the person's wishes, action item descriptions)
are shown to conferences staff; other departments see them only when the conference
recorded a basis for sharing (statutory or consent), else the fields are ``None`` and named in
``redacted`` so a screen can say 非開示.

A case-study meeting (事例検討会) is open to all staff: its presented cases (written without
identifying details) and the advice on them are shown to every staff member who reads details; the
known case a presented case links to only to those who see the meeting's details and to the
department that presented it.

The minutes for one participant (:func:`minutes_for`) show a participant from outside the council
the details only on a statutory or consent basis and once their secrecy undertaking is recorded
(:func:`services.conferences.domain.secrecy.participant_sees_details`); otherwise the details are
withheld and the reason says what is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection

from services.conferences.adapters import rows
from services.conferences.domain.conference import ConferenceState, StudyCase
from services.conferences.domain.secrecy import participant_sees_details
from services.conferences.domain.values import OUTSIDE_KINDS
from services.conferences.handlers import CONFERENCE, CONFERENCE_FOLD
from shared.access import reads_details
from shared.db import reading
from shared.envelope import Actor, Envelope
from shared.errors import InvalidCommand
from shared.pages import page
from shared.referrals import projection as referral_projection
from shared.service import ServiceKit

__all__ = ["action_items", "conference_detail", "due_reviews", "list_conferences", "minutes_for", "sees_details"]

_PERSONAL = ("purpose", "summary", "decisions", "person_wishes")
T = TypeVar("T")


def _read(kit: ServiceKit, query: Callable[..., T], *args: Any, **filters: Any) -> T:
    """``query(conn, *args, **filters)`` on a connection of its own, which writes nothing."""
    with reading(kit.engine) as conn:
        result = query(conn, *args, **filters)
    return result


def sees_details(state: ConferenceState, viewer: Actor, requested_by: str | None = None) -> bool:
    """Conferences staff always; another department only when the meeting was held on a basis and
    that department asked for it, took part or was assigned its work
    (:meth:`ConferenceState.shared_with`); in either case only roles that read details
    (:func:`shared.access.reads_details`)."""
    return reads_details(viewer) and viewer.department in state.shared_with(requested_by)


def _requested_by(conn: Connection, state: ConferenceState) -> str | None:
    """The department whose referral asked for the meeting (it reads the minutes on a basis)."""
    return _request(conn, state)[0]


def _request(conn: Connection, state: ConferenceState) -> tuple[str | None, str | None]:
    """(source department, status) of the referral that asked for the meeting, if one did."""
    request = referral_projection.load_state(conn, state.referral_id) if state.referral_id else None
    if request is None or request.made is None:
        return None, None
    return request.made.source_department, request.status.value


def _staff_names(envelopes: list[Envelope]) -> dict[str, str]:
    """staff id → display name, as the sign-in of each who recorded something on the stream gave it."""
    return {e.actor.staff_id: e.actor.name for e in envelopes if e.actor.name}


def _referral_statuses(conn: Connection, state: ConferenceState) -> dict[str, tuple[str, str]]:
    """action id → (referral id, status) of the items that became referrals to other departments."""
    found: dict[str, tuple[str, str]] = {}
    for item in state.action_items:
        referral_id = rows.referral_of(item)
        if referral_id is None:
            continue
        referral = referral_projection.load_state(conn, referral_id)
        if referral is not None and referral.made is not None:
            found[item.action_id] = (referral_id, referral.status.value)
    return found


def _study_case(case: StudyCase, viewer: Actor, shown: bool) -> dict[str, Any]:
    """A presented case as ``viewer`` may see it: every staff member who reads details reads the
    (anonymised) summary and advice; the linked case id only the meeting's readers and its presenters."""
    reads = reads_details(viewer)
    links = shown or (reads and viewer.department == case.presented_by_department)
    return {
        "study_case_id": case.study_case_id,
        "discussed_case_id": case.discussed_case_id if links else None,
        "summary": case.summary if reads else None,
        "reached_service": case.reached_service,
        "presented_by": case.presented_by,
        "presented_by_department": case.presented_by_department,
        "advice": [
            {
                "adviser_name": a.adviser_name,
                "adviser_organisation": a.adviser_organisation,
                "expertise": a.expertise,
                "advice": a.advice if reads else None,
                "recorded_at": a.recorded_at.isoformat(),
                "recorded_by": a.recorded_by,
            }
            for a in case.advice
        ],
    }


def _undertakings(state: ConferenceState, names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "participant_name": u.participant_name,
            "organisation": u.organisation,
            "participant_kind": u.participant_kind,
            "undertaken_on": u.undertaken_on.isoformat(),
            "reference": u.reference,
            "recorded_at": u.recorded_at.isoformat(),
            "recorded_by": u.recorded_by,
            "recorded_by_name": names.get(u.recorded_by),
        }
        for u in state.undertakings
    ]


def conference_detail(kit: ServiceKit, conference_id: str, viewer: Actor) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        envelopes = kit.store.read_stream(conn, CONFERENCE.stream(conference_id))
        state = CONFERENCE_FOLD.run(envelopes)
        requested_by, request_status = _request(conn, state)
        referrals = _referral_statuses(conn, state)
    if not CONFERENCE.found(state):
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
        "referral_status": request_status,
        "referral_from": requested_by,
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
                "note": a.note if shown else None,
                "completed_by_department": a.completed_by_department,
                "referral_id": referrals.get(a.action_id, (None, None))[0],
                "referral_status": referrals.get(a.action_id, (None, None))[1],
            }
            for a in state.action_items
        ],
        "reviews": [{**rows.review_fields(r), "purpose": r.purpose if shown else None} for r in state.reviews],
        "undertakings": _undertakings(state, _staff_names(envelopes)),
        "study_cases": [_study_case(c, viewer, shown) for c in state.study_cases],
        "version": envelopes[-1].streamversion,
        "redacted": [],
    }
    if not shown:
        for name in _PERSONAL:
            view[name] = [] if name == "decisions" else None
        view["redacted"] = [*_PERSONAL, "action_items.description", "action_items.note", "reviews.purpose"]
    return view


def minutes_for(kit: ServiceKit, conference_id: str, participant_name: str, organisation: str) -> dict[str, Any]:
    """議事録 (送付用): what the minutes may show one participant, decided by the meeting's basis and
    the participant's secrecy undertaking; withheld details are ``None`` (decisions: empty) and named
    in ``redacted``, ``withheld_because`` says why."""
    with reading(kit.engine) as conn:
        envelopes = kit.store.read_stream(conn, CONFERENCE.stream(conference_id))
    state = CONFERENCE_FOLD.run(envelopes)
    if not CONFERENCE.found(state):
        raise CONFERENCE.not_found(conference_id)
    participant = next(
        (p for p in state.participants if p.name == participant_name and p.organisation == organisation), None
    )
    if participant is None:
        raise InvalidCommand(
            f"{participant_name} ({organisation}) is not a participant of conference {conference_id}: name one "
            "as recorded in the minutes",
            field="participant_name",
            reason="not_a_participant",
        )
    shown = participant_sees_details(state, participant)
    undertaking = state.undertaking_of(participant.name, participant.organisation)
    reason = None
    if not shown:
        reason = (
            "no secrecy undertaking (守秘義務) recorded for this participant"
            if undertaking is None
            else "the meeting was held on no basis for sharing the case (支援会議 or the person's consent)"
        )
    outside = participant.kind in OUTSIDE_KINDS
    view: dict[str, Any] = {
        "conference_id": state.conference_id,
        "kind": state.kind,
        "status": state.status,
        "held_at": state.held_at.isoformat() if state.held_at else None,
        "participant": participant.model_dump(),
        "undertaking_recorded": undertaking is not None,
        "basis": state.basis.model_dump(),
        "details_shown": shown,
        "withheld_because": reason,
        "case_id": state.case_id if shown and not outside else None,
        "purpose": state.purpose if shown else None,
        "summary": state.summary if shown else None,
        "decisions": list(state.decisions) if shown else [],
        "person_wishes": state.person_wishes if shown else None,
        "action_items": [
            {
                "assignee_kind": a.assignee_kind,
                "assignee": a.assignee,
                "due_on": a.due_on.isoformat() if a.due_on else None,
                "description": a.description if shown else None,
            }
            for a in state.action_items
        ],
        "study_cases": [
            {
                "summary": c.summary if shown else None,
                "reached_service": c.reached_service,
                "advice": [
                    {"adviser_name": a.adviser_name, "expertise": a.expertise, "advice": a.advice if shown else None}
                    for a in c.advice
                ],
            }
            for c in state.study_cases
        ],
        "redacted": []
        if shown
        else [*_PERSONAL, "action_items.description", "study_cases.summary", "study_cases.advice"],
    }
    return view


def list_conferences(
    kit: ServiceKit, *, case_id: str | None, kind: str | None, status: str | None, limit: int, offset: int
) -> dict[str, Any]:
    items, total = _read(
        kit, rows.list_conferences, case_id=case_id, kind=kind, status=status, limit=limit, offset=offset
    )
    return page(items, total, limit, offset)


def action_items(
    kit: ServiceKit, viewer: Actor, *, assignee: str | None, case_id: str | None, done: bool | None, limit: int
) -> dict[str, Any]:
    """Action items under the filter, each with what is to be done when the viewer may read its
    conference's details (:func:`sees_details`), else ``description`` is ``None`` and named in the
    row's ``redacted`` (so the assigned department reads its own work in the list)."""
    with reading(kit.engine) as conn:
        items = rows.list_action_items(conn, assignee=assignee, case_id=case_id, done=done, limit=limit)
        states = _conferences_of(kit, conn, items, viewer)
        referrals: dict[str, tuple[str, str]] = {}
        for state, _ in states.values():
            referrals.update(_referral_statuses(conn, state))
    listed = []
    for item in items:
        state, shown = states[str(item["conference_id"])]
        spec = state.action_item(str(item["action_id"]))
        referral_id, referral_status = referrals.get(str(item["action_id"]), (None, None))
        listed.append(
            {
                **item,
                "description": spec.description if spec is not None and shown else None,
                "note": spec.note if spec is not None and shown else None,
                "referral_id": referral_id,
                "referral_status": referral_status,
                "redacted": [] if shown else ["description", "note"],
            }
        )
    return {"items": listed}


def _conferences_of(
    kit: ServiceKit, conn: Connection, items: list[dict[str, Any]], viewer: Actor
) -> dict[str, tuple[ConferenceState, bool]]:
    """The conference of each listed row, and whether ``viewer`` reads its details (:func:`sees_details`)."""
    states: dict[str, tuple[ConferenceState, bool]] = {}
    for conference_id in dict.fromkeys(str(i["conference_id"]) for i in items):
        state = CONFERENCE_FOLD.run(kit.store.read_stream(conn, CONFERENCE.stream(conference_id)))
        states[conference_id] = (state, sees_details(state, viewer, _requested_by(conn, state)))
    return states


def due_reviews(kit: ServiceKit, viewer: Actor, *, until: date, case_id: str | None, limit: int) -> dict[str, Any]:
    """Reviews due by ``until``; what each is for only to a viewer who reads its conference's details,
    else ``purpose`` is ``None`` and named in the row's ``redacted``."""
    with reading(kit.engine) as conn:
        items = rows.due_reviews(conn, until=until, case_id=case_id, limit=limit)
        states = _conferences_of(kit, conn, items, viewer)
    return {
        "items": [
            i if states[str(i["conference_id"])][1] else {**i, "purpose": None, "redacted": ["purpose"]} for i in items
        ]
    }
