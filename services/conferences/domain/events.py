"""Events of case conferences (ケース会議・地域ケア会議・事例検討会).

One stream per conference, ``conference-{id}``: scheduled → held (participants, basis of sharing,
decisions, action items) → action items completed, follow-up reviews scheduled. Every event carries
``case_id`` (the person, household or provisional case id, also the Kafka key) and
``conference_id``. Free text about the person is special-care data (``personal_fields``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from services.conferences.domain.values import AssigneeKind, Expertise, Participant, ParticipantKind, ShareBasis
from shared.events import DomainEvent, EventRegistry

__all__ = [
    "CONFERENCE_EVENTS",
    "ActionItemAssigned",
    "ActionItemCompleted",
    "CaseStudyAdviceRecorded",
    "CaseStudyCasePresented",
    "ConferenceEvent",
    "ConferenceHeld",
    "ConferenceReviewScheduled",
    "ConferenceScheduled",
    "SecrecyUndertakingRecorded",
]


class ConferenceEvent(DomainEvent):
    """Base of the events of one conference stream."""

    conference_id: str
    case_id: str


class ConferenceScheduled(ConferenceEvent):
    """会議の開催予定: a conference of a kind (``conference_kinds``) about a case was scheduled.

    ``referral_id`` is the referral (紹介) the conference answers, when one asked for it.
    """

    event_type: ClassVar[str] = "conferences.ConferenceScheduled"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"purpose"})

    kind: str
    purpose: str
    scheduled_for: datetime
    referral_id: str | None
    scheduled_at: datetime
    scheduled_by: str
    code_list_version: str


class ConferenceHeld(ConferenceEvent):
    """会議の開催記録: who took part, on what basis the case was shared, what was agreed.

    ``outside_participants`` counts the participants from outside the council (agencies,
    residents, family, experts); when it is above zero the basis is statutory or consent.
    """

    event_type: ClassVar[str] = "conferences.ConferenceHeld"
    schema_version: ClassVar[int] = 2
    occurred_field: ClassVar[str | None] = "held_at"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"summary", "decisions", "person_wishes"})

    held_at: datetime
    participants: tuple[Participant, ...]
    outside_participants: int
    basis: ShareBasis
    summary: str | None
    decisions: tuple[str, ...]
    person_wishes: str | None
    """本人の意向, as far as known (e.g. she refuses help): the plan must respect it."""
    recorded_at: datetime
    recorded_by: str


class ActionItemAssigned(ConferenceEvent):
    """役割分担: an action agreed at the conference, assigned to a department, agency, community or person."""

    event_type: ClassVar[str] = "conferences.ActionItemAssigned"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"description"})

    action_id: str
    description: str
    assignee_kind: AssigneeKind
    assignee: str
    due_on: date | None
    assigned_at: datetime
    assigned_by: str


class ActionItemCompleted(ConferenceEvent):
    """役割の実施: an action item was done; ``completed_by_department`` says which side reported it."""

    event_type: ClassVar[str] = "conferences.ActionItemCompleted"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"note"})

    action_id: str
    note: str | None
    completed_at: datetime
    completed_by: str
    completed_by_department: str


class ConferenceReviewScheduled(ConferenceEvent):
    """経過確認の予定 (モニタリング): the participants will look at the case again by ``due_on``."""

    event_type: ClassVar[str] = "conferences.ConferenceReviewScheduled"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"purpose"})

    review_id: str
    due_on: date
    purpose: str
    scheduled_at: datetime
    scheduled_by: str


class SecrecyUndertakingRecorded(ConferenceEvent):
    """守秘義務の誓約: a participant from outside the council undertook to keep the case secret.

    Who (``participant_name``, ``organisation``, ``participant_kind``), on which day
    (``undertaken_on``), the signed form or contract (``reference``), and who recorded it. Until it
    is recorded the minutes withhold the case's details from that participant, and no advice is
    recorded in their name.
    """

    event_type: ClassVar[str] = "conferences.SecrecyUndertakingRecorded"

    participant_name: str
    organisation: str
    participant_kind: ParticipantKind
    undertaken_on: date
    reference: str | None
    recorded_at: datetime
    recorded_by: str


class CaseStudyCasePresented(ConferenceEvent):
    """事例検討の事例: a case brought to a case-study meeting (事例検討会), by any department.

    ``discussed_case_id`` links a known case when there is one; a case that reached no service
    (``reached_service`` false, e.g. a loan consultation judged only 貸せる・貸せない) may have none.
    ``summary`` is written without names or other identifying details: every staff member reads it.
    """

    event_type: ClassVar[str] = "conferences.CaseStudyCasePresented"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"summary"})

    study_case_id: str
    discussed_case_id: str | None
    summary: str
    reached_service: bool
    presented_at: datetime
    presented_by: str
    presented_by_department: str


class CaseStudyAdviceRecorded(ConferenceEvent):
    """助言: an advisory expert's (or staff member's) advice on one case of a case-study meeting."""

    event_type: ClassVar[str] = "conferences.CaseStudyAdviceRecorded"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"advice"})

    study_case_id: str
    adviser_name: str
    adviser_organisation: str
    expertise: Expertise
    advice: str
    recorded_at: datetime
    recorded_by: str


CONFERENCE_EVENTS = EventRegistry(
    [
        ConferenceScheduled,
        ConferenceHeld,
        ActionItemAssigned,
        ActionItemCompleted,
        ConferenceReviewScheduled,
        SecrecyUndertakingRecorded,
        CaseStudyCasePresented,
        CaseStudyAdviceRecorded,
    ]
)
# v2 added each participant's (optional) department; a v1 meeting recorded none.
CONFERENCE_EVENTS.add_upcaster(ConferenceHeld.event_type, 1, lambda data: dict(data))
