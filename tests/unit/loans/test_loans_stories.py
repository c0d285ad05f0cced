"""The seed's loans-only stories, played as domain sequences (no I/O)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.loans.domain import (
    ApplicationStatus,
    ApproveLoan,
    CheckArrears,
    CloseLoanConsultation,
    ConsultationOutcome,
    ConsultationState,
    ConsultationStatus,
    DisburseLoan,
    GrantGrace,
    LoanState,
    OpenLoanConsultation,
    RecordHouseholdIssues,
    RecordLoanContact,
    RecordRepayment,
    RecordResponse,
    StartLoanReview,
    SubmitLoanApplication,
    decide_approve_loan,
    decide_check_arrears,
    decide_close_consultation,
    decide_disburse_loan,
    decide_grant_grace,
    decide_open_consultation,
    decide_record_contact,
    decide_record_issues,
    decide_record_repayment,
    decide_record_response,
    decide_start_review,
    decide_submit_application,
    fold_consultation,
    fold_loan,
)
from services.loans.domain.events import (
    GraceGranted,
    HouseholdIssuesRecorded,
    InstalmentMissed,
    LoanConsultationClosed,
    LoanConsultationOpened,
    LoanContactRecorded,
)
from shared.events import DomainEvent
from shared.reference import CodeLists


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def test_story_1_moving_cost_request_is_solved_without_a_loan(codes: CodeLists) -> None:
    """横須賀 事例1: unemployed, staying at a friend's, must leave in two weeks, asks for moving costs."""
    day = date(2014, 6, 2)
    history: list[DomainEvent] = []
    state = ConsultationState()

    def run(events: list[DomainEvent]) -> None:
        nonlocal state
        history.extend(events)
        state = fold_consultation(events, state)

    run(
        decide_open_consultation(
            state,
            OpenLoanConsultation(
                household_id="hh-yokosuka-1",
                person_id="p-yokosuka-1",
                fund_type="moving_and_utilities",
                kind="new_until_decision",
                channel="interview",
                counterpart="self",
                initial=True,
                issues=("employment", "housing"),
                summary="離職中、知人宅に居住。半月後に退去。転居費用を借りたい。",
            ),
            now=at(day),
            consultation_id="c-1",
            codes=codes,
        )
    )
    # Staff confer with agencies and lay out six options; the household picks one without a loan.
    run(
        decide_record_contact(
            state,
            RecordLoanContact(consultation_id="c-1", channel="phone", counterpart="agency", note="関係機関と協議"),
            now=at(day, 14),
            contact_id="k-1",
            codes=codes,
        )
    )
    for rid, response in [("r-1", "housing_benefit"), ("r-2", "unemployment_training")]:
        run(
            decide_record_response(
                state,
                RecordResponse(consultation_id="c-1", response=response, note="6つの選択肢を提示"),
                now=at(day, 15),
                response_id=rid,
                codes=codes,
            )
        )
    run(
        decide_close_consultation(
            state,
            CloseLoanConsultation(consultation_id="c-1", outcome=ConsultationOutcome.SOLVED_BY_OTHER_MEANS),
            now=at(date(2014, 6, 16)),
        )
    )

    opened, *_, closed = history
    assert isinstance(opened, LoanConsultationOpened) and opened.initial
    assert opened.issues == ("employment", "housing")
    assert isinstance(closed, LoanConsultationClosed)
    assert closed.outcome == "solved_by_other_means"
    assert closed.reached_service is True
    assert "loan_application" not in closed.responses
    assert state.status is ConsultationStatus.CLOSED
    # Statistics: two contacts (延件数), one initial consultation (実数), all keyed by the household.
    contacts = [e for e in history if isinstance(e, LoanConsultationOpened | LoanContactRecorded)]
    assert len(contacts) == 2
    assert all(getattr(e, "household_id", None) == "hh-yokosuka-1" for e in history)


