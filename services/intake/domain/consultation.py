"""The consultation aggregate (相談): one stream per consultation at the comprehensive desk.

Life: opened → contacts (延件数), assessment, support plan along the support ladder, follow-ups,
supervisor comments and acknowledgements, subject identified → closed with an outcome → reopened.
A closed consultation refuses every command but :class:`~.commands.ReopenConsultation`.

Fold: :func:`apply`. Decisions: ``decide_*(state, command, *, now, <new ids>, codes) -> events``;
they raise (a :class:`shared.errors.DomainError`) and emit nothing when refused. Codes are checked
against the :class:`shared.reference.CodeLists` passed in, whose version the events record.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal

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
from services.intake.domain.errors import ConsultationIsClosed, ConsultationNotFound
from services.intake.domain.events import (
    AssessmentRecorded,
    ConsultationClosed,
    ConsultationOpened,
    ConsultationReopened,
    ContactRecorded,
    FollowUpScheduled,
    SubjectIdentified,
    SupervisorCommentAcknowledged,
    SupervisorCommentAdded,
    SupportPlanSet,
)
from services.intake.domain.values import ClosureOutcome, PlanStep, Urgency
from shared.checks import not_after, optional_text, required_text, unique
from shared.dates import local_date, local_minute
from shared.errors import AlreadyExists, IllegalTransition, InvalidCommand
from shared.events import DomainEvent, Replay, absorb
from shared.reference import CodeLists

__all__ = [
    "Comment",
    "ConsultationState",
    "Contact",
    "FollowUp",
    "apply",
    "decide_acknowledge_supervisor_comment",
    "decide_add_supervisor_comment",
    "decide_close_consultation",
    "decide_identify_subject",
    "decide_open_consultation",
    "decide_record_assessment",
    "decide_record_contact",
    "decide_reopen_consultation",
    "decide_schedule_follow_up",
    "decide_set_support_plan",
    "replay",
]

ISSUES = "household_issue_categories"
SOURCES = "consultation_sources"
CHANNELS = "contact_channels"
LADDER = "support_ladder"
NEEDS_DESTINATION: frozenset[ClosureOutcome] = frozenset({"connected_to_service", "referred_outside"})


@dataclass(frozen=True)
class Contact:
    contact_id: str
    contacted_at: datetime
    channel: str
    party: str
    outcome: str
    follow_up_id: str | None


@dataclass(frozen=True)
class FollowUp:
    follow_up_id: str
    due_on: date
    purpose: str
    done_by_contact_id: str | None = None

    @property
    def done(self) -> bool:
        return self.done_by_contact_id is not None


@dataclass(frozen=True)
class Comment:
    comment_id: str
    reviewer_id: str
    comment: str
    added_at: datetime
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None


@dataclass(frozen=True)
class ConsultationState:
    """A consultation; ``ConsultationState()`` is the state of a stream with no events yet."""

    consultation_id: str | None = None
    case_id: str | None = None
    status: Literal["new", "open", "closed"] = "new"
    person_id: str | None = None
    household_id: str | None = None
    source: str | None = None
    channel: str | None = None
    issues: tuple[str, ...] = ()
    urgency: Urgency = "normal"
    isolated: bool = False
    opened_at: datetime | None = None
    contacts: tuple[Contact, ...] = ()
    assessment: AssessmentRecorded | None = None
    plan: SupportPlanSet | None = None
    follow_ups: tuple[FollowUp, ...] = ()
    comments: tuple[Comment, ...] = ()
    outcome: ClosureOutcome | None = None
    closed_at: datetime | None = None

    @property
    def contact_count(self) -> int:
        """延件数: the opening contact plus every recorded contact."""
        return 0 if self.status == "new" else 1 + len(self.contacts)

    @property
    def identified(self) -> bool:
        return self.person_id is not None

    @property
    def open_follow_ups(self) -> tuple[FollowUp, ...]:
        return tuple(f for f in self.follow_ups if not f.done)

    @property
    def unacknowledged_comments(self) -> tuple[Comment, ...]:
        return tuple(c for c in self.comments if c.acknowledged_by is None)

    def follow_up(self, follow_up_id: str) -> FollowUp | None:
        return next((f for f in self.follow_ups if f.follow_up_id == follow_up_id), None)

    def comment(self, comment_id: str) -> Comment | None:
        return next((c for c in self.comments if c.comment_id == comment_id), None)


# --- fold -----------------------------------------------------------------------------------------


def apply(state: ConsultationState, event: DomainEvent) -> ConsultationState:
    """Fold one event into the consultation; events of other aggregates pass through."""
    if isinstance(event, ConsultationOpened):
        return absorb(ConsultationState(), event, status="open")
    if isinstance(event, ContactRecorded):
        contact = Contact(
            event.contact_id, event.contacted_at, event.channel, event.party, event.outcome, event.follow_up_id
        )
        follow_ups = tuple(
            replace(f, done_by_contact_id=event.contact_id) if f.follow_up_id == event.follow_up_id else f
            for f in state.follow_ups
        )
        return replace(state, contacts=(*state.contacts, contact), follow_ups=follow_ups)
    if isinstance(event, AssessmentRecorded):
        return replace(state, assessment=event, issues=event.issues)
    if isinstance(event, SupportPlanSet):
        return replace(state, plan=event)
    if isinstance(event, FollowUpScheduled):
        follow_up = FollowUp(event.follow_up_id, event.due_on, event.purpose)
        return replace(state, follow_ups=(*state.follow_ups, follow_up))
    if isinstance(event, SubjectIdentified):
        return replace(
            state,
            case_id=event.case_id,
            person_id=event.person_id,
            household_id=event.household_id or state.household_id,
        )
    if isinstance(event, SupervisorCommentAdded):
        comment = Comment(event.comment_id, event.reviewer_id, event.comment, event.added_at)
        return replace(state, comments=(*state.comments, comment))
    if isinstance(event, SupervisorCommentAcknowledged):
        comments = tuple(
            replace(c, acknowledged_by=event.acknowledged_by, acknowledged_at=event.acknowledged_at)
            if c.comment_id == event.comment_id
            else c
            for c in state.comments
        )
        return replace(state, comments=comments)
    if isinstance(event, ConsultationClosed):
        return replace(state, status="closed", outcome=event.outcome, closed_at=event.closed_at)
    if isinstance(event, ConsultationReopened):
        return replace(state, status="open", outcome=None, closed_at=None)
    return state


replay = Replay(ConsultationState, apply)


# --- guards ---------------------------------------------------------------------------------------


def _require_exists(state: ConsultationState, consultation_id: str) -> tuple[str, str]:
    if state.consultation_id is None or state.case_id is None or state.consultation_id != consultation_id:
        raise ConsultationNotFound(f"no consultation {consultation_id!r} was opened", field="consultation_id")
    return state.consultation_id, state.case_id


def _require_open(state: ConsultationState, consultation_id: str) -> tuple[str, str]:
    ids = _require_exists(state, consultation_id)
    if state.status == "closed":
        raise ConsultationIsClosed(
            f"consultation {consultation_id!r} is closed ({state.outcome}); reopen it to change it",
            field="consultation_id",
            reason="closed_reopen_first",
        )
    return ids


# --- decisions ------------------------------------------------------------------------------------


def decide_open_consultation(
    state: ConsultationState, command: OpenConsultation, *, now: datetime, consultation_id: str, codes: CodeLists
) -> list[DomainEvent]:
    """相談受付: about a person and/or household, or a described subject not yet identified.

    An issue flagged ``urgent`` in the code list (``dv_abuse``) raises the urgency to
    ``same_day`` and says why in ``urgency_reason``; the case id is the person's, else the
    household's, else the consultation's own id (provisional until the subject is identified).
    """
    if state.status != "new":
        raise AlreadyExists(
            f"consultation {state.consultation_id!r} is already open",
            field="consultation_id",
            reason="already_recorded",
        )
    person_id, household_id = optional_text(command.person_id), optional_text(command.household_id)
    description = optional_text(command.subject_description)
    if person_id is None and household_id is None and description is None:
        raise InvalidCommand(
            "say who the consultation is about: person_id, household_id, or a subject_description "
            "of a person not yet identified (e.g. 'elderly woman living alone at 3-chome')",
            field="subject_description",
            reason="subject_required",
        )
    codes.require(SOURCES, command.source, field_name="source")
    codes.require(CHANNELS, command.channel, field_name="channel")
    issues = unique(command.issues)
    if not issues:
        raise InvalidCommand(
            f"give at least one issue category (code list {ISSUES}; 'other' when unclear)",
            field="issues",
            reason="at_least_one",
        )
    codes.require(ISSUES, *issues, field_name="issues")
    urgency: Urgency = command.urgency
    urgency_reason = None
    urgent_issues = sorted(codes.flagged(ISSUES, "urgent") & set(issues))
    if urgent_issues and urgency != "same_day":
        urgency = "same_day"
        urgency_reason = f"issue(s) {urgent_issues} require a same-day response (asked: {command.urgency})"
    return [
        ConsultationOpened.of(
            command,
            consultation_id=consultation_id,
            case_id=person_id or household_id or consultation_id,
            person_id=person_id,
            household_id=household_id,
            subject_description=description,
            source_detail=optional_text(command.source_detail),
            issues=issues,
            own_words=optional_text(command.own_words),
            wishes=optional_text(command.wishes),
            urgency=urgency,
            urgency_reason=urgency_reason,
            opened_at=now,
            opened_by=required_text(command.opened_by, "opened_by", "the staff id"),
            code_list_version=codes.version,
        )
    ]


def decide_record_contact(
    state: ConsultationState, command: RecordContact, *, now: datetime, contact_id: str, codes: CodeLists
) -> list[DomainEvent]:
    """相談対応記録: a contact between the opening and now; it may carry out a scheduled follow-up."""
    consultation_id, case_id = _require_open(state, command.consultation_id)
    if any(c.contact_id == contact_id for c in state.contacts):
        raise AlreadyExists(
            f"contact {contact_id!r} is already recorded", field="contact_id", reason="already_recorded"
        )
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
    consultation_id, case_id = _require_open(state, command.consultation_id)
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
    consultation_id, case_id = _require_open(state, command.consultation_id)
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
    consultation_id, case_id = _require_open(state, command.consultation_id)
    if state.follow_up(follow_up_id) is not None:
        raise AlreadyExists(
            f"follow-up {follow_up_id!r} is already scheduled", field="follow_up_id", reason="already_recorded"
        )
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


def decide_identify_subject(state: ConsultationState, command: IdentifySubject, *, now: datetime) -> list[DomainEvent]:
    """対象者の特定: once; a provisional case (the consultation id) becomes the person's case."""
    consultation_id, case_id = _require_open(state, command.consultation_id)
    person_id = required_text(command.person_id, "person_id", "the registered person's id")
    if state.person_id is not None:
        raise IllegalTransition(
            f"consultation {consultation_id!r} is already about person {state.person_id!r}; "
            "link duplicate person records instead",
            field="person_id",
            reason="other_subject",
        )
    household_id = optional_text(command.household_id)
    if household_id is not None and state.household_id not in (None, household_id):
        raise IllegalTransition(
            f"consultation {consultation_id!r} is about household {state.household_id!r}, not {household_id!r}",
            field="household_id",
            reason="other_subject",
        )
    return [
        SubjectIdentified(
            consultation_id=consultation_id,
            case_id=person_id if case_id == consultation_id else case_id,
            provisional_case_id=case_id,
            person_id=person_id,
            household_id=household_id,
            identified_at=now,
            identified_by=required_text(command.identified_by, "identified_by", "the staff id"),
        )
    ]


