"""The loans desk's handlers on a fake unit of work: recorded events, actor, case, refusals.

No database; the handlers over SQLite and HTTP (read rows, ETags, If-Match) are in
``tests/integration/loans/test_loans_http.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from services.loans import handlers
from services.loans.domain import commands as c
from services.loans.domain.errors import LoanApplicationNotFound, WrongApplicationStatus
from services.loans.domain.events import LoanApplicationDenied, LoanApplicationReviewStarted, LoanApplicationSubmitted
from shared.clock import FixedClock
from shared.commands import CommandContext
from shared.envelope import Actor
from shared.errors import ConcurrencyConflict
from shared.reference import load_code_lists
from shared.testing import FakeUnitOfWorkFactory, iter_ids
from tests.unit.loans.registered import register_household, register_person

T0 = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
WORKER = Actor(staff_id="l-w1", department="loans", role="worker")
MANAGER = Actor(staff_id="l-m1", department="loans", role="manager")


@pytest.fixture
def deps() -> Any:
    kit = SimpleNamespace(uow=FakeUnitOfWorkFactory(clock=FixedClock(T0), ids=iter_ids("a-1")))
    register_person(kit.uow, "p-1")
    register_household(kit.uow, "hh-1", "p-1")
    return handlers.LoansDeps(kit=kit, codes=load_code_lists())  # type: ignore[arg-type]


def desk_records(deps: Any) -> list[Any]:
    """What the desk's loan commands recorded (not the registration the fixture made)."""
    return [s for s in deps.kit.uow.stored if s.stream_id.startswith("loan-")]


def submit(deps: Any) -> str:
    cmd = c.SubmitLoanApplication(
        household_id="hh-1", person_id="p-1", fund_type="emergency_small", requested_amount=100_000
    )
    return handlers.submit_application(deps, CommandContext(actor=WORKER, correlation_id="corr"), cmd).id


def test_an_application_is_recorded_on_its_own_stream_with_the_household_as_its_case(deps: Any) -> None:
    aid = submit(deps)
    [stored] = desk_records(deps)
    assert (aid, stored.stream_id, stored.case_id) == ("a-1", "loan-application-a-1", "hh-1")
    assert isinstance(stored.event, LoanApplicationSubmitted)
    assert (stored.actor, stored.correlation_id) == (WORKER, "corr")
    assert deps.kit.uow.projected[-1:] == [("save_application", 1)]


def test_a_denial_after_review_is_recorded_as_the_managers(deps: Any) -> None:
    aid = submit(deps)
    handlers.start_review(deps, CommandContext(actor=WORKER, expected_version=1), c.StartLoanReview(application_id=aid))
    outcome = handlers.deny_application(
        deps, CommandContext(actor=MANAGER), c.DenyLoanApplication(application_id=aid, reason="償還の見込みなし")
    )
    assert outcome.version == 3 and [type(e) for e in outcome.events] == [LoanApplicationDenied]
    assert [type(e) for e in deps.kit.uow.events("loan-application-a-1")] == [
        LoanApplicationSubmitted,
        LoanApplicationReviewStarted,
        LoanApplicationDenied,
    ]
    assert deps.kit.uow.stored[-1].actor == MANAGER


def test_commands_on_an_application_never_submitted_are_not_found_and_write_nothing(deps: Any) -> None:
    with pytest.raises(LoanApplicationNotFound, match="submit it first") as refused:
        handlers.start_review(deps, CommandContext(actor=WORKER), c.StartLoanReview(application_id="nope"))
    assert refused.value.field == "application_id" and desk_records(deps) == []


def test_a_stale_version_and_an_illegal_transition_write_nothing(deps: Any) -> None:
    aid = submit(deps)
    with pytest.raises(ConcurrencyConflict):
        handlers.start_review(
            deps, CommandContext(actor=WORKER, expected_version=4), c.StartLoanReview(application_id=aid)
        )
    with pytest.raises(WrongApplicationStatus):
        handlers.disburse_loan(
            deps,
            CommandContext(actor=WORKER),
            c.DisburseLoan(application_id=aid, amount=1, disbursed_on=T0.date()),
        )
    assert len(desk_records(deps)) == 1 and deps.kit.uow.commits == 3
