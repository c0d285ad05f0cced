"""The loans desk's command handlers: one function per command (生活福祉資金貸付の処理).

Each is one :func:`shared.commands.execute` (or :func:`~shared.commands.create`) on one of the
desk's aggregates, declared once below: load the stream, check that it exists and the caller's
expected version (optimistic concurrency, 409), let the pure domain decide, record the events with
the household as case id, update the read tables on the same connection, commit. A refusal raises
before anything is recorded, so nothing is written::

    deps = LoansDeps(kit, load_code_lists())
    outcome = handlers.deny_application(deps, CommandContext(actor, expected_version=3),
                                        DenyLoanApplication(application_id=aid, reason="..."))

Every handler returns the :class:`~shared.commands.Outcome` (id, new state, version, events); the
routes answer with the read model of what changed.
"""

from __future__ import annotations

from collections.abc import Sequence
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
)
from services.loans.domain.errors import LoanApplicationNotFound, LoanConsultationNotFound
from services.loans.domain.events import LOANS_EVENTS
from services.loans.domain.loan import (
    LoanState,
    apply_loan,
    decide_approve_loan,
    decide_deny_application,
    decide_start_review,
    decide_submit_application,
    decide_withdraw_application,
)
from services.loans.domain.repayment import (
    decide_check_arrears,
    decide_disburse_loan,
    decide_grant_grace,
    decide_record_repayment,
)
from shared.commands import Aggregate, CommandContext, Decision, Outcome, create, execute, referenced, saving
from shared.db import reading
from shared.events import DomainEvent
from shared.reference import CodeLists
from shared.registry.commands import RegisterHousehold, RegisterPerson
from shared.registry.errors import HouseholdNotFound, PersonNotFound
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
from shared.uow import Fold, UnitOfWork