def decide_close_consultation(
    state: ConsultationState, command: CloseConsultation, *, now: datetime
) -> list[DomainEvent]:
    """終結: with an outcome; connected or referred cases name their destination."""
    consultation_id, case_id = _require_open(state, command.consultation_id)
    destination = optional_text(command.destination)
    if command.outcome in NEEDS_DESTINATION and destination is None:
        raise InvalidCommand(
            f"outcome {command.outcome} needs a destination: the service or agency the case went to",
            field="destination",
            reason="required",
        )
    return [
        ConsultationClosed(
            consultation_id=consultation_id,
            case_id=case_id,
            outcome=command.outcome,
            destination=destination,
            note=optional_text(command.note),
            closed_at=now,
            closed_by=required_text(command.closed_by, "closed_by", "the staff id"),
        )
    ]


def decide_reopen_consultation(
    state: ConsultationState, command: ReopenConsultation, *, now: datetime
) -> list[DomainEvent]:
    """再開: only a closed consultation, with a reason."""
    consultation_id, case_id = _require_exists(state, command.consultation_id)
    if state.status != "closed":
        raise IllegalTransition(
            f"consultation {consultation_id!r} is open; only a closed one can be reopened", reason="not_closed"
        )
    return [
        ConsultationReopened(
            consultation_id=consultation_id,
            case_id=case_id,
            reason=required_text(command.reason, "reason", "why the consultation is reopened"),
            reopened_at=now,
            reopened_by=required_text(command.reopened_by, "reopened_by", "the staff id"),
        )
    ]


def decide_add_supervisor_comment(
    state: ConsultationState, command: AddSupervisorComment, *, now: datetime, comment_id: str
) -> list[DomainEvent]:
    """スーパーバイズ: the reviewer's role is checked outside; the event records who reviewed."""
    consultation_id, case_id = _require_open(state, command.consultation_id)
    if state.comment(comment_id) is not None:
        raise AlreadyExists(f"comment {comment_id!r} already exists", field="comment_id", reason="already_recorded")
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
    consultation_id, case_id = _require_open(state, command.consultation_id)
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
