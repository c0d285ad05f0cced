"""What districts' routes answer, as documented models: the web client's types are generated from them.

The views are built by :mod:`services.districts.queries` and :mod:`services.districts.handlers`; these
models only document (and check) their shape. What residents said (要配慮個人情報) withheld from the
reader is ``null`` and named in ``redacted``, so a screen says 非開示 rather than showing nothing.
"""

from __future__ import annotations

from typing import Literal

from shared.views import PageView, View

__all__ = [
    "AttendanceList",
    "DistrictCaseDetail",
    "DistrictCasePage",
    "DistrictCaseReply",
    "VolunteerList",
]


class DistrictCaseReply(View):
    """What a command on a case answers: the case's state after it, and the id it made (if any)."""

    case_id: str
    district_id: str | None = None
    status: str | None = None
    refused: bool = False
    version: int
    concern_id: str | None = None


class DistrictCaseRow(View):
    """One line of the district's case list (個別支援一覧)."""

    case_id: str
    district_id: str
    status: str
    reported_by: str | None = None
    referral_ids: list[str]
    concerns: int
    visit_count: int
    last_visit_outcome: str | None = None
    last_visited_at: str | None = None
    refused: bool
    watch_frequency: str | None = None
    watch_approach: str | None = None
    watch_started_on: str | None = None
    version: int
    updated_at: str


class DistrictCasePage(PageView):
    items: list[DistrictCaseRow]
    counts: dict[str, int]


class ConcernView(View):
    concern_id: str
    reported_by: str
    reporter: str | None = None
    concern: str | None = None
    referral_id: str | None = None
    raised_at: str


class VisitView(View):
    visit_id: str
    visited_at: str
    outcome: Literal["reached", "not_reached", "refused"]
    visitors: list[str]
    note: str | None = None


class WatcherView(View):
    name: str
    role: str


class WatchOverView(View):
    watch_id: str
    frequency: str
    approach: str
    started_on: str
    watchers: list[WatcherView]


class SalonView(View):
    salon_name: str
    attended_on: str
    first_visit: bool


class RoleView(View):
    role: str
    activity: str
    started_on: str


class DistrictCaseDetail(View):
    """個別支援記録: concerns, outreach visits, the watch-over, salon attendance, volunteer roles."""

    case_id: str
    district_id: str | None = None
    status: str | None = None
    refused: bool
    concerns: list[ConcernView]
    visits: list[VisitView]
    watch_over: WatchOverView | None = None
    salon_attendance: list[SalonView]
    volunteer_roles: list[RoleView]
    version: int
    redacted: list[str]


class AttendanceRow(View):
    attendance_id: str
    case_id: str
    district_id: str
    salon_name: str
    attended_on: str
    first_visit: bool


class AttendanceList(View):
    items: list[AttendanceRow]


class VolunteerRow(View):
    role_id: str
    case_id: str
    district_id: str
    role: str
    activity: str
    started_on: str


class VolunteerList(View):
    items: list[VolunteerRow]
