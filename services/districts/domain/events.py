"""Events of district work (地区社協・地区担当).

One stream per case the district team looks after, ``district-case-{case_id}``: a watch-over concern
raised by residents or a 民生委員 (or a referral accepted) → outreach visits → watch-over by
residents started (and ended); salon participation; volunteer roles the person takes on. Every event
carries ``case_id`` (person, household or provisional case id; the Kafka key) and ``district_id``
(which places the case in its district in the council's reports). Free text about the person is
special-care data (``personal_fields``).

The district's own records have streams of their own: areas (``district-area-{area_id}``, the 圏域
hierarchy), district files (``district-file-{district_id}-{fiscal_year}``, 地区カルテ), and the
registry of local resources (``district-resource-{resource_id}``) and helpers
(``district-helper-{helper_id}``), element ⑤ of a comprehensive consultation system; each staff
member's monthly activity record (``district-activity-{record_id}``, 地区活動記録) with its approval.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from services.districts.domain.values import (
    ActivityEntry,
    Approach,
    ApprovalStep,
    AreaKind,
    Frequency,
    MeetingParticipant,
    NetworkIssue,
    ShareBasis,
    TeamMember,
    VisitOutcome,
    Watcher,
)
from shared.events import DomainEvent, EventRegistry

__all__ = [
    "DISTRICT_EVENTS",
    "ActivityRecordApproved",
    "ActivityRecordCommented",
    "ActivityRecordEvent",
    "ActivityRecordReturned",
    "ActivityRecordSubmitted",
    "ActivityRecordWritten",
    "AreaAddressesChanged",
    "AreaDefined",
    "DeskConsultationTaken",
    "DistrictCaseEvent",
    "DistrictCswAssigned",
    "DistrictEventCoverageMarked",
    "DistrictEventEscalated",
    "DistrictEventScheduled",
    "DistrictFileOpened",
    "DistrictGoalEvaluated",
    "DistrictPopulationRecorded",
    "DistrictSupportTeamSet",
    "HelperRegistered",
    "LocalResourceChanged",
    "LocalResourceRegistered",
    "NetworkMeetingCaseDiscussed",
    "NetworkMeetingHeld",
    "NetworkMeetingIssueRaised",
    "OutreachVisitRecorded",
    "SalonAttended",
    "VolunteerRoleTaken",
    "WatchConcernRaised",
    "WatchOverEnded",
    "WatchOverStarted",
]


class DistrictCaseEvent(DomainEvent):
    """Base of the events of one district case stream."""

    case_id: str
    district_id: str


class WatchConcernRaised(DistrictCaseEvent):
    """見守りの気づき: someone (``consultation_sources`` code) is worried about a resident.

    ``referral_id`` when the concern came as a referral the district team accepted.
    """

    event_type: ClassVar[str] = "districts.WatchConcernRaised"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"concern", "reporter"})

    concern_id: str
    reported_by: str
    reporter: str | None
    concern: str
    referral_id: str | None
    raised_at: datetime
    raised_by: str
    code_list_version: str


class OutreachVisitRecorded(DistrictCaseEvent):
    """アウトリーチ訪問: staff or residents went to the person; reached, not reached or refused."""

    event_type: ClassVar[str] = "districts.OutreachVisitRecorded"
    occurred_field: ClassVar[str | None] = "visited_at"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"note"})

    visit_id: str
    visited_at: datetime
    outcome: VisitOutcome
    visitors: tuple[str, ...]
    note: str | None
    recorded_at: datetime
    recorded_by: str


class WatchOverStarted(DistrictCaseEvent):
    """見守り開始: residents watch over the person, how often and how (from a distance or in contact)."""

    event_type: ClassVar[str] = "districts.WatchOverStarted"

    watch_id: str
    watchers: tuple[Watcher, ...]
    frequency: Frequency
    approach: Approach
    started_on: date
    started_at: datetime
    started_by: str


class WatchOverEnded(DistrictCaseEvent):
    """見守り終了: the watch-over ended, with a reason."""

    event_type: ClassVar[str] = "districts.WatchOverEnded"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason"})

    watch_id: str
    reason: str
    ended_at: datetime
    ended_by: str


class SalonAttended(DistrictCaseEvent):
    """サロン参加: the person came to a salon (地域のサロン) on a day; ``first_visit`` at that salon."""

    event_type: ClassVar[str] = "districts.SalonAttended"
    occurred_field: ClassVar[str | None] = "attended_on"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"note"})

    schema_version: ClassVar[int] = 2

    attendance_id: str
    salon_name: str
    attended_on: date
    first_visit: bool
    note: str | None
    recorded_at: datetime
    recorded_by: str
    resource_id: str | None = None
    """v2: the registered local resource (サロン) attended, when the salon is in the registry."""


class VolunteerRoleTaken(DistrictCaseEvent):
    """担い手の役割: the person took on a role in a district activity (e.g. 男の料理教室の講師)."""

    event_type: ClassVar[str] = "districts.VolunteerRoleTaken"

    schema_version: ClassVar[int] = 2

    role_id: str
    role: str
    activity: str
    started_on: date
    recorded_at: datetime
    recorded_by: str
    resource_id: str | None = None
    """v2: the registered local resource the role is in (e.g. the 男の料理教室 entry of the registry)."""


class AreaDefined(DomainEvent):
    """圏域の設定: an area of the hierarchy (city → 日常生活圏域 → 地区社協 / 包括の圏域), with the
    address prefixes (町名・丁目) that place an address in it."""

    event_type: ClassVar[str] = "districts.AreaDefined"

    area_id: str
    kind: AreaKind
    name: str
    parent_id: str | None
    address_prefixes: tuple[str, ...]
    defined_at: datetime
    defined_by: str


class AreaAddressesChanged(DomainEvent):
    """住所範囲の変更: the address prefixes (町名・丁目) of an area, replaced as a whole."""

    event_type: ClassVar[str] = "districts.AreaAddressesChanged"

    area_id: str
    address_prefixes: tuple[str, ...]
    changed_at: datetime
    changed_by: str


class DistrictFileEvent(DomainEvent):
    """Base of the events of one district file (地区ファイル): a district and a fiscal year (年度)."""

    district_id: str
    fiscal_year: int


class DistrictFileOpened(DistrictFileEvent):
    """地区ファイル作成: the year's file of a district, its assigned CSW (地区担当) and yearly goal (年度目標)."""

    event_type: ClassVar[str] = "districts.DistrictFileOpened"

    csw_id: str
    goal: str
    opened_at: datetime
    opened_by: str


