"""Events of the loans desk (生活福祉資金貸付): every state change is one of these.

Two kinds of stream:

* ``LoanConsultation`` (one per consultation, 貸付相談): opened → contacts, issues, responses → closed.
  The opening event is itself a contact: statistics count ``LoanConsultationOpened`` +
  ``LoanContactRecorded`` as contacts (延件数) and ``LoanConsultationOpened(initial=True)`` as
  initial consultations (実数).
* ``LoanApplication`` (one per application, 借入申請): submitted → under review → approved | denied |
  withdrawn; approved → disbursed → repayments, arrears, grace → fully repaid.

Every event carries ``household_id`` (the case key) and ``person_id`` where known. Free text about
the household is special-care personal data and is named in ``personal_fields``. Events holding codes
record the ``code_list_version`` they were validated against.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from shared.events import DomainEvent, EventRegistry

__all__ = [
    "APPLICATION_EVENTS",
    "CONSULTATION_EVENTS",
    "LOANS_EVENTS",
    "GraceGranted",
    "HouseholdIssuesRecorded",
    "InstalmentAllocation",
    "InstalmentMissed",
    "LoanApplicationApproved",
    "LoanApplicationDenied",
    "LoanApplicationEvent",
    "LoanApplicationReviewStarted",
    "LoanApplicationSubmitted",
    "LoanApplicationWithdrawn",
    "LoanConsultationClosed",
    "LoanConsultationOpened",
    "LoanContactRecorded",
    "LoanDisbursed",
    "LoanFullyRepaid",
    "RepaymentReceived",
    "ResponseRecorded",
]


# --- consultations (貸付相談) ------------------------------------------------------------------


class LoanConsultationOpened(DomainEvent):
    """貸付相談受付: a loan consultation was opened; this is also its first contact."""

    event_type: ClassVar[str] = "loans.LoanConsultationOpened"
    coded_fields: ClassVar[Mapping[str, str]] = {"issues": "household_issue_categories"}
    personal_fields: ClassVar[frozenset[str]] = frozenset({"summary"})

    consultation_id: str
    household_id: str
    person_id: str | None
    fund_type: str
    kind: str
    channel: str
    counterpart: str
    initial: bool
    issues: tuple[str, ...]
    summary: str
    loan_application_id: str | None
    opened_at: datetime
    code_list_version: str


class LoanContactRecorded(DomainEvent):
    """相談対応記録: one more contact (phone, interview, visit...) on an open consultation."""

    event_type: ClassVar[str] = "loans.LoanContactRecorded"
    occurred_field: ClassVar[str | None] = "contacted_at"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"note"})

    consultation_id: str
    contact_id: str
    household_id: str
    person_id: str | None
    fund_type: str
    kind: str
    channel: str
    counterpart: str
    note: str
    contacted_at: datetime
    code_list_version: str


class HouseholdIssuesRecorded(DomainEvent):
    """世帯の課題: household issues newly seen in a consultation (only the ones not yet recorded)."""

    event_type: ClassVar[str] = "loans.HouseholdIssuesRecorded"
    coded_fields: ClassVar[Mapping[str, str]] = {"issues": "household_issue_categories"}

    consultation_id: str
    household_id: str
    person_id: str | None
    issues: tuple[str, ...]
    recorded_at: datetime
    code_list_version: str


class ResponseRecorded(DomainEvent):
    """対応状況: a response given to the consultation (loan application, 家計相談, 生活保護...)."""

    event_type: ClassVar[str] = "loans.ResponseRecorded"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"note"})

    consultation_id: str
    response_id: str
    household_id: str
    person_id: str | None
    response: str
    note: str
    recorded_at: datetime
    code_list_version: str


class LoanConsultationClosed(DomainEvent):
    """相談終結: the consultation was closed.

    ``reached_service`` is false when no response at all was recorded: such households go on the
    follow-up list (要フォロー) of cases that reached no service.
    """

    event_type: ClassVar[str] = "loans.LoanConsultationClosed"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"note"})

    consultation_id: str
    household_id: str
    person_id: str | None
    outcome: str
    reached_service: bool
    responses: tuple[str, ...]
    note: str
    closed_at: datetime


# --- applications and loans (借入申請・貸付) -----------------------------------------------------


class InstalmentAllocation(BaseModel):
    """充当: the part of a repayment credited to one instalment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int
    amount: int


class LoanApplicationEvent(DomainEvent):
    """借入申請: base of the events of one application stream; each names the application, its
    household (the case key) and the applicant first. (``RepaymentReceived`` names its payment
    second, so it keeps its own fields in that order.)"""

    application_id: str
    household_id: str
    person_id: str