__all__ = [
    "APPLICATION",
    "CONSULTATION",
    "HOUSEHOLD",
    "PERSON",
    "LoansDeps",
    "approve_loan",
    "check_arrears",
    "check_arrears_all",
    "close_consultation",
    "deny_application",
    "disburse_loan",
    "grant_grace",
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


@dataclass(frozen=True)
class LoansDeps:
    """What the handlers need, built once in :mod:`services.loans.bootstrap`."""

    kit: ServiceKit
    codes: CodeLists


# --- the desk's aggregates, declared once -----------------------------------------------------


def _save_household(uow: UnitOfWork, state: HouseholdState, events: Sequence[DomainEvent], version: int) -> None:
    members = [e.person_id for e in events if isinstance(e, MemberJoinedHousehold)]
    assert state.household_id is not None
    projections.save_household(uow.conn, state.household_id, members, uow.now(), version)


def _save_consultation(uow: UnitOfWork, state: ConsultationState, events: Sequence[DomainEvent], version: int) -> None:
    projections.save_consultation(uow.conn, state, events, version)


HOUSEHOLD: Aggregate[HouseholdState] = Aggregate(
    name="household",
    prefix="household",
    fold=Fold(HouseholdState, apply_household, REGISTRY_EVENTS),
    exists=lambda s: s.registered,
    not_found=lambda hid: HouseholdNotFound(
        f"no household {hid!r}: register it first", field="household_id", reason="unknown_reference", ctx={"id": hid}
    ),
    project=_save_household,
    id_field="household_id",
)
"""世帯: the desk often meets a household first; ``registry.*`` events, as any desk may emit."""

PERSON: Aggregate[PersonState] = Aggregate(
    name="person",
    prefix="person",
    fold=Fold(PersonState, apply_person, REGISTRY_EVENTS),
    exists=lambda s: s.registered,
    not_found=lambda pid: PersonNotFound(
        f"no person {pid!r}: register the person first", field="person_id", reason="unknown_reference", ctx={"id": pid}
    ),
    id_field="person_id",
)
"""本人: the details stay in the event (special-care data); loans keeps no person table."""

CONSULTATION: Aggregate[ConsultationState] = Aggregate(
    name="loan consultation",
    prefix="loan-consultation",
    fold=Fold(ConsultationState, apply_consultation, LOANS_EVENTS),
    exists=lambda s: bool(s.consultation_id),
    not_found=lambda cid: LoanConsultationNotFound(
        f"no loan consultation {cid!r}: open it first (POST /consultations)", field="consultation_id"
    ),
    case_of=lambda s, _event: s.household_id,
    project=_save_consultation,
    id_field="consultation_id",
)
"""貸付相談: its case is the household."""

APPLICATION: Aggregate[LoanState] = Aggregate(
    name="loan application",
    prefix="loan-application",
    fold=Fold(LoanState, apply_loan, LOANS_EVENTS),
    exists=lambda s: bool(s.application_id),
    not_found=lambda aid: LoanApplicationNotFound(
        f"no loan application {aid!r}: submit it first (POST /applications)", field="application_id"
    ),
    case_of=lambda s, _event: s.household_id,
    project=saving(projections.save_application),
    id_field="application_id",
)
"""借入申請・貸付: the application and the loan it becomes; its case is the household."""


# --- registry (本人・世帯) ------------------------------------------------------------------------


def register_household(deps: LoansDeps, ctx: CommandContext, cmd: RegisterHousehold) -> Outcome[HouseholdState]:
    """世帯登録: publish ``registry.HouseholdRegistered`` (and first members) from the loans desk."""
    return create(
        deps.kit.uow,
        ctx,
        HOUSEHOLD,
        lambda s, uow, hid: decide_register_household(s, cmd, now=uow.now(), household_id=hid),
    )


def register_person(deps: LoansDeps, ctx: CommandContext, cmd: RegisterPerson) -> Outcome[PersonState]:
    """本人登録: publish ``registry.PersonRegistered``; the details stay in the event (special-care data)."""
    return create(
        deps.kit.uow, ctx, PERSON, lambda s, uow, pid: decide_register_person(s, cmd, now=uow.now(), person_id=pid)
    )


# --- consultations (貸付相談) ------------------------------------------------------------------


def _require_references(uow: UnitOfWork, cmd: c.OpenLoanConsultation | c.SubmitLoanApplication) -> None:
    """The household, person, consultation and application a new record names are registered here
    (422 naming the field otherwise): an orphan consultation or loan reaches no case."""
    referenced(uow, HOUSEHOLD, cmd.household_id, "household_id", "register it first (POST /households)")
    if cmd.person_id:
        referenced(uow, PERSON, cmd.person_id, "person_id", "register the person first (POST /people)")
    if isinstance(cmd, c.SubmitLoanApplication) and cmd.consultation_id:
        referenced(uow, CONSULTATION, cmd.consultation_id, "consultation_id", "open the consultation first")
    if isinstance(cmd, c.OpenLoanConsultation) and cmd.loan_application_id:
        referenced(uow, APPLICATION, cmd.loan_application_id, "loan_application_id", "submit the application first")


def open_consultation(deps: LoansDeps, ctx: CommandContext, cmd: c.OpenLoanConsultation) -> Outcome[ConsultationState]:
    """貸付相談の受付: a new consultation with its first contact."""

    def decide(s: ConsultationState, uow: UnitOfWork, cid: str) -> Sequence[DomainEvent]:
        _require_references(uow, cmd)
        return decide_open_consultation(s, cmd, now=uow.now(), consultation_id=cid, codes=deps.codes)

    return create(deps.kit.uow, ctx, CONSULTATION, decide)


def _on_consultation(
    deps: LoansDeps, ctx: CommandContext, consultation_id: str, decide: Decision[ConsultationState]
) -> Outcome[ConsultationState]:
    return execute(deps.kit.uow, ctx, CONSULTATION, consultation_id, decide)


def record_contact(deps: LoansDeps, ctx: CommandContext, cmd: c.RecordLoanContact) -> Outcome[ConsultationState]:
    """相談対応の記録: one more contact (延件数)."""
    return _on_consultation(
        deps,
        ctx,
        cmd.consultation_id,
        lambda s, uow: decide_record_contact(s, cmd, now=uow.now(), contact_id=uow.new_id(), codes=deps.codes),
    )


def record_issues(deps: LoansDeps, ctx: CommandContext, cmd: c.RecordHouseholdIssues) -> Outcome[ConsultationState]:
    """世帯の課題の記録: issues already recorded are ignored."""
    return _on_consultation(
        deps, ctx, cmd.consultation_id, lambda s, uow: decide_record_issues(s, cmd, now=uow.now(), codes=deps.codes)
    )


def record_response(deps: LoansDeps, ctx: CommandContext, cmd: c.RecordResponse) -> Outcome[ConsultationState]:
    """対応の記録: one response given (several per consultation)."""
    return _on_consultation(
        deps,
        ctx,
        cmd.consultation_id,
        lambda s, uow: decide_record_response(s, cmd, now=uow.now(), response_id=uow.new_id(), codes=deps.codes),
    )


def close_consultation(
    deps: LoansDeps, ctx: CommandContext, cmd: c.CloseLoanConsultation
) -> Outcome[ConsultationState]:
    """相談の終結: with no response at all it lands on the follow-up list (要フォロー)."""
    return _on_consultation(
        deps, ctx, cmd.consultation_id, lambda s, uow: decide_close_consultation(s, cmd, now=uow.now())
    )


# --- applications and loans (借入申請・貸付) -----------------------------------------------------


def submit_application(deps: LoansDeps, ctx: CommandContext, cmd: c.SubmitLoanApplication) -> Outcome[LoanState]:
    """借入申請の受付."""

    def decide(s: LoanState, uow: UnitOfWork, aid: str) -> Sequence[DomainEvent]:
        _require_references(uow, cmd)
        return decide_submit_application(s, cmd, now=uow.now(), application_id=aid, codes=deps.codes)

    return create(deps.kit.uow, ctx, APPLICATION, decide)


def _on_application(
    deps: LoansDeps, ctx: CommandContext, application_id: str, decide: Decision[LoanState]
) -> Outcome[LoanState]:
    return execute(deps.kit.uow, ctx, APPLICATION, application_id, decide)


def start_review(deps: LoansDeps, ctx: CommandContext, cmd: c.StartLoanReview) -> Outcome[LoanState]:
    """審査に回す."""
    return _on_application(deps, ctx, cmd.application_id, lambda s, uow: decide_start_review(s, cmd, now=uow.now()))


def approve_loan(deps: LoansDeps, ctx: CommandContext, cmd: c.ApproveLoan) -> Outcome[LoanState]:
    """貸付決定: the schedule follows from the terms."""
    return _on_application(deps, ctx, cmd.application_id, lambda s, uow: decide_approve_loan(s, cmd, now=uow.now()))


def deny_application(deps: LoansDeps, ctx: CommandContext, cmd: c.DenyLoanApplication) -> Outcome[LoanState]:
    """貸付不承認: the rule engine refers the household to intake's budget consultation."""
    return _on_application(deps, ctx, cmd.application_id, lambda s, uow: decide_deny_application(s, cmd, now=uow.now()))


def withdraw_application(deps: LoansDeps, ctx: CommandContext, cmd: c.WithdrawLoanApplication) -> Outcome[LoanState]:
    """申請の取下げ・辞退."""
    return _on_application(
        deps, ctx, cmd.application_id, lambda s, uow: decide_withdraw_application(s, cmd, now=uow.now())
    )


def disburse_loan(deps: LoansDeps, ctx: CommandContext, cmd: c.DisburseLoan) -> Outcome[LoanState]:
    """貸付金の交付: repayment starts."""
    return _on_application(deps, ctx, cmd.application_id, lambda s, uow: decide_disburse_loan(s, cmd, now=uow.now()))


def record_repayment(deps: LoansDeps, ctx: CommandContext, cmd: c.RecordRepayment) -> Outcome[LoanState]:
    """償還金の入金: oldest unpaid instalment first."""
    return _on_application(
        deps,
        ctx,
        cmd.application_id,
        lambda s, uow: decide_record_repayment(s, cmd, now=uow.now(), payment_id=uow.new_id()),
    )


def grant_grace(deps: LoansDeps, ctx: CommandContext, cmd: c.GrantGrace) -> Outcome[LoanState]:
    """償還猶予."""
    return _on_application(deps, ctx, cmd.application_id, lambda s, uow: decide_grant_grace(s, cmd, now=uow.now()))


def check_arrears(deps: LoansDeps, ctx: CommandContext, cmd: c.CheckArrears) -> Outcome[LoanState]:
    """滞納の確認 of one loan (idempotent): the ``InstalmentMissed`` events it recorded are in the outcome."""
    return _on_application(deps, ctx, cmd.application_id, lambda s, uow: decide_check_arrears(s, cmd, now=uow.now()))


def check_arrears_all(deps: LoansDeps, ctx: CommandContext, as_of: date) -> dict[str, Any]:
    """日次の滞納確認: every loan being repaid, each in its own unit of work (one failure stops none)."""
    with reading(deps.kit.engine) as conn:
        ids = queries.repaying_application_ids(conn)
    missed: list[dict[str, Any]] = []
    for application_id in ids:
        outcome = check_arrears(deps, ctx, c.CheckArrears(application_id=application_id, as_of=as_of))
        missed.extend(
            {
                "application_id": application_id,
                "household_id": outcome.state.household_id,
                "instalment_number": e.payload()["instalment_number"],
                "missed_count": e.payload()["missed_count"],
            }
            for e in outcome.events
        )
    return {"as_of": as_of.isoformat(), "checked": len(ids), "missed": missed}
