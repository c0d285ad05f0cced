"""Request bodies of districts' HTTP API, with OpenAPI examples (the acting staff member comes from the token)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from services.districts.domain.values import Approach, AreaKind, Frequency, VisitOutcome, Watcher
from shared.bodies import Body, VersionedBody, examples
from shared.text import Code, Line, Ref

__all__ = [
    "ActivityApprovalBody",
    "ActivityCommentBody",
    "ActivityEntryBody",
    "ActivityRecordBody",
    "ActivityReturnBody",
    "ActivityRevisionBody",
    "ActivitySubmitBody",
    "AddressesBody",
    "AreaBody",
    "ConcernBody",
    "CoverageBody",
    "CswBody",
    "DistrictFileBody",
    "EndWatchBody",
    "EvaluationBody",
    "HelperBody",
    "PopulationBody",
    "ResourceBody",
    "RoleBody",
    "SalonBody",
    "ScheduleBody",
    "VisitBody",
    "WatchBody",
]


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
        {"salon_name": "一色ふれあいサロン", "attended_on": "2015-07-01", "note": "昔の常連客と再会"},
        {"resource_id": "9b1f0c3a-0000-4000-8000-000000000009", "attended_on": "2015-07-15"},
    )
    salon_name: str | None = Field(
        default=None, min_length=1, max_length=200, description="the salon's name; leave out when naming resource_id"
    )
    resource_id: Ref | None = Field(default=None, description="a registered salon or meeting place (GET /resources)")
    attended_on: date
    note: str | None = Field(default=None, max_length=4000)


class RoleBody(VersionedBody):
    """担い手の役割."""

    model_config = examples(
        {"role": "講師", "activity": "男の料理教室", "started_on": "2015-09-01"},
        {"role": "講師", "resource_id": "9b1f0c3a-0000-4000-8000-000000000010", "started_on": "2015-09-01"},
    )
    role: str = Field(min_length=1, max_length=200)
    activity: str | None = Field(
        default=None, min_length=1, max_length=200, description="the activity; leave out when naming resource_id"
    )
    resource_id: Ref | None = Field(default=None, description="the registered resource the role is in")
    started_on: date


class AreaBody(Body):
    """圏域の設定: a city, daily-life area, district council area or community-care area."""

    model_config = examples(
        {"area_id": "ebina", "kind": "city", "name": "海老名市"},
        {
            "area_id": "yamato-3chome",
            "kind": "district_council",
            "name": "大和三丁目地区社協",
            "parent_id": "yamato-north",
            "address_prefixes": ["大和三丁目", "大和四丁目"],
        },
    )
    area_id: Code = Field(description="area code; a district council area's is its district code, e.g. yamato-3chome")
    kind: AreaKind
    name: str = Field(min_length=1, max_length=200)
    parent_id: Code | None = Field(default=None, description="the area it lies in (none for the city)")
    address_prefixes: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=200, description="町名・丁目 that fall in the area, e.g. 大和三丁目"
    )


class AddressesBody(VersionedBody):
    """住所範囲の変更: the area's address prefixes, as a whole (an empty list maps no address to it)."""

    model_config = examples({"address_prefixes": ["大和三丁目", "大和四丁目", "大和五丁目"]})
    address_prefixes: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(max_length=200)


class DistrictFileBody(Body):
    """地区ファイル: a district's file for a fiscal year."""

    model_config = examples(
        {
            "district_id": "yamato-3chome",
            "fiscal_year": 2014,
            "csw_id": "d-w1",
            "goal": "地区ボランティアと民生委員の連携による見守り体制づくり",
        }
    )
    district_id: Code = Field(description="a district council area (GET /areas?kind=district_council)")
    fiscal_year: int = Field(ge=1990, le=2100, description="年度: 2014 for April 2014 – March 2015")
    csw_id: Ref = Field(description="the staff id of the district's CSW (地区担当)")
    goal: str = Field(min_length=1, max_length=4000, description="年度目標")


class CswBody(VersionedBody):
    """地区担当の変更."""

    model_config = examples({"csw_id": "d-w2"})
    csw_id: Ref


class EvaluationBody(VersionedBody):
    """年度評価."""

    model_config = examples({"evaluation": "見守り協力店が3店舗増え、民生委員との定例会が定着した"})
    evaluation: str = Field(min_length=1, max_length=4000)


class PopulationBody(VersionedBody):
    """区分別人口 as of a day (population_categories codes)."""

    model_config = examples(
        {"as_of": "2014-04-01", "counts": {"total": 8123, "elderly": 2012, "single_elderly_households": 388}}
    )
    as_of: date
    counts: dict[Code, Annotated[int, Field(ge=0, le=10_000_000)]] = Field(min_length=1, max_length=50)


