"""Monthly activity records (地区活動記録): the fold, the approval rules (課長 then 局長, never one's
own record, returns with a reason and resubmission) and the handlers on the fake unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from services.districts import activity_handlers as h
from services.districts.domain import activity_record as ar
from services.districts.domain import commands as c
from services.districts.domain.events import (
    ActivityRecordApproved,
    ActivityRecordReturned,
    ActivityRecordSubmitted,
    ActivityRecordWritten,
)
from services.districts.domain.values import ActivityEntry
from shared.clock import FixedClock
from shared.commands import CommandContext
from shared.envelope import Actor
from shared.errors import AlreadyExists, ConcurrencyConflict, Forbidden, IllegalTransition, InvalidCommand
from shared.testing import FakeUnitOfWorkFactory, iter_ids

T0 = datetime(2014, 7, 2, 1, 0, tzinfo=UTC)
WORKER = Actor(staff_id="d-w1", department="districts", role="worker", name="地区 太郎")
MANAGER = Actor(staff_id="d-m1", department="districts", role="manager", name="地区 花子")
DIRECTOR = Actor(staff_id="d-d1", department="districts", role="director", name="地区 一郎")


def entry(day: int = 12, **changes: Any) -> ActivityEntry:
    values: dict[str, Any] = {
        "on": date(2014, 6, day),
        "district_id": "hayama-isshiki",
        "purpose": "地区社協定例会での課題共有",
        "done": "見守りの気づきを報告し、サロンの担い手を相談した",
        "impressions": "男性の参加が課題",
    }
    return ActivityEntry(**{**values, **changes})


def write(*entries: ActivityEntry, by: str = "d-w1", month: str = "2014-06") -> c.WriteActivityRecord:
    return c.WriteActivityRecord(staff_id=by, author_name="地区 太郎", month=month, entries=entries, written_by=by)


def submitted() -> ar.ActivityRecordState:
    rid = ar.record_id_of("d-w1", "2014-06")
    state = ar.replay_state(ar.decide_write(ar.ActivityRecordState(), write(entry()), now=T0, record_id=rid))
    return ar.replay_state(
        ar.decide_submit(state, c.SubmitActivityRecord(record_id=rid, submitted_by="d-w1"), now=T0), state
    )


def approve(state: ar.ActivityRecordState, step: Any, by: str) -> list[Any]:
    cmd = c.ApproveActivityRecord(record_id=state.record_id or "", step=step, approved_by=by, approver_name=by)
    return ar.decide_approve(state, cmd, now=T0)


def give_back(state: ar.ActivityRecordState, step: Any, by: str, reason: str = "所感を具体的に") -> list[Any]:
    cmd = c.ReturnActivityRecord(record_id=state.record_id or "", step=step, reason=reason, returned_by=by)
    return ar.decide_return(state, cmd, now=T0)


# --- the pure domain ------------------------------------------------------------------------------


def test_a_record_is_one_per_author_and_month_and_folds_its_entries_by_date() -> None:
    rid = ar.record_id_of("d-w1", "2014-06")
    assert rid == ar.record_id_of("d-w1", "2014-06") != ar.record_id_of("d-w2", "2014-06")
    events = ar.decide_write(ar.ActivityRecordState(), write(entry(20), entry(3)), now=T0, record_id=rid)
    state = ar.replay_state(events)
    assert isinstance(events[0], ActivityRecordWritten) and "entries" in ActivityRecordWritten.personal_fields
    assert (state.record_id, state.staff_id, state.month, state.status) == (rid, "d-w1", "2014-06", "draft")
    assert [e.on.day for e in state.entries] == [3, 20]


def test_entries_must_lie_in_the_month_not_in_the_future_and_name_the_field() -> None:
    rid = ar.record_id_of("d-w1", "2014-06")
    with pytest.raises(InvalidCommand) as outside:
        ar.decide_write(
            ar.ActivityRecordState(), write(entry(), entry(day=1, on=date(2014, 5, 30))), now=T0, record_id=rid
        )
    assert outside.value.field == "entries.1.on"
    with pytest.raises(InvalidCommand) as future:
        ar.decide_write(
            ar.ActivityRecordState(), write(entry(on=date(2014, 7, 20)), month="2014-07"), now=T0, record_id=rid
        )
    assert future.value.field == "entries.0.on"
    with pytest.raises(InvalidCommand) as month:
        ar.decide_write(ar.ActivityRecordState(), write(entry(), month="2014-13"), now=T0, record_id=rid)
    assert month.value.field == "month"


def test_an_empty_record_is_not_submitted_and_only_its_author_submits_or_revises_it() -> None:
    rid = ar.record_id_of("d-w1", "2014-06")
    empty = ar.replay_state(ar.decide_write(ar.ActivityRecordState(), write(), now=T0, record_id=rid))
    with pytest.raises(InvalidCommand) as nothing:
        ar.decide_submit(empty, c.SubmitActivityRecord(record_id=rid, submitted_by="d-w1"), now=T0)
    assert nothing.value.field == "entries"
    with pytest.raises(Forbidden) as other:
        ar.decide_submit(empty, c.SubmitActivityRecord(record_id=rid, submitted_by="d-w2"), now=T0)
    assert other.value.reason == "author_only"
    with pytest.raises(Forbidden) as other:
        ar.decide_write(empty, write(entry(), by="d-w2"), now=T0, record_id=rid)
    assert other.value.reason == "author_only"


def test_nobody_approves_or_returns_their_own_record() -> None:
    state = submitted()
    with pytest.raises(Forbidden, match="own") as own:
        approve(state, "manager", "d-w1")
    assert own.value.reason == "not_own_record"
    with pytest.raises(Forbidden, match="own"):
        give_back(state, "manager", "d-w1")


def test_the_director_cannot_decide_before_the_manager_and_the_manager_not_twice() -> None:
    state = submitted()
    with pytest.raises(IllegalTransition, match="approves the record first") as early:
        approve(state, "director", "d-d1")
    assert (early.value.field, early.value.reason) == ("step", "manager_first")
    with pytest.raises(IllegalTransition):
        give_back(state, "director", "d-d1")
    first = ar.replay_state(approve(state, "manager", "d-m1"), state)
    assert (first.status, first.manager_approved_by, ar.waiting_step(first)) == ("manager_approved", "d-m1", "director")
    with pytest.raises(IllegalTransition, match="waits for the 局長"):
        approve(first, "manager", "d-m2")
    done = ar.replay_state(approve(first, "director", "d-d1"), first)
    assert (done.status, done.director_approved_by, ar.waiting_step(done)) == ("approved", "d-d1", None)
    with pytest.raises(IllegalTransition):
        approve(done, "director", "d-d1")
    with pytest.raises(IllegalTransition) as changed:
        ar.decide_write(done, write(entry()), now=T0, record_id=done.record_id or "")
    assert (changed.value.reason, changed.value.ctx) == ("record_status", {"status": "approved"})


def test_a_returned_record_goes_back_to_its_author_who_revises_and_resubmits_from_the_first_step() -> None:
    state = ar.replay_state(approve(submitted(), "manager", "d-m1"), submitted())
    with pytest.raises(InvalidCommand) as no_reason:
        give_back(state, "director", "d-d1", reason="  ")
    assert no_reason.value.field == "reason"
    returned_events = give_back(state, "director", "d-d1")
    assert isinstance(returned_events[0], ActivityRecordReturned) and returned_events[0].personal_fields == {"reason"}
    returned = ar.replay_state(returned_events, state)
    assert (returned.status, returned.manager_approved_by) == ("returned", None)
    assert [(r.kind, r.step, r.text) for r in returned.remarks] == [
        ("approved", "manager", None),
        ("returned", "director", "所感を具体的に"),
    ]
    rid = returned.record_id or ""
    revised = ar.replay_state(
        ar.decide_write(returned, write(entry(impressions="サロンに男性向け講座を提案する")), now=T0, record_id=rid),
        returned,
    )
    again = ar.decide_submit(revised, c.SubmitActivityRecord(record_id=rid, submitted_by="d-w1"), now=T0)
    assert isinstance(again[0], ActivityRecordSubmitted)
    resubmitted = ar.replay_state(again, revised)
    assert (resubmitted.status, resubmitted.submissions, ar.waiting_step(resubmitted)) == ("submitted", 2, "manager")
    with pytest.raises(IllegalTransition):
        approve(resubmitted, "director", "d-d1")


def test_approvers_comment_on_a_submitted_record_and_the_author_sees_it() -> None:
    state = submitted()
    cmd = c.CommentActivityRecord(
        record_id=state.record_id or "", step="manager", comment="良い気づき", commented_by="d-m1"
    )
    after = ar.replay_state(ar.decide_comment(state, cmd, now=T0), state)
    assert (after.status, [r.text for r in after.remarks]) == ("submitted", ["良い気づき"])
    with pytest.raises(Forbidden):
        ar.decide_comment(state, cmd.model_copy(update={"commented_by": "d-w1"}), now=T0)
    with pytest.raises(InvalidCommand) as blank:
        ar.decide_comment(state, cmd.model_copy(update={"comment": " "}), now=T0)
    assert blank.value.field == "comment"


# --- handlers on the fake unit of work ------------------------------------------------------------


@pytest.fixture
def kit() -> Any:
    return SimpleNamespace(uow=FakeUnitOfWorkFactory(clock=FixedClock(T0), ids=iter_ids("x-1", "x-2")))


def ctx(actor: Actor, version: int | None = None) -> CommandContext:
    return CommandContext(actor=actor, correlation_id="corr-ar", expected_version=version)


def test_handlers_run_the_chain_with_versions_and_refuse_a_second_record_of_the_month(kit: Any) -> None:
    made = h.write_record(kit, ctx(WORKER), write(entry()))
    rid = made["record_id"]
    assert (made["status"], made["version"], made["month"]) == ("draft", 1, "2014-06")
    stored = kit.uow.stored[-1]
    assert stored.stream_id == f"district-activity-{rid}" and stored.case_id == rid and stored.actor == WORKER
    with pytest.raises(AlreadyExists) as twice:
        h.write_record(kit, ctx(WORKER), write(entry()))
    assert (twice.value.field, twice.value.reason, twice.value.ctx) == (
        "month",
        "record_of_month_exists",
        {"month": "2014-06"},
    )
    with pytest.raises(ConcurrencyConflict):
        h.revise_record(kit, ctx(WORKER, version=7), rid, write(entry(5)))
    assert (
        h.submit_record(kit, ctx(WORKER, 1), c.SubmitActivityRecord(record_id=rid, submitted_by="d-w1"))["version"] == 2
    )
    step1 = c.ApproveActivityRecord(record_id=rid, step="manager", approved_by="d-m1", approver_name="地区 花子")
    assert h.approve_record(kit, ctx(MANAGER), step1)["status"] == "manager_approved"
    step2 = c.ApproveActivityRecord(record_id=rid, step="director", approved_by="d-d1")
    assert h.approve_record(kit, ctx(DIRECTOR), step2)["status"] == "approved"
    assert [type(e) for e in kit.uow.events(f"district-activity-{rid}")] == [
        ActivityRecordWritten,
        ActivityRecordSubmitted,
        ActivityRecordApproved,
        ActivityRecordApproved,
    ]
