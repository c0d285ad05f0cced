"""What districts' routes answer, as documented models: the web client's types are generated from them.

The views are built by :mod:`services.districts.queries` and :mod:`services.districts.handlers`; these
models only document (and check) their shape. What residents said (要配慮個人情報) withheld from the
reader is ``null`` and named in ``redacted``, so a screen says 非開示 rather than showing nothing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.views import PageView, View

__all__ = [
    "ActivityEntryView",
    "ActivityRecordPage",
    "ActivityRecordReply",
    "ActivityRecordView",
    "ActivityRemarkView",
    "AddressAreas",
    "AreaDetail",
    "AreaList",
    "AreaReply",
    "AttendanceList",
    "DistrictCaseDetail",
    "DistrictCasePage",
    "DistrictCaseReply",
    "DistrictFileDetail",
    "DistrictFileList",
    "DistrictFileReply",
    "HelperList",
    "HelperReply",
    "ResourceDetail",
    "ResourceList",
    "ResourceReply",
    "ScheduleList",
    "ScheduleReply",
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
    area_path: list[str] = Field(default_factory=list)
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
    resource_id: str | None = None


class RoleView(View):
    role: str
    activity: str
    started_on: str
    resource_id: str | None = None


class DistrictCaseDetail(View):
    """個別支援記録: concerns, outreach visits, the watch-over, salon attendance, volunteer roles."""

    case_id: str
    district_id: str | None = None
    area_path: list[str] = Field(default_factory=list)
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
    resource_id: str | None = None


class AttendanceList(View):
    items: list[AttendanceRow]


class VolunteerRow(View):
    role_id: str
    case_id: str
    district_id: str
    role: str
    activity: str
    started_on: str
    resource_id: str | None = None


class VolunteerList(View):
    items: list[VolunteerRow]


# --- areas (圏域) ----------------------------------------------------------------------------------


class AreaReply(View):
    """What defining an area answers."""

    area_id: str
    kind: str
    name: str
    parent_id: str | None = None
    version: int


class AreaView(View):
    """An area; ``path`` is the ids from the city down to this area."""

    area_id: str
    kind: Literal["city", "daily_life", "district_council", "community_care"]
    name: str
    parent_id: str | None = None
    address_prefixes: list[str]
    path: list[str]
    version: int


class AreaList(PageView):
    items: list[AreaView]


class AreaDetail(AreaView):
    """An area with the areas it contains directly."""

    children: list[AreaView]


class AddressAreas(View):
    """The areas an address falls in: per kind, the area whose address prefix is the longest that
    begins it; ``district_id`` is the district council area's (the district code of cases)."""

    address: str
    normalised: str
    areas: dict[str, str]
    district_id: str | None = None
    path: list[str]


# --- district files (地区ファイル) ----------------------------------------------------------------


class DistrictFileReply(View):
    file_id: str
    district_id: str
    fiscal_year: int
    csw_id: str
    version: int


class DistrictFileRow(View):
    file_id: str
    district_id: str
    fiscal_year: int
    csw_id: str
    goal: str
    evaluation: str | None = None
    evaluated_at: str | None = None
    population_as_of: str | None = None
    population: dict[str, int]
    version: int
    updated_at: str


class DistrictFileList(PageView):
    items: list[DistrictFileRow]


class ResourceRow(View):
    resource_id: str
    district_id: str
    kind: str
    name: str
    address: str | None = None
    contact: str | None = None
    serves: str | None = None
    registered_at: str


class HelperRow(View):
    """A registered helper; ``contact`` is withheld (``null``, named in ``redacted``) from other departments."""

    helper_id: str
    district_id: str
    kind: str
    name: str
    contact: str | None = None
    resource_id: str | None = None
    registered_at: str
    redacted: list[str] = Field(default_factory=list)


class DistrictFileDetail(DistrictFileRow):
    """地区カルテ: the year's file, the district's area path, its human and local resources."""

    district_name: str
    area_path: list[str]
    helpers: list[HelperRow]
    resources: list[ResourceRow]


# --- the registry (element ⑤) ---------------------------------------------------------------------


class ResourceReply(View):
    resource_id: str
    district_id: str
    kind: str
    name: str
    version: int


class ResourceList(PageView):
    items: list[ResourceRow]


class ResourceDetail(ResourceRow):
    """A resource with whom it serves: attendance and distinct participants recorded on cases,
    volunteer roles in it, and the registered helpers who run it."""

    attendances: int
    participants: int
    volunteer_roles: int
    helpers: list[HelperRow]
    version: int


class HelperReply(View):
    helper_id: str
    district_id: str
    kind: str
    name: str
    resource_id: str | None = None
    version: int


class HelperList(PageView):
    items: list[HelperRow]


# --- the monthly district schedule ----------------------------------------------------------------


class ScheduleReply(View):
    """What scheduling or marking an event answers: who handles it, who declined, its status."""

    event_id: str
    district_id: str
    status: Literal["open", "handled", "escalated"]
    handled_by: list[str]
    declined_by: list[str]
    version: int


class ScheduleRow(View):
    """One line of the monthly schedule; ``escalated``: every department that answered declined."""

    event_id: str
    district_id: str
    title: str
    kind: str
    held_on: str
    month: str
    place: str | None = None
    handled_by: list[str]
    declined_by: list[str]
    status: Literal["open", "handled", "escalated"]
    version: int
    updated_at: str


class ScheduleList(PageView):
    items: list[ScheduleRow]
    counts: dict[str, int]


# --- monthly activity records (地区活動記録) -----------------------------------------------------

ActivityStatus = Literal["draft", "submitted", "manager_approved", "approved", "returned"]


class ActivityRecordReply(View):
    """What a command on an activity record answers: its status after it and the new version (ETag)."""

    record_id: str
    staff_id: str
    month: str
    status: ActivityStatus
    version: int


class ActivityEntryView(View):
    """One involvement of the month: day, district, 関わりの目的, what was done, 所感."""

    on: str
    district_id: str
    purpose: str
    done: str
    impressions: str | None = None


class ActivityRemarkView(View):
    """A comment, a return (its reason) or an approval (its optional comment), for the author to read."""

    kind: Literal["comment", "returned", "approved"]
    step: Literal["manager", "director"]
    text: str | None = None
    by: str
    by_name: str | None = None
    at: str


class ActivityRecordView(View):
    """A staff member's activity record of a month, its entries, approval status and remarks.
    ``waiting_for``: the step it waits for (manager: 地域福祉課長, director: 局長), if any."""

    record_id: str
    staff_id: str
    author_name: str | None = None
    month: str
    status: ActivityStatus
    waiting_for: Literal["manager", "director"] | None = None
    entry_count: int
    submissions: int
    manager_approved_by: str | None = None
    director_approved_by: str | None = None
    entries: list[ActivityEntryView]
    remarks: list[ActivityRemarkView]
    version: int
    updated_at: str


class ActivityRecordPage(PageView):
    """A page of activity records; ``counts``: how many of all that match are in each status."""

    items: list[ActivityRecordView]
    counts: dict[str, int] = Field(default_factory=dict)
