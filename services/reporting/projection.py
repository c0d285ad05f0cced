"""The projection: one handler per event type, each a pure function ``(rows, fact) -> None``.

A handler turns one event into rows of the read-model tables (:mod:`.adapters.readmodel`); it
reads no state, so the projection is order-free and replay-deterministic. Adding an event type
(the districts' and conferences' events to come) is one function and one line in
:data:`HANDLERS`::

    def _meeting_held(rows: Rows, fact: Fact) -> None:
        rows.add(rm.conferences, event_id=fact.id, ...)

    HANDLERS["conferences.MeetingHeld"] = _meeting_held

:data:`ALWAYS` handlers see every event (the case timeline, district assignment). The fact and the
handler type are in :mod:`.facts`; the districts' handlers (地区) are in :mod:`.district_projection`,
whose :data:`~.district_projection.DISTRICT_HANDLERS` this table takes in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.readmodel import ts
from services.reporting.adapters.rows import Rows
from services.reporting.district_projection import DISTRICT_HANDLERS
from services.reporting.facts import Fact, Handler, canonical_json

__all__ = ["ALWAYS", "HANDLERS", "LinkEdge", "link_edge", "project"]

ACCESS_PREFIX = "access."
"""Access-trail events (shared.access.PersonalDataRead): archived, never part of a case's timeline."""

INTAKE_REACHED = frozenset({"solved", "connected_to_service", "referred_outside"})
"""Intake closure outcomes that count as having reached a service (others go on 要フォロー)."""


# -- every event -----------------------------------------------------------------------------


def _timeline(rows: Rows, f: Fact) -> None:
    if f.type.startswith(ACCESS_PREFIX):
        return  # the access trail is read by the access log (from the archive), not shown as case history
    rows.add(
        rm.timeline,
        event_id=f.id,
        case_id=f.caseid,
        at=ts(f.time),
        source=f.source,
        type=f.type,
        subject=f.subject,
        stream_version=f.streamversion,
        actor_id=f.actor_id,
        actor_department=f.actor_department,
        actor_role=f.actor_role,
        actor_name=f.actor_name,
        data=canonical_json(f.data),
    )


def _district(rows: Rows, f: Fact) -> None:
    # Districts' events are still to come; any event naming a district places its case there.
    district = f.data.get("district_id")
    if isinstance(district, str) and district:
        rows.add(rm.case_districts, event_id=f.id, case_id=f.caseid, district_id=district, at=ts(f.time))


# -- case identity ---------------------------------------------------------------------------

LinkEdge = tuple[str, str, str]  # (a, b, kind): kind "same" folds two ids into one case; "member" joins a household


def link_edge(event_type: str, data: dict[str, Any]) -> LinkEdge | None:
    if event_type == "registry.PersonRecordsLinked":
        return str(data["person_id"]), str(data["duplicate_person_id"]), "same"
    if event_type == "intake.SubjectIdentified":
        return str(data["case_id"]), str(data["provisional_case_id"]), "same"
    if event_type == "registry.MemberJoinedHousehold":
        return str(data["household_id"]), str(data["person_id"]), "member"
    return None


def _link(rows: Rows, f: Fact) -> None:
    edge = link_edge(f.type, f.data)
    if edge is not None:
        rows.add(rm.links, event_id=f.id, a=edge[0], b=edge[1], kind=edge[2], at=ts(f.time))


# -- loans: the seed's tables 1–3 --------------------------------------------------------------


def _loan_opened(rows: Rows, f: Fact) -> None:
    d = f.data
    at = f.when("opened_at")
    rows.add(
        rm.loan_consultations,
        consultation_id=d["consultation_id"],
        household_id=d["household_id"],
        opened_at=at,
        fund_type=d["fund_type"],
        kind=d["kind"],
        initial=bool(d["initial"]),
    )
    rows.add(
        rm.loan_contacts,
        event_id=f.id,
        consultation_id=d["consultation_id"],
        at=at,
        fund_type=d["fund_type"],
        kind=d["kind"],
    )
    _issues(rows, f, d.get("issues") or (), d["consultation_id"], at)


def _loan_contact(rows: Rows, f: Fact) -> None:
    d = f.data
    rows.add(
        rm.loan_contacts,
        event_id=f.id,
        consultation_id=d["consultation_id"],
        at=f.when("contacted_at"),
        fund_type=d["fund_type"],
        kind=d["kind"],
    )


def _issues(rows: Rows, f: Fact, categories: Sequence[str], consultation_id: str, at: str) -> None:
    for category in dict.fromkeys(categories):
        rows.add(
            rm.issues,
            event_id=f.id,
            category=category,
            department=f.source,
            consultation_id=consultation_id,
            case_id=f.caseid,
            at=at,
        )


