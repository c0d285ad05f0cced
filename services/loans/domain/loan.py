"""The ``LoanApplication`` aggregate (借入申請・貸付): one stream per application, through repayment.

::

    submitted ──► under_review ──► approved ──► repaying ──► repaid
        │              ├──► denied    │       (repayments, arrears 滞納, grace 猶予)
        └──────────────┴──────────────┴──► withdrawn

Decisions are pure: time (``now``) and new ids are arguments, and every refusal is a
``DomainError`` whose message says what to do instead. This module decides the application (submit,
review, approve, deny, withdraw); the loan once approved (disbursement, repayments, arrears, grace)
is decided in :mod:`.repayment`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import ClassVar, TypedDict

from services.loans.domain.commands import (
    ApproveLoan,
    DenyLoanApplication,
    StartLoanReview,
    SubmitLoanApplication,
    WithdrawLoanApplication,
)
from services.loans.domain.errors import (
    InvalidTerms,
    LoanApplicationNotFound,
    WrongApplicationStatus,
)
from services.loans.domain.events import (
    GraceGranted,
    InstalmentMissed,
    LoanApplicationApproved,
    LoanApplicationDenied,
    LoanApplicationReviewStarted,
    LoanApplicationSubmitted,
    LoanApplicationWithdrawn,
    LoanDisbursed,
    LoanFullyRepaid,
    RepaymentReceived,
)
from services.loans.domain.schedule import add_months, default_monthly_amount, instalments, last_amount
from services.loans.domain.validation import (
    require_aware,
    require_id,
    require_optional_id,
    require_positive_yen,
    require_text,
)
from shared.dates import local_date
from shared.errors import IllegalTransition
from shared.events import DomainEvent, absorb
from shared.reference import CodeLists

__all__ = [
    "ApplicationStatus",
    "Keys",
    "LoanState",
    "ScheduledInstalment",
    "apply_loan",
    "decide_approve_loan",
    "decide_deny_application",
    "decide_start_review",
    "decide_submit_application",
    "decide_withdraw_application",
    "fold_loan",
    "keys_of",
    "not_found",
    "require_status",
]


class ApplicationStatus(StrEnum):
    NEW = "new"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    REPAYING = "repaying"
    REPAID = "repaid"


S = ApplicationStatus


@dataclass(frozen=True)
class ScheduledInstalment:
    """One instalment as it stands: amount, current due date (after grace) and what has been paid."""

    number: int
    amount: int
    due_date: date
    paid: int = 0
    postponed_months: int = 0

    @property
    def remaining(self) -> int:
        return self.amount - self.paid


@dataclass(frozen=True)
class LoanState:
    """What the decisions need to know about one application and the loan it became."""

    SNAPSHOT_VERSION: ClassVar[int] = 1
    """1: ``approved_on`` is the approval's day in Japan (0 took the UTC day)."""

    status: ApplicationStatus = S.NEW
    application_id: str = ""
    household_id: str = ""
    person_id: str = ""
    fund_type: str = ""
    requested_amount: int = 0
    amount: int = 0
    approved_on: date | None = None
    first_due_date: date | None = None
    disbursed_on: date | None = None
    instalments: tuple[ScheduledInstalment, ...] = ()
    payment_ids: frozenset[str] = frozenset()
    # (instalment number, due date) pairs already reported missed: a postponed instalment can be
    # missed again at its new due date, but never twice at the same one.
    misses: frozenset[tuple[int, date]] = frozenset()

    @property
    def outstanding(self) -> int:
        return sum(i.remaining for i in self.instalments)

    def overdue(self, as_of: date) -> tuple[ScheduledInstalment, ...]:
        """Instalments past their due date (due_date < as_of) and not fully paid."""
        return tuple(i for i in self.instalments if i.due_date < as_of and i.remaining > 0)


# --- fold --------------------------------------------------------------------------------------


