"""Conferences' handlers on a fake unit of work: what each command records, refuses and projects.

No database; the same handlers over SQLite, with their read rows and HTTP, are in
``tests/integration/conferences``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from services.conferences import handlers
from services.conferences.domain import commands as c
from services.conferences.domain.errors import ConferenceNotFound, WrongConferenceState
from services.conferences.domain.events import ConferenceScheduled
from shared.clock import FixedClock
from shared.commands import CommandContext
from shared.envelope import Actor
from shared.errors import ConcurrencyConflict
from shared.testing import FakeUnitOfWorkFactory, iter_ids

T0 = datetime(2015, 6, 1, 1, 0, tzinfo=UTC)
STAFF = Actor(staff_id="c-w1", department="conferences", role="worker")
AT = CommandContext(actor=STAFF, correlation_id="corr-c")


@pytest.fixture
def kit() -> Any:
    return SimpleNamespace(uow=FakeUnitOfWorkFactory(clock=FixedClock(T0), ids=iter_ids("conf-1")))


def schedule(kit: Any) -> dict[str, Any]:
    cmd = c.ScheduleConference(
        case_id="p-t", kind="case_conference", purpose="見守りの役割分担", scheduled_for=T0, scheduled_by="c-w1"
    )
    return handlers.schedule_conference(kit, AT, cmd)


def review(conference_id: str) -> c.ScheduleReview:
    return c.ScheduleReview(conference_id=conference_id, due_on=date(2015, 7, 1), purpose="経過", scheduled_by="c")


def test_scheduling_starts_a_new_conference_stream_under_the_cases_id(kit: Any) -> None:
    reply = schedule(kit)

    assert reply == {"conference_id": "conf-1", "case_id": "p-t", "status": "scheduled", "version": 1}
    [stored] = kit.uow.stored
    assert (stored.stream_id, stored.case_id, stored.actor) == ("conference-conf-1", "p-t", STAFF)
    assert isinstance(stored.event, ConferenceScheduled) and kit.uow.projected == [("_project", 1)]


def test_a_review_of_a_conference_never_scheduled_is_refused_and_nothing_is_written(kit: Any) -> None:
    with pytest.raises(ConferenceNotFound, match="was scheduled") as refused:
        handlers.schedule_review(kit, AT, review("nothing"))
    assert refused.value.field == "conference_id" and kit.uow.stored == []


def test_a_stale_expected_version_is_a_conflict_before_the_domain_is_asked(kit: Any) -> None:
    cid = schedule(kit)["conference_id"]
    with pytest.raises(ConcurrencyConflict):
        handlers.schedule_review(kit, CommandContext(actor=STAFF, expected_version=2), review(cid))
    with pytest.raises(WrongConferenceState, match="not been held"):
        handlers.schedule_review(kit, CommandContext(actor=STAFF, expected_version=1), review(cid))
    assert [type(e) for e in kit.uow.events("conference-conf-1")] == [ConferenceScheduled]
    assert kit.uow.commits == 1