class ResourceBody(Body):
    """地域資源: a salon, meeting place, shop that watches, club or class of a district."""

    model_config = examples(
        {
            "district_id": "hayama-isshiki",
            "kind": "class",
            "name": "男の料理教室",
            "address": "一色会館",
            "contact": "地区社協事務局 046-000-0000",
            "serves": "地域の男性高齢者",
        }
    )
    district_id: Code
    kind: Code = Field(description="local_resource_kinds code: salon, meeting_place, watching_shop, club, class...")
    name: str = Field(min_length=1, max_length=200)
    address: Line | None = None
    contact: Line | None = None
    serves: Line | None = Field(default=None, description="who the resource serves, e.g. 一人暮らし高齢者")


class HelperBody(Body):
    """担い手: a 民生委員, district volunteer, coordinator... of a district."""

    model_config = examples(
        {"district_id": "yamato-3chome", "kind": "welfare_commissioner", "name": "大和 花子", "contact": "046-000-0001"}
    )
    district_id: Code
    kind: Code = Field(description="helper_kinds code: welfare_commissioner, district_volunteer, coordinator...")
    name: str = Field(min_length=1, max_length=200)
    contact: Line | None = None
    resource_id: Ref | None = Field(default=None, description="the registered resource they run or help in")


class ScheduleBody(Body):
    """地域事業: a district meeting or event in the monthly schedule."""

    model_config = examples(
        {
            "district_id": "yamato-3chome",
            "title": "地区社協定例会",
            "kind": "council_meeting",
            "held_on": "2014-06-12",
            "place": "大和コミュニティセンター",
        }
    )
    district_id: Code
    title: str = Field(min_length=1, max_length=200)
    kind: Code = Field(description="district_event_kinds code: council_meeting, salon, festival...")
    held_on: date
    place: str | None = Field(default=None, max_length=200)


class CoverageBody(VersionedBody):
    """対応の有無: whether your department handles the event (the department comes from your token)."""

    model_config = examples({"handles": True, "note": "地区担当CSWが出席"}, {"handles": False, "note": "同日に別行事"})
    handles: bool
    note: Line | None = None


# --- monthly activity records (地区活動記録) -----------------------------------------------------

MonthText = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", max_length=7)]


class ActivityEntryBody(Body):
    """One involvement: the day, the district, 関わりの目的, what was done, 所感."""

    model_config = examples(
        {
            "on": "2014-06-12",
            "district_id": "yamato-3chome",
            "purpose": "地区社協定例会で見守りの課題を共有する",
            "done": "見守り対象の増加を報告し、サロンの担い手について相談した",
            "impressions": "男性の参加が少なく、男性向けの講座が必要と感じた",
        }
    )
    on: date
    district_id: Code
    purpose: str = Field(min_length=1, max_length=500, description="関わりの目的")
    done: str = Field(min_length=1, max_length=2000, description="what was done (実施内容)")
    impressions: str | None = Field(default=None, max_length=2000, description="所感")


class ActivityRecordBody(Body):
    """地区活動記録の作成: your record of a month (you are its author), with its entries so far."""

    model_config = examples({"month": "2014-06", "entries": []})
    month: MonthText = Field(description="YYYY-MM")
    entries: list[ActivityEntryBody] = Field(default_factory=list, max_length=200)


class ActivityRevisionBody(VersionedBody):
    """地区活動記録の修正: the month's entries as a whole (a draft, or a record returned to you)."""

    entries: list[ActivityEntryBody] = Field(max_length=200)


class ActivitySubmitBody(VersionedBody):
    """提出・再提出: nothing but the version you read (or send If-Match)."""


class ActivityApprovalBody(VersionedBody):
    """承認: your step (地域福祉課長 or 局長) comes from your role; a comment for the author is optional."""

    model_config = examples({"comment": "地区の課題がよく整理されています"}, {})
    comment: str | None = Field(default=None, max_length=2000)


class ActivityCommentBody(VersionedBody):
    """コメント: a remark for the author, without deciding."""

    model_config = examples({"comment": "サロンの男性参加について次回の職員会議で共有してください"})
    comment: str = Field(min_length=1, max_length=2000)


class ActivityReturnBody(VersionedBody):
    """差し戻し: back to the author for rework; say what to rework."""

    model_config = examples({"reason": "所感を具体的に書いてください（次の関わりの方針も）"})
    reason: str = Field(min_length=1, max_length=2000)
