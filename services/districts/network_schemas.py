"""Request bodies of the district support network and the district desk (the acting staff member
comes from the token)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from services.districts.domain.values import MeetingParticipant, ShareBasis, TeamMember
from shared.bodies import Body, VersionedBody, examples
from shared.text import Code, Line, Ref

__all__ = ["DeskConsultationBody", "IssueBody", "MeetingBody", "SharedCaseBody", "TeamBody"]


class TeamBody(VersionedBody):
    """地区支援チーム: the whole team (a change replaces it; send If-Match with the version you read)."""

    model_config = examples(
        {
            "members": [
                {"kind": "resident_coordinator", "name": "大和 一郎"},
                {"kind": "welfare_commissioner", "name": "大和 花子"},
                {"kind": "csw", "name": "地区担当CSW", "staff_id": "d-w1"},
            ],
            "note": "4月の改選で民生委員が交代",
        }
    )
    members: list[TeamMember] = Field(max_length=30)
    note: Line | None = None


class SharedCaseBody(Body):
    """A case shared at the meeting: its case id on the person's consent or a statutory basis, or none
    (discussed without identifying details)."""

    case_id: Ref | None = None
    basis: ShareBasis = ShareBasis()
    summary: str = Field(min_length=1, max_length=4000)
    next_steps: str | None = Field(default=None, max_length=2000)


class IssueBody(Body):
    """地域課題: a district_issue_categories code and what was raised (no personal details)."""

    category: Code = Field(description="district_issue_categories code: isolation, living_environment...")
    description: str = Field(min_length=1, max_length=2000)


class MeetingBody(Body):
    """地区支援ネットワーク会議: who took part, the cases shared, the district issues raised."""

    model_config = examples(
        {
            "district_id": "yamato-3chome",
            "held_on": "2014-06-20",
            "participants": [
                {"name": "地区担当CSW", "kind": "csw", "organisation": "市社協"},
                {"name": "担当民生委員", "kind": "welfare_commissioner"},
                {"name": "包括 職員", "kind": "community_support_centre", "organisation": "北部包括"},
            ],
            "cases": [
                {
                    "case_id": "p-123",
                    "basis": {"kind": "statutory", "reference": "地域ケア会議（守秘義務）"},
                    "summary": "離れた見守りの状況を共有",
                }
            ],
            "issues": [{"category": "living_environment", "description": "空き家と老朽家屋の増加"}],
        }
    )
    district_id: Code
    held_on: date
    participants: list[MeetingParticipant] = Field(max_length=60)
    cases: list[SharedCaseBody] = Field(default_factory=list, max_length=50)
    issues: list[IssueBody] = Field(default_factory=list, max_length=50)
    minutes: str | None = Field(default=None, max_length=4000)


class DeskConsultationBody(Body):
    """福祉なんでも相談窓口: a consultation taken at the district's desk; it goes to 総合相談窓口."""

    model_config = examples(
        {
            "district_id": "yamato-3chome",
            "taken_at": "2014-06-21T10:00:00+09:00",
            "channel": "interview",
            "consulter": "近隣住民",
            "summary": "隣の高齢女性の家の屋根が朽ちている。本人とは話せていない",
            "issue_category": "living_environment",
            "consent_to_share": True,
        }
    )
    district_id: Code
    case_id: Ref | None = Field(default=None, description="the case, when the council knows the person")
    person_id: Ref | None = None
    desk: Line | None = Field(default=None, description="the desk; 福祉なんでも相談窓口 by default")
    taken_at: datetime
    channel: Code = Field(description="contact_channels code: phone, interview, home_visit...")
    consulter: Line | None = Field(default=None, description="who came (本人, 家族, 近隣住民...)")
    summary: str = Field(min_length=1, max_length=4000)
    issue_category: Code = Field(description="district_issue_categories code: the district issue it adds to")
    consent_to_share: bool = Field(description="the person agreed that 総合相談窓口 reads the details")