def apply_loan(state: LoanState, event: DomainEvent) -> LoanState:
    """The state after one event of the application's stream."""
    match event:
        case LoanApplicationSubmitted():
            return absorb(LoanState(), event, status=S.SUBMITTED)
        case LoanApplicationReviewStarted():
            return replace(state, status=S.UNDER_REVIEW)
        case LoanApplicationApproved():
            schedule = instalments(
                event.instalment_count, event.first_due_date, event.monthly_amount, event.last_amount
            )
            return replace(
                state,
                status=S.APPROVED,
                amount=event.amount,
                approved_on=local_date(event.approved_at),
                first_due_date=event.first_due_date,
                instalments=tuple(ScheduledInstalment(i.number, i.amount, i.due_date) for i in schedule),
            )
        case LoanApplicationDenied():
            return replace(state, status=S.DENIED)
        case LoanApplicationWithdrawn():
            return replace(state, status=S.WITHDRAWN)
        case LoanDisbursed():
            return replace(state, status=S.REPAYING, disbursed_on=event.disbursed_on)
        case RepaymentReceived():
            credited = {a.number: a.amount for a in event.allocations}
            return replace(
                state,
                payment_ids=state.payment_ids | {event.payment_id},
                instalments=tuple(replace(i, paid=i.paid + credited.get(i.number, 0)) for i in state.instalments),
            )
        case LoanFullyRepaid():
            return replace(state, status=S.REPAID)
        case InstalmentMissed():
            return replace(state, misses=state.misses | {(event.instalment_number, event.due_date)})
        case GraceGranted():
            return replace(state, instalments=tuple(_postpone(state, event)))
    raise TypeError(f"{type(event).__name__} is not an event of a loan application")


def fold_loan(events: Iterable[DomainEvent], state: LoanState | None = None) -> LoanState:
    """Rebuild an application from its events (from the initial state unless one is given)."""
    current = state if state is not None else LoanState()
    for event in events:
        current = apply_loan(current, event)
    return current


def _postpone(state: LoanState, event: GraceGranted) -> Iterable[ScheduledInstalment]:
    assert state.first_due_date is not None
    for i in state.instalments:
        if i.number < event.from_instalment:
            yield i
            continue
        months = i.postponed_months + event.months
        # Counted from the first due date, like the schedule itself, so month-end days stay put.
        due = add_months(state.first_due_date, i.number - 1 + months)
        yield replace(i, postponed_months=months, due_date=due)


# --- decisions: application --------------------------------------------------------------------


def decide_submit_application(
    state: LoanState,
    command: SubmitLoanApplication,
    *,
    now: datetime,
    application_id: str,
    codes: CodeLists,
) -> list[DomainEvent]:
    """借入申請: take the application."""
    require_aware(now)
    if state.status is not S.NEW:
        raise IllegalTransition(
            f"application {state.application_id} is already submitted: submit a new application with a new id",
            field="application_id",
            reason="already_recorded",
        )
    require_id(application_id, "application_id")
    require_id(command.household_id, "household_id")
    require_id(command.person_id, "person_id")
    require_optional_id(command.consultation_id, "consultation_id")
    codes.require("loan_fund_types", command.fund_type, field_name="fund_type")
    require_positive_yen(command.requested_amount, "requested_amount")
    return [
        LoanApplicationSubmitted.of(
            command, application_id=application_id, submitted_at=now, code_list_version=codes.version
        )
    ]


def decide_start_review(state: LoanState, command: StartLoanReview, *, now: datetime) -> list[DomainEvent]:
    """審査中: send a submitted application for review."""
    require_aware(now)
    require_status(state, command.application_id, (S.SUBMITTED,), "send the application for review")
    return [LoanApplicationReviewStarted(**keys_of(state), review_started_at=now)]


