"""Events of district work (地区社協・地区担当).

One stream per case the district team looks after, ``district-case-{case_id}``: a watch-over concern
raised by residents or a 民生委員 (or a referral accepted) → outreach visits → watch-over by
residents started (and ended); salon participation; volunteer roles the person takes on. Every event
carries ``case_id`` (person, household or provisional case id; the Kafka key) and ``district_id``
(which places the case in its district in the council's reports). Free text about the person is
special-care data (``personal_fields``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from services.districts.domain.values import Approach, Frequency, VisitOutcome, Watcher
from shared.events import DomainEvent, EventRegistry

__all__ = [
    "DISTRICT_EVENTS",
    "DistrictCaseEvent",
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

    attendance_id: str
    salon_name: str
    attended_on: date
    first_visit: bool
    note: str | None
    recorded_at: datetime
    recorded_by: str


class VolunteerRoleTaken(DistrictCaseEvent):
    """担い手の役割: the person took on a role in a district activity (e.g. 男の料理教室の講師)."""

    event_type: ClassVar[str] = "districts.VolunteerRoleTaken"

    role_id: str
    role: str
    activity: str
    started_on: date
    recorded_at: datetime
    recorded_by: str


DISTRICT_EVENTS = EventRegistry(
    [WatchConcernRaised, OutreachVisitRecorded, WatchOverStarted, WatchOverEnded, SalonAttended, VolunteerRoleTaken]
)
