"""Commands of the loans desk: frozen, imperative, named in the desk's words.

Commands carry what the staff asked for; ids of new things (consultation, contact, response,
application, payment) and the time are passed to the decision functions separately. Values are
checked by the decisions (raising ``InvalidCommand`` with a message), not here, so that a bad value
is refused the same way whether it came over HTTP or from a test.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from shared.domain import Command

__all__ = [
    "ApproveLoan",
    "CheckArrears",
    "CloseLoanConsultation",
    "ConsultationOutcome",
    "DenyLoanApplication",
    "DisburseLoan",
    "GrantGrace",
    "OpenLoanConsultation",
    "RecordHouseholdIssues",
    "RecordLoanContact",
    "RecordRepayment",
    "RecordResponse",
    "StartLoanReview",
    "SubmitLoanApplication",
    "WithdrawLoanApplication",
]


class ConsultationOutcome(StrEnum):
    """相談の結果: why a consultation was closed. The rules of closing depend on it."""

    LOAN_APPLIED = "loan_applied"
    """借入申請へ: needs a ``loan_application`` response."""
    SOLVED_BY_OTHER_MEANS = "solved_by_other_means"
    """他の方法で解決: needs at least one response other than ``loan_application``."""
    DECLINED_BY_CLIENT = "declined_by_client"
    """本人が辞退: the household did not want to go on."""
    LOST_CONTACT = "lost_contact"
    """連絡途絶: the household could no longer be reached."""
    NO_FITTING_SERVICE = "no_fitting_service"
    """該当なし: nothing the desk or others offer fitted."""


# --- consultations (貸付相談) ------------------------------------------------------------------


class OpenLoanConsultation(Command):
    """貸付相談を受け付ける: open a consultation with its first contact.

    ``initial`` marks the household's initial consultation (初期相談); ``counterpart`` is who the
    staff spoke with (code list ``consultation_sources``: self, family, agency...).
    """

    household_id: str
    person_id: str | None = None
    fund_type: str
    kind: str
    channel: str
    counterpart: str
    initial: bool
    issues: tuple[str, ...] = ()
    summary: str = ""
    loan_application_id: str | None = None


class RecordLoanContact(Command):
    """相談対応を記録する: record one more contact; ``fund_type`` defaults to the consultation's."""

    consultation_id: str
    channel: str
    counterpart: str
    note: str = ""
    fund_type: str | None = None


class RecordHouseholdIssues(Command):
    """世帯の課題を記録する: add household issues seen (already recorded ones are ignored)."""

    consultation_id: str
    issues: tuple[str, ...]


class RecordResponse(Command):
    """対応を記録する: record one response given; a consultation may get several."""

    consultation_id: str
    response: str
    note: str = ""


class CloseLoanConsultation(Command):
    """相談を終結する: close the consultation with its outcome."""

    consultation_id: str
    outcome: ConsultationOutcome
    note: str = ""


# --- applications and loans (借入申請・貸付) -----------------------------------------------------


class SubmitLoanApplication(Command):
    """借入申請を受け付ける: take a household's loan application."""

    household_id: str
    person_id: str
    fund_type: str
    requested_amount: int
    purpose: str = ""
    consultation_id: str | None = None


class StartLoanReview(Command):
    """審査に回す: send the application for review."""

    application_id: str


class ApproveLoan(Command):
    """貸付決定する: approve with terms. ``monthly_amount`` defaults to ``amount // instalment_count``;
    the last instalment absorbs the remainder."""

    application_id: str
    amount: int
    instalment_count: int
    first_due_date: date
    monthly_amount: int | None = None
    grace_months: int = 0


class DenyLoanApplication(Command):
    """貸付不承認とする: deny the application, saying why."""

    application_id: str
    reason: str


class WithdrawLoanApplication(Command):
    """申請を取り下げる: the household withdraws (or declines an approved, undisbursed loan)."""

    application_id: str
    reason: str = ""


class DisburseLoan(Command):
    """貸付金を交付する: record the payout of the approved amount."""

    application_id: str
    amount: int
    disbursed_on: date


class RecordRepayment(Command):
    """償還金の入金を記録する: credit a repayment, oldest unpaid instalment first."""

    application_id: str
    amount: int
    paid_on: date


class CheckArrears(Command):
    """滞納を確認する: mark every instalment overdue and unpaid as of ``as_of`` (idempotent)."""

    application_id: str
    as_of: date


class GrantGrace(Command):
    """償還猶予を認める: postpone instalments by ``months`` months, from ``from_instalment`` on
    (default: the oldest instalment not fully paid)."""

    application_id: str
    months: int
    reason: str
    from_instalment: int | None = None
    consultation_id: str | None = None
