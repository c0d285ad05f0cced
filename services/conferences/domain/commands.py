"""Commands of case conferences, imperative. Ids and time are not fields: the handler passes them in."""

from __future__ import annotations

from datetime import date, datetime

from services.conferences.domain.values import ActionItemSpec, Expertise, Participant, ParticipantKind, ShareBasis
from shared.domain import Command

__all__ = [
    "AssignActionItem",
    "CompleteActionItem",
    "PresentStudyCase",
    "RecordAdvice",
    "RecordConferenceHeld",
    "RecordSecrecyUndertaking",
    "ScheduleConference",
    "ScheduleReview",
]


class ScheduleConference(Command):
    """会議を設定する: about a case, of a kind, for a purpose, at a time; optionally answering a referral."""

    case_id: str
    kind: str
    purpose: str
    scheduled_for: datetime
    referral_id: str | None = None
    scheduled_by: str


class RecordConferenceHeld(Command):
    """会議の記録: participants, basis of sharing, summary, decisions, action items, the person's wishes."""

    conference_id: str
    held_at: datetime
    participants: tuple[Participant, ...]
    basis: ShareBasis = ShareBasis()
    summary: str | None = None
    decisions: tuple[str, ...] = ()
    action_items: tuple[ActionItemSpec, ...] = ()
    person_wishes: str | None = None
    recorded_by: str


class AssignActionItem(Command):
    """役割を追加する: one more action item on a held conference."""

    conference_id: str
    item: ActionItemSpec
    assigned_by: str


class CompleteActionItem(Command):
    """役割の実施を記録する: by conferences staff or the staff of the department it was assigned to."""

    conference_id: str
    action_id: str
    note: str | None = None
    completed_by: str
    completed_by_department: str


class ScheduleReview(Command):
    """経過確認を予定する: a follow-up review of the case by a date."""

    conference_id: str
    due_on: date
    purpose: str
    scheduled_by: str


class RecordSecrecyUndertaking(Command):
    """守秘義務の誓約を記録する: an outside participant undertook secrecy (on a day, by a signed form)."""

    conference_id: str
    participant_name: str
    organisation: str
    participant_kind: ParticipantKind
    undertaken_on: date
    reference: str | None = None
    recorded_by: str


class PresentStudyCase(Command):
    """事例を出す: a case for a case-study meeting, by staff of any department; no identifying details."""

    conference_id: str
    discussed_case_id: str | None = None
    summary: str
    reached_service: bool = False
    presented_by: str
    presented_by_department: str


class RecordAdvice(Command):
    """助言を記録する: an adviser who took part advises on one presented case."""

    conference_id: str
    study_case_id: str
    adviser_name: str
    expertise: Expertise
    advice: str
    recorded_by: str
