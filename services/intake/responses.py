"""What intake's reads answer, as documented models: the web client's types are generated from them.

The views are built by :mod:`services.intake.queries`; these models only document (and check) their
shape. Special-care details (要配慮個人情報) withheld from the reader are ``null`` and named in
``redacted``, so a screen says 非開示 rather than showing nothing.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from shared.referrals.routes import ReferralView
from shared.views import PageView, View

__all__ = [
    "ConsentLedger",
    "ConsultationPage",
    "ConsultationRow",
    "ConsultationView",
    "FollowUpsDue",
    "HouseholdPage",
    "HouseholdView",
    "PersonPage",
    "PersonView",
]


class Membership(View):
    household_id: str
    person_id: str
    relationship: str | None = None
    joined_on: str | None = None
    left_on: str | None = None


class PersonView(View):
    """本人: one person record (details for intake staff only), its linked records and households."""

    person_id: str
    case_id: str = Field(description="the id the case view (reporting) knows this person's case by")
    linked_person_ids: list[str]
    registered_by_service: str
    registered_at: str
    households: list[Membership]
    name_kanji: str | None = None
    name_kana: str | None = None
    birth_date: str | None = None
    address: str | None = None
    phone: str | None = None
    care_notes: str | None = None
    redacted: list[str]
    version: int


class PersonPage(PageView):
    items: list[PersonView]


class ConsultationRow(View):
    """One line of the consultation list (相談一覧)."""

    consultation_id: str
    case_id: str
    person_id: str | None = None
    subject_name: str | None = Field(
        default=None, description="対象者: the person's name (kanji, else kana); null when withheld (see redacted)"
    )
    household_id: str | None = None
    status: Literal["open", "closed"]
    source: str
    channel: str
    issues: list[str]
    urgency: Literal["normal", "urgent", "same_day"]
    isolated: bool
    opened_at: str
    opened_by: str
    contact_count: int
    unacknowledged_comments: int
    outcome: str | None = None
    closed_at: str | None = None
    version: int
    redacted: list[str] = Field(default=[])


class ConsultationPage(PageView):
    items: list[ConsultationRow]
    counts: dict[str, int]


class FollowUpView(View):
    follow_up_id: str
    due_on: str | None = None
    purpose: str | None = None
    done: bool
    done_by_contact_id: str | None = None


class CommentView(View):
    comment_id: str
    reviewer_id: str
    reviewer_name: str | None = Field(default=None, description="the manager's name when they commented")
    comment: str | None = Field(description="null when withheld (see the consultation's redacted)")
    added_at: str | None = None
    acknowledged_by: str | None = None
    acknowledged_by_name: str | None = None
    acknowledged_at: str | None = None


class ConsultationView(View):
    """相談記録: the whole consultation, with contacts, assessment, plan, follow-ups and referrals."""

    consultation_id: str
    case_id: str
    status: Literal["open", "closed"]
    person_id: str | None = None
    household_id: str | None = None
    subject_description: str | None = None
    source: str
    source_detail: str | None = None
    channel: str
    issues: list[str]
    own_words: str | None = None
    wishes: str | None = None
    urgency: Literal["normal", "urgent", "same_day"]
    urgency_reason: str | None = None
    isolated: bool
    opened_at: str | None = None
    opened_by: str
    opened_by_name: str | None = Field(default=None, description="the staff member's name when they opened it")
    contact_count: int
    contacts: list[dict[str, Any]]
    assessment: dict[str, Any] | None = None
    support_plan: dict[str, Any] | None = None
    follow_ups: list[FollowUpView]
    supervisor_comments: list[CommentView]
    unacknowledged_comments: int
    outcome: str | None = None
    closed_at: str | None = None
    destination: str | None = None
    closing_note: str | None = None
    referrals: list[ReferralView]
    version: int
    redacted: list[str] = Field(default=[], description="fields withheld from this viewer (an auditor: narratives)")


class HouseholdMemberView(View):
    person_id: str
    name: str | None = Field(
        default=None, description="氏名 (kanji, else kana); null when withheld (members.name in redacted)"
    )
    relationship: str | None = None
    joined_on: str | None = None
    left_on: str | None = None


class HouseholdView(View):
    """世帯: the household, its current members and those who left (address for intake staff only)."""

    household_id: str
    address: str | None = None
    redacted: list[str]
    registered_by_service: str
    registered_at: str
    members: list[HouseholdMemberView]
    former_members: list[HouseholdMemberView]
    version: int


class HouseholdPage(PageView):
    items: list[HouseholdView]


class RecipientView(View):
    kind: Literal["department", "agency"]
    id: str


class ConsentRecord(View):
    """One line of the 同意台帳: a consent (kind ``consent``) or a statutory sharing record (``statutory``)."""

    record_id: str
    person_id: str
    kind: Literal["consent", "statutory"]
    basis: str
    recipients: list[RecipientView]
    purposes: list[str]
    meeting_id: str | None = None
    given_at: str
    valid_until: str | None = None
    withdrawn_at: str | None = None
    in_force: bool


class ConsentLedger(View):
    """同意台帳: the person's consents (in force now or not) and statutory sharing records."""

    person_id: str
    records: list[ConsentRecord]
    version: int


class DueFollowUp(View):
    follow_up_id: str
    consultation_id: str
    case_id: str
    person_id: str | None = None
    subject_name: str | None = Field(
        default=None, description="対象者 (kanji, else kana); null when withheld or unidentified"
    )
    due_on: str
    purpose: str | None = Field(description="null when withheld (see redacted)")
    status: Literal["open", "closed"]
    redacted: list[str] = Field(default=[])


class FollowUpsDue(View):
    """フォローアップ予定: open consultations' follow-ups not yet done, due by ``until``, soonest first."""

    items: list[DueFollowUp]
    until: str
