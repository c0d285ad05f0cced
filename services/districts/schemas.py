"""Request bodies of districts' HTTP API, with OpenAPI examples (the acting staff member comes from the token)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from services.districts.domain.values import Approach, Frequency, VisitOutcome, Watcher
from shared.bodies import VersionedBody, examples
from shared.text import Code, Line, Ref

__all__ = ["ConcernBody", "EndWatchBody", "RoleBody", "SalonBody", "VisitBody", "WatchBody"]


class ConcernBody(VersionedBody):
    """見守りの気づき: from a referral the team accepted (``referral_id``), or raised directly (``case_id``)."""

    model_config = examples(
        {
            "referral_id": "9b1f0c3a-0000-4000-8000-000000000001",
            "district_id": "yamato-3chome",
            "reported_by": "welfare_commissioner",
            "reporter": "担当地区の民生委員",
            "concern": "一人暮らしの高齢女性宅からネズミが出ると近隣住民から訴え。本人と連絡が取れない",
        },
        {
            "case_id": "p-7d3a",
            "district_id": "hayama-isshiki",
            "reported_by": "neighbour",
            "concern": "日中ずっと家にいて、近所付き合いがない",
        },
    )
    case_id: Ref | None = Field(default=None, description="person, household or provisional case id")
    referral_id: Ref | None = None
    district_id: str = Field(min_length=1, max_length=64, description="地区コード, e.g. yamato-3chome")
    reported_by: Code = Field(min_length=1, description="consultation_sources code: neighbour, welfare_commissioner...")
    reporter: str | None = Field(default=None, max_length=200)
    concern: str = Field(min_length=1, max_length=4000, description="要配慮個人情報 may appear here")


class VisitBody(VersionedBody):
    """アウトリーチ訪問."""

    model_config = examples(
        {
            "visited_at": "2014-04-10T10:00:00+09:00",
            "outcome": "not_reached",
            "visitors": ["地区担当CSW", "包括 職員"],
            "note": "訪問したが不在。近隣住民から聞き取り",
        }
    )
    visited_at: datetime
    outcome: VisitOutcome
    visitors: list[Line] = Field(default_factory=list)
    note: str | None = Field(default=None, max_length=4000)


class WatchBody(VersionedBody):
    """見守り開始."""

    model_config = examples(
        {
            "watchers": [
                {"name": "隣家の住民", "role": "neighbour"},
                {"name": "担当民生委員", "role": "welfare_commissioner"},
            ],
            "frequency": "when_passing",
            "approach": "from_a_distance",
            "started_on": "2014-05-21",
        }
    )
    watchers: list[Watcher] = Field(min_length=1)
    frequency: Frequency
    approach: Approach
    started_on: date


class EndWatchBody(VersionedBody):
    """見守り終了."""

    model_config = examples({"reason": "本人が転居した"})
    reason: str = Field(min_length=1, max_length=2000)


class SalonBody(VersionedBody):
    """サロン参加."""

    model_config = examples(
        {"salon_name": "一色ふれあいサロン", "attended_on": "2015-07-01", "note": "昔の常連客と再会"}
    )
    salon_name: str = Field(min_length=1, max_length=200)
    attended_on: date
    note: str | None = Field(default=None, max_length=4000)


class RoleBody(VersionedBody):
    """担い手の役割."""

    model_config = examples({"role": "講師", "activity": "男の料理教室", "started_on": "2015-09-01"})
    role: str = Field(min_length=1, max_length=200)
    activity: str = Field(min_length=1, max_length=200)
    started_on: date
