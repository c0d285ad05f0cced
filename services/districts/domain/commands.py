"""Commands of district work, imperative. Ids and time are not fields: the handler passes them in."""

from __future__ import annotations

from datetime import date, datetime

from services.districts.domain.values import Approach, Frequency, VisitOutcome, Watcher
from shared.domain import Command

__all__ = [
    "EndWatchOver",
    "RaiseWatchConcern",
    "RecordOutreachVisit",
    "RecordSalonAttendance",
    "StartWatchOver",
    "TakeVolunteerRole",
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
    salon_name: str
    attended_on: date
    note: str | None = None
    recorded_by: str


class TakeVolunteerRole(Command):
    """担い手の役割を記録する (e.g. 男の料理教室の講師)."""

    case_id: str
    role: str
    activity: str
    started_on: date
    recorded_by: str
