"""Events of the intake desk (総合相談窓口): consultations and the consent ledger.

Two kinds of stream:

* ``Consultation`` (one per consultation, 相談): opened → contacts, assessment, support plan,
  follow-ups, supervisor comments, subject identified → closed (→ reopened). The opening is the first
  contact: 延件数 counts ``ConsultationOpened`` + ``ContactRecorded``.
* ``ConsentLedger`` (one per person, 同意台帳): consents given and withdrawn, statutory sharing.

Every consultation event carries ``case_id``, the Kafka key of the case: the person's id, else the
household's, else, for a subject not yet identified (e.g. an isolated woman whose name nobody knows),
the consultation id as a provisional case id. :class:`SubjectIdentified` carries both the provisional
and the new ``case_id`` so the projection folds the provisional case into the person's. Consent events
carry ``person_id``, the case key. Events holding codes record the ``code_list_version`` they were
validated against. Person and household registration lives in :mod:`.registry_events`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import ClassVar

from services.intake.domain.values import ClosureOutcome, ContactOutcome, PlanStep, Urgency
from shared.consent import Recipient
from shared.events import DomainEvent, EventRegistry

__all__ = [
    "INTAKE_EVENTS",
    "AssessmentRecorded",
    "ConsentGiven",
    "ConsentWithdrawn",
    "ConsultationClosed",
    "ConsultationEvent",
    "ConsultationOpened",
    "ConsultationReopened",
    "ContactRecorded",
    "FollowUpScheduled",
    "StatutorySharingRecorded",
    "SubjectIdentified",
    "SupervisorCommentAcknowledged",
    "SupervisorCommentAdded",
    "SupportPlanSet",
]


class ConsultationEvent(DomainEvent):
    """Base of the events of one consultation stream."""

    consultation_id: str
    case_id: str


class ConsultationOpened(ConsultationEvent):
    """相談受付: a consultation was opened; this is also its first contact.

    Rules read ``issues`` (``dv_abuse`` → same-day referral), ``isolated`` and ``source``
    (an isolated person raised by a neighbour or welfare commissioner → outreach) and ``urgency``.
    """

    event_type: ClassVar[str] = "intake.ConsultationOpened"
    coded_fields: ClassVar[Mapping[str, str]] = {"issues": "household_issue_categories"}
    personal_fields: ClassVar[frozenset[str]] = frozenset(
        {"subject_description", "source_detail", "own_words", "wishes", "urgency_reason"}
    )

    person_id: str | None
    household_id: str | None
    subject_description: str | None
    """Who it is about when the person is not identified yet (未特定の対象者)."""
    source: str
    source_detail: str | None
    channel: str
    issues: tuple[str, ...]
    own_words: str | None
    wishes: str | None
    urgency: Urgency
    urgency_reason: str | None
    """Why the desk raised the urgency above what was asked (e.g. an issue flagged urgent)."""
    isolated: bool
    opened_at: datetime
    opened_by: str
    code_list_version: str


class ContactRecorded(ConsultationEvent):
    """相談対応記録: one more contact (phone, interview, visit, outreach...) on the consultation."""

    event_type: ClassVar[str] = "intake.ContactRecorded"
    occurred_field: ClassVar[str | None] = "contacted_at"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"summary"})

    contact_id: str
    contacted_at: datetime
    channel: str
    party: str
    """Who was contacted (``consultation_sources`` code: ``self`` is the person)."""
    outcome: ContactOutcome
    summary: str | None
    follow_up_id: str | None
    """The follow-up this contact carried out, if any."""
    recorded_by: str
    code_list_version: str


class AssessmentRecorded(ConsultationEvent):
    """アセスメント: the person and family picture, wishes, issues, obstacles and strengths.

    ``issues`` is the full list of issue categories after the assessment; ``issues_added`` the
    categories found by it, so that rules can react to an issue found late (e.g. ``dv_abuse``).
    """

    event_type: ClassVar[str] = "intake.AssessmentRecorded"
    coded_fields: ClassVar[Mapping[str, str]] = {
        "issues": "household_issue_categories",
        "issues_added": "household_issue_categories",
    }
    personal_fields: ClassVar[frozenset[str]] = frozenset(
        {"person_picture", "family_picture", "wishes", "issues_text", "obstacles", "strengths"}
    )

    person_picture: str
    family_picture: str | None
    wishes: str | None
    issues_text: str | None
    obstacles: str | None
    strengths: str | None
    issues: tuple[str, ...]
    issues_added: tuple[str, ...]
    assessed_at: datetime
    assessed_by: str
    code_list_version: str


class SupportPlanSet(ConsultationEvent):
    """支援計画: the support plan, whole; each new version replaces the last.

    Steps are kept in the order of the support ladder (基本的な支援の順序), stable within a rung.
    """

    event_type: ClassVar[str] = "intake.SupportPlanSet"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"goal", "steps"})

    plan_version: int
    goal: str | None
    steps: tuple[PlanStep, ...]
    set_at: datetime
    set_by: str
    code_list_version: str


class FollowUpScheduled(ConsultationEvent):
    """フォローアップ予定 / モニタリング: the desk will look at the case again by ``due_on``."""

    event_type: ClassVar[str] = "intake.FollowUpScheduled"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"purpose"})

    follow_up_id: str
    due_on: date
    purpose: str
    scheduled_at: datetime
    scheduled_by: str


class SubjectIdentified(ConsultationEvent):
    """対象者の特定: the consultation's subject turned out to be a registered person.

    ``case_id`` is the case from now on; ``provisional_case_id`` the one used so far.
    """

    event_type: ClassVar[str] = "intake.SubjectIdentified"

    provisional_case_id: str
    person_id: str
    household_id: str | None
    identified_at: datetime
    identified_by: str


class SupervisorCommentAdded(ConsultationEvent):
    """スーパーバイズ: a manager read the record and left a comment for the worker."""

    event_type: ClassVar[str] = "intake.SupervisorCommentAdded"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"comment"})

    comment_id: str
    reviewer_id: str
    comment: str
    added_at: datetime


class SupervisorCommentAcknowledged(ConsultationEvent):
    """スーパーバイズ確認: the worker read the manager's comment."""

    event_type: ClassVar[str] = "intake.SupervisorCommentAcknowledged"

    comment_id: str
    acknowledged_by: str
    acknowledged_at: datetime


