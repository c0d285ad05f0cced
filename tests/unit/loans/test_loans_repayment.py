"""償還・滞納・猶予: repayments, arrears (idempotent) and grace on a disbursed loan.

The ``disbursed`` fixture is 100,000 yen in four instalments of 25,000 due on
2015-05-31, 06-30, 07-31 and 08-31, paid out on 2015-04-10.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.loans.domain import (
    ApplicationStatus,
    CheckArrears,
    GrantGrace,
    LoanState,
    RecordRepayment,
    decide_check_arrears,
    decide_grant_grace,
    decide_record_repayment,
    fold_loan,
)
from services.loans.domain.errors import (
    LoanApplicationNotFound,
    RepaymentExceedsOutstanding,
    WrongApplicationStatus,
)
from services.loans.domain.events import (
    GraceGranted,
    InstalmentAllocation,
    InstalmentMissed,
    LoanFullyRepaid,
    RepaymentReceived,
)
from shared.errors import IllegalTransition, InvalidCommand

APP = "app-1"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def pay(state: LoanState, amount: int, paid_on: date, payment_id: str = "pay-1") -> LoanState:
    command = RecordRepayment(application_id=APP, amount=amount, paid_on=paid_on)
    return fold_loan(decide_record_repayment(state, command, now=at(paid_on), payment_id=payment_id), state)


def check(state: LoanState, as_of: date) -> list[InstalmentMissed]:
    events = decide_check_arrears(state, CheckArrears(application_id=APP, as_of=as_of), now=at(as_of))
    assert all(isinstance(e, InstalmentMissed) for e in events)
    return [e for e in events if isinstance(e, InstalmentMissed)]


def checked(state: LoanState, as_of: date) -> LoanState:
    return fold_loan(check(state, as_of), state)


def grace(state: LoanState, months: int, on: date, **changes: object) -> list[GraceGranted]:
    fields: dict[str, object] = {"application_id": APP, "months": months, "reason": "学費滞納のため", **changes}
    events = decide_grant_grace(state, GrantGrace.model_validate(fields), now=at(on))
    return [e for e in events if isinstance(e, GraceGranted)]


# --- repayments --------------------------------------------------------------------------------


def test_a_repayment_is_credited_to_the_oldest_unpaid_instalments_first(disbursed: LoanState) -> None:
    command = RecordRepayment(application_id=APP, amount=30_000, paid_on=date(2015, 5, 20))
    [event] = decide_record_repayment(disbursed, command, now=at(date(2015, 5, 20)), payment_id="pay-1")

    assert isinstance(event, RepaymentReceived)
    assert event.allocations == (
        InstalmentAllocation(number=1, amount=25_000),
        InstalmentAllocation(number=2, amount=5_000),
    )
    assert event.outstanding_after == 70_000
    assert event.household_id == "hh-1"

    state = pay(disbursed, 30_000, date(2015, 5, 20))
    assert [i.remaining for i in state.instalments] == [0, 20_000, 25_000, 25_000]
    state = pay(state, 20_000, date(2015, 6, 20), "pay-2")
    assert [i.remaining for i in state.instalments] == [0, 0, 25_000, 25_000]


def test_the_last_repayment_completes_the_loan(disbursed: LoanState) -> None:
    state = pay(disbursed, 75_000, date(2015, 5, 20))
    command = RecordRepayment(application_id=APP, amount=25_000, paid_on=date(2015, 6, 1))
    events = decide_record_repayment(state, command, now=at(date(2015, 6, 1)), payment_id="pay-2")

    assert [type(e) for e in events] == [RepaymentReceived, LoanFullyRepaid]
    assert events[1] == LoanFullyRepaid(
        application_id=APP, household_id="hh-1", person_id="p-1", repaid_on=date(2015, 6, 1)
    )
    assert fold_loan(events, state).status is ApplicationStatus.REPAID


def test_repaying_more_than_outstanding_is_refused(disbursed: LoanState) -> None:
    state = pay(disbursed, 90_000, date(2015, 5, 20))

    with pytest.raises(RepaymentExceedsOutstanding, match="at most 10000 yen") as refused:
        pay(state, 10_001, date(2015, 5, 21), "pay-2")
    assert isinstance(refused.value, InvalidCommand)


@pytest.mark.parametrize("status", ["submitted", "under_review", "approved", "denied", "withdrawn"])
def test_paying_a_loan_never_disbursed_is_refused(status: str, request: pytest.FixtureRequest) -> None:
    state: LoanState = request.getfixturevalue(status)
    with pytest.raises(WrongApplicationStatus, match="record a repayment"):
        pay(state, 1_000, date(2015, 4, 1))


def test_paying_a_fully_repaid_loan_is_refused(disbursed: LoanState) -> None:
    state = pay(disbursed, 100_000, date(2015, 5, 1))
    with pytest.raises(IllegalTransition, match="fully repaid"):
        pay(state, 1, date(2015, 5, 2), "pay-2")


def test_paying_an_application_never_submitted_is_refused_as_not_found() -> None:
    with pytest.raises(LoanApplicationNotFound):
        pay(LoanState(), 1_000, date(2015, 5, 1))


@pytest.mark.parametrize("amount", [0, -25_000])
def test_a_zero_or_negative_repayment_is_refused(disbursed: LoanState, amount: int) -> None:
    with pytest.raises(InvalidCommand, match="positive") as refused:
        pay(disbursed, amount, date(2015, 5, 1))
    assert refused.value.field == "amount"


def test_a_repayment_before_the_disbursement_or_in_the_future_is_refused(disbursed: LoanState) -> None:
    with pytest.raises(InvalidCommand, match="between the disbursement"):
        pay(disbursed, 1_000, date(2015, 4, 9))
    command = RecordRepayment(application_id=APP, amount=1_000, paid_on=date(2015, 5, 2))
    with pytest.raises(InvalidCommand, match="today"):
        decide_record_repayment(disbursed, command, now=at(date(2015, 5, 1)), payment_id="pay-1")


def test_a_repayment_made_today_in_japan_is_taken_while_utc_is_still_on_yesterday(disbursed: LoanState) -> None:
    """00:30 in Japan on 2 May is 15:30 UTC on 1 May: a payment of 2 May is today's, not the future's."""
    past_midnight_in_japan = datetime(2015, 5, 1, 15, 30, tzinfo=UTC)
    command = RecordRepayment(application_id=APP, amount=1_000, paid_on=date(2015, 5, 2))
    [paid, *_] = decide_record_repayment(disbursed, command, now=past_midnight_in_japan, payment_id="pay-1")
    assert paid.paid_on == date(2015, 5, 2)
    checked = decide_check_arrears(
        disbursed, CheckArrears(application_id=APP, as_of=date(2015, 5, 2)), now=past_midnight_in_japan
    )
    assert all(isinstance(e, InstalmentMissed) for e in checked)


def test_recording_the_same_payment_twice_is_refused(disbursed: LoanState) -> None:
    state = pay(disbursed, 1_000, date(2015, 5, 1))
    with pytest.raises(IllegalTransition, match="already recorded"):
        pay(state, 1_000, date(2015, 5, 1))


# --- arrears (滞納) ------------------------------------------------------------------------------


def test_an_instalment_is_not_missed_on_its_due_date(disbursed: LoanState) -> None:
    assert check(disbursed, date(2015, 5, 31)) == []


def test_an_unpaid_instalment_is_missed_the_day_after_its_due_date(disbursed: LoanState) -> None:
    assert check(disbursed, date(2015, 6, 1)) == [
        InstalmentMissed(
            application_id=APP,
            household_id="hh-1",
            person_id="p-1",
            instalment_number=1,
            due_date=date(2015, 5, 31),
            amount_unpaid=25_000,
            missed_count=1,
            overdue_count=1,
            as_of=date(2015, 6, 1),
        )
    ]


def test_checking_arrears_twice_on_the_same_date_emits_nothing_new(disbursed: LoanState) -> None:
    state = checked(disbursed, date(2015, 6, 1))

    assert check(state, date(2015, 6, 1)) == []
    assert check(state, date(2015, 6, 30)) == []


def test_a_later_check_reports_only_newly_missed_instalments_with_the_running_count(
    disbursed: LoanState,
) -> None:
    state = checked(disbursed, date(2015, 6, 1))
    [second] = check(state, date(2015, 7, 1))

    assert (second.instalment_number, second.missed_count, second.overdue_count) == (2, 2, 2)


def test_one_late_check_reports_every_missed_instalment_in_order(disbursed: LoanState) -> None:
    events = check(disbursed, date(2015, 8, 1))

    assert [(e.instalment_number, e.missed_count, e.overdue_count) for e in events] == [
        (1, 1, 1),
        (2, 2, 2),
        (3, 3, 3),
    ]
    assert check(fold_loan(events, disbursed), date(2015, 8, 1)) == []


def test_paid_instalments_are_not_missed_and_partly_paid_ones_are(disbursed: LoanState) -> None:
    state = pay(disbursed, 35_000, date(2015, 5, 30))
    [missed] = check(state, date(2015, 7, 1))

    assert (missed.instalment_number, missed.amount_unpaid) == (2, 15_000)


def test_after_arrears_are_paid_the_running_count_still_remembers_them(disbursed: LoanState) -> None:
    state = checked(disbursed, date(2015, 6, 1))
    state = pay(state, 25_000, date(2015, 6, 10))
    [missed] = check(state, date(2015, 7, 1))

    assert (missed.instalment_number, missed.missed_count, missed.overdue_count) == (2, 2, 1)


@pytest.mark.parametrize("status", ["submitted", "under_review", "approved", "denied", "withdrawn"])
def test_applications_not_being_repaid_have_no_arrears(status: str, request: pytest.FixtureRequest) -> None:
    assert check(request.getfixturevalue(status), date(2016, 1, 1)) == []


def test_a_fully_repaid_loan_has_no_arrears(disbursed: LoanState) -> None:
    assert check(pay(disbursed, 100_000, date(2015, 5, 1)), date(2016, 1, 1)) == []


def test_checking_arrears_of_an_application_never_submitted_is_refused_as_not_found() -> None:
    with pytest.raises(LoanApplicationNotFound):
        check(LoanState(), date(2015, 6, 1))


def test_checking_arrears_as_of_a_future_date_is_refused(disbursed: LoanState) -> None:
    command = CheckArrears(application_id=APP, as_of=date(2015, 6, 2))
    with pytest.raises(InvalidCommand, match="future") as refused:
        decide_check_arrears(disbursed, command, now=at(date(2015, 6, 1)))
    assert refused.value.field == "as_of"


# --- grace (猶予) --------------------------------------------------------------------------------


def test_grace_postpones_the_unpaid_instalments_by_whole_months(disbursed: LoanState) -> None:
    state = pay(disbursed, 25_000, date(2015, 5, 31))
    [event] = grace(state, 3, date(2015, 6, 15), consultation_id="c-5")

    assert (event.from_instalment, event.months, event.consultation_id) == (2, 3, "c-5")
    assert event.household_id == "hh-1"
    state = fold_loan([event], state)
    assert [i.due_date for i in state.instalments] == [
        date(2015, 5, 31),
        date(2015, 9, 30),
        date(2015, 10, 31),
        date(2015, 11, 30),
    ]
    assert state.outstanding == 75_000


def test_grants_of_grace_add_up_and_keep_month_end_due_dates(disbursed: LoanState) -> None:
    state = fold_loan(grace(disbursed, 1, date(2015, 5, 1)), disbursed)  # May 31 → June 30
    state = fold_loan(grace(state, 1, date(2015, 5, 2)), state)  # → July 31, not July 30

    assert state.instalments[0].due_date == date(2015, 7, 31)
    assert state.instalments[0].postponed_months == 2


def test_grace_may_start_at_a_later_instalment(disbursed: LoanState) -> None:
    state = fold_loan(grace(disbursed, 2, date(2015, 5, 1), from_instalment=3), disbursed)

    assert [i.due_date for i in state.instalments] == [
        date(2015, 5, 31),
        date(2015, 6, 30),
        date(2015, 9, 30),
        date(2015, 10, 31),
    ]


def test_a_missed_instalment_under_grace_is_no_longer_overdue(disbursed: LoanState) -> None:
    state = checked(disbursed, date(2015, 6, 1))
    state = fold_loan(grace(state, 2, date(2015, 6, 5)), state)

    assert state.overdue(date(2015, 7, 15)) == ()
    assert check(state, date(2015, 7, 31)) == []


def test_a_postponed_instalment_missed_again_at_its_new_due_date_is_reported_again(
    disbursed: LoanState,
) -> None:
    state = checked(disbursed, date(2015, 6, 1))
    state = fold_loan(grace(state, 2, date(2015, 6, 5)), state)  # instalment 1 now due 2015-07-31
    [again] = check(state, date(2015, 8, 1))

    assert (again.instalment_number, again.due_date, again.missed_count) == (1, date(2015, 7, 31), 2)
    assert check(fold_loan([again], state), date(2015, 8, 1)) == []


@pytest.mark.parametrize("months", [0, -1])
def test_grace_of_no_months_is_refused(disbursed: LoanState, months: int) -> None:
    with pytest.raises(InvalidCommand, match="at least 1") as refused:
        grace(disbursed, months, date(2015, 5, 1))
    assert refused.value.field == "months"


def test_grace_without_a_reason_is_refused(disbursed: LoanState) -> None:
    with pytest.raises(InvalidCommand, match="why"):
        grace(disbursed, 1, date(2015, 5, 1), reason="")


@pytest.mark.parametrize("from_instalment", [1, 0, 5])
def test_grace_from_a_paid_or_nonexistent_instalment_is_refused(disbursed: LoanState, from_instalment: int) -> None:
    state = pay(disbursed, 25_000, date(2015, 5, 1))
    with pytest.raises(InvalidCommand, match="between 2 and 4") as refused:
        grace(state, 1, date(2015, 5, 2), from_instalment=from_instalment)
    assert refused.value.field == "from_instalment"


@pytest.mark.parametrize("status", ["submitted", "under_review", "approved", "denied", "withdrawn"])
def test_grace_on_a_loan_never_disbursed_is_refused(status: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(WrongApplicationStatus, match="grant grace"):
        grace(request.getfixturevalue(status), 1, date(2015, 4, 1))


def test_grace_on_a_fully_repaid_loan_is_refused(disbursed: LoanState) -> None:
    state = pay(disbursed, 100_000, date(2015, 5, 1))
    with pytest.raises(IllegalTransition, match="fully repaid"):
        grace(state, 1, date(2015, 5, 2))