def decide_approve_loan(state: LoanState, command: ApproveLoan, *, now: datetime) -> list[DomainEvent]:
    """貸付決定: approve an application under review, with terms that make a valid schedule."""
    require_aware(now)
    require_status(state, command.application_id, (S.UNDER_REVIEW,), "approve the loan")
    require_positive_yen(command.amount, "amount")
    if command.instalment_count <= 0:
        raise InvalidTerms(
            f"instalment_count must be at least 1, got {command.instalment_count}",
            field="instalment_count",
            reason="too_small",
            ctx={"min": 1},
        )
    monthly = command.monthly_amount
    if monthly is None:
        monthly = default_monthly_amount(command.amount, command.instalment_count)
    last = last_amount(command.amount, command.instalment_count, monthly)
    if command.grace_months < 0:
        raise InvalidTerms(
            f"grace_months (据置期間) cannot be negative, got {command.grace_months}; use 0 for none",
            field="grace_months",
            reason="too_small",
            ctx={"min": 0},
        )
    if command.first_due_date <= local_date(now):
        raise InvalidTerms(
            f"first_due_date {command.first_due_date} is not after the decision date {local_date(now)}: "
            "give a future first due date",
            field="first_due_date",
            reason="before_earliest",
            ctx={"earliest": (local_date(now) + timedelta(days=1)).isoformat()},
        )
    return [
        LoanApplicationApproved(
            **keys_of(state),
            amount=command.amount,
            instalment_count=command.instalment_count,
            monthly_amount=monthly,
            last_amount=last,
            first_due_date=command.first_due_date,
            grace_months=command.grace_months,
            approved_at=now,
        )
    ]


def decide_deny_application(state: LoanState, command: DenyLoanApplication, *, now: datetime) -> list[DomainEvent]:
    """貸付不承認: deny an application under review."""
    require_aware(now)
    require_status(state, command.application_id, (S.UNDER_REVIEW,), "deny the application")
    require_text(command.reason, "reason", "why the application is denied")
    return [LoanApplicationDenied(**keys_of(state), reason=command.reason, denied_at=now)]


def decide_withdraw_application(
    state: LoanState, command: WithdrawLoanApplication, *, now: datetime
) -> list[DomainEvent]:
    """申請取下げ・辞退: withdraw before the money is paid out."""
    require_aware(now)
    require_status(
        state,
        command.application_id,
        (S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED),
        "withdraw the application",
    )
    return [LoanApplicationWithdrawn(**keys_of(state), reason=command.reason, withdrawn_at=now)]


# --- helpers -----------------------------------------------------------------------------------

_WHAT_NEXT: dict[ApplicationStatus, str] = {
    S.SUBMITTED: "it is only submitted: send it for review first",
    S.UNDER_REVIEW: "it is under review: approve, deny or withdraw it first",
    S.APPROVED: "it is approved but not disbursed: disburse it first",
    S.DENIED: "it was denied: a denied application is final; submit a new application if needed",
    S.WITHDRAWN: "it was withdrawn: a withdrawn application is final; submit a new application if needed",
    S.REPAYING: "the loan is already disbursed and being repaid",
    S.REPAID: "the loan is fully repaid: nothing is owed any more",
}


def require_status(state: LoanState, application_id: str, allowed: Collection[ApplicationStatus], action: str) -> None:
    """Refuse ``action`` unless the application exists and is in one of the ``allowed`` statuses."""
    if state.status is S.NEW:
        raise not_found(application_id, action)
    if application_id != state.application_id:
        raise ValueError(f"command for application {application_id!r} decided on the state of {state.application_id!r}")
    if state.status not in allowed:
        wanted = " or ".join(s.value for s in allowed)
        raise WrongApplicationStatus(
            f"cannot {action} for application {application_id} (status {state.status.value}; needs "
            f"{wanted}): {_WHAT_NEXT[state.status]}",
            status=state.status.value,
            field="application_id",
        )


def not_found(application_id: str, action: str) -> LoanApplicationNotFound:
    """The refusal of ``action`` on an application never submitted."""
    return LoanApplicationNotFound(
        f"no loan application {application_id!r}: submit it before you {action}", field="application_id"
    )


class Keys(TypedDict):
    """The identifying fields of an application event."""

    application_id: str
    household_id: str
    person_id: str


def keys_of(state: LoanState) -> Keys:
    """The identifying fields every application event carries (the case key among them)."""
    return Keys(
        application_id=state.application_id,
        household_id=state.household_id,
        person_id=state.person_id,
    )
