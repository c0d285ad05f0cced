"""Commands of district work, imperative. Ids and time are not fields: the handler passes them in."""

from __future__ import annotations

from datetime import date, datetime

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
from shared.domain import Command

__all__ = [
    "ApproveActivityRecord",
    "AssignDistrictCsw",
    "ChangeAreaAddresses",
    "CommentActivityRecord",
    "DefineArea",
    "EndWatchOver",
    "EvaluateDistrictGoal",
    "MarkEventCoverage",
    "OpenDistrictFile",
    "RaiseWatchConcern",
    "RecordDistrictPopulation",
    "RecordNetworkMeeting",
    "RecordOutreachVisit",
    "RecordSalonAttendance",
    "RegisterHelper",
    "RegisterLocalResource",
    "ReturnActivityRecord",
    "ScheduleDistrictEvent",
    "SetSupportTeam",
    "SharedCase",
    "StartWatchOver",
    "SubmitActivityRecord",
    "TakeDeskConsultation",
    "TakeVolunteerRole",
    "WriteActivityRecord",
]


class RaiseWatchConcern(Command):
    """見守りの気づきを記録する: who is worried about whom, in which district; or from an accepted referral."""

    case_id: str
    district_id: str
    reported_by: str
    reporter: str | None = None
    concern: str
    referral_id: str | None = None
    raised_by: str


class RecordOutreachVisit(Command):
    """アウトリーチ訪問を記録する."""

    case_id: str
    visited_at: datetime
    outcome: VisitOutcome
    visitors: tuple[str, ...] = ()
    note: str | None = None
    recorded_by: str


class StartWatchOver(Command):
    """見守りを始める: by whom, how often, how."""

    case_id: str
    watchers: tuple[Watcher, ...]
    frequency: Frequency
    approach: Approach
    started_on: date
    started_by: str


class EndWatchOver(Command):
    """見守りを終える."""

    case_id: str
    reason: str
    ended_by: str


class RecordSalonAttendance(Command):
    """サロン参加を記録する."""

    case_id: str
    salon_name: str | None = None
    resource_id: str | None = None
    attended_on: date
    note: str | None = None
    recorded_by: str


class TakeVolunteerRole(Command):
    """担い手の役割を記録する (e.g. 男の料理教室の講師)."""

    case_id: str
    role: str
    activity: str | None = None
    resource_id: str | None = None
    started_on: date
    recorded_by: str


class DefineArea(Command):
    """圏域を設定する: an area under its parent, with the address prefixes that fall in it."""

    area_id: str
    kind: AreaKind
    name: str
    parent_id: str | None = None
    address_prefixes: tuple[str, ...] = ()
    defined_by: str


class OpenDistrictFile(Command):
    """地区ファイルを作る: a district's file for a fiscal year (年度), its CSW and yearly goal."""

    district_id: str
    fiscal_year: int
    csw_id: str
    goal: str
    opened_by: str


class AssignDistrictCsw(Command):
    """地区担当を替える."""

    district_id: str
    fiscal_year: int
    csw_id: str
    assigned_by: str


class EvaluateDistrictGoal(Command):
    """年度目標を評価する."""

    district_id: str
    fiscal_year: int
    evaluation: str
    evaluated_by: str


class RecordDistrictPopulation(Command):
    """区分別人口を入力する."""

    district_id: str
    fiscal_year: int
    as_of: date
    counts: dict[str, int]
    recorded_by: str


class RegisterLocalResource(Command):
    """地域資源を登録する."""

    district_id: str
    kind: str
    name: str
    address: str | None = None
    contact: str | None = None
    serves: str | None = None
    registered_by: str


class RegisterHelper(Command):
    """担い手を登録する."""

    district_id: str
    kind: str
    name: str
    contact: str | None = None
    resource_id: str | None = None
    registered_by: str


class ScheduleDistrictEvent(Command):
    """地域事業を月間スケジュールに入れる."""

    district_id: str
    title: str
    kind: str
    held_on: date
    place: str | None = None
    scheduled_by: str


class MarkEventCoverage(Command):
    """対応の有無を付ける: the acting department handles the event, or not."""

    event_id: str
    department: str
    handles: bool
    note: str | None = None
    marked_by: str


class ChangeAreaAddresses(Command):
    """圏域の住所範囲を改める: the area's address prefixes, as a whole."""

    area_id: str
    address_prefixes: tuple[str, ...]
    changed_by: str


class SetSupportTeam(Command):
    """地区支援チームを編成する (or change it): the members as a whole."""

    district_id: str
    members: tuple[TeamMember, ...]
    note: str | None = None
    set_by: str


class SharedCase(Command):
    """A case to share at a network meeting: the case (or none, when discussed anonymously), the basis."""

    case_id: str | None = None
    basis: ShareBasis = ShareBasis()
    summary: str
    next_steps: str | None = None


class RecordNetworkMeeting(Command):
    """地区支援ネットワーク会議を記録する: who took part, the cases shared, the district issues raised."""

    district_id: str
    held_on: date
    participants: tuple[MeetingParticipant, ...]
    cases: tuple[SharedCase, ...] = ()
    issues: tuple[NetworkIssue, ...] = ()
    minutes: str | None = None
    recorded_by: str


class TakeDeskConsultation(Command):
    """福祉なんでも相談窓口で相談を受ける (and pass it to 総合相談窓口)."""

    district_id: str
    case_id: str | None = None
    person_id: str | None = None
    desk: str
    taken_at: datetime
    channel: str
    consulter: str | None = None
    summary: str
    issue_category: str
    consent_to_share: bool
    recorded_by: str


class WriteActivityRecord(Command):
    """地区活動記録を書く: the author's entries of the month, as a whole (the first write opens the record)."""

    staff_id: str
    author_name: str | None = None
    month: str | None = None
    """YYYY-MM when the record is opened; a revision keeps the record's month."""
    entries: tuple[ActivityEntry, ...]
    written_by: str


class SubmitActivityRecord(Command):
    """地区活動記録を提出する (or resubmit it after it was returned)."""

    record_id: str
    submitted_by: str


class ApproveActivityRecord(Command):
    """承認する: the approver's step comes from their role (manager: 地域福祉課長, director: 局長)."""

    record_id: str
    step: ApprovalStep
    comment: str | None = None
    approved_by: str
    approver_name: str | None = None


class CommentActivityRecord(Command):
    """コメントする: an approver's remark for the author, without deciding."""

    record_id: str
    step: ApprovalStep
    comment: str
    commented_by: str
    commenter_name: str | None = None


class ReturnActivityRecord(Command):
    """差し戻す: back to the author for rework, with the reason."""

    record_id: str
    step: ApprovalStep
    reason: str
    returned_by: str
    returner_name: str | None = None