def _loan_issues(rows: Rows, f: Fact) -> None:
    _issues(rows, f, f.data.get("issues") or (), f.data["consultation_id"], f.when("recorded_at"))


def _loan_response(rows: Rows, f: Fact) -> None:
    d = f.data
    rows.add(
        rm.loan_responses,
        event_id=f.id,
        consultation_id=d["consultation_id"],
        response=d["response"],
        at=f.when("recorded_at"),
    )


def _loan_closed(rows: Rows, f: Fact) -> None:
    d = f.data
    rows.add(
        rm.closures,
        event_id=f.id,
        department=f.source,
        consultation_id=d["consultation_id"],
        case_id=f.caseid,
        at=f.when("closed_at"),
        outcome=str(d.get("outcome") or ""),
        reached_service=bool(d["reached_service"]),
    )


def _loan_denied(rows: Rows, f: Fact) -> None:
    rows.add(
        rm.denials, event_id=f.id, application_id=f.data["application_id"], case_id=f.caseid, at=f.when("denied_at")
    )


# -- intake ----------------------------------------------------------------------------------


def _intake_opened(rows: Rows, f: Fact) -> None:
    _issues(rows, f, f.data.get("issues") or (), f.data["consultation_id"], f.when("opened_at"))


def _intake_assessed(rows: Rows, f: Fact) -> None:
    _issues(rows, f, f.data.get("issues_added") or (), f.data["consultation_id"], f.when("assessed_at"))


def _intake_closed(rows: Rows, f: Fact) -> None:
    outcome = str(f.data["outcome"])
    rows.add(
        rm.closures,
        event_id=f.id,
        department=f.source,
        consultation_id=f.data["consultation_id"],
        case_id=f.caseid,
        at=f.when("closed_at"),
        outcome=outcome,
        reached_service=outcome in INTAKE_REACHED,
    )


# -- referrals -------------------------------------------------------------------------------


def _referral_step(step: str) -> Handler:
    def handler(rows: Rows, f: Fact) -> None:
        d = f.data
        made = step == "made"
        rows.add(
            rm.referral_steps,
            event_id=f.id,
            referral_id=d["referral_id"],
            step=step,
            at=f.when("at"),
            case_id=d.get("case_id") if made else None,
            source_department=d.get("source_department") if made else None,
            target=d.get("target") if made else None,
            deadline=f.when("deadline") if made else None,
            cause_event_id=d.get("cause_event_id") if made else None,
        )

    handler.__name__ = f"_referral_{step}"
    return handler


ALWAYS: tuple[Handler, ...] = (_timeline, _district)

HANDLERS: dict[str, Handler] = {
    "registry.PersonRecordsLinked": _link,
    "registry.MemberJoinedHousehold": _link,
    "intake.SubjectIdentified": _link,
    "intake.ConsultationOpened": _intake_opened,
    "intake.AssessmentRecorded": _intake_assessed,
    "intake.ConsultationClosed": _intake_closed,
    "loans.LoanConsultationOpened": _loan_opened,
    "loans.LoanContactRecorded": _loan_contact,
    "loans.HouseholdIssuesRecorded": _loan_issues,
    "loans.ResponseRecorded": _loan_response,
    "loans.LoanConsultationClosed": _loan_closed,
    "loans.LoanApplicationDenied": _loan_denied,
    "referral.ReferralMade": _referral_step("made"),
    "referral.ReferralAccepted": _referral_step("accepted"),
    "referral.ReferralDeclined": _referral_step("declined"),
    "referral.ReferralCompleted": _referral_step("completed"),
    "referral.ReferralOutcomeRecorded": _referral_step("completed"),
    "referral.ReferralCancelled": _referral_step("cancelled"),
    "referral.ReferralExpired": _referral_step("expired"),
    **DISTRICT_HANDLERS,
}


def project(rows: Rows, fact: Fact) -> None:
    """Every row ``fact`` contributes to the read models. Raises on a malformed payload, adding nothing."""
    handlers = ALWAYS
    specific = HANDLERS.get(fact.type)
    if specific is not None:
        handlers = (*ALWAYS, specific)
    try:
        for handler in handlers:  # straight into ``rows``: no scratch set per event on a rebuild's hot path
            handler(rows, fact)
    except Exception:
        # Handlers are pure, so a rerun into a scratch set shows what the failed run had added: take it back.
        scratch = Rows()
        try:
            for handler in handlers:
                handler(scratch, fact)
        except Exception:  # the same failure again, as expected; the original is re-raised below
            pass
        rows.discard_tail(scratch)
        raise