def test_story_5_borrowing_household_with_tuition_arrears_gets_a_consultation_and_grace(
    codes: CodeLists,
) -> None:
    """事例5: a borrowing household cannot pay university fees; staff go with a repayment plan; grace."""
    household, person = "hh-5", "p-5"
    loan = fold_loan(
        decide_submit_application(
            LoanState(),
            SubmitLoanApplication(
                household_id=household, person_id=person, fund_type="education_support", requested_amount=600_000
            ),
            now=at(date(2014, 3, 1)),
            application_id="app-5",
            codes=codes,
        )
    )
    loan = fold_loan(decide_start_review(loan, StartLoanReview(application_id="app-5"), now=at(date(2014, 3, 2))), loan)
    approve = ApproveLoan(
        application_id="app-5", amount=600_000, instalment_count=60, first_due_date=date(2014, 10, 31), grace_months=6
    )
    loan = fold_loan(decide_approve_loan(loan, approve, now=at(date(2014, 3, 20))), loan)
    disburse = DisburseLoan(application_id="app-5", amount=600_000, disbursed_on=date(2014, 4, 1))
    loan = fold_loan(decide_disburse_loan(loan, disburse, now=at(date(2014, 4, 1))), loan)
    assert sum(i.amount for i in loan.instalments) == 600_000
    loan = fold_loan(
        decide_record_repayment(
            loan,
            RecordRepayment(application_id="app-5", amount=10_000, paid_on=date(2014, 10, 31)),
            now=at(date(2014, 10, 31)),
            payment_id="pay-1",
        ),
        loan,
    )
    # November and December go unpaid: two missed instalments, the second one carries the count 2.
    missed = decide_check_arrears(
        loan, CheckArrears(application_id="app-5", as_of=date(2015, 1, 5)), now=at(date(2015, 1, 5))
    )
    assert [(e.instalment_number, e.missed_count) for e in missed if isinstance(e, InstalmentMissed)] == [
        (2, 1),
        (3, 2),
    ]
    loan = fold_loan(missed, loan)

    # The borrower comes to the desk: a consultation of kind borrowing_household, linked to the loan.
    consultation = fold_consultation(
        decide_open_consultation(
            ConsultationState(),
            OpenLoanConsultation(
                household_id=household,
                person_id=person,
                fund_type="education_support",
                kind="borrowing_household",
                channel="interview",
                counterpart="self",
                initial=False,
                issues=("childcare_education",),
                summary="大学の学費を滞納、退学のおそれ。追加で借りたい。",
                loan_application_id="app-5",
            ),
            now=at(date(2015, 1, 8)),
            consultation_id="c-5",
            codes=codes,
        )
    )
    [issues] = decide_record_issues(
        consultation,
        RecordHouseholdIssues(consultation_id="c-5", issues=("debt_arrears", "childcare_education")),
        now=at(date(2015, 1, 8)),
        codes=codes,
    )
    assert isinstance(issues, HouseholdIssuesRecorded) and issues.issues == ("debt_arrears",)
    consultation = fold_consultation([issues], consultation)
    # Staff go to the university with the borrower and a repayment plan to ask for deferred fees.
    consultation = fold_consultation(
        decide_record_contact(
            consultation,
            RecordLoanContact(consultation_id="c-5", channel="outreach", counterpart="agency", note="大学へ同行"),
            now=at(date(2015, 1, 15)),
            contact_id="k-5",
            codes=codes,
        ),
        consultation,
    )
    consultation = fold_consultation(
        decide_record_response(
            consultation,
            RecordResponse(consultation_id="c-5", response="installment_negotiation", note="学費の延納を相談"),
            now=at(date(2015, 1, 15)),
            response_id="r-5",
            codes=codes,
        ),
        consultation,
    )
    # And the council postpones the loan's repayments for six months (償還猶予).
    [granted] = decide_grant_grace(
        loan,
        GrantGrace(application_id="app-5", months=6, reason="学費滞納・延納中", consultation_id="c-5"),
        now=at(date(2015, 1, 20)),
    )
    assert isinstance(granted, GraceGranted)
    assert (granted.from_instalment, granted.household_id, granted.consultation_id) == (2, household, "c-5")
    loan = fold_loan([granted], loan)
    assert loan.instalments[1].due_date == date(2015, 5, 31)
    assert loan.status is ApplicationStatus.REPAYING
    # While the grace runs nothing is overdue, and re-checking emits nothing.
    assert (
        decide_check_arrears(
            loan, CheckArrears(application_id="app-5", as_of=date(2015, 5, 31)), now=at(date(2015, 5, 31))
        )
        == []
    )

    [closed] = decide_close_consultation(
        consultation,
        CloseLoanConsultation(consultation_id="c-5", outcome=ConsultationOutcome.SOLVED_BY_OTHER_MEANS),
        now=at(date(2015, 1, 20)),
    )
    assert isinstance(closed, LoanConsultationClosed) and closed.reached_service


def test_a_consultation_closed_without_any_response_goes_to_the_follow_up_list(codes: CodeLists) -> None:
    """The seed's concern: many loan consultations carry problems that reach no service (要フォロー)."""
    state = fold_consultation(
        decide_open_consultation(
            ConsultationState(),
            OpenLoanConsultation(
                household_id="hh-9",
                fund_type="emergency_small",
                kind="new_until_decision",
                channel="phone",
                counterpart="family",
                initial=True,
                issues=("dv_abuse", "household_budget"),
            ),
            now=at(date(2014, 9, 1)),
            consultation_id="c-9",
            codes=codes,
        )
    )
    [closed] = decide_close_consultation(
        state,
        CloseLoanConsultation(consultation_id="c-9", outcome=ConsultationOutcome.LOST_CONTACT),
        now=at(date(2014, 9, 30)),
    )

    assert isinstance(closed, LoanConsultationClosed)
    assert (closed.household_id, closed.reached_service) == ("hh-9", False)
