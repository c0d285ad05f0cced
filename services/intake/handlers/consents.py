"""Intake's consent ledger handlers (同意台帳): consents given and withdrawn, statutory sharing.

The ledger is one stream per person (``consents-{person_id}``), written at the consultation desk;
:func:`find_basis` answers, for a referral, which record in force lets the person's details go to
a recipient for a purpose (the pure rule is :func:`shared.consent.disclosure_basis`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.intake.adapters import consents as consent_rows
from services.intake.adapters import registry
from services.intake.domain import consent_ledger
from services.intake.domain.commands import GiveConsent, RecordStatutorySharing, WithdrawConsent
from services.intake.domain.events import INTAKE_EVENTS
from services.intake.handlers.people import require_person
from shared.commands import Aggregate, CommandContext, Decision, execute
from shared.consent import Basis, Recipient, disclosure_basis
from shared.db import reading
from shared.errors import NotFound
from shared.events import DomainEvent
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork

__all__ = ["CONSENTS", "CONSENT_FOLD", "find_basis", "give_consent", "record_statutory_sharing", "withdraw_consent"]

Ledger = consent_ledger.ConsentLedger
CONSENT_FOLD = Fold(consent_ledger.ConsentLedger, consent_ledger.apply_consents, INTAKE_EVENTS)


def _project(uow: UnitOfWork, _state: Ledger, events: Sequence[DomainEvent], _version: int) -> None:
    for event in events:
        consent_rows.project(uow.conn, event)


CONSENTS: Aggregate[Ledger] = Aggregate(
    name="consent ledger",
    prefix="consents",
    fold=CONSENT_FOLD,
    exists=lambda _s: True,
    not_found=lambda pid: NotFound(f"no consent ledger for person {pid!r}", field="person_id"),
    case_of=lambda _s, _event: None,  # the stream's id: the person
    project=_project,
    id_field="person_id",
)
"""同意台帳: a person's consents and statutory sharing records; its case is the person."""


def _change(
    kit: ServiceKit, ctx: CommandContext, person_id: str, decide: Decision[Ledger], **extra: Any
) -> dict[str, Any]:
    def checked(state: Ledger, uow: UnitOfWork) -> Sequence[DomainEvent]:
        require_person(uow, person_id, in_path=True)
        return decide(state, uow)

    outcome = execute(kit.uow, ctx, CONSENTS, person_id, checked, new=None)
    return {"person_id": person_id, "version": outcome.version, **extra}


def give_consent(kit: ServiceKit, ctx: CommandContext, cmd: GiveConsent) -> dict[str, Any]:
    """同意取得."""
    new_id = kit.uow.ids()
    return _change(
        kit,
        ctx,
        cmd.person_id,
        lambda s, uow: consent_ledger.decide_give_consent(s, cmd, now=uow.now(), consent_id=new_id),
        consent_id=new_id,
    )


def withdraw_consent(kit: ServiceKit, ctx: CommandContext, cmd: WithdrawConsent) -> dict[str, Any]:
    """同意撤回."""
    return _change(
        kit,
        ctx,
        cmd.person_id,
        lambda s, uow: consent_ledger.decide_withdraw_consent(s, cmd, now=uow.now()),
        consent_id=cmd.consent_id,
    )


def record_statutory_sharing(kit: ServiceKit, ctx: CommandContext, cmd: RecordStatutorySharing) -> dict[str, Any]:
    """法定の情報共有 (支援会議)."""
    new_id = kit.uow.ids()
    return _change(
        kit,
        ctx,
        cmd.person_id,
        lambda s, uow: consent_ledger.decide_record_statutory_sharing(s, cmd, now=uow.now(), sharing_id=new_id),
        sharing_id=new_id,
    )


def find_basis(
    kit: ServiceKit, person_id: str | None, recipient: Recipient, purpose: str, *, reference: str | None = None
) -> Basis | None:
    """The consent or statutory record that lets ``person_id``'s details go to ``recipient`` now.

    Consents recorded under any linked record of the person count. With ``reference`` only that
    record counts.
    """
    if person_id is None:
        return None
    with reading(kit.engine) as conn:
        group = registry.person_group(conn, person_id)
        given, statutory = consent_rows.records_for(conn, group)
    if reference is not None:
        given = [c for c in given if c.consent_id == reference]
        statutory = [s for s in statutory if s.sharing_id == reference]
    now = kit.clock.now()
    for pid in group:
        basis = disclosure_basis(given, statutory, pid, recipient, purpose, now)
        if basis is not None:
            return basis
    return None
