"""Scripted histories for reporting tests: real event models, hash-chained envelopes per stream."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.districts.domain.events import (
    DistrictCswAssigned,
    DistrictEventCoverageMarked,
    DistrictEventEscalated,
    DistrictEventScheduled,
    DistrictFileOpened,
    DistrictGoalEvaluated,
    HelperRegistered,
    LocalResourceRegistered,
)
from services.intake.domain.events import (
    ConsentGiven,
    ConsultationClosed,
    ConsultationOpened,
    FollowUpScheduled,
    SubjectIdentified,
)
from services.loans.domain.events import (
    HouseholdIssuesRecorded,
    LoanApplicationDenied,
    LoanConsultationClosed,
    LoanConsultationOpened,
    LoanContactRecorded,
    ResponseRecorded,
)
from shared.envelope import Actor, Envelope
from shared.events import DomainEvent
from shared.eventstore import GENESIS_HASH, event_hash
from shared.referrals import ReferralAccepted, ReferralDeclined, ReferralMade
from shared.registry.events import MemberJoinedHousehold, PersonRecordsLinked, PersonRegistered

T0 = datetime(2026, 10, 1, 0, 0, tzinfo=UTC)  # 09:00 JST


class History:
    """Builds envelopes as the departments' stores would: versions and hashes per stream *per store*
    (ADR 0002: a referral's stream has the same name in the two departments' stores, each with its
    own versions and chain)."""

    def __init__(self) -> None:
        self.heads: dict[tuple[str, str], tuple[int, str]] = {}
        self.first_store: dict[str, str] = {}
        self.envelopes: list[Envelope] = []

    def add(
        self,
        source: str,
        subject: str,
        case_id: str,
        event: DomainEvent,
        at: datetime,
        role: str = "worker",
        *,
        author_department: str | None = None,
    ) -> Envelope:
        version, prev = self.heads.get((source, subject), (0, GENESIS_HASH))
        version += 1
        store = self.first_store.setdefault(subject, source)
        event_id = f"{subject}-v{version}" if store == source else f"{subject}@{source}-v{version}"
        department = author_department or source  # a department may write into another's service
        actor = Actor(staff_id=f"{department}-staff", department=department, role=role)
        data = event.payload()
        row: dict[str, Any] = {
            "event_id": event_id,
            "stream_id": subject,
            "stream_version": version,
            "event_type": event.event_type,
            "case_id": case_id,
            "occurred_at": at.astimezone(UTC).isoformat(),
            "actor_id": actor.staff_id,
            "actor_department": actor.department,
            "actor_role": actor.role,
            "correlation_id": None,
            "causation_id": None,
            "schema_version": 1,
            "data": json.dumps(data),
        }
        digest = event_hash(prev, row)
        env = Envelope(
            id=row["event_id"],
            source=source,
            type=event.event_type,
            time=at,
            subject=subject,
            caseid=case_id,
            actor=actor,
            streamversion=version,
            data=data,
            eventhash=digest,
            prevhash=prev,
        )
        self.heads[(source, subject)] = (version, digest)
        self.envelopes.append(env)
        return env


def person(pid: str, at: datetime) -> PersonRegistered:
    return PersonRegistered(
        person_id=pid,
        name_kanji="横須賀 花子",
        name_kana="ヨコスカ ハナコ",
        birth_date=date(1960, 1, 1),
        address="横須賀市",
        phone=None,
        care_notes="障害あり",
        registered_at=at,
        registered_by="s",
    )


def loan_opened(
    cid: str,
    hh: str,
    at: datetime,
    *,
    fund: str = "emergency_small",
    kind: str = "new_until_decision",
    initial: bool = True,
    issues: tuple[str, ...] = (),
) -> LoanConsultationOpened:
    return LoanConsultationOpened(
        consultation_id=cid,
        household_id=hh,
        person_id=None,
        fund_type=fund,
        kind=kind,
        channel="phone",
        counterpart="self",
        initial=initial,
        issues=issues,
        summary="家賃滞納の相談",
        loan_application_id=None,
        opened_at=at,
        code_list_version="2014.1",
    )


def loan_contact(cid: str, contact: str, hh: str, at: datetime, *, fund: str, kind: str) -> LoanContactRecorded:
    return LoanContactRecorded(
        consultation_id=cid,
        contact_id=contact,
        household_id=hh,
        person_id=None,
        fund_type=fund,
        kind=kind,
        channel="phone",
        counterpart="self",
        note="電話",
        contacted_at=at,
        code_list_version="2014.1",
    )


def loan_issues(cid: str, hh: str, at: datetime, issues: tuple[str, ...]) -> HouseholdIssuesRecorded:
    return HouseholdIssuesRecorded(
        consultation_id=cid, household_id=hh, person_id=None, issues=issues, recorded_at=at, code_list_version="2014.1"
    )


def loan_response(cid: str, rid: str, hh: str, at: datetime, response: str) -> ResponseRecorded:
    return ResponseRecorded(
        consultation_id=cid,
        response_id=rid,
        household_id=hh,
        person_id=None,
        response=response,
        note="",
        recorded_at=at,
        code_list_version="2014.1",
    )


def loan_closed(cid: str, hh: str, at: datetime, reached: bool) -> LoanConsultationClosed:
    return LoanConsultationClosed(
        consultation_id=cid,
        household_id=hh,
        person_id=None,
        outcome="solved" if reached else "no_service",
        reached_service=reached,
        responses=(),
        note="",
        closed_at=at,
    )


def denied(app: str, hh: str, at: datetime) -> LoanApplicationDenied:
    return LoanApplicationDenied(application_id=app, household_id=hh, person_id="p", reason="収入基準", denied_at=at)


def referral(rid: str, case: str, at: datetime, deadline: datetime, *, cause: Envelope | None = None) -> ReferralMade:
    rule = (
        {"rule_id": "loan-denied", "rule_version": 1, "cause_event_id": cause.id, "cause_event_type": cause.type}
        if cause is not None
        else {}
    )
    return ReferralMade(
        referral_id=rid,
        at=at,
        case_id=case,
        household_id=case,
        source_department="loans",
        target_kind="department",
        target="intake",
        reason_category="household_budget",
        reason_detail="家計の立て直し",
        deadline=deadline,
        made_by="loans-staff",
        **rule,
    )


def accepted(rid: str, at: datetime) -> ReferralAccepted:
    return ReferralAccepted(referral_id=rid, at=at, by="intake-staff")


def declined(rid: str, at: datetime) -> ReferralDeclined:
    return ReferralDeclined(referral_id=rid, at=at, by="intake-staff", reason="対象外")


def intake_opened(cid: str, case: str, at: datetime, issues: tuple[str, ...] = ("housing",)) -> ConsultationOpened:
    return ConsultationOpened(
        consultation_id=cid,
        case_id=case,
        person_id=None,
        household_id=None,
        subject_description="近所の高齢女性",
        source="neighbour",
        source_detail="隣人",
        channel="phone",
        issues=issues,
        own_words="困っている",
        wishes=None,
        urgency="normal",
        urgency_reason=None,
        isolated=True,
        opened_at=at,
        opened_by="intake-staff",
        code_list_version="2014.1",
    )


def identified(cid: str, provisional: str, pid: str, at: datetime) -> SubjectIdentified:
    return SubjectIdentified(
        consultation_id=cid,
        case_id=pid,
        provisional_case_id=provisional,
        person_id=pid,
        household_id=None,
        identified_at=at,
        identified_by="intake-staff",
    )


def consent(pid: str, at: datetime, to: str, purpose: str) -> ConsentGiven:
    return ConsentGiven(
        consent_id=f"consent-{pid}",
        person_id=pid,
        recipients=({"kind": "department", "id": to},),  # type: ignore[arg-type]
        purposes=(purpose,),
        given_at=at,
        valid_until=(at + timedelta(days=60)).date(),
        recorded_at=at,
        recorded_by="intake-staff",
    )


def follow_up(cid: str, case: str, at: datetime, due: date) -> FollowUpScheduled:
    return FollowUpScheduled(
        consultation_id=cid,
        case_id=case,
        follow_up_id=f"fu-{cid}",
        due_on=due,
        purpose="訪問して様子を確認",
        scheduled_at=at,
        scheduled_by="intake-staff",
    )


def intake_closed(cid: str, case: str, at: datetime, outcome: str) -> ConsultationClosed:
    return ConsultationClosed(
        consultation_id=cid,
        case_id=case,
        outcome=outcome,  # type: ignore[arg-type]
        destination=None,
        note="連絡がとれない",
        closed_at=at,
        closed_by="intake-staff",
    )


def member(hh: str, pid: str, at: datetime) -> MemberJoinedHousehold:
    return MemberJoinedHousehold(
        household_id=hh, person_id=pid, relationship="本人", joined_on=at.date(), recorded_at=at, recorded_by="s"
    )


def linked(pid: str, dup: str, at: datetime) -> PersonRecordsLinked:
    return PersonRecordsLinked(person_id=pid, duplicate_person_id=dup, reason="同一人物", linked_at=at, linked_by="s")


def scheduled(eid: str, district: str, held_on: date, at: datetime, kind: str = "salon") -> DistrictEventScheduled:
    return DistrictEventScheduled(
        event_id=eid,
        district_id=district,
        title="ふれあいサロン",
        kind=kind,
        held_on=held_on,
        place="集会所",
        scheduled_at=at,
        scheduled_by="districts-staff",
    )


def marked(eid: str, district: str, department: str, handles: bool, at: datetime) -> DistrictEventCoverageMarked:
    return DistrictEventCoverageMarked(
        event_id=eid,
        district_id=district,
        department=department,
        handles=handles,
        note=None,
        marked_at=at,
        marked_by=f"{department}-staff",
    )


def escalated(eid: str, district: str, declined_by: tuple[str, ...], at: datetime) -> DistrictEventEscalated:
    return DistrictEventEscalated(event_id=eid, district_id=district, declined_by=declined_by, escalated_at=at)


def resource(rid: str, district: str, kind: str, at: datetime) -> LocalResourceRegistered:
    return LocalResourceRegistered(
        resource_id=rid,
        district_id=district,
        kind=kind,
        name="ひだまりサロン",
        address="横須賀市本町1-1",
        contact=None,
        serves="高齢者",
        registered_at=at,
        registered_by="districts-staff",
        code_list_version="2014.1",
    )


def helper(hid: str, district: str, kind: str, at: datetime, resource_id: str | None = None) -> HelperRegistered:
    return HelperRegistered(
        helper_id=hid,
        district_id=district,
        kind=kind,
        name="田中 一郎",
        contact="046-000-0000",
        resource_id=resource_id,
        registered_at=at,
        registered_by="districts-staff",
        code_list_version="2014.1",
    )


def district_history(h: History | None = None) -> History:
    """District D1: three events in October 2026 (one handled by intake, one declined by all and
    escalated, one unanswered), one in November; D2: one October event loans handles. Resources:
    D1 two salons (one registered twice), a meeting place, two helpers."""
    h = h or History()
    t = T0

    def add(subject: str, district: str, event: DomainEvent, minutes: int) -> None:
        moment = t + timedelta(minutes=minutes)
        h.add("districts", subject, f"district-{district}", event, moment)

    add("district-event-e1", "D1", scheduled("e1", "D1", date(2026, 10, 5), t), 1)
    add("district-event-e1", "D1", marked("e1", "D1", "intake", False, t + timedelta(minutes=2)), 2)
    add("district-event-e1", "D1", marked("e1", "D1", "intake", True, t + timedelta(minutes=3)), 3)  # changed mind
    add("district-event-e1", "D1", marked("e1", "D1", "loans", False, t + timedelta(minutes=4)), 4)
    add("district-event-e2", "D1", scheduled("e2", "D1", date(2026, 10, 31), t), 5)
    add("district-event-e2", "D1", marked("e2", "D1", "intake", False, t + timedelta(minutes=6)), 6)
    add("district-event-e2", "D1", marked("e2", "D1", "loans", False, t + timedelta(minutes=7)), 7)
    add("district-event-e2", "D1", escalated("e2", "D1", ("intake", "loans"), t + timedelta(minutes=8)), 8)
    add("district-event-e3", "D1", scheduled("e3", "D1", date(2026, 10, 1), t), 9)
    add("district-event-e4", "D1", scheduled("e4", "D1", date(2026, 11, 1), t), 10)
    add("district-event-e4", "D1", marked("e4", "D1", "intake", True, t + timedelta(minutes=11)), 11)
    add("district-event-e5", "D2", scheduled("e5", "D2", date(2026, 10, 20), t), 12)
    add("district-event-e5", "D2", marked("e5", "D2", "loans", True, t + timedelta(minutes=13)), 13)
    add("resource-r1", "D1", resource("r1", "D1", "salon", t), 14)
    add("resource-r1", "D1", resource("r1", "D1", "salon", t), 15)  # the same resource again
    add("resource-r2", "D1", resource("r2", "D1", "salon", t), 16)
    add("resource-r3", "D1", resource("r3", "D1", "meeting_place", t), 17)
    add("resource-r4", "D2", resource("r4", "D2", "salon", t), 18)
    add("helper-h1", "D1", helper("h1", "D1", "welfare_commissioner", t), 19)
    add("helper-h2", "D1", helper("h2", "D1", "district_volunteer", t, "r1"), 20)
    for event, minutes in (
        (
            DistrictFileOpened(
                district_id="D1",
                fiscal_year=2026,
                csw_id="csw-1",
                goal="見守りの輪を広げる",
                opened_at=t,
                opened_by="m",
            ),
            21,
        ),
        (DistrictCswAssigned(district_id="D1", fiscal_year=2026, csw_id="csw-2", assigned_at=t, assigned_by="m"), 22),
        (
            DistrictGoalEvaluated(
                district_id="D1", fiscal_year=2026, evaluation="サロンが2か所に", evaluated_at=t, evaluated_by="m"
            ),
            23,
        ),
    ):
        add("district-file-D1-2026", "D1", event, minutes)
    return h
