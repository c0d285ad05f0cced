"""The loans desk's command handlers: one function per command.

Each opens one unit of work, loads the aggregate with its :class:`~shared.uow.Fold`, checks the
caller's ``expected_version`` (optimistic concurrency), lets the pure domain decide, records the
events with the household as case id, updates the read tables on the same connection and commits.
A refusal raises before anything is recorded, so nothing is written::

    ctx = LoansContext(kit, load_code_lists())
    result = handlers.deny_application(ctx, actor, DenyLoanApplication(application_id=aid, reason="..."),
                                       expected_version=3)

Every handler returns the read model of what it changed, including its new ``version``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.loans.adapters import projections, queries
from services.loans.domain import commands as c
from services.loans.domain.consultation import (
    ConsultationState,
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
    LoanState,
    apply_loan,
    decide_approve_loan,
    decide_check_arrears,
    decide_deny_application,
    decide_disburse_loan,
    decide_grant_grace,
    decide_record_repayment,
    decide_start_review,
    decide_submit_application,
    decide_withdraw_application,
    fold_loan,
)
from shared.envelope import Actor
from shared.events import DomainEvent
from shared.reference import CodeLists
from shared.registry.commands import RegisterHousehold, RegisterPerson
from shared.registry.events import REGISTRY_EVENTS, MemberJoinedHousehold
from shared.registry.model import (
    HouseholdState,
    PersonState,
    apply_household,
    apply_person,
    decide_register_household,
    decide_register_person,
)
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork, check_expected_version

__all__ = [
    "APPLICATION_FOLD",
    "CONSULTATION_FOLD",
    "LoansContext",
    "application_stream",
    "approve_loan",
    "check_arrears",
    "check_arrears_all",
    "close_consultation",
    "consultation_stream",
    "deny_application",
    "disburse_loan",
    "grant_grace",
    "household_stream",
    "open_consultation",
    "record_contact",
    "record_issues",
    "record_repayment",
    "record_response",
    "register_household",
    "register_person",
    "start_review",
    "submit_application",
    "withdraw_application",
]

CONSULTATION_FOLD: Fold[ConsultationState] = Fold(ConsultationState, apply_consultation, LOANS_EVENTS)
APPLICATION_FOLD: Fold[LoanState] = Fold(LoanState, apply_loan, LOANS_EVENTS)
HOUSEHOLD_FOLD: Fold[HouseholdState] = Fold(HouseholdState, apply_household, REGISTRY_EVENTS)
PERSON_FOLD: Fold[PersonState] = Fold(PersonState, apply_person, REGISTRY_EVENTS)


@dataclass(frozen=True)
class LoansContext:
    """What the handlers need, built once in :mod:`services.loans.bootstrap`."""

    kit: ServiceKit
    codes: CodeLists


def consultation_stream(consultation_id: str) -> str:
    return f"loan-consultation-{consultation_id}"


def application_stream(application_id: str) -> str:
    return f"loan-application-{application_id}"


def household_stream(household_id: str) -> str:
    return f"household-{household_id}"


def person_stream(person_id: str) -> str:
    return f"person-{person_id}"


# --- registry (本人・世帯): the desk often meets a household first --------------------------------


def register_household(
    ctx: LoansContext,
    actor: Actor,
    command: RegisterHousehold,
    *,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """世帯登録: publish ``registry.HouseholdRegistered`` (and first members) from the loans desk."""
    with ctx.kit.uow(actor, correlation_id=correlation_id) as uow:
        household_id = uow.new_id()
        stream = household_stream(household_id)
        state, version = uow.load(stream, HOUSEHOLD_FOLD)
        events = decide_register_household(state, command, now=uow.now(), household_id=household_id)
        uow.record(stream, version, events, case_id=household_id)
        members = [e.person_id for e in events if isinstance(e, MemberJoinedHousehold)]
        projections.save_household(uow.conn, household_id, members, uow.now(), version + len(events))
        row = queries.household(uow.conn, household_id)
        uow.commit()
    assert row is not None
    return row


def register_person(
    ctx: LoansContext,
    actor: Actor,
    command: RegisterPerson,
    *,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """本人登録: publish ``registry.PersonRegistered``; the details stay in the event (special-care data)."""
    with ctx.kit.uow(actor, correlation_id=correlation_id) as uow:
        person_id = uow.new_id()
        stream = person_stream(person_id)
        state, version = uow.load(stream, PERSON_FOLD)
        events = decide_register_person(state, command, now=uow.now(), person_id=person_id)
        uow.record(stream, version, events, case_id=person_id)
        uow.commit()
    return {"person_id": person_id, "version": version + len(events)}


# --- consultations (貸付相談) ------------------------------------------------------------------

ConsultationDecision = Callable[[ConsultationState, UnitOfWork], list[DomainEvent]]


def open_consultation(
    ctx: LoansContext, actor: Actor, command: c.OpenLoanConsultation, *, correlation_id: str | None = None
) -> dict[str, Any]:
    """貸付相談の受付: a new consultation with its first contact."""
    with ctx.kit.uow(actor, correlation_id=correlation_id) as uow:
        cid = uow.new_id()
        stream = consultation_stream(cid)
        state, version = uow.load(stream, CONSULTATION_FOLD)
        events = decide_open_consultation(state, command, now=uow.now(), consultation_id=cid, codes=ctx.codes)
        state = fold_consultation(events, state)
        uow.record(stream, version, events, case_id=state.household_id)
        projections.save_consultation(uow.conn, state, events, version + len(events))
        row = queries.consultation(uow.conn, cid)
        uow.commit()
    assert row is not None
    return row


def _change_consultation(
    ctx: LoansContext,
    actor: Actor,
    consultation_id: str,
    decide: ConsultationDecision,
    *,
    expected_version: int | None,
    correlation_id: str | None,
) -> dict[str, Any]:
    with ctx.kit.uow(actor, correlation_id=correlation_id) as uow:
        stream = consultation_stream(consultation_id)
        state, version = uow.load(stream, CONSULTATION_FOLD)
        if version:
            check_expected_version(stream, version, expected_version)
        events = decide(state, uow)
        if events:
            state = fold_consultation(events, state)
            uow.record(stream, version, events, case_id=state.household_id)
            projections.save_consultation(uow.conn, state, events, version + len(events))
        row = queries.consultation(uow.conn, consultation_id)
        uow.commit()
    assert row is not None
    return row


def record_contact(
    ctx: LoansContext,
    actor: Actor,
    command: c.RecordLoanContact,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """相談対応の記録: one more contact (延件数)."""
    return _change_consultation(
        ctx,
        actor,
        command.consultation_id,
        lambda s, uow: decide_record_contact(s, command, now=uow.now(), contact_id=uow.new_id(), codes=ctx.codes),
        expected_version=expected_version,
        correlation_id=correlation_id,
    )


def record_issues(
    ctx: LoansContext,
    actor: Actor,
    command: c.RecordHouseholdIssues,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """世帯の課題の記録: issues already recorded are ignored."""
    return _change_consultation(
        ctx,
        actor,
        command.consultation_id,
        lambda s, uow: decide_record_issues(s, command, now=uow.now(), codes=ctx.codes),
        expected_version=expected_version,
        correlation_id=correlation_id,
    )


def record_response(
    ctx: LoansContext,
    actor: Actor,
    command: c.RecordResponse,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """対応の記録: one response given (several per consultation)."""
    return _change_consultation(
        ctx,
        actor,
        command.consultation_id,
        lambda s, uow: decide_record_response(s, command, now=uow.now(), response_id=uow.new_id(), codes=ctx.codes),
        expected_version=expected_version,
        correlation_id=correlation_id,
    )


def close_consultation(
    ctx: LoansContext,
    actor: Actor,
    command: c.CloseLoanConsultation,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """相談の終結: with no response at all it lands on the follow-up list (要フォロー)."""
    return _change_consultation(
        ctx,
        actor,
        command.consultation_id,
        lambda s, uow: decide_close_consultation(s, command, now=uow.now()),
        expected_version=expected_version,
        correlation_id=correlation_id,
    )


# --- applications and loans (借入申請・貸付) -----------------------------------------------------

LoanDecision = Callable[[LoanState, UnitOfWork], Sequence[DomainEvent]]


def submit_application(
    ctx: LoansContext, actor: Actor, command: c.SubmitLoanApplication, *, correlation_id: str | None = None
) -> dict[str, Any]:
    """借入申請の受付."""
    with ctx.kit.uow(actor, correlation_id=correlation_id) as uow:
        aid = uow.new_id()
        stream = application_stream(aid)
        state, version = uow.load(stream, APPLICATION_FOLD)
        events = decide_submit_application(state, command, now=uow.now(), application_id=aid, codes=ctx.codes)
        state = fold_loan(events, state)
        uow.record(stream, version, events, case_id=state.household_id)
        projections.save_application(uow.conn, state, events, version + len(events), uow.now())
        row = queries.application(uow.conn, aid)
        uow.commit()
    assert row is not None
    return row


def _change_application(
    ctx: LoansContext,
    actor: Actor,
    application_id: str,
    decide: LoanDecision,
    *,
    expected_version: int | None,
    correlation_id: str | None,
) -> tuple[dict[str, Any], list[DomainEvent]]:
    with ctx.kit.uow(actor, correlation_id=correlation_id) as uow:
        stream = application_stream(application_id)
        state, version = uow.load(stream, APPLICATION_FOLD)
        if version:
            check_expected_version(stream, version, expected_version)
        events = list(decide(state, uow))
        if events:
            state = fold_loan(events, state)
            uow.record(stream, version, events, case_id=state.household_id)
            projections.save_application(uow.conn, state, events, version + len(events), uow.now())
        row = queries.application(uow.conn, application_id)
        uow.commit()
    assert row is not None
    return row, events


def _application_command(
    ctx: LoansContext,
    actor: Actor,
    application_id: str,
    decide: LoanDecision,
    expected_version: int | None,
    correlation_id: str | None,
) -> dict[str, Any]:
    row, _ = _change_application(
        ctx, actor, application_id, decide, expected_version=expected_version, correlation_id=correlation_id
    )
    return row


def start_review(
    ctx: LoansContext,
    actor: Actor,
    command: c.StartLoanReview,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """審査に回す."""
    return _application_command(
        ctx,
        actor,
        command.application_id,
        lambda s, uow: decide_start_review(s, command, now=uow.now()),
        expected_version,
        correlation_id,
    )


def approve_loan(
    ctx: LoansContext,
    actor: Actor,
    command: c.ApproveLoan,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """貸付決定: the schedule follows from the terms."""
    return _application_command(
        ctx,
        actor,
        command.application_id,
        lambda s, uow: decide_approve_loan(s, command, now=uow.now()),
        expected_version,
        correlation_id,
    )


def deny_application(
    ctx: LoansContext,
    actor: Actor,
    command: c.DenyLoanApplication,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """貸付不承認: the rule engine refers the household to intake's budget consultation."""
    return _application_command(
        ctx,
        actor,
        command.application_id,
        lambda s, uow: decide_deny_application(s, command, now=uow.now()),
        expected_version,
        correlation_id,
    )


