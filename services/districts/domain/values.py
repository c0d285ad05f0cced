"""Value objects of district work: visits, watchers, frequencies."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AREA_PARENT",
    "ActivityEntry",
    "Approach",
    "ApprovalStep",
    "AreaKind",
    "Frequency",
    "MeetingParticipant",
    "NetworkIssue",
    "ShareBasis",
    "TeamMember",
    "VisitOutcome",
    "Watcher",
    "WatcherRole",
]

VisitOutcome = Literal["reached", "not_reached", "refused"]
"""訪問の結果: met the person (会えた), nobody answered (不在), the person refused (拒否)."""

Approach = Literal["from_a_distance", "in_contact"]
"""見守りの方法: from a distance (さりげない見守り: noticing lights, washing, outings) or in contact
(声かけ・訪問). Contact needs the person's willingness: after a refusal, only from a distance."""

Frequency = Literal["daily", "weekly", "monthly", "when_passing"]
"""頻度: 毎日, 週1回, 月1回, 外出や散歩の際に."""

WatcherRole = Literal["neighbour", "welfare_commissioner", "residents_association", "district_council", "volunteer"]
"""見守りの担い手: 近隣住民, 民生委員, 自治会, 地区社協, ボランティア."""


class Watcher(BaseModel):
    """見守りの担い手: a name or a role (e.g. 隣家の住民), and which kind of helper."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    role: WatcherRole


AreaKind = Literal["city", "daily_life", "district_council", "community_care"]
"""圏域の種類: the city (市町村), a daily-life area (日常生活圏域), a district council area (地区社協,
about a junior-high-school zone; its id is the district code cases already carry) and a
community-care area (地域包括支援センターの担当圏域)."""

AREA_PARENT: dict[str, str | None] = {
    "city": None,
    "daily_life": "city",
    "district_council": "daily_life",
    "community_care": "daily_life",
}
"""The hierarchy, kept as data: the kind of area each kind sits in (the city sits in none)."""


class TeamMember(BaseModel):
    """地区支援チームの一員: a ``network_member_kinds`` team code (resident_coordinator,
    welfare_commissioner, csw), the name, and the staff id of a CSW."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kind: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    staff_id: str | None = Field(default=None, max_length=64)


class MeetingParticipant(BaseModel):
    """会議の出席者: a name (or a role), a ``network_member_kinds`` code, the organisation if any."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=64)
    organisation: str | None = Field(default=None, max_length=200)


class NetworkIssue(BaseModel):
    """地域課題: a ``district_issue_categories`` code and what was raised (no personal details)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    issue_id: str = Field(default="", max_length=64)
    category: str = Field(min_length=1, max_length=64)
    description: str = Field(min_length=1, max_length=2000)


BasisKind = Literal["statutory", "consent", "none"]


class ShareBasis(BaseModel):
    """情報共有の根拠 of a case shared at a meeting (as conferences record it): a statutory meeting
    (支援会議) with its reference, the person's consent (the consent id), or none (anonymous)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kind: BasisKind = "none"
    reference: str | None = Field(default=None, max_length=200)


ApprovalStep = Literal["manager", "director"]
"""承認の段階 of an activity record: first 地域福祉課長 (a districts manager), then 局長 (the director)."""


class ActivityEntry(BaseModel):
    """地区活動記録の一行: one involvement on a day in a district: its purpose (関わりの目的), what was
    done, and the author's impressions (所感)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    on: date
    district_id: str = Field(min_length=1, max_length=64)
    purpose: str = Field(min_length=1, max_length=500)
    done: str = Field(min_length=1, max_length=2000)
    impressions: str | None = Field(default=None, max_length=2000)
