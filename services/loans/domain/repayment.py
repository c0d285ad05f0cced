"""The loan once approved (貸付・償還): disbursement (貸付実行), repayments (償還) allocated to the
oldest instalments first, arrears (滞納) on instalments past due, and grace (猶予) that postpones them.

Each ``decide_*(state, command, *, now) -> events`` takes the state folded by
:func:`services.loans.domain.loan.apply_loan`; a refusal is a ``DomainError`` that says what to do
instead, and nothing is emitted.
"""

from __future__ import annotations

from datetime import datetime

from services.loans.domain.commands import CheckArrears, DisburseLoan, GrantGrace, RecordRepayment
from services.loans.domain.errors import (
    RepaymentExceedsOutstanding,
)
from services.loans.domain.events import (
    GraceGranted,
    InstalmentAllocation,
    InstalmentMissed,
    LoanDisbursed,
    LoanFullyRepaid,
    RepaymentReceived,
)
from services.loans.domain.loan import (
    LoanState,
    S,
    keys_of,
    not_found,
    require_status,
)
from services.loans.domain.validation import (
    require_aware,
    require_id,
    require_optional_id,
    require_positive_yen,
    require_text,
)
from shared.dates import local_date
from shared.errors import IllegalTransition, InvalidCommand
from shared.events import DomainEvent

__all__ = ["decide_check_arrears", "decide_disburse_loan", "decide_grant_grace", "decide_record_repayment"]


def decide_disburse_loan(state: LoanState, command: DisburseLoan, *, now: datetime) -> list[DomainEvent]:
    """貸付金交付: pay out the approved amount, once."""
    require_aware(now)
    require_status(state, command.application_id, (S.APPROVED,), "disburse the loan")
    assert state.approved_on is not None and state.first_due_date is not None
    if command.amount != state.amount:
        raise InvalidCommand(
            f"amount {command.amount} differs from the approved amount {state.amount}: disburse exactly "
            "the approved amount",
            field="amount",
            reason="amount_mismatch",
            ctx={"amount": state.amount},
        )
    if not state.approved_on <= command.disbursed_on <= local_date(now):
        raise InvalidCommand(
            f"disbursed_on {command.disbursed_on} must lie between the approval ({state.approved_on}) "
            f"and today ({local_date(now)})",
            field="disbursed_on",
            reason="out_of_range",
            ctx={"earliest": state.approved_on.isoformat(), "latest": local_date(now).isoformat()},
        )
    if command.disbursed_on > state.first_due_date:
        raise InvalidCommand(
            f"disbursed_on {command.disbursed_on} is after the first due date {state.first_due_date}: "
            "the terms need a new decision",
            field="disbursed_on",
            reason="after_first_due",
            ctx={"first_due": state.first_due_date.isoformat()},
        )
    return [LoanDisbursed(**keys_of(state), amount=command.amount, disbursed_on=command.disbursed_on, recorded_at=now)]


