"""Intake's queries: the views the departmental front-end lists, searches and opens.

Special-care personal data (要配慮個人情報) is shown to intake staff only; other departments get
the same shape with those fields ``None`` and named in ``redacted``, so a screen can say 非開示.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from services.intake.adapters import consents as consent_rows
from services.intake.adapters import consultations as consultation_rows
from services.intake.adapters import registry
from services.intake.domain.events import (
    INTAKE_EVENTS,
    AssessmentRecorded,
    ConsultationClosed,
    ConsultationOpened,
    ContactRecorded,
    FollowUpScheduled,
    SupervisorCommentAcknowledged,
    SupervisorCommentAdded,
    SupportPlanSet,
)
from services.intake.handlers import CONSENTS, CONSULTATION, CONSULTATION_FOLD, HOUSEHOLD, PERSON
from shared.access import reads_own_records
from shared.consent import Consent, consent_in_force, withhold_sensitive_codes
from shared.db import reading
from shared.envelope import Actor
from shared.errors import NotFound
from shared.pages import page
from shared.reference import load_code_lists
from shared.referrals.desk import ReferralDesk
from shared.registry.events import PERSON_DETAIL_FIELDS
from shared.service import ServiceKit

__all__ = [
    "consent_ledger",
    "consultation_detail",
    "due_follow_ups",
    "household_view",
    "list_consultations",
    "list_households",
    "person_view",
    "search_people",
]

DETAIL_DEPARTMENTS = frozenset({"intake"})
"""Departments whose staff see special-care person details in intake's views."""


def sees_details(viewer: Actor) -> bool:
    return any(reads_own_records(viewer, department) for department in DETAIL_DEPARTMENTS)


def _stream_version(kit: ServiceKit, conn: Connection, stream: str) -> int:
    envelopes = kit.store.read_stream(conn, stream)
    return envelopes[-1].streamversion if envelopes else 0


def _person(conn: Connection, row: dict[str, Any], viewer: Actor, kit: ServiceKit) -> dict[str, Any]:
    person_id = str(row["person_id"])
    group = registry.person_group(conn, person_id)
    view: dict[str, Any] = {
        "person_id": person_id,
        "case_id": row["canonical_id"],
        "linked_person_ids": [p for p in group if p != person_id],
        "registered_by_service": row["registered_by_service"],
        "registered_at": row["registered_at"],
        "households": [
            {k: m[k] for k in ("household_id", "person_id", "relationship", "joined_on", "left_on")}
            for m in registry.households_of(conn, group)
        ],
        "version": _stream_version(kit, conn, PERSON.stream(person_id)),
    }
    redacted: list[str] = []
    for name in PERSON_DETAIL_FIELDS:
        if sees_details(viewer):
            view[name] = row[name]
        else:
            view[name] = None
            if row[name] is not None:
                redacted.append(name)
    view["redacted"] = redacted
    return view


def person_view(kit: ServiceKit, person_id: str, viewer: Actor) -> dict[str, Any]:
    """本人: one person record with its linked records and households."""
    with reading(kit.engine) as conn:
        row = registry.get_person(conn, person_id)
        if row is None:
            raise NotFound(f"no person {person_id!r} is registered: search people first", field="person_id")
        view = _person(conn, row, viewer, kit)
    return view


