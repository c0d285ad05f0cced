"""Districts' handlers on a fake unit of work: what each command records, refuses and projects.

No database: :class:`shared.testing.FakeUnitOfWorkFactory` keeps the streams in memory. The same
handlers over SQLite and PostgreSQL, with their read rows, are in ``tests/integration/districts``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from services.districts import handlers
from services.districts.domain import commands as c
from services.districts.domain.errors import DistrictCaseNotFound
from services.districts.domain.events import OutreachVisitRecorded, WatchConcernRaised
from shared.clock import FixedClock
from shared.commands import CommandContext
from shared.envelope import Actor
from shared.errors import ConcurrencyConflict, InvalidCommand
from shared.testing import FakeUnitOfWorkFactory, iter_ids

T0 = datetime(2014, 5, 1, 1, 0, tzinfo=UTC)
STAFF = Actor(staff_id="d-w1", department="districts", role="worker")
AT = CommandContext(actor=STAFF, correlation_id="corr-1")


@pytest.fixture
def kit() -> Any:
    """Only what the handlers use of a kit: its units of work."""
    return SimpleNamespace(uow=FakeUnitOfWorkFactory(clock=FixedClock(T0), ids=iter_ids("concern-1", "visit-1")))


def raise_concern(kit: Any, case_id: str = "c-a") -> dict[str, Any]:
    cmd = c.RaiseWatchConcern(
        case_id=case_id, district_id="yamato-3chome", reported_by="welfare_commissioner", concern="x", raised_by="d-w1"
    )
    return handlers.raise_concern(kit, AT, cmd)


def test_a_concern_opens_the_case_and_is_recorded_with_the_actor_and_correlation(kit: Any) -> None:
    reply = raise_concern(kit)

    assert reply == {
        "case_id": "c-a",
        "district_id": "yamato-3chome",
        "status": "concern",
        "refused": False,
        "version": 1,
        "concern_id": "concern-1",
    }
    [stored] = kit.uow.stored
    assert stored.stream_id == "district-case-c-a" and stored.case_id == "c-a"
    assert isinstance(stored.event, WatchConcernRaised)
    assert (stored.actor, stored.correlation_id) == (STAFF, "corr-1")
    assert kit.uow.commits == 1 and kit.uow.projected == [("save", 1)]


def test_a_second_concern_adds_to_the_open_case(kit: Any) -> None:
    raise_concern(kit)
    assert raise_concern(kit)["version"] == 2
    assert len(kit.uow.events("district-case-c-a")) == 2


def test_a_visit_to_a_case_no_district_knows_is_refused_and_nothing_is_written(kit: Any) -> None:
    cmd = c.RecordOutreachVisit(case_id="nobody", visited_at=T0, outcome="reached", recorded_by="d-w1")
    with pytest.raises(DistrictCaseNotFound, match="record the watch-over concern") as refused:
        handlers.record_visit(kit, AT, cmd)
    assert refused.value.field == "case_id"
    assert kit.uow.stored == [] and kit.uow.commits == 0


def test_a_stale_expected_version_is_a_conflict_and_nothing_is_written(kit: Any) -> None:
    raise_concern(kit)
    cmd = c.RecordOutreachVisit(case_id="c-a", visited_at=T0, outcome="not_reached", recorded_by="d-w1")
    with pytest.raises(ConcurrencyConflict):
        handlers.record_visit(kit, CommandContext(actor=STAFF, expected_version=3), cmd)
    assert len(kit.uow.stored) == 1

    reply = handlers.record_visit(kit, CommandContext(actor=STAFF, expected_version=1), cmd)
    assert reply["version"] == 2 and isinstance(kit.uow.events("district-case-c-a")[-1], OutreachVisitRecorded)


def test_a_concern_needs_a_case_unless_it_comes_with_a_referral(kit: Any) -> None:
    cmd = c.RaiseWatchConcern(case_id="", district_id="d", reported_by="neighbour", concern="x", raised_by="d-w1")
    with pytest.raises(InvalidCommand, match="case_id is required"):
        handlers.raise_concern(kit, AT, cmd)
    assert kit.uow.stored == [] and kit.uow.commits == 0
