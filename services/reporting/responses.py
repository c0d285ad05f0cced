"""What reporting's statistics reads answer as JSON, as documented models: the web client's types
are generated from them.

The tables are laid out by :mod:`services.reporting.domain.statistics` (``StatTable.as_dict``);
these models only document (and check) that shape. The same routes also answer CSV, Excel and PNG.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.views import View

__all__ = [
    "ActivityRecordStatusView",
    "ActivityRecordsView",
    "AreaFiguresView",
    "AreaStatisticsView",
    "DepartmentCoverageView",
    "DistrictCoverageView",
    "DistrictIssueAccumulationView",
    "DistrictIssueMonthView",
    "DistrictResourcesView",
    "DistrictScheduleView",
    "StatColumnView",
    "StatRowView",
    "StatTableView",
]


class StatColumnView(View):
    """One value column: a code of the table's code list and its label (表3: grouped as the seed groups them)."""

    code: str
    label: str
    group: str | None = None
    group_label: str | None = None
    in_row_total: bool = Field(
        default=True, description="false for 表2's 初期相談件数(実数), which is not part of the row's 延件数 total"
    )


class StatRowView(View):
    """One row: a fund type (資金種類) with its value per column code and its total (延件数)."""

    code: str
    label: str
    values: dict[str, int]
    total: int


class StatTableView(View):
    """統計表 (表1–表3) for a period: rows × columns as the seed prints them, with totals."""

    key: Literal["table1", "table2", "table3"]
    title: str
    row_header: str
    period: list[str] = Field(description="[first day, last day] of the period (JST), inclusive, as YYYY-MM-DD")
    columns: list[StatColumnView]
    rows: list[StatRowView]
    column_totals: dict[str, int]
    total: int


class DepartmentCoverageView(View):
    """One department's answers to a month's district events (its latest mark of each)."""

    department: str
    handled: int = Field(description="events it handles (対応する)")
    declined: int = Field(description="events it does not handle (対応しない)")


class DistrictCoverageView(View):
    """One district's month of the schedule (地域事業): the events held and their coverage."""

    district_id: str
    scheduled: int = Field(description="events held in the month")
    handled: int = Field(description="events at least one department handles")
    uncovered: int = Field(description="events no department handles (yet)")
    escalated: int = Field(description="events sent to the managers for coordination (他課との調整)")
    departments: list[DepartmentCoverageView]


class DistrictScheduleView(View):
    """地域事業の対応状況: per district, the month's events and what each department answered."""

    month: str = Field(description="YYYY-MM, by the day each event is held")
    district_id: str | None = Field(default=None, description="the district asked for, if any")
    districts: list[DistrictCoverageView]
    scheduled: int
    handled: int
    uncovered: int
    escalated: int


class DistrictResourcesView(View):
    """地域資源・担い手: how many resources and helpers a district has registered, by kind."""

    district_id: str
    resources: dict[str, int] = Field(description="registered local resources (地域資源) per kind code")
    helpers: dict[str, int] = Field(description="registered helpers (担い手) per kind code")
    resource_total: int
    helper_total: int


class DistrictIssueMonthView(View):
    """One district's month of the accumulation (ケースの積み上げ)."""

    district_id: str
    month: str = Field(description="YYYY-MM (JST)")
    meeting_issues: int = Field(description="district issues raised at the month's network meetings")
    desk_consultations: int = Field(description="consultations the district's desk took")
    total: int
    by_category: dict[str, int] = Field(description="district_issue_categories code -> count")


class DistrictIssueAccumulationView(View):
    """地域課題の積み上げ: district issues from network meetings and desk consultations per district
    and month, for one district, every district under an area (圏域), or all."""

    from_month: str
    to_month: str
    district_id: str | None = None
    area_id: str | None = None
    months: list[DistrictIssueMonthView]
    meeting_issues: int
    desk_consultations: int
    total: int
    by_category: dict[str, int]


class ActivityRecordStatusView(View):
    """One author's activity record (地区活動記録) of the month: its approval status and its steps."""

    record_id: str
    staff_id: str
    author_name: str | None = None
    status: Literal["draft", "submitted", "manager_approved", "approved", "returned"]
    submissions: int = Field(description="times submitted (提出・再提出)")
    returns: int = Field(description="times returned for rework (差し戻し)")
    comments: int = Field(description="approvers' comments")
    updated_at: str


class ActivityRecordsView(View):
    """地区活動記録の承認状況: the month's records of the district staff, counted by status
    (draft, submitted: waiting for the 地域福祉課長, manager_approved: waiting for the 局長, approved,
    returned). No entry, comment or reason: those stay with districts."""

    month: str = Field(description="YYYY-MM")
    counts: dict[str, int]
    total: int
    records: list[ActivityRecordStatusView]


AreaKindName = Literal["city", "daily_life", "district_council", "community_care"]


class AreaFiguresView(View):
    """One area's figures (or, with no ``area_id``, what no area of the kind holds: 住所が圏域に当たらない)."""

    area_id: str | None = Field(description="the area; none for the row of what no area holds")
    name: str | None = None
    parent_id: str | None = None
    parent_name: str | None = Field(default=None, description="the name of the area it lies in")
    people: int = Field(description="registered people (本人) living there: duplicate records of one person count once")
    households: int = Field(description="registered households (世帯) there")
    open_cases: int = Field(description="cases with an open intake or loans consultation of people or households there")
    open_consultations: int = Field(description="open consultations (相談中) of people or households there")
    resources: int = Field(description="registered local resources (地域資源): by district, else by their address")
    helpers: int = Field(description="registered helpers (担い手): by district, else by their resource")


class AreaStatisticsView(View):
    """圏域別の集計: per area of one kind, who and what lies in it, placed by address (the longest
    address prefix, as districts matches) or through the areas inside it. Only ids, names and counts:
    no address leaves reporting."""

    kind: AreaKindName
    areas: list[AreaFiguresView]
    unmapped: AreaFiguresView = Field(description="住所が圏域に当たらない: no area of the kind holds the address")
    without_address: int = Field(description="people and households with no address recorded (counted in unmapped)")
    totals: AreaFiguresView
