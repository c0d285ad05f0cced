"""The pure domain of the loans desk (生活福祉資金貸付): no I/O, no clock, no randomness.

Two aggregates, each a fold plus decisions::

    state = fold_consultation(events)                  # or apply_consultation(state, event)
    new = decide_record_response(state, cmd, now=now, response_id=rid, codes=load_code_lists())

    state = fold_loan(events)                          # or apply_loan(state, event)
    new = decide_check_arrears(state, CheckArrears(application_id=aid, as_of=today), now=now)

Modules: ``events`` (and ``LOANS_EVENTS``), ``commands``, ``consultation``, ``loan`` (the application),
``repayment`` (the loan once approved), ``schedule``, ``errors``, ``validation``.
"""

from services.loans.domain.commands import (
    ApproveLoan,
    CheckArrears,
    CloseLoanConsultation,
    ConsultationOutcome,
    DenyLoanApplication,
    DisburseLoan,
    GrantGrace,
    OpenLoanConsultation,
    RecordHouseholdIssues,
    RecordLoanContact,
    RecordRepayment,
    RecordResponse,
    StartLoanReview,
    SubmitLoanApplication,
    WithdrawLoanApplication,
)
from services.loans.domain.consultation import (
    ConsultationState,
    ConsultationStatus,
    apply_consultation,
    decide_close_consultation,
    decide_open_consultation,
    decide_record_contact,
    decide_record_issues,
    decide_record_response,
    fold_consultation,
)
from services.loans.domain.events import LOANS_EVENTS
from services.loans.domain.loan import (
    ApplicationStatus,
    LoanState,
    apply_loan,
    decide_approve_loan,
    decide_deny_application,
    decide_start_review,
    decide_submit_application,
    decide_withdraw_application,
    fold_loan,
)
from services.loans.domain.repayment import (
    decide_check_arrears,
    decide_disburse_loan,
    decide_grant_grace,
    decide_record_repayment,
)
from services.loans.domain.schedule import Instalment, build_schedule

__all__ = [
    "LOANS_EVENTS",
    "ApplicationStatus",
    "ApproveLoan",
    "CheckArrears",
    "CloseLoanConsultation",
    "ConsultationOutcome",
    "ConsultationState",
    "ConsultationStatus",
    "DenyLoanApplication",
    "DisburseLoan",
    "GrantGrace",
    "Instalment",
    "LoanState",
    "OpenLoanConsultation",
    "RecordHouseholdIssues",
    "RecordLoanContact",
    "RecordRepayment",
    "RecordResponse",
    "StartLoanReview",
    "SubmitLoanApplication",
    "WithdrawLoanApplication",
    "apply_consultation",
    "apply_loan",
    "build_schedule",
    "decide_approve_loan",
    "decide_check_arrears",
    "decide_close_consultation",
    "decide_deny_application",
    "decide_disburse_loan",
    "decide_grant_grace",
    "decide_open_consultation",
    "decide_record_contact",
    "decide_record_issues",
    "decide_record_repayment",
    "decide_record_response",
    "decide_start_review",
    "decide_submit_application",
    "decide_withdraw_application",
    "fold_consultation",
    "fold_loan",
]
