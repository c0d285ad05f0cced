"""Fixtures for the loans domain tests: code lists, a fixed clock and applications in each status."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.loans.domain import (
    ApproveLoan,
    DenyLoanApplication,
    DisburseLoan,
    LoanState,
    StartLoanReview,
    SubmitLoanApplication,
    WithdrawLoanApplication,
    decide_approve_loan,
    decide_deny_application,
    decide_disburse_loan,
    decide_start_review,
    decide_submit_application,
    decide_withdraw_application,
    fold_loan,
)
from shared.reference import CodeLists, load_code_lists

NOW = datetime(2015, 4, 1, 9, 0, tzinfo=UTC)
APP = "app-1"
HOUSEHOLD = "hh-1"
PERSON = "p-1"
# 100,000 yen in 4 instalments of 25,000, due on the last day of May, June, July, August 2015.
AMOUNT = 100_000
FIRST_DUE = date(2015, 5, 31)


def at(day: date) -> datetime:
    """A decision time on ``day`` (09:00 UTC)."""
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def codes() -> CodeLists:
    return load_code_lists()


@pytest.fixture
def submitted(codes: CodeLists) -> LoanState:
    command = SubmitLoanApplication(
        household_id=HOUSEHOLD,
        person_id=PERSON,
        fund_type="emergency_small",
        requested_amount=AMOUNT,
        purpose="家賃の支払い",
    )
    return fold_loan(decide_submit_application(LoanState(), command, now=NOW, application_id=APP, codes=codes))


@pytest.fixture
def under_review(submitted: LoanState) -> LoanState:
    return fold_loan(decide_start_review(submitted, StartLoanReview(application_id=APP), now=NOW), submitted)


@pytest.fixture
def approved(under_review: LoanState) -> LoanState:
    command = ApproveLoan(application_id=APP, amount=AMOUNT, instalment_count=4, first_due_date=FIRST_DUE)
    return fold_loan(decide_approve_loan(under_review, command, now=NOW), under_review)


@pytest.fixture
def denied(under_review: LoanState) -> LoanState:
    command = DenyLoanApplication(application_id=APP, reason="償還の見込みが立たない")
    return fold_loan(decide_deny_application(under_review, command, now=NOW), under_review)


@pytest.fixture
def withdrawn(under_review: LoanState) -> LoanState:
    command = WithdrawLoanApplication(application_id=APP, reason="親族から借りられた")
    return fold_loan(decide_withdraw_application(under_review, command, now=NOW), under_review)


@pytest.fixture
def disbursed(approved: LoanState) -> LoanState:
    command = DisburseLoan(application_id=APP, amount=AMOUNT, disbursed_on=date(2015, 4, 10))
    return fold_loan(decide_disburse_loan(approved, command, now=at(date(2015, 4, 10))), approved)