def withdraw_application(
    ctx: LoansContext,
    actor: Actor,
    command: c.WithdrawLoanApplication,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """申請の取下げ・辞退."""
    return _application_command(
        ctx,
        actor,
        command.application_id,
        lambda s, uow: decide_withdraw_application(s, command, now=uow.now()),
        expected_version,
        correlation_id,
    )


def disburse_loan(
    ctx: LoansContext,
    actor: Actor,
    command: c.DisburseLoan,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """貸付金の交付: repayment starts."""
    return _application_command(
        ctx,
        actor,
        command.application_id,
        lambda s, uow: decide_disburse_loan(s, command, now=uow.now()),
        expected_version,
        correlation_id,
    )


def record_repayment(
    ctx: LoansContext,
    actor: Actor,
    command: c.RecordRepayment,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """償還金の入金: oldest unpaid instalment first."""
    return _application_command(
        ctx,
        actor,
        command.application_id,
        lambda s, uow: decide_record_repayment(s, command, now=uow.now(), payment_id=uow.new_id()),
        expected_version,
        correlation_id,
    )


def grant_grace(
    ctx: LoansContext,
    actor: Actor,
    command: c.GrantGrace,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """償還猶予."""
    return _application_command(
        ctx,
        actor,
        command.application_id,
        lambda s, uow: decide_grant_grace(s, command, now=uow.now()),
        expected_version,
        correlation_id,
    )


def check_arrears(
    ctx: LoansContext,
    actor: Actor,
    command: c.CheckArrears,
    *,
    correlation_id: str | None = None,
) -> tuple[dict[str, Any], list[DomainEvent]]:
    """滞納の確認 of one loan (idempotent): the row and the ``InstalmentMissed`` events it recorded."""
    return _change_application(
        ctx,
        actor,
        command.application_id,
        lambda s, uow: decide_check_arrears(s, command, now=uow.now()),
        expected_version=None,
        correlation_id=correlation_id,
    )


def check_arrears_all(
    ctx: LoansContext, actor: Actor, as_of: date, *, correlation_id: str | None = None
) -> dict[str, Any]:
    """日次の滞納確認: every loan being repaid, each in its own unit of work (one failure stops none)."""
    with ctx.kit.engine.connect() as conn:
        ids = queries.repaying_application_ids(conn)
        conn.rollback()
    missed: list[dict[str, Any]] = []
    for application_id in ids:
        row, events = check_arrears(
            ctx, actor, c.CheckArrears(application_id=application_id, as_of=as_of), correlation_id=correlation_id
        )
        missed.extend(
            {
                "application_id": application_id,
                "household_id": row["household_id"],
                "instalment_number": e.payload()["instalment_number"],
                "missed_count": e.payload()["missed_count"],
            }
            for e in events
        )
    return {"as_of": as_of.isoformat(), "checked": len(ids), "missed": missed}
