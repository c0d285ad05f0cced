"""借入申請: an application moves submitted → under review → approved | denied | withdrawn → disbursed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.loans.domain import (
    ApplicationStatus,
    ApproveLoan,
    DenyLoanApplication,
    DisburseLoan,
    LoanState,
    StartLoanReview,
    SubmitLoanApplication,
    WithdrawLoanApplication,
    apply_loan,
    decide_approve_loan,
    decide_deny_application,
    decide_disburse_loan,
    decide_start_review,
    decide_submit_application,
    decide_withdraw_application,
    fold_loan,
)
from services.loans.domain.errors import InvalidTerms, LoanApplicationNotFound, WrongApplicationStatus
from services.loans.domain.events import (
    LoanApplicationApproved,
    LoanApplicationDenied,
    LoanApplicationSubmitted,
    LoanApplicationWithdrawn,
    LoanConsultationClosed,
    LoanDisbursed,
)
from shared.errors import IllegalTransition, InvalidCommand
from shared.reference import CodeLists

NOW = datetime(2015, 4, 1, 9, 0, tzinfo=UTC)
APP = "app-1"


def submit(codes: CodeLists, **changes: object) -> SubmitLoanApplication:
    fields: dict[str, object] = {
        "household_id": "hh-1",
        "person_id": "p-1",
        "fund_type": "emergency_small",
        "requested_amount": 100_000,
    }
    fields.update(changes)
    return SubmitLoanApplication.model_validate(fields)


def approve(**changes: object) -> ApproveLoan:
    fields: dict[str, object] = {
        "application_id": APP,
        "amount": 100_000,
        "instalment_count": 4,
        "first_due_date": date(2015, 5, 31),
    }
    fields.update(changes)
    return ApproveLoan.model_validate(fields)


# --- the happy path ----------------------------------------------------------------------------


def test_submitting_an_application_records_the_household_and_fund(codes: CodeLists) -> None:
    command = submit(codes, consultation_id="c-1", purpose="転居費用")
    [event] = decide_submit_application(LoanState(), command, now=NOW, application_id=APP, codes=codes)

    assert event == LoanApplicationSubmitted(
        application_id=APP,
        household_id="hh-1",
        person_id="p-1",
        consultation_id="c-1",
        fund_type="emergency_small",
        requested_amount=100_000,
        purpose="転居費用",
        submitted_at=NOW,
        code_list_version=codes.version,
    )
    assert apply_loan(LoanState(), event).status is ApplicationStatus.SUBMITTED


def test_an_application_goes_through_review_approval_and_disbursement(submitted: LoanState) -> None:
    state = fold_loan(decide_start_review(submitted, StartLoanReview(application_id=APP), now=NOW), submitted)
    assert state.status is ApplicationStatus.UNDER_REVIEW

    [approved] = decide_approve_loan(state, approve(monthly_amount=25_000, grace_months=1), now=NOW)
    assert isinstance(approved, LoanApplicationApproved)
    assert (approved.amount, approved.monthly_amount, approved.last_amount, approved.grace_months) == (
        100_000,
        25_000,
        25_000,
        1,
    )
    state = apply_loan(state, approved)
    assert state.status is ApplicationStatus.APPROVED
    assert state.outstanding == 100_000
    assert [i.due_date for i in state.instalments] == [
        date(2015, 5, 31),
        date(2015, 6, 30),
        date(2015, 7, 31),
        date(2015, 8, 31),
    ]

    [disbursed] = decide_disburse_loan(
        state, DisburseLoan(application_id=APP, amount=100_000, disbursed_on=date(2015, 4, 1)), now=NOW
    )
    assert disbursed == LoanDisbursed(
        application_id=APP,
        household_id="hh-1",
        person_id="p-1",
        amount=100_000,
        disbursed_on=date(2015, 4, 1),
        recorded_at=NOW,
    )
    assert apply_loan(state, disbursed).status is ApplicationStatus.REPAYING


def test_approval_without_a_monthly_amount_splits_evenly_with_the_remainder_last(under_review: LoanState) -> None:
    [event] = decide_approve_loan(under_review, approve(amount=100_000, instalment_count=3), now=NOW)

    assert isinstance(event, LoanApplicationApproved)
    assert (event.monthly_amount, event.last_amount) == (33_333, 33_334)
    assert [i.amount for i in apply_loan(under_review, event).instalments] == [33_333, 33_333, 33_334]


def test_a_denial_carries_what_the_referral_rule_needs(under_review: LoanState) -> None:
    [event] = decide_deny_application(under_review, DenyLoanApplication(application_id=APP, reason="収入不足"), now=NOW)

    assert isinstance(event, LoanApplicationDenied)
    assert event.event_type == "loans.LoanApplicationDenied"
    assert (event.household_id, event.application_id, event.reason) == ("hh-1", APP, "収入不足")
    assert apply_loan(under_review, event).status is ApplicationStatus.DENIED


@pytest.mark.parametrize("status", ["submitted", "under_review", "approved"])
def test_an_application_can_be_withdrawn_before_disbursement(status: str, request: pytest.FixtureRequest) -> None:
    state: LoanState = request.getfixturevalue(status)
    [event] = decide_withdraw_application(state, WithdrawLoanApplication(application_id=APP), now=NOW)

    assert isinstance(event, LoanApplicationWithdrawn)
    assert apply_loan(state, event).status is ApplicationStatus.WITHDRAWN


# --- illegal transitions -----------------------------------------------------------------------

Decide = Callable[[LoanState], Any]

START_REVIEW: Decide = lambda s: decide_start_review(s, StartLoanReview(application_id=APP), now=NOW)  # noqa: E731
APPROVE: Decide = lambda s: decide_approve_loan(s, approve(), now=NOW)  # noqa: E731
DENY: Decide = lambda s: decide_deny_application(s, DenyLoanApplication(application_id=APP, reason="r"), now=NOW)  # noqa: E731
WITHDRAW: Decide = lambda s: decide_withdraw_application(s, WithdrawLoanApplication(application_id=APP), now=NOW)  # noqa: E731
DISBURSE: Decide = lambda s: decide_disburse_loan(  # noqa: E731
    s, DisburseLoan(application_id=APP, amount=100_000, disbursed_on=date(2015, 4, 1)), now=NOW
)


@pytest.mark.parametrize(
    ("status", "decide", "hint"),
    [
        ("under_review", START_REVIEW, "under review"),
        ("approved", START_REVIEW, "approved"),
        ("submitted", APPROVE, "send it for review first"),
        ("approved", APPROVE, "disburse it first"),
        ("withdrawn", APPROVE, "withdrawn application is final"),
        ("denied", APPROVE, "denied application is final"),
        ("disbursed", APPROVE, "already disbursed"),
        ("submitted", DENY, "send it for review first"),
        ("approved", DENY, "disburse it first"),
        ("withdrawn", DENY, "withdrawn"),
        ("denied", DENY, "denied"),
        ("denied", WITHDRAW, "denied"),
        ("withdrawn", WITHDRAW, "withdrawn"),
        ("disbursed", WITHDRAW, "already disbursed"),
        ("submitted", DISBURSE, "send it for review first"),
        ("under_review", DISBURSE, "approve, deny or withdraw"),
        ("denied", DISBURSE, "denied application is final"),
        ("withdrawn", DISBURSE, "withdrawn"),
        ("disbursed", DISBURSE, "already disbursed"),
    ],
)
def test_a_command_the_status_forbids_is_refused_with_what_to_do(
    status: str, decide: Decide, hint: str, request: pytest.FixtureRequest
) -> None:
    state: LoanState = request.getfixturevalue(status)

    with pytest.raises(WrongApplicationStatus, match=hint) as refused:
        decide(state)

    assert isinstance(refused.value, IllegalTransition)
    assert refused.value.status == state.status.value
    assert (refused.value.reason, refused.value.ctx) == ("application_status", {"status": state.status.value})


def test_approving_a_withdrawn_application_is_refused(withdrawn: LoanState) -> None:
    with pytest.raises(IllegalTransition, match="withdrawn"):
        decide_approve_loan(withdrawn, approve(), now=NOW)


def test_disbursing_a_denied_application_is_refused(denied: LoanState) -> None:
    with pytest.raises(IllegalTransition, match="denied"):
        DISBURSE(denied)


@pytest.mark.parametrize("decide", [START_REVIEW, APPROVE, DENY, WITHDRAW, DISBURSE])
def test_commands_on_an_application_never_submitted_are_refused_as_not_found(decide: Decide) -> None:
    with pytest.raises(LoanApplicationNotFound, match="submit it"):
        decide(LoanState())


def test_submitting_the_same_application_twice_is_refused(submitted: LoanState, codes: CodeLists) -> None:
    with pytest.raises(IllegalTransition, match="already submitted"):
        decide_submit_application(submitted, submit(codes), now=NOW, application_id=APP, codes=codes)


# --- bad values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fund_type": "casino"}, "fund_type"),
        ({"requested_amount": 0}, "requested_amount"),
        ({"requested_amount": -50_000}, "requested_amount"),
        ({"household_id": ""}, "household_id"),
        ({"person_id": " "}, "person_id"),
        ({"consultation_id": ""}, "consultation_id"),
    ],
)
def test_submitting_with_bad_values_is_refused(codes: CodeLists, changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidCommand) as refused:
        decide_submit_application(LoanState(), submit(codes, **changes), now=NOW, application_id=APP, codes=codes)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -1}, "amount"),
        ({"instalment_count": 0}, "instalment_count"),
        ({"monthly_amount": 0}, "monthly_amount"),
        ({"monthly_amount": 60_000}, "monthly_amount"),
        ({"grace_months": -1}, "grace_months"),
        ({"first_due_date": date(2015, 4, 1)}, "first_due_date"),
        ({"first_due_date": date(2015, 3, 31)}, "first_due_date"),
    ],
)
def test_approving_with_terms_that_do_not_hold_is_refused(
    under_review: LoanState, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidCommand) as refused:
        decide_approve_loan(under_review, approve(**changes), now=NOW)
    assert refused.value.field == field


def test_approving_with_impossible_terms_raises_invalid_terms(under_review: LoanState) -> None:
    with pytest.raises(InvalidTerms):
        decide_approve_loan(under_review, approve(instalment_count=-3), now=NOW)


def test_denying_without_a_reason_is_refused(under_review: LoanState) -> None:
    with pytest.raises(InvalidCommand, match="why") as refused:
        decide_deny_application(under_review, DenyLoanApplication(application_id=APP, reason="  "), now=NOW)
    assert refused.value.field == "reason"


SPAN = {"earliest": "2015-04-01", "latest": "2015-04-01"}  # from the approval to today


@pytest.mark.parametrize(
    ("amount", "disbursed_on", "match", "reason", "ctx"),
    [
        (90_000, date(2015, 4, 1), "approved amount 100000", "amount_mismatch", {"amount": 100_000}),
        (0, date(2015, 4, 1), "approved amount", "amount_mismatch", {"amount": 100_000}),
        (100_000, date(2015, 4, 2), "today", "out_of_range", SPAN),  # in the future
        (100_000, date(2015, 3, 31), "approval", "out_of_range", SPAN),  # before the decision
    ],
)
def test_disbursing_with_bad_values_is_refused(
    approved: LoanState, amount: int, disbursed_on: date, match: str, reason: str, ctx: dict[str, object]
) -> None:
    # The reason and its values are what the desk's screen says in Japanese (errors.domain.*).
    with pytest.raises(InvalidCommand, match=match) as refused:
        decide_disburse_loan(
            approved, DisburseLoan(application_id=APP, amount=amount, disbursed_on=disbursed_on), now=NOW
        )
    assert (refused.value.reason, refused.value.ctx) == (reason, ctx)


def test_disbursing_after_the_first_due_date_is_refused(approved: LoanState) -> None:
    late = datetime(2015, 6, 15, tzinfo=UTC)
    with pytest.raises(InvalidCommand, match="new decision"):
        decide_disburse_loan(
            approved, DisburseLoan(application_id=APP, amount=100_000, disbursed_on=date(2015, 6, 1)), now=late
        )


def test_a_command_for_another_application_is_a_programming_error(under_review: LoanState) -> None:
    with pytest.raises(ValueError, match="decided on the state"):
        decide_approve_loan(under_review, approve(application_id="app-2"), now=NOW)


def test_applying_an_event_of_another_aggregate_is_a_programming_error(submitted: LoanState) -> None:
    event = LoanConsultationClosed(
        consultation_id="c",
        household_id="hh-1",
        person_id=None,
        outcome="lost_contact",
        reached_service=False,
        responses=(),
        note="",
        closed_at=NOW,
    )
    with pytest.raises(TypeError):
        apply_loan(submitted, event)


def test_an_old_approval_replays_even_if_todays_rules_on_terms_would_refuse_it(under_review: LoanState) -> None:
    balloon = LoanApplicationApproved(
        application_id=APP,
        household_id="hh-1",
        person_id="p-1",
        amount=100_000,
        instalment_count=3,
        monthly_amount=10_000,
        last_amount=80_000,
        first_due_date=date(2015, 5, 31),
        grace_months=0,
        approved_at=NOW,
    )

    state = apply_loan(under_review, balloon)

    assert [i.amount for i in state.instalments] == [10_000, 10_000, 80_000]
    assert state.outstanding == 100_000
