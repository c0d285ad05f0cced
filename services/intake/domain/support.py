"""Support on an open consultation (相談支援): contacts (延件数), the assessment (アセスメント), the
support plan along the support ladder (支援計画), follow-ups (フォローアップ) and supervision
(スーパーバイズ: a manager's comment, the worker's acknowledgement).

Each ``decide_*(state, command, *, now, <new ids>, codes) -> events`` takes the state folded by
:func:`services.intake.domain.consultation.apply`, refuses a closed consultation (reopen it first)
and raises a :class:`shared.errors.DomainError`, emitting nothing, when refused.
"""

from __future__ import annotations

from datetime import datetime

from services.intake.domain.commands import (
    AcknowledgeSupervisorComment,
    AddSupervisorComment,
    RecordAssessment,
    RecordContact,
    ScheduleFollowUp,
    SetSupportPlan,
)
from services.intake.domain.consultation import (
    CHANNELS,
    ISSUES,
    LADDER,
    SOURCES,
    ConsultationState,
    require_open,
)
from services.intake.domain.events import (
    AssessmentRecorded,
    ContactRecorded,
    FollowUpScheduled,
    SupervisorCommentAcknowledged,
    SupervisorCommentAdded,
    SupportPlanSet,
)
from services.intake.domain.values import PlanStep
from shared.checks import not_after, optional_text, required_text, unique
from shared.dates import local_date, local_minute
from shared.errors import AlreadyExists, IllegalTransition, InvalidCommand
from shared.events import DomainEvent
from shared.reference import CodeLists

__all__ = [
    "decide_acknowledge_supervisor_comment",
    "decide_add_supervisor_comment",
    "decide_record_assessment",
    "decide_record_contact",
    "decide_schedule_follow_up",
    "decide_set_support_plan",
]


def decide_record_contact(
    state: ConsultationState, command: RecordContact, *, now: datetime, contact_id: str, codes: CodeLists
) -> list[DomainEvent]:
    """相談対応記録: a contact between the opening and now; it may carry out a scheduled follow-up."""
    consultation_id, case_id = require_open(state, command.consultation_id)
    if any(c.contact_id == contact_id for c in state.contacts):
        raise AlreadyExists(f"contact {contact_id!r} is already recorded", field="contact_id")
    contacted_at = command.contacted_at or now
    not_after(contacted_at, now, "contacted_at")
    if state.opened_at is not None and contacted_at < state.opened_at:
        raise InvalidCommand(
            f"contacted_at {contacted_at.isoformat()} is before the consultation was opened "
            f"({state.opened_at.isoformat()}); the opening is the first contact",
            field="contacted_at",
            reason="before_earliest",
            ctx={"earliest": local_minute(state.opened_at)},
        )
    codes.require(CHANNELS, command.channel, field_name="channel")
    codes.require(SOURCES, command.party, field_name="party")
    follow_up_id = optional_text(command.follow_up_id)
    if follow_up_id is not None:
        follow_up = state.follow_up(follow_up_id)
        if follow_up is None:
            raise InvalidCommand(
                f"no follow-up {follow_up_id!r} is scheduled here",
                field="follow_up_id",
                reason="unknown_reference",
                ctx={"id": follow_up_id},
            )
        if follow_up.done:
            raise IllegalTransition(
                f"follow-up {follow_up_id!r} was already done by contact {follow_up.done_by_contact_id!r}",
                field="follow_up_id",
                reason="already_done",
            )
    return [
        ContactRecorded.of(
            command,
            consultation_id=consultation_id,
            case_id=case_id,
            contact_id=contact_id,
            contacted_at=contacted_at,
            summary=optional_text(command.summary),
            follow_up_id=follow_up_id,
            recorded_by=required_text(command.recorded_by, "recorded_by", "the staff id"),
            code_list_version=codes.version,
        )
    ]


def decide_record_assessment(
    state: ConsultationState, command: RecordAssessment, *, now: datetime, codes: CodeLists
) -> list[DomainEvent]:
    """アセスメント: the latest assessment replaces the picture; issues found by it are named."""
    consultation_id, case_id = require_open(state, command.consultation_id)
    issues = state.issues if command.issues is None else unique(command.issues)
    if not issues:
        raise InvalidCommand(
            f"issues cannot be emptied; keep at least one {ISSUES} code", field="issues", reason="at_least_one"
        )
    codes.require(ISSUES, *issues, field_name="issues")
    return [
        AssessmentRecorded(
            consultation_id=consultation_id,
            case_id=case_id,
            person_picture=required_text(
                command.person_picture, "person_picture", "the picture of the person (本人の状況)"
            ),
            family_picture=optional_text(command.family_picture),
            wishes=optional_text(command.wishes),
            issues_text=optional_text(command.issues_text),
            obstacles=optional_text(command.obstacles),
            strengths=optional_text(command.strengths),
            issues=issues,
            issues_added=tuple(i for i in issues if i not in state.issues),
            assessed_at=now,
            assessed_by=required_text(command.assessed_by, "assessed_by", "the staff id"),
            code_list_version=codes.version,
        )
    ]