class DistrictCswAssigned(DistrictFileEvent):
    """地区担当の変更: another CSW takes the district for the rest of the year."""

    event_type: ClassVar[str] = "districts.DistrictCswAssigned"

    csw_id: str
    assigned_at: datetime
    assigned_by: str


class DistrictGoalEvaluated(DistrictFileEvent):
    """年度評価: the evaluation of the year's goal (a later evaluation replaces an earlier one)."""

    event_type: ClassVar[str] = "districts.DistrictGoalEvaluated"

    evaluation: str
    evaluated_at: datetime
    evaluated_by: str


class DistrictPopulationRecorded(DistrictFileEvent):
    """区分別人口: the district's population by category (``population_categories`` codes) as of a day."""

    event_type: ClassVar[str] = "districts.DistrictPopulationRecorded"

    as_of: date
    counts: dict[str, int]
    recorded_at: datetime
    recorded_by: str
    code_list_version: str


class LocalResourceRegistered(DomainEvent):
    """地域資源の登録: a salon, meeting place, shop that watches, club or class of a district, with
    its contact details and the people it serves."""

    event_type: ClassVar[str] = "districts.LocalResourceRegistered"

    resource_id: str
    district_id: str
    kind: str
    name: str
    address: str | None
    contact: str | None
    serves: str | None
    registered_at: datetime
    registered_by: str
    code_list_version: str


class HelperRegistered(DomainEvent):
    """担い手の登録: a 民生委員, district volunteer, coordinator... of a district, and the registered
    resource they run or help in (if any)."""

    event_type: ClassVar[str] = "districts.HelperRegistered"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"contact"})

    helper_id: str
    district_id: str
    kind: str
    name: str
    contact: str | None
    resource_id: str | None
    registered_at: datetime
    registered_by: str
    code_list_version: str


