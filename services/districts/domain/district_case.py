"""The district case aggregate (地区の個別支援記録): one stream per case the district team looks after.

Life: a watch-over concern raised (by a neighbour, a 民生委員, or a referral the team accepted) →
outreach visits (reached / not reached / refused) → residents' watch-over started (and ended);
salon participation; volunteer roles the person takes on, which turn a supported person into one
of the district's helpers (担い手).

No intervention without consent: while the person's latest answer to a visit is a refusal, a
watch-over may only be *from a distance* (:class:`~.errors.PersonRefusedContact` otherwise); a
later visit where the person was reached lifts it.

Fold: :func:`apply`. Decisions: ``decide_*(state, command, *, now, <new id>) -> events``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal

from services.districts.domain.commands import (
    EndWatchOver,
    RaiseWatchConcern,
    RecordOutreachVisit,
    RecordSalonAttendance,
    StartWatchOver,
    TakeVolunteerRole,
)
from services.districts.domain.errors import DistrictCaseNotFound, PersonRefusedContact, WatchOverState
from services.districts.domain.events import (
    OutreachVisitRecorded,
    SalonAttended,
    VolunteerRoleTaken,
    WatchConcernRaised,
    WatchOverEnded,
    WatchOverStarted,
)
from services.districts.domain.registry import ResourceState
from services.districts.domain.values import Approach, Frequency, VisitOutcome
from shared.checks import required_text
from shared.dates import local_date
from shared.errors import InvalidCommand
from shared.events import DomainEvent, Replay, absorb
from shared.reference import CodeLists

__all__ = [
    "DistrictCaseState",
    "Visit",
    "Watch",
    "apply",
    "decide_end_watch_over",
    "decide_raise_concern",
    "decide_record_salon_attendance",
    "decide_record_visit",
    "decide_start_watch_over",
    "decide_take_volunteer_role",
    "replay",
]

SOURCES = "consultation_sources"
DISTRICT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Visit:
    visit_id: str
    visited_at: datetime
    outcome: VisitOutcome


@dataclass(frozen=True)
class Watch:
    watch_id: str
    frequency: Frequency
    approach: Approach
    started_on: date
    watchers: int


@dataclass(frozen=True)
class DistrictCaseState:
    """A case in a district; ``DistrictCaseState()`` is a stream with no events yet."""

    case_id: str | None = None
    district_id: str | None = None
    status: Literal["new", "concern", "watched"] = "new"
    reported_by: str | None = None
    referral_ids: tuple[str, ...] = ()
    concerns: int = 0
    visits: tuple[Visit, ...] = ()
    watch: Watch | None = None
    salons: tuple[tuple[str, date], ...] = ()
    roles: tuple[tuple[str, str], ...] = ()

    @property
    def refused(self) -> bool:
        """The person's latest answer (by visit time) was a refusal; unanswered visits say nothing."""
        answered = sorted((v for v in self.visits if v.outcome != "not_reached"), key=lambda v: v.visited_at)
        return bool(answered) and answered[-1].outcome == "refused"

    @property
    def salon_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for name, _ in self.salons))


# --- fold -----------------------------------------------------------------------------------------


def apply(state: DistrictCaseState, event: DomainEvent) -> DistrictCaseState:
    """Fold one event into the case; events of other aggregates pass through."""
    if isinstance(event, WatchConcernRaised):
        referrals = (*state.referral_ids, event.referral_id) if event.referral_id else state.referral_ids
        return absorb(
            state,
            event,
            status="concern" if state.status == "new" else state.status,
            reported_by=state.reported_by or event.reported_by,
            referral_ids=referrals,
            concerns=state.concerns + 1,
        )
    if isinstance(event, OutreachVisitRecorded):
        return replace(state, visits=(*state.visits, Visit(event.visit_id, event.visited_at, event.outcome)))
    if isinstance(event, WatchOverStarted):
        watch = Watch(event.watch_id, event.frequency, event.approach, event.started_on, len(event.watchers))
        return replace(state, status="watched", watch=watch)
    if isinstance(event, WatchOverEnded):
        return replace(state, status="concern", watch=None)
    if isinstance(event, SalonAttended):
        return replace(state, salons=(*state.salons, (event.salon_name, event.attended_on)))
    if isinstance(event, VolunteerRoleTaken):
        return replace(state, roles=(*state.roles, (event.role, event.activity)))
    return state