def decide_set_support_plan(
    state: ConsultationState, command: SetSupportPlan, *, now: datetime, codes: CodeLists
) -> list[DomainEvent]:
    """支援計画: every step names a ladder rung, an action and who carries it; kept in ladder order."""
    consultation_id, case_id = require_open(state, command.consultation_id)
    if not command.steps:
        raise InvalidCommand("a support plan needs at least one step", field="steps", reason="at_least_one")
    order = {code.code: rank for rank, code in enumerate(codes.codes(LADDER))}
    opened_on = local_date(state.opened_at) if state.opened_at is not None else None
    for i, step in enumerate(command.steps):
        codes.require(LADDER, step.rung, field_name=f"steps[{i}].rung")
        required_text(step.action, f"steps[{i}].action", "what will be done")
        required_text(step.responsible.name, f"steps[{i}].responsible.name", "the department, agency or people")
        if step.due_on is not None and opened_on is not None and step.due_on < opened_on:
            raise InvalidCommand(
                f"steps[{i}].due_on {step.due_on} is before the consultation was opened ({opened_on})",
                field=f"steps[{i}].due_on",
                reason="before_earliest",
                ctx={"earliest": opened_on.isoformat()},
            )
    steps: tuple[PlanStep, ...] = tuple(sorted(command.steps, key=lambda s: order[s.rung]))
    return [
        SupportPlanSet(
            consultation_id=consultation_id,
            case_id=case_id,
            plan_version=(state.plan.plan_version + 1) if state.plan is not None else 1,
            goal=optional_text(command.goal),
            steps=steps,
            set_at=now,
            set_by=required_text(command.set_by, "set_by", "the staff id"),
            code_list_version=codes.version,
        )
    ]


def decide_schedule_follow_up(
    state: ConsultationState, command: ScheduleFollowUp, *, now: datetime, follow_up_id: str
) -> list[DomainEvent]:
    """フォローアップ予定: due today or later, with a purpose."""
    consultation_id, case_id = require_open(state, command.consultation_id)
    if state.follow_up(follow_up_id) is not None:
        raise AlreadyExists(f"follow-up {follow_up_id!r} is already scheduled", field="follow_up_id")
    today = local_date(now)
    if command.due_on < today:
        raise InvalidCommand(
            f"due_on {command.due_on} is in the past (today {today})",
            field="due_on",
            reason="in_past",
            ctx={"today": today.isoformat()},
        )
    return [
        FollowUpScheduled(
            consultation_id=consultation_id,
            case_id=case_id,
            follow_up_id=follow_up_id,
            due_on=command.due_on,
            purpose=required_text(command.purpose, "purpose", "what the follow-up is for"),
            scheduled_at=now,
            scheduled_by=required_text(command.scheduled_by, "scheduled_by", "the staff id"),
        )
    ]


def decide_add_supervisor_comment(
    state: ConsultationState, command: AddSupervisorComment, *, now: datetime, comment_id: str
) -> list[DomainEvent]:
    """スーパーバイズ: the reviewer's role is checked outside; the event records who reviewed."""
    consultation_id, case_id = require_open(state, command.consultation_id)
    if state.comment(comment_id) is not None:
        raise AlreadyExists(f"comment {comment_id!r} already exists", field="comment_id")
    return [
        SupervisorCommentAdded(
            consultation_id=consultation_id,
            case_id=case_id,
            comment_id=comment_id,
            reviewer_id=required_text(command.reviewer_id, "reviewer_id", "the reviewing manager's staff id"),
            comment=required_text(command.comment, "comment", "the comment for the worker"),
            added_at=now,
        )
    ]


def decide_acknowledge_supervisor_comment(
    state: ConsultationState, command: AcknowledgeSupervisorComment, *, now: datetime
) -> list[DomainEvent]:
    """スーパーバイズ確認: once per comment, by someone other than its reviewer."""
    consultation_id, case_id = require_open(state, command.consultation_id)
    comment = state.comment(command.comment_id)
    if comment is None:
        raise InvalidCommand(
            f"no comment {command.comment_id!r} on this consultation",
            field="comment_id",
            reason="unknown_reference",
            ctx={"id": command.comment_id},
        )
    if comment.acknowledged_by is not None:
        raise IllegalTransition(
            f"comment {command.comment_id!r} was already acknowledged by {comment.acknowledged_by!r}",
            field="comment_id",
            reason="already_done",
        )
    acknowledged_by = required_text(command.acknowledged_by, "acknowledged_by", "the worker's staff id")
    if acknowledged_by == comment.reviewer_id:
        raise InvalidCommand(
            "the reviewer cannot acknowledge their own comment; the worker acknowledges it",
            field="acknowledged_by",
            reason="own_comment",
        )
    return [
        SupervisorCommentAcknowledged(
            consultation_id=consultation_id,
            case_id=case_id,
            comment_id=command.comment_id,
            acknowledged_by=acknowledged_by,
            acknowledged_at=now,
        )
    ]
