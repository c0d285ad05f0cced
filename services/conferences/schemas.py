"""Request bodies of conferences' HTTP API, with OpenAPI examples (the acting staff member comes from the token)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from services.conferences.domain.values import (
    ActionItemSpec,
    AssigneeKind,
    Expertise,
    Participant,
    ParticipantKind,
    ShareBasis,
)
from shared.bodies import Body, VersionedBody, examples
from shared.text import Code, Line, Ref

__all__ = [
    "ActionItemBody",
    "AdviceBody",
    "CompleteBody",
    "HeldBody",
    "ReviewBody",
    "ScheduleBody",
    "StudyCaseBody",
    "UndertakingBody",
]


class ShareBasisBody(ShareBasis):
    """The basis as the edge takes it: its reference is bounded like any text."""

    reference: Line | None = None


class ScheduleBody(Body):
    """会議の設定: give ``referral_id`` when a referral asked for the meeting (its case is taken from it)."""

    model_config = examples(
        {
            "kind": "community_care_meeting",
            "referral_id": "9b1f0c3a-0000-4000-8000-000000000001",
            "purpose": "ネズミ発生家屋対策について。関係者で情報を共有し対応策を検討する",
            "scheduled_for": "2014-05-20T14:00:00+09:00",
        },
        {
            "kind": "case_conference",
            "case_id": "p-7d3a",
            "purpose": "判断能力の低下。見守りと訪問の役割分担",
            "scheduled_for": "2015-06-10T10:00:00+09:00",
        },
    )
    kind: Code = Field(min_length=1, description="conference_kinds code (ケース会議, 地域ケア会議, 事例検討会...)")
    case_id: Ref | None = Field(
        default=None,
        description="the person, household or provisional case id (optional for a case_study meeting, 事例検討会)",
    )
    referral_id: Ref | None = None
    purpose: str = Field(min_length=1, max_length=4000, description="要配慮個人情報 may appear here")
    scheduled_for: datetime


class HeldBody(VersionedBody):
    """会議の記録: participants (kind: staff/agency/resident/person/family/expert), basis, decisions, actions."""

    model_config = examples(
        {
            "held_at": "2014-05-20T14:00:00+09:00",
            "participants": [
                {"name": "包括 職員", "organisation": "地域包括支援センター", "kind": "agency"},
                {"name": "自治会長", "organisation": "自治会", "kind": "resident"},
                {"name": "社協 地区担当", "organisation": "市社協", "kind": "staff"},
            ],
            "basis": {"kind": "statutory", "reference": "介護保険法第115条の48（地域ケア会議・守秘義務）"},
            "decisions": ["本人の同意なしに介入しない", "包括が中心となって関わりのきっかけを探る"],
            "action_items": [
                {
                    "description": "外出や散歩の際にようすを気にかける",
                    "assignee_kind": "department",
                    "assignee": "districts",
                    "due_on": "2014-08-31",
                }
            ],
            "person_wishes": "他人の世話にはなりたくない",
        }
    )
    held_at: datetime
    participants: list[Participant] = Field(min_length=1)
    basis: ShareBasisBody = ShareBasisBody()
    summary: str | None = Field(default=None, max_length=8000)
    decisions: list[Line] = Field(default_factory=list)
    action_items: list[ActionItemSpec] = Field(default_factory=list)
    person_wishes: str | None = Field(default=None, max_length=4000)


class ActionItemBody(VersionedBody):
    """役割の追加."""

    model_config = examples(
        {"description": "経過を関係者で共有する", "assignee_kind": "agency", "assignee": "community_support_centre"}
    )
    description: str = Field(min_length=1, max_length=2000)
    assignee_kind: AssigneeKind
    assignee: str = Field(min_length=1, max_length=200)
    due_on: date | None = None


class CompleteBody(VersionedBody):
    """役割の実施."""

    model_config = examples({"note": "見守りを開始した（週1回、離れて）"})
    note: str | None = Field(default=None, max_length=4000)


class ReviewBody(VersionedBody):
    """経過確認の予定."""

    model_config = examples({"due_on": "2014-08-20", "purpose": "関係者で進捗状況を共有する"})
    due_on: date
    purpose: str = Field(min_length=1, max_length=2000)


class UndertakingBody(VersionedBody):
    """守秘義務の誓約: a participant from outside the council (agency, resident, family, expert)."""

    model_config = examples(
        {
            "participant_name": "弁護士 A",
            "organisation": "アドバイザリースタッフ（法律）",
            "participant_kind": "expert",
            "undertaken_on": "2015-06-01",
            "reference": "誓約書 2015-07",
        }
    )
    participant_name: str = Field(min_length=1, max_length=200)
    organisation: str = Field(min_length=1, max_length=200)
    participant_kind: ParticipantKind
    undertaken_on: date
    reference: Line | None = Field(default=None, description="the signed form or contract (誓約書・契約)")


class StudyCaseBody(VersionedBody):
    """事例検討会に出す事例: no names or identifying details in the summary; a case id only if one exists."""

    model_config = examples(
        {
            "summary": "貸付相談。貸せる・貸せないの判断以外の内容を聞き取らなくてよかったか（制度利用に至らず）",
            "reached_service": False,
        }
    )
    discussed_case_id: Ref | None = Field(default=None, description="a known case, if any (shown to its staff only)")
    summary: str = Field(min_length=1, max_length=4000)
    reached_service: bool = False


class AdviceBody(VersionedBody):
    """助言: in the name of a participant of the held meeting (an outside one needs an undertaking)."""

    model_config = examples(
        {"adviser_name": "弁護士 A", "expertise": "law", "advice": "債務整理は法テラスの利用を検討する"}
    )
    adviser_name: str = Field(min_length=1, max_length=200)
    expertise: Expertise
    advice: str = Field(min_length=1, max_length=4000)