replay = Replay(DistrictCaseState, apply)


# --- checks ---------------------------------------------------------------------------------------


def _known(state: DistrictCaseState, case_id: str) -> tuple[str, str]:
    if state.case_id is None or state.district_id is None:
        raise DistrictCaseNotFound(
            f"no district looks after case {case_id!r}: record the watch-over concern (or the accepted referral) first",
            field="case_id",
        )
    return state.case_id, state.district_id


def _not_future(day: date, now: datetime, field_name: str) -> None:
    if day > local_date(now):
        raise InvalidCommand(
            f"{field_name} {day.isoformat()} is in the future: record it once it happened",
            field=field_name,
            reason="in_future",
        )


# --- decisions ------------------------------------------------------------------------------------


def decide_raise_concern(
    state: DistrictCaseState, cmd: RaiseWatchConcern, *, now: datetime, concern_id: str, codes: CodeLists
) -> list[DomainEvent]:
    """見守りの気づき: a known source, a district code, what worries them; one district per case."""
    if not DISTRICT_ID.match(cmd.district_id):
        raise InvalidCommand(
            f"district_id {cmd.district_id!r} is not a district code: lower-case letters, digits, '-' or '_'",
            field="district_id",
            reason="code_format",
        )
    if state.district_id is not None and state.district_id != cmd.district_id:
        raise InvalidCommand(
            f"case {state.case_id} is looked after in district {state.district_id!r}: raise the concern there",
            field="district_id",
            reason="other_district",
            ctx={"district": state.district_id},
        )
    codes.require(SOURCES, cmd.reported_by, field_name="reported_by")
    if cmd.referral_id and cmd.referral_id in state.referral_ids:
        raise InvalidCommand(
            f"referral {cmd.referral_id} is already on this case", field="referral_id", reason="already_recorded"
        )
    return [
        WatchConcernRaised.of(
            cmd,
            case_id=required_text(cmd.case_id, "case_id", "the person, household or provisional case id"),
            concern_id=concern_id,
            reporter=cmd.reporter or None,
            concern=required_text(cmd.concern, "concern", "what the reporter noticed"),
            referral_id=cmd.referral_id or None,
            raised_at=now,
            code_list_version=codes.version,
        )
    ]


def decide_record_visit(
    state: DistrictCaseState, cmd: RecordOutreachVisit, *, now: datetime, visit_id: str
) -> list[DomainEvent]:
    """アウトリーチ訪問: on a known case, at an aware time not in the future."""
    case_id, district_id = _known(state, cmd.case_id)
    if cmd.visited_at.tzinfo is None or cmd.visited_at.utcoffset() is None:
        raise InvalidCommand(
            "visited_at must be timezone-aware (e.g. 2014-05-02T10:00:00+09:00)",
            field="visited_at",
            reason="needs_time_zone",
        )
    if cmd.visited_at > now:
        raise InvalidCommand(
            f"visited_at {cmd.visited_at.isoformat()} is in the future", field="visited_at", reason="in_future"
        )
    return [
        OutreachVisitRecorded.of(
            cmd,
            case_id=case_id,
            district_id=district_id,
            visit_id=visit_id,
            visitors=tuple(v for v in cmd.visitors if v.strip()),
            note=cmd.note or None,
            recorded_at=now,
        )
    ]


def decide_start_watch_over(
    state: DistrictCaseState, cmd: StartWatchOver, *, now: datetime, watch_id: str
) -> list[DomainEvent]:
    """見守り開始: one at a time, with watchers; only from a distance while the person refuses."""
    case_id, district_id = _known(state, cmd.case_id)
    if state.watch is not None:
        raise WatchOverState(
            f"case {case_id} is already watched over since {state.watch.started_on.isoformat()}",
            reason="watch_already",
            ctx={"since": state.watch.started_on.isoformat()},
        )
    if not cmd.watchers:
        raise InvalidCommand(
            "watchers is required: name who watches over (a resident, the 民生委員...)",
            field="watchers",
            reason="required",
        )
    if cmd.approach == "in_contact" and state.refused:
        raise PersonRefusedContact(
            "the person refused support at the last visit: no intervention without her or his consent. "
            "Watch from a distance (approach 'from_a_distance'), or record a visit where they agreed first",
            field="approach",
            reason="consent_refused",
        )
    return [WatchOverStarted.of(cmd, case_id=case_id, district_id=district_id, watch_id=watch_id, started_at=now)]