def decide_record_repayment(
    state: LoanState, command: RecordRepayment, *, now: datetime, payment_id: str
) -> list[DomainEvent]:
    """償還金入金: credit a repayment to the oldest unpaid instalments; the last one completes the loan."""
    require_aware(now)
    require_status(state, command.application_id, (S.REPAYING,), "record a repayment")
    assert state.disbursed_on is not None
    require_id(payment_id, "payment_id")
    if payment_id in state.payment_ids:
        raise IllegalTransition(
            f"payment {payment_id} is already recorded", field="payment_id", reason="already_recorded"
        )
    require_positive_yen(command.amount, "amount")
    if command.amount > state.outstanding:
        raise RepaymentExceedsOutstanding(
            f"amount {command.amount} exceeds the outstanding balance {state.outstanding}: record at most "
            f"{state.outstanding} yen and refund the rest",
            field="amount",
            reason="exceeds_outstanding",
            ctx={"outstanding": state.outstanding},
        )
    if not state.disbursed_on <= command.paid_on <= local_date(now):
        raise InvalidCommand(
            f"paid_on {command.paid_on} must lie between the disbursement ({state.disbursed_on}) "
            f"and today ({local_date(now)})",
            field="paid_on",
            reason="out_of_range",
            ctx={"earliest": state.disbursed_on.isoformat(), "latest": local_date(now).isoformat()},
        )
    allocations: list[InstalmentAllocation] = []
    left = command.amount
    for instalment in state.instalments:
        if left == 0:
            break
        credit = min(left, instalment.remaining)
        if credit > 0:
            allocations.append(InstalmentAllocation(number=instalment.number, amount=credit))
            left -= credit
    outstanding_after = state.outstanding - command.amount
    events: list[DomainEvent] = [
        RepaymentReceived(
            **keys_of(state),
            payment_id=payment_id,
            amount=command.amount,
            paid_on=command.paid_on,
            allocations=tuple(allocations),
            outstanding_after=outstanding_after,
            recorded_at=now,
        )
    ]
    if outstanding_after == 0:
        events.append(LoanFullyRepaid(**keys_of(state), repaid_on=command.paid_on))
    return events


def decide_check_arrears(state: LoanState, command: CheckArrears, *, now: datetime) -> list[DomainEvent]:
    """滞納: one ``InstalmentMissed`` per instalment newly overdue as of ``as_of``.

    Idempotent: an instalment already reported at its current due date is not reported again, so
    checking twice emits nothing new. Applications that are not being repaid have no arrears: the
    check emits nothing for them, so a nightly batch may run over every application.
    """
    require_aware(now)
    if state.status is S.NEW:
        raise not_found(command.application_id, "check arrears")
    if command.as_of > local_date(now):
        raise InvalidCommand(
            f"as_of {command.as_of} is in the future (today is {local_date(now)} in Japan): "
            "arrears are checked up to today at most",
            field="as_of",
            reason="in_future",
        )
    if state.status is not S.REPAYING:
        return []
    overdue = state.overdue(command.as_of)
    already = sum(1 for i in overdue if (i.number, i.due_date) in state.misses)
    events: list[DomainEvent] = []
    for instalment in overdue:
        if (instalment.number, instalment.due_date) in state.misses:
            continue
        already += 1
        events.append(
            InstalmentMissed(
                **keys_of(state),
                instalment_number=instalment.number,
                due_date=instalment.due_date,
                amount_unpaid=instalment.remaining,
                missed_count=len(state.misses) + len(events) + 1,
                overdue_count=already,
                as_of=command.as_of,
            )
        )
    return events


def decide_grant_grace(state: LoanState, command: GrantGrace, *, now: datetime) -> list[DomainEvent]:
    """償還猶予: postpone the unpaid instalments from one instalment on by whole months."""
    require_aware(now)
    require_status(state, command.application_id, (S.REPAYING,), "grant grace")
    if command.months <= 0:
        raise InvalidCommand(
            f"months must be at least 1, got {command.months}: give the length of the grace in months",
            field="months",
            reason="too_small",
            ctx={"min": 1},
        )
    require_text(command.reason, "reason", "why repayment is postponed")
    require_optional_id(command.consultation_id, "consultation_id")
    first_unpaid = next(i.number for i in state.instalments if i.remaining > 0)
    start = command.from_instalment if command.from_instalment is not None else first_unpaid
    count = len(state.instalments)
    if not first_unpaid <= start <= count:
        raise InvalidCommand(
            f"from_instalment {start} cannot be postponed: choose an unpaid instalment between "
            f"{first_unpaid} and {count}",
            field="from_instalment",
            reason="out_of_range_number",
            ctx={"first": first_unpaid, "last": count},
        )
    return [
        GraceGranted(
            **keys_of(state),
            from_instalment=start,
            months=command.months,
            reason=command.reason,
            consultation_id=command.consultation_id,
            granted_at=now,
        )
    ]
