"""The projection: one handler per event type, each a pure function ``(rows, fact) -> None``.

A handler turns one event into rows of the read-model tables (:mod:`.adapters.readmodel`); it
reads no state, so the projection is order-free and replay-deterministic. Adding an event type
(the districts' and conferences' events to come) is one function and one line in
:data:`HANDLERS`::

    def _meeting_held(rows: Rows, fact: Fact) -> None:
        rows.add(rm.conferences, event_id=fact.id, ...)

    HANDLERS["conferences.MeetingHeld"] = _meeting_held

:data:`ALWAYS` handlers see every event (the case timeline, district assignment).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, NamedTuple

import orjson

from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.readmodel import Rows, ts
from shared.envelope import Envelope, header_text

__all__ = ["ALWAYS", "HANDLERS", "Fact", "Handler", "LinkEdge", "link_edge", "project"]

_JST = timezone(timedelta(hours=9), "JST")

ACCESS_PREFIX = "access."
"""Access-trail events (shared.access.PersonalDataRead): archived, never part of a case's timeline."""

INTAKE_REACHED = frozenset({"solved", "connected_to_service", "referred_outside"})
"""Intake closure outcomes that count as having reached a service (others go on 要フォロー)."""


class Fact(NamedTuple):
    """One event as the projection sees it (from a live :class:`Envelope` or a raw Kafka record).

    A named tuple rather than a frozen dataclass: a rebuild makes one per event, and a tuple is
    several times cheaper to build; it is just as immutable.
    """

    id: str
    source: str
    type: str
    time: datetime
    caseid: str
    subject: str
    streamversion: int
    actor_id: str
    actor_department: str
    actor_role: str
    data: dict[str, Any]
    actor_name: str | None = None

    @classmethod
    def of(cls, env: Envelope) -> Fact:
        return cls(
            id=env.id,
            source=env.source,
            type=env.type,
            time=env.time,
            caseid=env.caseid,
            subject=env.subject,
            streamversion=env.streamversion,
            actor_id=env.actor.staff_id,
            actor_department=env.actor.department,
            actor_role=env.actor.role,
            data=dict(env.data),
            actor_name=env.actor.name,
        )

    @classmethod
    def from_record(cls, headers: Sequence[tuple[str, bytes]], value: bytes | None) -> Fact:
        """The fast path of a rebuild: CloudEvents binary-mode headers straight to a fact."""
        attrs = header_text(headers)
        data = _orjson_loads(value or b"{}")
        if not isinstance(data, dict):
            raise ValueError("record value must be a JSON object")
        try:
            return cls(
                attrs["ce_id"],
                attrs["ce_source"],
                attrs["ce_type"],
                _fromisoformat(attrs["ce_time"]),
                attrs["ce_caseid"],
                attrs["ce_subject"],
                int(attrs.get("ce_streamversion", "0")),
                attrs["ce_actorid"],
                attrs["ce_actordept"],
                attrs["ce_actorrole"],
                data,
                attrs.get("ce_actorname"),
            )
        except KeyError as missing:  # named as before: the attribute, without the header prefix
            raise KeyError(str(missing.args[0]).removeprefix("ce_")) from None

    def when(self, key: str) -> str:
        """The event's own domain time field as fixed-width UTC text, else its recording time."""
        value = self.data.get(key)
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                moment = self.time
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return ts(moment)
        return ts(self.time)


Handler = Callable[[Rows, Fact], None]

_fromisoformat = datetime.fromisoformat
_orjson_dumps, _orjson_loads, _SORTED = orjson.dumps, orjson.loads, orjson.OPT_SORT_KEYS
_canonical_encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _canonical(data: dict[str, Any]) -> str:
    """``json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` by orjson (five
    times faster; a float may be spelled differently, e.g. ``1e-7`` for ``1e-07``, the same number).
    What orjson refuses (an integer beyond 64 bits, a key that is not text) goes through json."""
    try:
        return _orjson_dumps(data, option=_SORTED).decode()
    except TypeError:  # orjson.JSONEncodeError
        return _canonical_encoder.encode(data)


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
        data=_canonical(f.data),
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


# -- districts: the monthly schedule (地域事業) and the resources of a district ---------------------


def _district_event_scheduled(rows: Rows, f: Fact) -> None:
    d = f.data
    rows.add(
        rm.district_events,
        event_id=f.id,
        schedule_id=d["event_id"],
        district_id=d["district_id"],
        held_on=str(d["held_on"])[:10],
        kind=d["kind"],
        at=f.when("scheduled_at"),
    )


def _district_event_step(when: str) -> Handler:
    """A department marking whether it handles a scheduled event, or its escalation (no department)."""

    def handler(rows: Rows, f: Fact) -> None:
        d = f.data
        marked = "handles" in d
        rows.add(
            rm.district_event_steps,
            event_id=f.id,
            schedule_id=d["event_id"],
            district_id=d["district_id"],
            step=("handles" if d["handles"] is True else "declines") if marked else "escalated",
            department=d["department"] if marked else None,
            at=f.when(when),
        )

    handler.__name__ = f"_district_event_{'marked' if when == 'marked_at' else 'escalated'}"
    return handler


def _district_registered(category: str, id_field: str) -> Handler:
    def handler(rows: Rows, f: Fact) -> None:
        d = f.data
        rows.add(
            rm.district_resources,
            event_id=f.id,
            district_id=d["district_id"],
            category=category,
            item_id=d[id_field],
            kind=d["kind"],
            at=f.when("registered_at"),
        )

    handler.__name__ = f"_district_{category}_registered"
    return handler