class LoanApplicationSubmitted(LoanApplicationEvent):
    """借入申請: a household applied for a Livelihood Welfare Fund loan."""

    event_type: ClassVar[str] = "loans.LoanApplicationSubmitted"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"purpose"})

    consultation_id: str | None
    fund_type: str
    requested_amount: int
    purpose: str
    submitted_at: datetime
    code_list_version: str


class LoanApplicationReviewStarted(LoanApplicationEvent):
    """審査中: the application was sent for review (to the prefecture council)."""

    event_type: ClassVar[str] = "loans.LoanApplicationReviewStarted"

    review_started_at: datetime


class LoanApplicationApproved(LoanApplicationEvent):
    """貸付決定: the loan was approved with its amount and repayment terms.

    ``grace_months`` is the deferment period (据置期間) of the decision; ``first_due_date`` is the
    first instalment's due date after it. The schedule follows from these terms deterministically.
    """

    event_type: ClassVar[str] = "loans.LoanApplicationApproved"

    amount: int
    instalment_count: int
    monthly_amount: int
    last_amount: int
    first_due_date: date
    grace_months: int
    approved_at: datetime


class LoanApplicationDenied(LoanApplicationEvent):
    """貸付不承認: the application was denied."""

    event_type: ClassVar[str] = "loans.LoanApplicationDenied"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason"})

    reason: str
    denied_at: datetime


class LoanApplicationWithdrawn(LoanApplicationEvent):
    """申請取下げ・辞退: the household withdrew the application (or declined the approved loan)."""

    event_type: ClassVar[str] = "loans.LoanApplicationWithdrawn"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason"})

    reason: str
    withdrawn_at: datetime


class LoanDisbursed(LoanApplicationEvent):
    """貸付金交付: the approved amount was paid out to the borrower."""

    event_type: ClassVar[str] = "loans.LoanDisbursed"
    occurred_field: ClassVar[str | None] = "disbursed_on"

    amount: int
    disbursed_on: date
    recorded_at: datetime


class RepaymentReceived(DomainEvent):
    """償還金入金: a repayment was received and credited, oldest instalment first."""

    event_type: ClassVar[str] = "loans.RepaymentReceived"
    occurred_field: ClassVar[str | None] = "paid_on"

    application_id: str
    payment_id: str
    household_id: str
    person_id: str
    amount: int
    paid_on: date
    allocations: tuple[InstalmentAllocation, ...]
    outstanding_after: int
    recorded_at: datetime


class LoanFullyRepaid(LoanApplicationEvent):
    """償還完了: the loan has been repaid in full."""

    event_type: ClassVar[str] = "loans.LoanFullyRepaid"
    occurred_field: ClassVar[str | None] = "repaid_on"

    repaid_on: date


class InstalmentMissed(LoanApplicationEvent):
    """滞納: an instalment passed its due date unpaid.

    ``missed_count`` counts the instalments missed on this loan so far, this one included (a rule may
    fire at 2); ``overdue_count`` counts those still unpaid and overdue as of ``as_of``, this one included.
    """

    event_type: ClassVar[str] = "loans.InstalmentMissed"

    instalment_number: int
    due_date: date
    amount_unpaid: int
    missed_count: int
    overdue_count: int
    as_of: date


class GraceGranted(LoanApplicationEvent):
    """償還猶予: instalments from ``from_instalment`` on are postponed by ``months`` months."""

    event_type: ClassVar[str] = "loans.GraceGranted"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason"})

    from_instalment: int
    months: int
    reason: str
    consultation_id: str | None
    granted_at: datetime


CONSULTATION_EVENTS: tuple[type[DomainEvent], ...] = (
    LoanConsultationOpened,
    LoanContactRecorded,
    HouseholdIssuesRecorded,
    ResponseRecorded,
    LoanConsultationClosed,
)

APPLICATION_EVENTS: tuple[type[DomainEvent], ...] = (
    LoanApplicationSubmitted,
    LoanApplicationReviewStarted,
    LoanApplicationApproved,
    LoanApplicationDenied,
    LoanApplicationWithdrawn,
    LoanDisbursed,
    RepaymentReceived,
    LoanFullyRepaid,
    InstalmentMissed,
    GraceGranted,
)

LOANS_EVENTS = EventRegistry([*CONSULTATION_EVENTS, *APPLICATION_EVENTS])
"""Every event of the loans service, by CloudEvents ``type``."""