class DistrictEventEvent(DomainEvent):
    """Base of the events of one entry of the monthly district schedule (地域事業月間スケジュール)."""

    event_id: str
    district_id: str


class DistrictEventScheduled(DistrictEventEvent):
    """地域事業の登録: a district meeting or event on a day, entered in the monthly schedule."""

    event_type: ClassVar[str] = "districts.DistrictEventScheduled"
    occurred_field: ClassVar[str | None] = "held_on"

    title: str
    kind: str
    held_on: date
    place: str | None
    scheduled_at: datetime
    scheduled_by: str


class DistrictEventCoverageMarked(DistrictEventEvent):
    """対応の有無: a department marks whether it handles the event (対応する・しない)."""

    event_type: ClassVar[str] = "districts.DistrictEventCoverageMarked"

    department: str
    handles: bool
    note: str | None
    marked_at: datetime
    marked_by: str


class DistrictEventEscalated(DistrictEventEvent):
    """他課との調整へ: every department that answered declined and none handles the event, so it goes to
    the managers for coordination between departments."""

    event_type: ClassVar[str] = "districts.DistrictEventEscalated"

    declined_by: tuple[str, ...]
    escalated_at: datetime


class DistrictSupportTeamSet(DomainEvent):
    """地区支援チームの編成: the district's support team as a whole (住民コーディネーター, 民生委員, CSW);
    a later one replaces it (the stream's version counts the changes)."""

    event_type: ClassVar[str] = "districts.DistrictSupportTeamSet"

    district_id: str
    members: tuple[TeamMember, ...]
    note: str | None
    set_at: datetime
    set_by: str
    code_list_version: str


class NetworkMeetingHeld(DomainEvent):
    """地区支援ネットワーク会議の開催: the district's monthly meeting, who took part (team and outside
    members such as 包括 and 民生委員) and the district issues (地域課題) raised; the cases discussed
    follow as :class:`NetworkMeetingCaseDiscussed`."""

    event_type: ClassVar[str] = "districts.NetworkMeetingHeld"
    occurred_field: ClassVar[str | None] = "held_on"

    meeting_id: str
    district_id: str
    held_on: date
    month: str
    participants: tuple[MeetingParticipant, ...]
    outside_participants: int
    team_version: int
    issues: tuple[NetworkIssue, ...]
    cases_discussed: int
    minutes: str | None
    recorded_at: datetime
    recorded_by: str
    code_list_version: str


class NetworkMeetingCaseDiscussed(DomainEvent):
    """ケースの共有・検討: a consultation or case shared at a network meeting, on the basis that lets it be
    shared with the members (本人同意 or a statutory meeting); a case shared on no basis is discussed
    without identifying details and names no case (``case_id`` is None)."""

    event_type: ClassVar[str] = "districts.NetworkMeetingCaseDiscussed"
    occurred_field: ClassVar[str | None] = "held_on"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"summary", "next_steps"})

    meeting_id: str
    district_id: str
    discussion_id: str
    case_id: str | None
    held_on: date
    basis: ShareBasis
    summary: str
    next_steps: str | None
    recorded_at: datetime
    recorded_by: str


class DeskConsultationTaken(DomainEvent):
    """福祉なんでも相談窓口での相談受付: a consultation taken at the district's desk (地区ボランティア
    センター); it reaches 総合相談窓口 (intake) as a referral of its own (``referral_id``), sharing its
    details when the person agreed (``consent_to_share``)."""

    event_type: ClassVar[str] = "districts.DeskConsultationTaken"
    occurred_field: ClassVar[str | None] = "taken_at"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"consulter", "summary"})

    consultation_id: str
    district_id: str
    case_id: str
    person_id: str | None
    desk: str
    taken_at: datetime
    channel: str
    consulter: str | None
    summary: str
    issue_category: str
    consent_to_share: bool
    referral_id: str
    recorded_at: datetime
    recorded_by: str
    code_list_version: str


class ActivityRecordEvent(DomainEvent):
    """Base of the events of one monthly activity record (地区活動記録), ``district-activity-{record_id}``:
    one per staff member and month. ``staff_id`` is the author; ``month`` is YYYY-MM."""

    record_id: str
    staff_id: str
    month: str