def _district_file(step: str, csw: str | None, text: str | None, when: str) -> Handler:
    def handler(rows: Rows, f: Fact) -> None:
        d = f.data
        rows.add(
            rm.district_files,
            event_id=f.id,
            district_id=d["district_id"],
            fiscal_year=int(d["fiscal_year"]),
            step=step,
            csw_id=d[csw] if csw else None,
            text=d[text] if text else None,
            at=f.when(when),
        )

    handler.__name__ = f"_district_file_{step}"
    return handler


# -- districts: the district issue accumulation (ケースの積み上げ) and the areas (圏域) -------------


def _meeting_issue(rows: Rows, f: Fact, issue: Mapping[str, Any]) -> None:
    """One issue of a network meeting, counted in the event's ``month``."""
    d = f.data
    rows.add(
        rm.district_issues,
        event_id=f.id,
        item_id=str(issue["issue_id"]),
        district_id=d["district_id"],
        month=str(d["month"]),
        source="meeting",
        category=str(issue["category"]),
        at=f.when("recorded_at"),
    )


def _network_meeting_held(rows: Rows, f: Fact) -> None:
    for issue in f.data.get("issues") or ():
        _meeting_issue(rows, f, issue)


def _network_meeting_issue_raised(rows: Rows, f: Fact) -> None:
    """An issue raised after the meeting counts in the month it was raised (JST day ``raised_on``)."""
    _meeting_issue(rows, f, f.data["issue"])


def _desk_consultation_taken(rows: Rows, f: Fact) -> None:
    d = f.data
    taken = f.when("taken_at")
    rows.add(
        rm.district_issues,
        event_id=f.id,
        item_id=str(d["consultation_id"]),
        district_id=d["district_id"],
        month=datetime.fromisoformat(taken.replace("Z", "+00:00")).astimezone(_JST).strftime("%Y-%m"),
        source="desk",
        category=str(d["issue_category"]),
        at=taken,
    )


def _area_defined(rows: Rows, f: Fact) -> None:
    d = f.data
    rows.add(
        rm.areas,
        event_id=f.id,
        area_id=d["area_id"],
        kind=d["kind"],
        parent_id=d.get("parent_id"),
        at=f.when("defined_at"),
    )
    _area_addresses(rows, f, d.get("name"), "defined_at")


def _area_addresses(rows: Rows, f: Fact, name: object = None, when: str = "changed_at") -> None:
    """The address prefixes of an area (not personal data: 町名・丁目 lists), replaced as a whole."""
    d = f.data
    rows.add(
        rm.area_prefixes,
        event_id=f.id,
        area_id=d["area_id"],
        name=str(name) if name else None,
        address_prefixes=_canonical_encoder.encode([str(p) for p in d.get("address_prefixes") or ()]),
        at=f.when(when),
    )


def _area_addresses_changed(rows: Rows, f: Fact) -> None:
    _area_addresses(rows, f)


# -- districts: monthly activity records (地区活動記録) and their approval -------------------------
# Codes, ids and times only: the entries, comments and reasons (x-personal-fields) stay in districts.

_ACTIVITY_WHEN = {
    "written": "written_at",
    "submitted": "submitted_at",
    "commented": "commented_at",
    "approved": "approved_at",
    "returned": "returned_at",
}


def _activity_step(step: str) -> Handler:
    def handler(rows: Rows, f: Fact) -> None:
        d = f.data
        kind = step
        if step == "approved":
            kind = "manager_approved" if d["step"] == "manager" else "approved"
        rows.add(
            rm.activity_records,
            event_id=f.id,
            record_id=d["record_id"],
            staff_id=d["staff_id"],
            author_name=d.get("author_name") if step == "written" else None,
            month=d["month"],
            step=kind,
            stream_version=f.streamversion,
            at=f.when(_ACTIVITY_WHEN[step]),
        )

    handler.__name__ = f"_activity_{step}"
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
    "districts.DistrictEventScheduled": _district_event_scheduled,
    "districts.DistrictEventCoverageMarked": _district_event_step("marked_at"),
    "districts.DistrictEventEscalated": _district_event_step("escalated_at"),
    "districts.LocalResourceRegistered": _district_registered("resource", "resource_id"),
    "districts.HelperRegistered": _district_registered("helper", "helper_id"),
    "districts.DistrictFileOpened": _district_file("opened", "csw_id", "goal", "opened_at"),
    "districts.DistrictCswAssigned": _district_file("csw", "csw_id", None, "assigned_at"),
    "districts.DistrictGoalEvaluated": _district_file("evaluated", None, "evaluation", "evaluated_at"),
    "districts.NetworkMeetingHeld": _network_meeting_held,
    "districts.NetworkMeetingIssueRaised": _network_meeting_issue_raised,
    "districts.DeskConsultationTaken": _desk_consultation_taken,
    "districts.AreaDefined": _area_defined,
    "districts.AreaAddressesChanged": _area_addresses_changed,
    "districts.ActivityRecordWritten": _activity_step("written"),
    "districts.ActivityRecordSubmitted": _activity_step("submitted"),
    "districts.ActivityRecordCommented": _activity_step("commented"),
    "districts.ActivityRecordApproved": _activity_step("approved"),
    "districts.ActivityRecordReturned": _activity_step("returned"),
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
