"""Request bodies of intake's HTTP API, with OpenAPI examples.

The acting staff member is never a body field: the route takes it from the bearer token.
Updates accept ``expected_version`` (or an ``If-Match`` header): the version the client read;
a stale one is refused with 409 instead of overwriting a change the client never saw.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from services.intake.domain.values import ClosureOutcome, ContactOutcome, PlanStep, Responsible, Urgency
from shared.bodies import Body, VersionedBody, examples
from shared.consent import SUPPORT_MEETING_BASIS, Recipient
from shared.registry.commands import HouseholdMember
from shared.text import Code, Line, Ref, Text

__all__ = [
    "AcknowledgeBody",
    "AssessmentBody",
    "CloseBody",
    "CommentBody",
    "ConsentBody",
    "ContactBody",
    "CorrectPersonBody",
    "FollowUpBody",
    "IdentifyBody",
    "JoinBody",
    "LeaveBody",
    "LinkBody",
    "OpenConsultationBody",
    "ReferralBody",
    "ReopenBody",
    "StatutorySharingBody",
    "SupportPlanBody",
    "WithdrawBody",
]


# The edge bounds the text inside nested values too; the recorded value types stay as the events
# have always carried them (a subclass instance is the domain type, so handlers take it as is).
class ResponsibleBody(Responsible):
    name: Line


class PlanStepBody(PlanStep):
    rung: Code
    action: Line
    responsible: ResponsibleBody


class RecipientBody(Recipient):
    id: Ref


class CorrectPersonBody(VersionedBody):
    """本人情報の訂正: give only what changes; ``clear`` empties fields."""

    model_config = examples({"phone": "046-875-1111", "reason": "本人から電話番号の変更連絡", "expected_version": 1})
    name_kanji: Line | None = None
    name_kana: Line | None = None
    birth_date: date | None = None
    address: Line | None = None
    phone: Line | None = None
    care_notes: Text | None = None
    clear: tuple[Code, ...] = ()
    reason: Line = Field(min_length=1, description="why (audit)")


class LinkBody(VersionedBody):
    """同一人物の記録の統合: the other record is the same person."""

    model_config = examples(
        {"duplicate_person_id": "3f0c...", "reason": "貸付窓口で登録済みの記録と氏名・生年月日・住所が一致"}
    )
    duplicate_person_id: Ref = Field(min_length=1)
    reason: Line = Field(min_length=1, description="why both records are one person (audit)")


class JoinBody(VersionedBody):
    """世帯員の加入."""

    model_config = examples({"member": {"person_id": "p-2", "relationship": "長男"}, "joined_on": "2015-04-01"})
    member: HouseholdMember
    joined_on: date | None = None


class LeaveBody(VersionedBody):
    """世帯員の離脱."""

    model_config = examples({"left_on": "2015-06-30", "reason": "転居"})
    left_on: date | None = None
    reason: Line | None = None


class OpenConsultationBody(Body):
    """相談受付: say who it is about (person_id, household_id or subject_description)."""

    model_config = examples(
        {
            "subject_description": "3丁目の一人暮らしの高齢女性（氏名不明）",
            "source": "welfare_commissioner",
            "source_detail": "近隣住民から民生委員へ: 家にネズミが出ている",
            "channel": "phone",
            "issues": ["other"],
            "own_words": None,
            "wishes": None,
            "urgency": "normal",
            "isolated": True,
        }
    )
    person_id: Ref | None = None
    household_id: Ref | None = None
    subject_description: Line | None = Field(default=None, description="未特定の対象者: who, when not identified")
    source: Code = Field(min_length=1, description="code list consultation_sources (who brought it)")
    source_detail: Line | None = None
    channel: Code = Field(min_length=1, description="code list contact_channels")
    issues: tuple[Code, ...] = Field(min_length=1, description="code list household_issue_categories")
    own_words: Text | None = Field(default=None, description="本人の言葉")
    wishes: Text | None = Field(default=None, description="本人の希望")
    urgency: Urgency = "normal"
    isolated: bool = False


class ContactBody(VersionedBody):
    """相談対応記録 (延件数)."""

    model_config = examples(
        {"channel": "home_visit", "party": "self", "outcome": "not_reached", "summary": "訪問したが応答なし"}
    )
    contacted_at: datetime | None = None
    channel: Code = Field(min_length=1)
    party: Code = Field(min_length=1, description="who was contacted (consultation_sources; self = the person)")
    outcome: ContactOutcome
    summary: Text | None = None
    follow_up_id: Ref | None = Field(default=None, description="the follow-up this contact carries out")


class AssessmentBody(VersionedBody):
    """アセスメント."""

    model_config = examples(
        {
            "person_picture": "68歳男性。一人暮らし。物忘れが増えている",
            "family_picture": "親族とは疎遠",
            "wishes": "今の家で暮らし続けたい",
            "obstacles": "金銭管理が難しくなっている",
            "strengths": "料理が得意。友人Eさんとの関係",
            "issues": ["long_term_care", "household_budget"],
        }
    )
    person_picture: Text = Field(min_length=1)
    family_picture: Text | None = None
    wishes: Text | None = None
    issues_text: Text | None = None
    obstacles: Text | None = None
    strengths: Text | None = None
    issues: tuple[Code, ...] | None = None


class SupportPlanBody(VersionedBody):
    """支援計画: steps on the support ladder (support_ladder code), each with who carries it."""

    model_config = examples(
        {
            "goal": "地域の中で役割を持って暮らす",
            "steps": [
                {
                    "rung": "community_capacity",
                    "action": "サロンへの参加を誘う",
                    "responsible": {"kind": "department", "name": "districts"},
                    "due_on": "2015-07-31",
                }
            ],
        }
    )
    goal: Text | None = None
    steps: tuple[PlanStepBody, ...] = Field(min_length=1)


class FollowUpBody(VersionedBody):
    """フォローアップ予定."""

    model_config = examples({"due_on": "2015-08-01", "purpose": "サロン参加後の様子を確認"})
    due_on: date
    purpose: Line = Field(min_length=1)


class IdentifyBody(VersionedBody):
    """対象者の特定."""

    model_config = examples({"person_id": "p-1"})
    person_id: Ref = Field(min_length=1)
    household_id: Ref | None = None


class CloseBody(VersionedBody):
    """終結."""

    model_config = examples({"outcome": "connected_to_service", "destination": "districts", "note": "見守りへ移行"})
    outcome: ClosureOutcome
    destination: Line | None = None
    note: Text | None = None


class ReopenBody(VersionedBody):
    """再開."""

    model_config = examples({"reason": "民生委員から再度の連絡"})
    reason: Line = Field(min_length=1)


class CommentBody(VersionedBody):
    """スーパーバイズ (managers only)."""

    model_config = examples({"comment": "本人の同意なく介入しないこと。見守り体制の確認を"})
    comment: Text = Field(min_length=1)


class AcknowledgeBody(VersionedBody):
    """スーパーバイズ確認."""

    model_config = examples({})


class ConsentBody(VersionedBody):
    """同意取得: share with these recipients, for these purposes, until a date."""

    model_config = examples(
        {
            "recipients": [
                {"kind": "department", "id": "conferences"},
                {"kind": "agency", "id": "community_support_centre"},
            ],
            "purposes": ["support_coordination"],
            "valid_until": "2016-03-31",
        }
    )
    recipients: tuple[RecipientBody, ...] = Field(min_length=1)
    purposes: tuple[Code, ...] = Field(min_length=1)
    valid_until: date
    given_at: datetime | None = None


class WithdrawBody(VersionedBody):
    """同意撤回."""

    model_config = examples({"reason": "本人の申し出"})
    withdrawn_at: datetime | None = None
    reason: Line | None = None


class StatutorySharingBody(VersionedBody):
    """法定の情報共有 (支援会議)."""

    model_config = examples(
        {
            "meeting_id": "mtg-2015-06",
            "recipients": [{"kind": "department", "id": "loans"}],
            "secrecy_duty_acknowledged": True,
        }
    )
    meeting_id: Ref = Field(min_length=1)
    recipients: tuple[RecipientBody, ...] = Field(min_length=1)
    secrecy_duty_acknowledged: bool
    basis: Code = SUPPORT_MEETING_BASIS
    shared_at: datetime | None = None


class ReferralBody(Body):
    """紹介する: refer a case; intake claims a consent/statutory basis only when its ledger holds one.

    ``basis_kind`` ``auto`` (default) uses the person's consent or statutory record that covers the
    target and ``purpose`` now, else none (the target then sees the referral and its reason
    category, not ``reason_detail``).
    """

    model_config = examples(
        {
            "consultation_id": "c-1",
            "target_kind": "department",
            "target": "conferences",
            "reason_category": "case_conference",
            "reason_detail": "判断能力の低下。あんしんセンター・包括・友人Eさんとケース会議を",
            "priority": "normal",
            "deadline_days": 7,
            "basis_kind": "auto",
            "purpose": "support_coordination",
        }
    )
    consultation_id: Ref | None = Field(default=None, description="the consultation; gives case and person")
    case_id: Ref | None = None
    person_id: Ref | None = None
    household_id: Ref | None = None
    target_kind: Literal["department", "external"]
    target: Code = Field(min_length=1)
    reason_category: Code = Field(min_length=1)
    reason_detail: Text | None = Field(default=None, description="要配慮個人情報")
    priority: Literal["normal", "urgent", "same_day"] = "normal"
    deadline_days: int | None = Field(default=None, ge=1, le=90)
    basis_kind: Literal["auto", "consent", "statutory", "none"] = "auto"
    basis_reference: Line | None = None
    purpose: Line = Field(default="support_coordination", min_length=1)