def search_people(
    kit: ServiceKit,
    viewer: Actor,
    *,
    name: str | None,
    birth_date: date | None,
    address: str | None,
    phone: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """本人検索: one item per person (linked duplicate records appear once)."""
    with reading(kit.engine) as conn:
        rows, total = registry.search_people(
            conn,
            name=name,
            birth_date=birth_date.isoformat() if birth_date else None,
            address=address,
            phone=phone,
            limit=limit,
            offset=offset,
        )
        items = [_person(conn, r, viewer, kit) for r in rows]
    return page(items, total, limit, offset)


def _household(conn: Connection, row: dict[str, Any], viewer: Actor, kit: ServiceKit) -> dict[str, Any]:
    """世帯 as ``viewer`` may read it: each member's name (氏名) and the address only to intake's staff."""
    shown = sees_details(viewer)
    names = registry.names_of(conn, [m["person_id"] for m in row["members"]]) if shown else {}
    members = [
        {**{k: m[k] for k in ("person_id", "relationship", "joined_on", "left_on")}, "name": names.get(m["person_id"])}
        for m in row["members"]
    ]
    withheld = [] if shown else [f for f, held in (("address", row["address"]), ("members.name", members)) if held]
    return {
        "household_id": row["household_id"],
        "address": row["address"] if shown else None,
        "redacted": withheld,
        "registered_by_service": row["registered_by_service"],
        "registered_at": row["registered_at"],
        "members": [m for m in members if m["left_on"] is None],
        "former_members": [m for m in members if m["left_on"] is not None],
        "version": _stream_version(kit, conn, HOUSEHOLD.stream(str(row["household_id"]))),
    }


def household_view(kit: ServiceKit, household_id: str, viewer: Actor) -> dict[str, Any]:
    """世帯: the household, its current and former members."""
    with reading(kit.engine) as conn:
        row = registry.get_household(conn, household_id)
        if row is None:
            raise NotFound(f"no household {household_id!r} is registered", field="household_id")
        view = _household(conn, row, viewer, kit)
    return view


def list_households(
    kit: ServiceKit, viewer: Actor, *, address: str | None, person_id: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """世帯一覧: by address or member."""
    with reading(kit.engine) as conn:
        rows, total = registry.list_households(conn, address=address, person_id=person_id, limit=limit, offset=offset)
        items = [_household(conn, r, viewer, kit) for r in rows]
    return page(items, total, limit, offset)


def list_consultations(
    kit: ServiceKit,
    viewer: Actor,
    *,
    person_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
    **filters: Any,
) -> dict[str, Any]:
    """相談一覧: newest first, with counts by status; a person's list covers their linked records.

    Each row names its person (``subject_name``) for those who read intake's details; an auditor's
    rows withhold it (``redacted``)."""
    with reading(kit.engine) as conn:
        case_ids = registry.person_group(conn, person_id) if person_id else None
        flt = consultation_rows.ConsultationFilter(case_ids=case_ids, **filters)
        items, total, counts = consultation_rows.list_consultations(conn, flt, limit=limit, offset=offset)
        names = registry.names_of(conn, sorted({i["person_id"] for i in items if i["person_id"]}))
    shown = sees_details(viewer)
    for item in items:
        name = names.get(item["person_id"] or "")
        item["subject_name"] = name if shown else None
        item["redacted"] = ["subject_name"] if name and not shown else []
        if not shown:
            item["issues"], hidden = _without_sensitive_issues(item["issues"])
            item["redacted"] += hidden
    return page(
        items,
        total,
        limit,
        offset,
        counts={s: counts.get(s, 0) for s in ("open", "closed")},
    )


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def consultation_detail(
    kit: ServiceKit, consultation_id: str, viewer: Actor, desk: ReferralDesk | None = None
) -> dict[str, Any]:
    """相談記録: the whole consultation, folded from its stream, with the case's referrals."""
    with reading(kit.engine) as conn:
        envelopes = kit.store.read_stream(conn, CONSULTATION.stream(consultation_id))
    if not envelopes:
        raise NotFound(f"no consultation {consultation_id!r} was opened", field="consultation_id")
    events = [INTAKE_EVENTS.parse(e.type, e.schemaversion, e.data) for e in envelopes]
    state = CONSULTATION_FOLD.apply_all(CONSULTATION_FOLD.initial(), events)
    opened = next(e for e in events if isinstance(e, ConsultationOpened))
    closed = next((e for e in reversed(events) if isinstance(e, ConsultationClosed)), None)
    assert state.case_id is not None
    # Staff are named as the identity provider named them when they acted (ids are opaque).
    names = [e.actor.name for e in envelopes]
    commented = {e.comment_id: n for e, n in zip(events, names, strict=True) if isinstance(e, SupervisorCommentAdded)}
    acknowledged = {
        e.comment_id: n for e, n in zip(events, names, strict=True) if isinstance(e, SupervisorCommentAcknowledged)
    }
    view: dict[str, Any] = {
        "consultation_id": consultation_id,
        "case_id": state.case_id,
        "status": state.status,
        "person_id": state.person_id,
        "household_id": state.household_id,
        "subject_description": opened.subject_description,
        "source": opened.source,
        "source_detail": opened.source_detail,
        "channel": opened.channel,
        "issues": list(state.issues),
        "own_words": opened.own_words,
        "wishes": opened.wishes,
        "urgency": state.urgency,
        "urgency_reason": opened.urgency_reason,
        "isolated": state.isolated,
        "opened_at": _iso(opened.opened_at),
        "opened_by": opened.opened_by,
        "opened_by_name": names[0],
        "contact_count": state.contact_count,
        "contacts": [e.payload() for e in events if isinstance(e, ContactRecorded)],
        "assessment": state.assessment.payload() if state.assessment else None,
        "support_plan": state.plan.payload() if state.plan else None,
        "follow_ups": [
            {
                "follow_up_id": f.follow_up_id,
                "due_on": _iso(f.due_on),
                "purpose": f.purpose,
                "done": f.done,
                "done_by_contact_id": f.done_by_contact_id,
            }
            for f in state.follow_ups
        ],
        "supervisor_comments": [
            {
                "comment_id": c.comment_id,
                "reviewer_id": c.reviewer_id,
                "reviewer_name": commented.get(c.comment_id),
                "comment": c.comment,
                "added_at": _iso(c.added_at),
                "acknowledged_by": c.acknowledged_by,
                "acknowledged_by_name": acknowledged.get(c.comment_id) if c.acknowledged_by else None,
                "acknowledged_at": _iso(c.acknowledged_at),
            }
            for c in state.comments
        ],
        "unacknowledged_comments": len(state.unacknowledged_comments),
        "outcome": state.outcome,
        "closed_at": _iso(state.closed_at),
        "destination": closed.destination if closed and state.status == "closed" else None,
        "closing_note": closed.note if closed and state.status == "closed" else None,
        "referrals": _referrals(desk, viewer, state.case_id, state.household_id),
        "version": envelopes[-1].streamversion,
        "redacted": [],
    }
    return view if sees_details(viewer) else _withheld(view)


def _without_sensitive_issues(issues: list[str]) -> tuple[list[str], list[str]]:
    """The issue codes without the special-care ones (DV, illness, disability), and ``["issues"]``
    when one was withheld."""
    shown, hidden = withhold_sensitive_codes(
        {"issues": issues},
        ConsultationOpened.coded_fields,
        lambda code_list: load_code_lists().flagged(code_list, "sensitive"),
        redacted="",
    )
    return list(shown["issues"]), hidden


def _withheld(view: dict[str, Any]) -> dict[str, Any]:
    """相談記録 for a viewer who does not read intake's details (its auditors): codes, statuses and
    dates stay; the narratives the events mark personal, and special-care issue codes, are ``None``
    (or dropped) and named in ``redacted``, so the screen says 非開示 instead of showing nothing."""
    redacted = [f for f in sorted(ConsultationOpened.personal_fields) if view[f] is not None]
    for name in redacted:
        view[name] = None
    if view["closing_note"] is not None:
        view["closing_note"] = None
        redacted.append("closing_note")
    view["issues"], hidden = _without_sensitive_issues(view["issues"])
    if view["assessment"] and view["assessment"].get("issues"):
        view["assessment"]["issues"], in_assessment = _without_sensitive_issues(view["assessment"]["issues"])
        hidden = sorted({*hidden, *in_assessment})
    redacted += hidden
    for items, fields in (
        (view["contacts"], ContactRecorded.personal_fields),
        (view["supervisor_comments"], SupervisorCommentAdded.personal_fields),
        ([view["assessment"]] if view["assessment"] else [], AssessmentRecorded.personal_fields),
        ([view["support_plan"]] if view["support_plan"] else [], SupportPlanSet.personal_fields),
        (view["follow_ups"], FollowUpScheduled.personal_fields),
    ):
        for item in items:
            for name in sorted(fields):
                if item.get(name) is not None:
                    item[name] = None
                    if name not in redacted:
                        redacted.append(name)
    view["redacted"] = redacted
    return view


def _referrals(desk: ReferralDesk | None, viewer: Actor, case_id: str, household_id: str | None) -> list[Any]:
    """The case's referrals, and its household's (a desk refers a household: 家計相談 from loans)."""
    if desk is None:
        return []
    found = list(desk.for_case(case_id, viewer))
    if household_id and household_id != case_id:
        seen = {r["referral_id"] for r in found}
        found += [r for r in desk.for_case(household_id, viewer) if r["referral_id"] not in seen]
    return sorted(found, key=lambda r: str(r.get("made_at") or ""))


def consent_ledger(kit: ServiceKit, person_id: str) -> dict[str, Any]:
    """同意台帳: the person's consents (in force now or not) and statutory sharing records."""
    now = kit.clock.now()
    with reading(kit.engine) as conn:
        if registry.get_person(conn, person_id) is None:
            raise NotFound(f"no person {person_id!r} is registered", field="person_id")
        rows = consent_rows.ledger_rows(conn, [person_id])
        version = _stream_version(kit, conn, CONSENTS.stream(person_id))
        given, _ = consent_rows.records_for(conn, [person_id])
    in_force = {c.consent_id for c in given if _in_force(c, now)}
    records = [{**row, "in_force": row["record_id"] in in_force if row["kind"] == "consent" else True} for row in rows]
    return {"person_id": person_id, "records": records, "version": version}


def _in_force(consent: Consent, now: datetime) -> bool:
    return consent_in_force(consent, now)


def due_follow_ups(kit: ServiceKit, viewer: Actor, until: date, limit: int) -> dict[str, Any]:
    """フォローアップ予定: open consultations' follow-ups due by ``until``, each with whom it is about
    (``subject_name``, once identified); whom and what for (the event marks it personal) are withheld
    from a viewer who reads no details, and named in ``redacted``."""
    with reading(kit.engine) as conn:
        items = consultation_rows.due_follow_ups(conn, until=until, limit=limit)
        names = registry.names_of(conn, sorted({i["person_id"] for i in items if i["person_id"]}))
    if sees_details(viewer):
        items = [{**i, "subject_name": names.get(i["person_id"] or "")} for i in items]
    else:
        items = [
            {
                **i,
                "purpose": None,
                "redacted": sorted(
                    {*FollowUpScheduled.personal_fields, *(["subject_name"] if i["person_id"] in names else [])}
                ),
            }
            for i in items
        ]
    return {"items": items, "until": until.isoformat()}
