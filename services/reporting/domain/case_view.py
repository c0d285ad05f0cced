"""The case view (ケースの全体像): one timeline of a person's or household's case across departments.

A pure fold over the case's events (from the read model, or from the archive for an "as of"
audit): the timeline, each department's current status, open referrals and the next follow-up.

District work (見守り, visits, salons, volunteer roles) and conferences (participants by kind,
decisions, action items, reviews) are first-class parts of the view (:mod:`.activities`).

What a viewer sees (要配慮個人情報): the personal fields of an event (its contract's
``x-personal-fields``) and the sensitive codes of its coded fields (``x-coded-fields``: a DV,
illness or disability issue code, a referral's reason category) are shown to the department that
recorded it, or to another department when the person's consent (or a statutory 支援会議 record)
names that department and the viewer's ``purpose`` at the moment of viewing —
:func:`shared.consent.disclosure_basis`. Otherwise personal fields read :data:`REDACTED` and
sensitive codes are withheld (:func:`shared.consent.withhold_sensitive_codes`). An event type
reporting does not know is redacted whole for other departments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from typing import Any, Literal

from pydantic import BaseModel

from services.reporting.domain.activities import (
    ActionItem,
    ConferenceEntry,
    DistrictWork,
    conferences,
    district_work,
    meeting_audiences,
)
from services.reporting.domain.areas import CaseArea
from shared.consent import Consent, Recipient, StatutoryRecord, disclosure_basis, withhold_sensitive_codes
from shared.dates import JST
from shared.envelope import Actor
from shared.referrals import REFERRAL_EVENTS, ReferralState, Status
from shared.referrals import apply as apply_referral

__all__ = [
    "REDACTED",
    "CaseView",
    "DepartmentStatus",
    "FollowUp",
    "OpenReferral",
    "TimelineEntry",
    "build_case_view",
]

REDACTED = "［非開示］"

PersonalFields = Callable[[str], frozenset[str]]
OccurredField = Callable[[str], str | None]
CodedFields = Callable[[str], Mapping[str, str]]
SensitiveCodes = Callable[[str], frozenset[str]]


def _occurred(entry: TimelineEntry, occurred_field: OccurredField) -> datetime:
    """When the entry's fact happened (its contract's ``x-occurred-at`` field), else when recorded."""
    field = occurred_field(entry.type)
    raw = entry.data.get(field) if field else None
    if isinstance(raw, str):
        try:
            at = datetime.fromisoformat(raw) if "T" in raw else datetime.combine(date.fromisoformat(raw), time(), JST)
        except ValueError:
            return entry.time
        return at if at.tzinfo else entry.time
    return entry.time


_APPLICATION_STATUS = {
    "loans.LoanApplicationSubmitted": "submitted",
    "loans.LoanApplicationReviewStarted": "under_review",
    "loans.LoanApplicationApproved": "approved",
    "loans.LoanApplicationDenied": "denied",
    "loans.LoanApplicationWithdrawn": "withdrawn",
    "loans.LoanDisbursed": "disbursed",
    "loans.RepaymentReceived": "repaying",
    "loans.InstalmentMissed": "in_arrears",
    "loans.GraceGranted": "grace",
    "loans.LoanFullyRepaid": "repaid",
}
_OPENED = {"intake.ConsultationOpened", "intake.ConsultationReopened", "loans.LoanConsultationOpened"}
_CLOSED = {"intake.ConsultationClosed", "loans.LoanConsultationClosed"}
_OPEN_REFERRAL = {Status.MADE, Status.ACCEPTED, Status.EXPIRED}


class TimelineEntry(BaseModel):
    event_id: str
    time: datetime
    stream_version: int = 0
    department: str
    type: str
    case_id: str
    subject: str
    actor: Actor
    data: dict[str, Any]
    redacted: list[str] = []
    occurred_at: datetime | None = None
    """When the fact happened, when its contract names such a field and it differs from ``time``
    (a meeting's ``held_at``): the timeline is ordered by it, ``time`` says when it was recorded."""


class DepartmentStatus(BaseModel):
    """One department's current involvement: open consultations, the last outcome, applications."""

    department: str
    open_consultations: int
    last_closure: str | None
    applications: dict[str, str]
    last_event_type: str
    last_event_at: datetime


class OpenReferral(BaseModel):
    referral_id: str
    source_department: str
    target: str
    status: str
    made_at: datetime
    deadline: datetime
    overdue: bool


class FollowUp(BaseModel):
    """The next thing due on the case: an intake follow-up (フォローアップ), a conference review
    (経過確認) or an open action item (役割分担) with a due date."""

    follow_up_id: str
    kind: Literal["follow_up", "review", "action_item"] = "follow_up"
    consultation_id: str | None = None
    conference_id: str | None = None
    due_on: date
    purpose: str
    department: str


class CaseView(BaseModel):
    """The case across departments; ``district_work`` and ``conferences`` are folded from the
    (already redacted) timeline, so they show exactly what the timeline shows the viewer."""

    case_id: str
    case_ids: list[str]
    as_of: datetime | None
    purpose: str
    departments: list[str]
    statuses: list[DepartmentStatus]
    open_referrals: list[OpenReferral]
    next_follow_up: FollowUp | None
    district_work: DistrictWork | None = None
    areas: list[CaseArea] = []
    """The areas (圏域) the person or household lives in, by the address the viewer may see."""
    conferences: list[ConferenceEntry] = []
    open_action_items: list[ActionItem] = []
    timeline: list[TimelineEntry]


def build_case_view(
    case_id: str,
    case_ids: Iterable[str],
    entries: Iterable[TimelineEntry],
    *,
    viewer: Actor,
    purpose: str,
    now: datetime,
    personal_fields: PersonalFields,
    occurred_field: OccurredField = lambda _type: None,
    coded_fields: CodedFields = lambda _type: {},
    sensitive_codes: SensitiveCodes = lambda _list: frozenset(),
    as_of: datetime | None = None,
) -> CaseView:
    moment = as_of or now
    known = [e for e in entries if as_of is None or e.time <= as_of]
    # When things happened, then when they were recorded, then the order within their stream: a
    # meeting held 45 days ago and recorded today comes before today's referrals, and the action
    # items it agreed come after it.
    ordered = sorted(
        known, key=lambda e: (_occurred(e, occurred_field), e.time, e.subject, e.stream_version, e.event_id)
    )
    root = _aliases(ordered)
    consents, statutory = _ledger(ordered, root)
    recipient = Recipient(kind="department", id=viewer.department)

    meetings = meeting_audiences(ordered)

    def may_see(entry: TimelineEntry) -> bool:
        # The department that stored it, and the department of the staff member who wrote it (a
        # district worker's note on a conference's action item), always read it.
        if viewer.department in (entry.department, entry.actor.department):
            return True
        if viewer.department in meetings.get(str(entry.data.get("conference_id")), ()):
            return True  # a meeting held on a basis shares its minutes with who took part or took work
        person = root(str(entry.data.get("person_id") or entry.case_id))
        return disclosure_basis(consents, statutory, person, recipient, purpose, now) is not None

    timeline: list[TimelineEntry] = []
    for entry in ordered:
        personal = personal_fields(entry.type)
        coded = coded_fields(entry.type)
        if (not personal and not coded) or may_see(entry):
            timeline.append(entry)
            continue
        data, hidden = _redact(entry.data, personal)
        data, hidden_codes = withhold_sensitive_codes(data, coded, sensitive_codes, redacted=REDACTED)
        timeline.append(entry.model_copy(update={"data": data, "redacted": sorted({*hidden, *hidden_codes})}))
    # Say when each fact happened where that is not when it was recorded, read from what the viewer
    # may see (a withheld field gives no time).
    for n, entry in enumerate(timeline):
        occurred = _occurred(entry, occurred_field)
        if occurred != entry.time:
            timeline[n] = entry.model_copy(update={"occurred_at": occurred})
    meetings_seen = conferences(timeline)
    open_items = [item for meeting in meetings_seen for item in meeting.action_items if not item.done]
    return CaseView(
        case_id=case_id,
        case_ids=sorted(set(case_ids)),
        as_of=as_of,
        purpose=purpose,
        departments=sorted({e.department for e in ordered}),
        statuses=_statuses(ordered),
        open_referrals=_open_referrals(ordered, moment),
        next_follow_up=_next_follow_up(timeline, meetings_seen),
        district_work=district_work(timeline),
        conferences=meetings_seen,
        open_action_items=open_items,
        timeline=timeline,
    )


def _redact(data: Mapping[str, Any], personal: frozenset[str]) -> tuple[dict[str, Any], list[str]]:
    everything = "*" in personal
    hidden = sorted(k for k in data if (everything or k in personal) and data[k] not in (None, "", [], {}))
    return {k: (REDACTED if k in hidden else v) for k, v in data.items()}, hidden


def _aliases(entries: Iterable[TimelineEntry]) -> Callable[[str], str]:
    """One id per person: linked duplicates and provisional case ids resolve to one root (consent lookups)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for e in entries:
        pair = None
        if e.type == "registry.PersonRecordsLinked":
            pair = (str(e.data["person_id"]), str(e.data["duplicate_person_id"]))
        elif e.type == "intake.SubjectIdentified":
            pair = (str(e.data["case_id"]), str(e.data["provisional_case_id"]))
        if pair is not None:
            a, b = find(pair[0]), find(pair[1])
            if a != b:
                parent[b] = a
    return find


def _ledger(
    entries: Iterable[TimelineEntry], root: Callable[[str], str]
) -> tuple[list[Consent], list[StatutoryRecord]]:
    consents: dict[str, Consent] = {}
    withdrawals: dict[str, datetime] = {}
    statutory: list[StatutoryRecord] = []
    for e in entries:
        d = e.data
        if e.type == "intake.ConsentGiven":
            consents[d["consent_id"]] = Consent(
                consent_id=d["consent_id"],
                person_id=root(d["person_id"]),
                recipients=tuple(Recipient.model_validate(r) for r in d["recipients"]),
                purposes=tuple(d["purposes"]),
                given_at=d["given_at"],
                valid_until=d["valid_until"],
            )
        elif e.type == "intake.ConsentWithdrawn":
            withdrawals[d["consent_id"]] = datetime.fromisoformat(d["withdrawn_at"])
        elif e.type == "intake.StatutorySharingRecorded":
            statutory.append(
                StatutoryRecord(
                    sharing_id=d["sharing_id"],
                    person_id=root(d["person_id"]),
                    basis=d["basis"],
                    meeting_id=d["meeting_id"],
                    recipients=tuple(Recipient.model_validate(r) for r in d["recipients"]),
                    shared_at=d["shared_at"],
                    secrecy_duty_acknowledged=d["secrecy_duty_acknowledged"],
                )
            )
    folded = [
        c.model_copy(update={"withdrawn_at": withdrawals[c.consent_id]}) if c.consent_id in withdrawals else c
        for c in consents.values()
    ]
    return folded, statutory


def _statuses(entries: list[TimelineEntry]) -> list[DepartmentStatus]:
    consultations: dict[tuple[str, str], str | None] = {}  # (dept, consultation) -> None while open, else outcome
    last_closure: dict[str, str] = {}
    applications: dict[str, dict[str, str]] = {}
    last: dict[str, TimelineEntry] = {}
    for e in entries:
        last[e.department] = e
        cid = e.data.get("consultation_id")
        if e.type in _OPENED and cid:
            consultations[(e.department, str(cid))] = None
        elif e.type in _CLOSED and cid:
            outcome = str(e.data.get("outcome") or "closed")
            consultations[(e.department, str(cid))] = outcome
            last_closure[e.department] = outcome
        elif e.type in _APPLICATION_STATUS and e.data.get("application_id"):
            applications.setdefault(e.department, {})[str(e.data["application_id"])] = _APPLICATION_STATUS[e.type]
    return [
        DepartmentStatus(
            department=dept,
            open_consultations=sum(1 for (d, _), v in consultations.items() if d == dept and v is None),
            last_closure=last_closure.get(dept),
            applications=applications.get(dept, {}),
            last_event_type=entry.type,
            last_event_at=entry.time,
        )
        for dept, entry in sorted(last.items())
    ]


def _open_referrals(entries: list[TimelineEntry], moment: datetime) -> list[OpenReferral]:
    states: dict[str, ReferralState] = {}
    for e in entries:
        if not e.type.startswith("referral.") or not REFERRAL_EVENTS.knows(e.type):
            continue
        event = REFERRAL_EVENTS.parse(e.type, 1, e.data)
        rid = str(e.data["referral_id"])
        states[rid] = apply_referral(states.get(rid), event)  # type: ignore[arg-type]
    out: list[OpenReferral] = []
    for rid, state in sorted(states.items()):
        if state.made is None or state.status not in _OPEN_REFERRAL:
            continue
        made = state.made
        out.append(
            OpenReferral(
                referral_id=rid,
                source_department=made.source_department,
                target=made.target,
                status=state.status.value,
                made_at=made.at,
                deadline=made.deadline,
                overdue=state.status == Status.EXPIRED or (state.status == Status.MADE and made.deadline < moment),
            )
        )
    return out


def _next_follow_up(entries: list[TimelineEntry], meetings: list[ConferenceEntry]) -> FollowUp | None:
    """The soonest of: intake follow-ups still pending on open consultations, conference reviews,
    and open action items that have a due date."""
    scheduled: dict[str, FollowUp] = {}
    done: set[str] = set()
    closed: set[str] = set()
    for e in entries:
        d = e.data
        if e.type == "intake.FollowUpScheduled":
            scheduled[d["follow_up_id"]] = FollowUp(
                follow_up_id=d["follow_up_id"],
                consultation_id=d["consultation_id"],
                due_on=d["due_on"],
                purpose=d["purpose"],
                department=e.department,
            )
        elif e.type == "intake.ContactRecorded" and d.get("follow_up_id"):
            done.add(str(d["follow_up_id"]))
        elif e.type in _CLOSED:
            closed.add(str(d.get("consultation_id")))
        elif e.type in _OPENED:
            closed.discard(str(d.get("consultation_id")))
    pending = [f for k, f in scheduled.items() if k not in done and f.consultation_id not in closed]
    for meeting in meetings:
        pending += [
            FollowUp(
                follow_up_id=r.review_id,
                kind="review",
                conference_id=meeting.conference_id,
                due_on=r.due_on,
                purpose=r.purpose,
                department="conferences",
            )
            for r in meeting.reviews
        ]
        pending += [
            FollowUp(
                follow_up_id=i.action_id,
                kind="action_item",
                conference_id=meeting.conference_id,
                due_on=i.due_on,
                purpose=i.description if isinstance(i.description, str) else REDACTED,
                department=i.assignee if i.assignee_kind == "department" else "conferences",
            )
            for i in meeting.action_items
            if not i.done and i.due_on is not None
        ]
    return min(pending, key=lambda f: (f.due_on, f.follow_up_id), default=None)
