"""Commands of the intake desk: what staff ask for, in imperative form.

Commands are shapes only (types and required fields); the decisions in :mod:`.registry`,
:mod:`.consultation` and :mod:`.consent_ledger` check values against the state and the code lists
and refuse with :class:`shared.errors.InvalidCommand` naming the field to fix. Ids of new things
(person, consultation, contact, comment...) and the time are not fields: the handler passes them in.
Whitespace around text is stripped.
"""

from __future__ import annotations

from datetime import date, datetime

from services.intake.domain.values import ClosureOutcome, ContactOutcome, PlanStep, Urgency
from shared.consent import SUPPORT_MEETING_BASIS, Recipient
from shared.domain import Command

__all__ = [
    "AcknowledgeSupervisorComment",
    "AddSupervisorComment",
    "CloseConsultation",
    "GiveConsent",
    "IdentifySubject",
    "OpenConsultation",
    "RecordAssessment",
    "RecordContact",
    "RecordStatutorySharing",
    "ReopenConsultation",
    "ScheduleFollowUp",
    "SetSupportPlan",
    "WithdrawConsent",
]


# --- consultation (相談) --------------------------------------------------------------------------


class OpenConsultation(Command):
    """相談受付: open a consultation about a person, a household or a subject not yet identified."""

    person_id: str | None = None
    household_id: str | None = None
    subject_description: str | None = None
    source: str
    source_detail: str | None = None
    channel: str
    issues: tuple[str, ...]
    own_words: str | None = None
    wishes: str | None = None
    urgency: Urgency = "normal"
    isolated: bool = False
    opened_by: str


class RecordContact(Command):
    """相談対応記録: record a contact (it counts in 延件数), with its outcome."""

    consultation_id: str
    contacted_at: datetime | None = None
    channel: str
    party: str
    outcome: ContactOutcome
    summary: str | None = None
    follow_up_id: str | None = None
    recorded_by: str


class RecordAssessment(Command):
    """アセスメント: record the picture of the person and family, wishes, issues, obstacles, strengths.

    ``issues``: the full list of issue categories after the assessment; ``None`` keeps the current one.
    """

    consultation_id: str
    person_picture: str
    family_picture: str | None = None
    wishes: str | None = None
    issues_text: str | None = None
    obstacles: str | None = None
    strengths: str | None = None
    issues: tuple[str, ...] | None = None
    assessed_by: str


class SetSupportPlan(Command):
    """支援計画の作成・見直し: set the whole support plan; its steps follow the support ladder."""

    consultation_id: str
    goal: str | None = None
    steps: tuple[PlanStep, ...]
    set_by: str


class ScheduleFollowUp(Command):
    """フォローアップ予定: schedule a follow-up (monitoring) by a date."""

    consultation_id: str
    due_on: date
    purpose: str
    scheduled_by: str


class IdentifySubject(Command):
    """対象者の特定: link the consultation to the registered person it is about."""

    consultation_id: str
    person_id: str
    household_id: str | None = None
    identified_by: str


class CloseConsultation(Command):
    """終結: close the consultation with an outcome; say where it went when connected or referred."""

    consultation_id: str
    outcome: ClosureOutcome
    destination: str | None = None
    note: str | None = None
    closed_by: str


class ReopenConsultation(Command):
    """再開: reopen a closed consultation, with a reason."""

    consultation_id: str
    reason: str
    reopened_by: str


class AddSupervisorComment(Command):
    """スーパーバイズ: a manager comments on the record (the role is checked outside the domain)."""

    consultation_id: str
    reviewer_id: str
    comment: str


class AcknowledgeSupervisorComment(Command):
    """スーパーバイズ確認: the worker acknowledges a manager's comment."""

    consultation_id: str
    comment_id: str
    acknowledged_by: str


# --- consent (同意) -------------------------------------------------------------------------------


class GiveConsent(Command):
    """同意取得: record the person's consent to share with recipients, for purposes, until a date.

    ``given_at`` is when the person agreed (default: now), e.g. a signed form recorded later.
    """

    person_id: str
    recipients: tuple[Recipient, ...]
    purposes: tuple[str, ...]
    valid_until: date
    given_at: datetime | None = None
    recorded_by: str


class WithdrawConsent(Command):
    """同意撤回: record that the person withdrew a consent (default: now)."""

    person_id: str
    consent_id: str
    withdrawn_at: datetime | None = None
    reason: str | None = None
    recorded_by: str


class RecordStatutorySharing(Command):
    """法定の情報共有: record that the case was shared in a 支援会議 under its secrecy duty."""

    person_id: str
    meeting_id: str
    recipients: tuple[Recipient, ...]
    secrecy_duty_acknowledged: bool
    basis: str = SUPPORT_MEETING_BASIS
    shared_at: datetime | None = None
    recorded_by: str
