"""The kit's copy-by-name pieces: ``Command.of``, ``DomainEvent.of``, ``absorb``, ``Replay`` and
``Edge.submit`` — one way for a body to become a command, a command an event, an event a state."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
from fastapi import Response
from pydantic import Field, ValidationError

from shared.bodies import Body, VersionedBody
from shared.commands import CommandContext
from shared.domain import Command
from shared.envelope import Actor
from shared.errors import InvalidCommand
from shared.events import DomainEvent, Replay, absorb, same_named
from shared.web import Edge

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
ACTOR = Actor(staff_id="s1", department="districts", role="worker")


class VisitBody(VersionedBody):
    visited_at: datetime
    visitors: list[str] = Field(default_factory=list)
    note: str | None = None
    unrelated: str | None = None  # not a field of the command: left out


class RecordVisit(Command):
    case_id: str
    visited_at: datetime
    visitors: tuple[str, ...] = ()
    note: str | None = None
    recorded_by: str


class VisitRecorded(DomainEvent):
    event_type: ClassVar[str] = "test.VisitRecorded"
    case_id: str
    visit_id: str
    visited_at: datetime
    visitors: tuple[str, ...]
    note: str | None
    recorded_at: datetime
    recorded_by: str


class CaseClosed(DomainEvent):
    event_type: ClassVar[str] = "test.CaseClosed"
    case_id: str


@dataclass(frozen=True)
class CaseState:
    case_id: str | None = None
    status: str = "new"
    visits: int = 0
    note: str | None = None


def apply(state: CaseState, event: DomainEvent) -> CaseState:
    if isinstance(event, VisitRecorded):
        return absorb(state, event, status="open", visits=state.visits + 1)
    if isinstance(event, CaseClosed):
        return replace(state, status="closed")
    return state


def body() -> VisitBody:
    return VisitBody(visited_at=NOW, visitors=["CSW"], note="不在", unrelated="x", expected_version=3)


def test_a_command_takes_the_body_fields_it_declares_and_what_is_given() -> None:
    cmd = RecordVisit.of(body(), case_id="c1", recorded_by="s1")
    assert cmd == RecordVisit(case_id="c1", visited_at=NOW, visitors=("CSW",), note="不在", recorded_by="s1")


def test_what_is_given_wins_over_the_body() -> None:
    assert RecordVisit.of(body(), case_id="c1", note=None, recorded_by="s1").note is None


def test_a_command_still_validates_what_the_body_lacks() -> None:
    with pytest.raises(ValidationError, match="recorded_by"):
        RecordVisit.of(body(), case_id="c1")


def test_an_event_takes_the_command_fields_it_declares_and_what_the_decision_gives() -> None:
    cmd = RecordVisit.of(body(), case_id="c1", recorded_by="s1")
    event = VisitRecorded.of(cmd, visit_id="v1", recorded_at=NOW)
    assert (
        event.payload()
        == VisitRecorded(
            case_id="c1",
            visit_id="v1",
            visited_at=NOW,
            visitors=("CSW",),
            note="不在",
            recorded_at=NOW,
            recorded_by="s1",
        ).payload()
    )


def test_same_named_takes_only_the_source_s_declared_fields() -> None:
    assert same_named(body(), ["note", "case_id", "model_config"]) == {"note": "不在"}


def test_absorb_takes_the_event_s_fields_the_state_has_then_what_is_given() -> None:
    cmd = RecordVisit.of(body(), case_id="c1", recorded_by="s1")
    state = absorb(CaseState(), VisitRecorded.of(cmd, visit_id="v1", recorded_at=NOW), status="open")
    assert state == CaseState(case_id="c1", status="open", visits=0, note="不在")


def test_replay_folds_from_the_initial_or_a_given_state() -> None:
    replay = Replay(CaseState, apply)
    cmd = RecordVisit.of(body(), case_id="c1", recorded_by="s1")
    visited = replay([VisitRecorded.of(cmd, visit_id="v1", recorded_at=NOW)])
    assert visited == CaseState(case_id="c1", status="open", visits=1, note="不在")
    assert replay([CaseClosed(case_id="c1")], visited).status == "closed"
    assert replay([]) == CaseState()


def edge_for(if_match: int | None = None) -> Edge:
    return Edge(ctx=CommandContext(actor=ACTOR, correlation_id="k1", expected_version=if_match), response=Response())


def test_submit_runs_the_handler_with_the_body_s_version_and_replies_with_the_etag() -> None:
    seen: list[tuple[str, CommandContext, RecordVisit]] = []

    def handler(kit: str, ctx: CommandContext, cmd: RecordVisit) -> dict[str, Any]:
        seen.append((kit, ctx, cmd))
        return {"case_id": cmd.case_id, "version": 4}

    at = edge_for()
    cmd = RecordVisit.of(body(), case_id="c1", recorded_by=at.actor.staff_id)
    assert at.submit(handler, "kit", cmd, body()) == {"case_id": "c1", "version": 4}
    assert at.response.headers["ETag"] == '"4"'
    ((kit, ctx, given),) = seen
    assert kit == "kit" and given is cmd
    assert ctx.expected_version == 3 and ctx.correlation_id == "k1" and ctx.actor == ACTOR


def test_submit_of_an_unversioned_body_keeps_the_if_match() -> None:
    class OpenBody(Body):
        case_id: str

    def handler(_kit: None, ctx: CommandContext, cmd: RecordVisit) -> dict[str, Any]:
        return {"expected": ctx.expected_version}

    cmd = RecordVisit(case_id="c1", visited_at=NOW, recorded_by="s1")
    assert edge_for(if_match=7).submit(handler, None, cmd, OpenBody(case_id="c1")) == {"expected": 7}


def test_submit_refuses_a_body_version_that_disagrees_with_if_match() -> None:
    def handler(_kit: None, _ctx: CommandContext, _cmd: RecordVisit) -> dict[str, Any]:
        raise AssertionError("not reached")

    cmd = RecordVisit(case_id="c1", visited_at=NOW, recorded_by="s1")
    with pytest.raises(InvalidCommand, match="disagree"):
        edge_for(if_match=2).submit(handler, None, cmd, body())
