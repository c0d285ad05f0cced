"""Intake's consultation handlers (相談): open, contacts, assessment, plan, follow-ups, closing,
supervisor comments. Each is one :func:`shared.commands.execute` on :data:`CONSULTATION`.

A consultation's events belong to its case: the person, else the household, else the
consultation's own id until the subject is identified; ``SubjectIdentified`` moves the case to
the person, so each event is recorded with its own case id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.intake.adapters import consultations as consultation_rows
from services.intake.domain import consultation, support
from services.intake.domain.commands import (
    AcknowledgeSupervisorComment,
    AddSupervisorComment,
    CloseConsultation,
    IdentifySubject,
    OpenConsultation,
    RecordAssessment,
    RecordContact,
    ReopenConsultation,
    ScheduleFollowUp,
    SetSupportPlan,
)
from services.intake.domain.errors import ConsultationNotFound
from services.intake.domain.events import INTAKE_EVENTS, ConsultationOpened
from services.intake.handlers.people import require_household, require_person
from shared.commands import Aggregate, CommandContext, Decision, Outcome, create, execute
from shared.errors import Forbidden
from shared.events import DomainEvent
from shared.reference import load_code_lists
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork

__all__ = [
    "CONSULTATION",
    "CONSULTATION_FOLD",
    "acknowledge_supervisor_comment",
    "add_supervisor_comment",
    "close_consultation",
    "identify_subject",
    "open_consultation",
    "record_assessment",
    "record_contact",
    "reopen_consultation",
    "schedule_follow_up",
    "set_support_plan",
]

State = consultation.ConsultationState
CONSULTATION_FOLD = Fold(consultation.ConsultationState, consultation.apply, INTAKE_EVENTS)


def _save(uow: UnitOfWork, state: State, events: Sequence[DomainEvent], version: int) -> None:
    opened_by = next((e.opened_by for e in events if isinstance(e, ConsultationOpened)), None)
    consultation_rows.save(uow.conn, state, version, uow.now(), opened_by=opened_by)


CONSULTATION: Aggregate[State] = Aggregate(
    name="consultation",
    prefix="consultation",
    fold=CONSULTATION_FOLD,
    not_found=lambda cid: ConsultationNotFound(f"no consultation {cid!r} was opened", field="consultation_id"),
    case_of=lambda s, event: getattr(event, "case_id", None) or s.case_id,
    project=_save,
    id_field="consultation_id",
)
"""相談: one consultation stream per consultation."""


def _reply(outcome: Outcome[State], **extra: Any) -> dict[str, Any]:
    return outcome.reply("consultation_id", "case_id", "status", "urgency", **extra)


def _change(
    kit: ServiceKit, ctx: CommandContext, consultation_id: str, decide: Decision[State], **extra: Any
) -> dict[str, Any]:
    return _reply(execute(kit.uow, ctx, CONSULTATION, consultation_id, decide), **extra)


def open_consultation(kit: ServiceKit, ctx: CommandContext, cmd: OpenConsultation) -> dict[str, Any]:
    """相談受付: about a registered person or household, or a subject not yet identified."""

    def decide(state: State, uow: UnitOfWork, consultation_id: str) -> list[DomainEvent]:
        if cmd.person_id:
            require_person(uow, cmd.person_id)
        if cmd.household_id:
            require_household(uow, cmd.household_id)
        return consultation.decide_open_consultation(
            state, cmd, now=uow.now(), consultation_id=consultation_id, codes=load_code_lists()
        )

    return _reply(create(kit.uow, ctx, CONSULTATION, decide))


def record_contact(
    kit: ServiceKit, ctx: CommandContext, cmd: RecordContact, *, contact_id: str | None = None
) -> dict[str, Any]:
    """相談対応記録: one more contact (延件数)."""
    new_id = contact_id or kit.uow.ids()
    return _change(
        kit,
        ctx,
        cmd.consultation_id,
        lambda s, uow: support.decide_record_contact(s, cmd, now=uow.now(), contact_id=new_id, codes=load_code_lists()),
        contact_id=new_id,
    )


def record_assessment(kit: ServiceKit, ctx: CommandContext, cmd: RecordAssessment) -> dict[str, Any]:
    """アセスメント."""
    return _change(
        kit,
        ctx,
        cmd.consultation_id,
        lambda s, uow: support.decide_record_assessment(s, cmd, now=uow.now(), codes=load_code_lists()),
    )


def set_support_plan(kit: ServiceKit, ctx: CommandContext, cmd: SetSupportPlan) -> dict[str, Any]:
    """支援計画の作成・見直し: steps ordered along the support ladder."""
    return _change(
        kit,
        ctx,
        cmd.consultation_id,
        lambda s, uow: support.decide_set_support_plan(s, cmd, now=uow.now(), codes=load_code_lists()),
    )


def schedule_follow_up(kit: ServiceKit, ctx: CommandContext, cmd: ScheduleFollowUp) -> dict[str, Any]:
    """フォローアップ予定."""
    new_id = kit.uow.ids()
    return _change(
        kit,
        ctx,
        cmd.consultation_id,
        lambda s, uow: support.decide_schedule_follow_up(s, cmd, now=uow.now(), follow_up_id=new_id),
        follow_up_id=new_id,
    )


def identify_subject(kit: ServiceKit, ctx: CommandContext, cmd: IdentifySubject) -> dict[str, Any]:
    """対象者の特定: the provisional case becomes the registered person's case."""

    def decide(state: State, uow: UnitOfWork) -> list[DomainEvent]:
        require_person(uow, cmd.person_id)
        if cmd.household_id:
            require_household(uow, cmd.household_id)
        return consultation.decide_identify_subject(state, cmd, now=uow.now())

    return _change(kit, ctx, cmd.consultation_id, decide)


def close_consultation(kit: ServiceKit, ctx: CommandContext, cmd: CloseConsultation) -> dict[str, Any]:
    """終結."""
    return _change(
        kit, ctx, cmd.consultation_id, lambda s, uow: consultation.decide_close_consultation(s, cmd, now=uow.now())
    )


def reopen_consultation(kit: ServiceKit, ctx: CommandContext, cmd: ReopenConsultation) -> dict[str, Any]:
    """再開."""
    return _change(
        kit, ctx, cmd.consultation_id, lambda s, uow: consultation.decide_reopen_consultation(s, cmd, now=uow.now())
    )


def add_supervisor_comment(kit: ServiceKit, ctx: CommandContext, cmd: AddSupervisorComment) -> dict[str, Any]:
    """スーパーバイズ: only managers comment (checked here as well as at the route)."""
    if ctx.actor.role != "manager":
        raise Forbidden("only a manager (課長・局長) leaves supervisor comments", reason="manager_only")
    new_id = kit.uow.ids()
    return _change(
        kit,
        ctx,
        cmd.consultation_id,
        lambda s, uow: support.decide_add_supervisor_comment(s, cmd, now=uow.now(), comment_id=new_id),
        comment_id=new_id,
    )


def acknowledge_supervisor_comment(
    kit: ServiceKit, ctx: CommandContext, cmd: AcknowledgeSupervisorComment
) -> dict[str, Any]:
    """スーパーバイズ確認: the worker has read the comment."""
    return _change(
        kit,
        ctx,
        cmd.consultation_id,
        lambda s, uow: support.decide_acknowledge_supervisor_comment(s, cmd, now=uow.now()),
    )
