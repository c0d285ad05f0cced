"""The consultation aggregate (相談): one stream per consultation at the comprehensive desk.

Life: opened → contacts (延件数), assessment, support plan along the support ladder, follow-ups,
supervisor comments and acknowledgements, subject identified → closed with an outcome → reopened.
A closed consultation refuses every command but :class:`~.commands.ReopenConsultation`.

Fold: :func:`apply`. Decisions: ``decide_*(state, command, *, now, <new ids>, codes) -> events``;
they raise (a :class:`shared.errors.DomainError`) and emit nothing when refused. Codes are checked
against the :class:`shared.reference.CodeLists` passed in, whose version the events record. This
module decides the consultation's life (open, subject identified, close, reopen); the support given
while it is open (contacts, assessment, plan, follow-ups, supervision) is decided in :mod:`.support`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal

from services.intake.domain.commands import (
    CloseConsultation,
    IdentifySubject,
    OpenConsultation,
    ReopenConsultation,
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
from services.intake.domain.values import ClosureOutcome, Urgency
from shared.checks import optional_text, required_text, unique
from shared.errors import AlreadyExists, IllegalTransition, InvalidCommand
from shared.events import DomainEvent, Replay, absorb
from shared.reference import CodeLists

__all__ = [
    "Comment",
    "ConsultationState",
    "Contact",
    "FollowUp",
    "apply",
    "decide_close_consultation",
    "decide_identify_subject",
    "decide_open_consultation",
    "decide_reopen_consultation",
    "replay",
    "require_exists",
    "require_open",
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


def require_exists(state: ConsultationState, consultation_id: str) -> tuple[str, str]:
    """The consultation's id and case id; refused when no consultation of that id was opened."""
    if state.consultation_id is None or state.case_id is None or state.consultation_id != consultation_id:
        raise ConsultationNotFound(f"no consultation {consultation_id!r} was opened", field="consultation_id")
    return state.consultation_id, state.case_id


def require_open(state: ConsultationState, consultation_id: str) -> tuple[str, str]:
    """As :func:`require_exists`, and refused while the consultation is closed (reopen it first)."""
    ids = require_exists(state, consultation_id)
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


def decide_identify_subject(state: ConsultationState, command: IdentifySubject, *, now: datetime) -> list[DomainEvent]:
    """対象者の特定: once; a provisional case (the consultation id) becomes the person's case."""
    consultation_id, case_id = require_open(state, command.consultation_id)
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
    consultation_id, case_id = require_open(state, command.consultation_id)
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
    consultation_id, case_id = require_exists(state, command.consultation_id)
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
