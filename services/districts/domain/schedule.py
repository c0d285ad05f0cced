"""The monthly district schedule (地域事業月間スケジュール): one stream per scheduled district meeting or
event, ``district-schedule-{event_id}``.

District staff enter each district's meetings and events; each department then marks whether it
handles one (対応する・しない, the seed's colours). A department may change its answer. When every
department that answered has declined, the event is escalated (他課と調整) once: it appears on the
managers' list for coordination between departments until some department takes it.

Kinds come from the ``district_event_kinds`` code list. Fold: :func:`apply`. Decisions: ``decide_*``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal

from services.districts.domain.commands import MarkEventCoverage, ScheduleDistrictEvent
from services.districts.domain.events import (
    DistrictEventCoverageMarked,
    DistrictEventEscalated,
    DistrictEventScheduled,
)
from shared.checks import optional_text, required_text
from shared.errors import InvalidCommand
from shared.events import DomainEvent, Replay, absorb
from shared.reference import CodeLists

__all__ = ["EVENT_KINDS", "ScheduleState", "apply", "decide_mark_coverage", "decide_schedule", "replay_state"]

EVENT_KINDS = "district_event_kinds"


@dataclass(frozen=True)
class ScheduleState:
    """A scheduled district event; ``ScheduleState()`` is a stream with no events yet."""

    event_id: str | None = None
    district_id: str | None = None
    held_on: date | None = None
    answers: Mapping[str, bool] = field(default_factory=dict)
    escalated: bool = False

    @property
    def handled_by(self) -> tuple[str, ...]:
        return tuple(sorted(d for d, yes in self.answers.items() if yes))

    @property
    def declined_by(self) -> tuple[str, ...]:
        return tuple(sorted(d for d, yes in self.answers.items() if not yes))

    @property
    def status(self) -> Literal["open", "handled", "escalated"]:
        """handled: some department takes it; escalated: all who answered declined; open: no answer yet."""
        if self.handled_by:
            return "handled"
        return "escalated" if self.escalated else "open"


def apply(state: ScheduleState, event: DomainEvent) -> ScheduleState:
    if isinstance(event, DistrictEventScheduled):
        return absorb(state, event)
    if isinstance(event, DistrictEventCoverageMarked):
        return replace(state, answers={**state.answers, event.department: event.handles})
    if isinstance(event, DistrictEventEscalated):
        return replace(state, escalated=True)
    return state


replay_state = Replay(ScheduleState, apply)


def decide_schedule(
    state: ScheduleState, cmd: ScheduleDistrictEvent, *, now: datetime, event_id: str, codes: CodeLists
) -> list[DomainEvent]:
    """地域事業の登録: a known kind, a title and a day."""
    codes.require(EVENT_KINDS, cmd.kind, field_name="kind")
    return [
        DistrictEventScheduled.of(
            cmd,
            event_id=event_id,
            title=required_text(cmd.title, "title", "the meeting or event, e.g. 地区社協定例会"),
            place=optional_text(cmd.place),
            scheduled_at=now,
        )
    ]


def decide_mark_coverage(state: ScheduleState, cmd: MarkEventCoverage, *, now: datetime) -> list[DomainEvent]:
    """対応の有無: a change of the department's answer; the first time nobody handles it, escalate."""
    if state.event_id is None or state.district_id is None:
        raise InvalidCommand(
            f"no scheduled event {cmd.event_id!r}",
            field="event_id",
            reason="unknown_reference",
            ctx={"id": cmd.event_id},
        )
    if state.answers.get(cmd.department) == cmd.handles:
        answer = "handles" if cmd.handles else "does not handle"
        raise InvalidCommand(f"{cmd.department} already {answer} this event", field="handles", reason="already_done")
    marked = DistrictEventCoverageMarked.of(
        cmd, event_id=state.event_id, district_id=state.district_id, note=optional_text(cmd.note), marked_at=now
    )
    after = apply(state, marked)
    events: list[DomainEvent] = [marked]
    if not after.handled_by and not after.escalated:
        events.append(
            DistrictEventEscalated(
                event_id=state.event_id,
                district_id=state.district_id,
                declined_by=after.declined_by,
                escalated_at=now,
            )
        )
    return events