def decide_end_watch_over(state: DistrictCaseState, cmd: EndWatchOver, *, now: datetime) -> list[DomainEvent]:
    """見守り終了: only a running watch-over, with a reason."""
    case_id, district_id = _known(state, cmd.case_id)
    if state.watch is None:
        raise WatchOverState(f"case {case_id} is not watched over: nothing to end", reason="watch_none")
    return [
        WatchOverEnded(
            case_id=case_id,
            district_id=district_id,
            watch_id=state.watch.watch_id,
            reason=required_text(cmd.reason, "reason", "why the watch-over ends"),
            ended_at=now,
            ended_by=cmd.ended_by,
        )
    ]


SALON_KINDS = frozenset({"salon", "meeting_place"})
"""Registered resources a salon attendance may name (サロン, 居場所)."""


def _named(given: str | None, resource: ResourceState | None, field_name: str, what: str) -> str:
    """The name a resource gives (a different ``given`` name is refused), or the ``given`` one."""
    if resource is None or resource.name is None:
        return required_text(given, field_name, what)
    if given and given.strip() and given.strip() != resource.name:
        raise InvalidCommand(
            f"{field_name} {given!r} is not the registered resource's name {resource.name!r}: "
            f"leave {field_name} out when naming resource_id",
            field=field_name,
        )
    return resource.name


def decide_record_salon_attendance(
    state: DistrictCaseState,
    cmd: RecordSalonAttendance,
    *,
    now: datetime,
    attendance_id: str,
    resource: ResourceState | None = None,
) -> list[DomainEvent]:
    """サロン参加: once per salon and day, not in the future; the salon may be a registered resource."""
    case_id, district_id = _known(state, cmd.case_id)
    if resource is not None and resource.kind not in SALON_KINDS:
        raise InvalidCommand(
            f"resource_id {resource.resource_id!r} is a {resource.kind}, not a salon or meeting place",
            field="resource_id",
            reason="not_a_salon",
        )
    salon = _named(cmd.salon_name, resource, "salon_name", "the salon's name, or a registered salon's resource_id")
    _not_future(cmd.attended_on, now, "attended_on")
    if (salon, cmd.attended_on) in state.salons:
        raise InvalidCommand(
            f"attendance at {salon} on {cmd.attended_on.isoformat()} is already recorded", reason="already_recorded"
        )
    return [
        SalonAttended.of(
            cmd,
            case_id=case_id,
            district_id=district_id,
            attendance_id=attendance_id,
            salon_name=salon,
            first_visit=salon not in state.salon_names,
            note=cmd.note or None,
            recorded_at=now,
            resource_id=resource.resource_id if resource else None,
        )
    ]


def decide_take_volunteer_role(
    state: DistrictCaseState,
    cmd: TakeVolunteerRole,
    *,
    now: datetime,
    role_id: str,
    resource: ResourceState | None = None,
) -> list[DomainEvent]:
    """担い手の役割: a role in an activity (a registered resource, or named), once."""
    case_id, district_id = _known(state, cmd.case_id)
    role = required_text(cmd.role, "role", "the role, e.g. 講師")
    activity = _named(cmd.activity, resource, "activity", "the activity, e.g. 男の料理教室, or its resource_id")
    if (role, activity) in state.roles:
        raise InvalidCommand(
            f"the role {role} in {activity} is already recorded", field="role", reason="already_recorded"
        )
    return [
        VolunteerRoleTaken.of(
            cmd,
            case_id=case_id,
            district_id=district_id,
            role_id=role_id,
            role=role,
            activity=activity,
            recorded_at=now,
            resource_id=resource.resource_id if resource else None,
        )
    ]