class ActivityRecordWritten(ActivityRecordEvent):
    """地区活動記録の作成・修正: the author writes the month's entries (as a whole: each write replaces
    the entries before it). What was done and the impressions may speak of residents: special care."""

    event_type: ClassVar[str] = "districts.ActivityRecordWritten"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"entries"})

    author_name: str | None
    entries: tuple[ActivityEntry, ...]
    written_at: datetime
    written_by: str


class ActivityRecordSubmitted(ActivityRecordEvent):
    """提出: the author submits the record for approval (again, after it was returned)."""

    event_type: ClassVar[str] = "districts.ActivityRecordSubmitted"

    entry_count: int
    submitted_at: datetime
    submitted_by: str


class ActivityRecordApproved(ActivityRecordEvent):
    """承認: one step approves the record, 地域福祉課長 (``manager``) first, then 局長 (``director``)."""

    event_type: ClassVar[str] = "districts.ActivityRecordApproved"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"comment"})

    step: ApprovalStep
    comment: str | None
    approved_at: datetime
    approved_by: str
    approver_name: str | None


class ActivityRecordCommented(ActivityRecordEvent):
    """コメント: an approver comments on the record without deciding; the author sees it."""

    event_type: ClassVar[str] = "districts.ActivityRecordCommented"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"comment"})

    step: ApprovalStep
    comment: str
    commented_at: datetime
    commented_by: str
    commenter_name: str | None


class ActivityRecordReturned(ActivityRecordEvent):
    """差し戻し: an approver returns the record to its author for rework, saying why."""

    event_type: ClassVar[str] = "districts.ActivityRecordReturned"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason"})

    step: ApprovalStep
    reason: str
    returned_at: datetime
    returned_by: str
    returner_name: str | None


DISTRICT_EVENTS = EventRegistry(
    [
        WatchConcernRaised,
        OutreachVisitRecorded,
        WatchOverStarted,
        WatchOverEnded,
        SalonAttended,
        VolunteerRoleTaken,
        AreaDefined,
        AreaAddressesChanged,
        DistrictFileOpened,
        DistrictCswAssigned,
        DistrictGoalEvaluated,
        DistrictPopulationRecorded,
        LocalResourceRegistered,
        HelperRegistered,
        DistrictEventScheduled,
        DistrictEventCoverageMarked,
        DistrictEventEscalated,
        ActivityRecordApproved,
        ActivityRecordCommented,
        ActivityRecordReturned,
        ActivityRecordSubmitted,
        ActivityRecordWritten,
        DeskConsultationTaken,
        DistrictSupportTeamSet,
        NetworkMeetingCaseDiscussed,
        NetworkMeetingHeld,
    ]
)
# v2 added the registered resource (optional); a v1 attendance or role named none.
DISTRICT_EVENTS.add_upcaster(SalonAttended.event_type, 1, lambda data: dict(data))
DISTRICT_EVENTS.add_upcaster(VolunteerRoleTaken.event_type, 1, lambda data: dict(data))


# --- later changes: an issue raised after a meeting, a resource's facts edited ----------------------


class NetworkMeetingIssueRaised(DomainEvent):
    """地域課題の追加: a district issue raised after the network meeting was recorded (an issue that
    came up in the days after, or one the minutes missed); the accumulation (ケースの積み上げ)
    counts it in the month it was raised (``month``, from ``raised_on``), not the meeting's."""

    event_type: ClassVar[str] = "districts.NetworkMeetingIssueRaised"
    occurred_field: ClassVar[str | None] = "raised_on"

    meeting_id: str
    district_id: str
    issue: NetworkIssue
    raised_on: date
    month: str
    recorded_at: datetime
    recorded_by: str
    code_list_version: str


class LocalResourceChanged(DomainEvent):
    """地域資源の変更: a registered resource's name, address, contact or whom it serves, as a whole
    (its district and kind stay: a different kind of resource is registered as a new one)."""

    event_type: ClassVar[str] = "districts.LocalResourceChanged"

    resource_id: str
    district_id: str
    name: str
    address: str | None
    contact: str | None
    serves: str | None
    changed_fields: tuple[str, ...]
    changed_at: datetime
    changed_by: str


DISTRICT_EVENTS.register(NetworkMeetingIssueRaised)
DISTRICT_EVENTS.register(LocalResourceChanged)