class ConsultationClosed(ConsultationEvent):
    """終結: the consultation was closed with an outcome; ``destination`` names where it went."""

    event_type: ClassVar[str] = "intake.ConsultationClosed"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"note"})

    outcome: ClosureOutcome
    destination: str | None
    note: str | None
    closed_at: datetime
    closed_by: str


class ConsultationReopened(ConsultationEvent):
    """再開: a closed consultation was reopened."""

    event_type: ClassVar[str] = "intake.ConsultationReopened"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason"})

    reason: str
    reopened_at: datetime
    reopened_by: str


# --- consent ledger (同意台帳), one stream per person ----------------------------------------------


class ConsentGiven(DomainEvent):
    """同意取得: the person agreed to share with the recipients, for the purposes, until a date."""

    event_type: ClassVar[str] = "intake.ConsentGiven"

    consent_id: str
    person_id: str
    recipients: tuple[Recipient, ...]
    purposes: tuple[str, ...]
    given_at: datetime
    valid_until: date
    recorded_at: datetime
    recorded_by: str


class ConsentWithdrawn(DomainEvent):
    """同意撤回: the person withdrew a consent; it stops counting from ``withdrawn_at``."""

    event_type: ClassVar[str] = "intake.ConsentWithdrawn"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason"})

    consent_id: str
    person_id: str
    withdrawn_at: datetime
    reason: str | None
    recorded_at: datetime
    recorded_by: str


class StatutorySharingRecorded(DomainEvent):
    """法定の情報共有: the case was shared in a 支援会議 (生活困窮者自立支援法) with these members."""

    event_type: ClassVar[str] = "intake.StatutorySharingRecorded"

    sharing_id: str
    person_id: str
    basis: str
    meeting_id: str
    recipients: tuple[Recipient, ...]
    secrecy_duty_acknowledged: bool
    shared_at: datetime
    recorded_at: datetime
    recorded_by: str


INTAKE_EVENTS = EventRegistry(
    [
        ConsultationOpened,
        ContactRecorded,
        AssessmentRecorded,
        SupportPlanSet,
        FollowUpScheduled,
        SubjectIdentified,
        SupervisorCommentAdded,
        SupervisorCommentAcknowledged,
        ConsultationClosed,
        ConsultationReopened,
        ConsentGiven,
        ConsentWithdrawn,
        StatutorySharingRecorded,
    ]
)
