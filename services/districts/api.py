"""Districts' HTTP routes (地区社協・地区担当): parse → authorise → call a handler.

District staff (workers, managers) record concerns, outreach visits, watch-overs, salon attendance
and volunteer roles, and keep the monthly schedule (地域事業月間スケジュール), whose events every
department marks as taken or not. Any department reads a case (what residents said is redacted
for departments other than districts). Areas, district files and the registry are in
:mod:`services.districts.area_api`; the support network in ``network_api``; amendments in
``amend_api``; activity records in ``activity_api``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.districts import amend_api, area_api, handlers, network_api, queries
from services.districts.domain import commands as c
from services.districts.edges import AnyDepartmentStaff, AnyManager, Reader, Writer
from services.districts.responses import (
    AddressAreas,
    AttendanceList,
    DistrictCaseDetail,
    DistrictCasePage,
    DistrictCaseReply,
    ScheduleList,
    ScheduleReply,
    VolunteerList,
)
from services.districts.schemas import (
    ConcernBody,
    CoverageBody,
    EndWatchBody,
    RoleBody,
    SalonBody,
    ScheduleBody,
    VisitBody,
    WatchBody,
)
from shared.web import KitDep, Limit, Offset, OptionalMonth

__all__ = ["router"]

router = APIRouter()
cases = APIRouter(prefix="/cases", tags=["cases 見守り・個別支援"])
district = APIRouter(tags=["district 地区の活動"])


@district.post(
    "/watch-concerns",
    status_code=201,
    summary="見守りの気づき / record a watch-over concern (or an accepted referral)",
    response_model=DistrictCaseReply,
    response_model_exclude_unset=True,
)
def raise_concern(body: ConcernBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RaiseWatchConcern.of(body, case_id=body.case_id or "", raised_by=at.actor.staff_id)
    return at.submit(handlers.raise_concern, kit, cmd, body)


@cases.get(
    "", summary="地区の個別支援一覧 / cases a district looks after (counts by status)", response_model=DistrictCasePage
)
def list_cases(
    kit: KitDep,
    at: Reader,
    district_id: str | None = None,
    area_id: Annotated[str | None, Query(description="cases of every district under this area (圏域)")] = None,
    status: Annotated[str | None, Query(description="concern or watched")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.read(
        kit,
        queries.list_cases(kit, district_id=district_id, status=status, limit=limit, offset=offset, area_id=area_id),
    )


@cases.get(
    "/{case_id}",
    summary="個別支援記録 / one case: concerns, visits, watch-over, salons, roles",
    response_model=DistrictCaseDetail,
)
def get_case(case_id: str, kit: KitDep, at: Reader) -> dict[str, Any]:
    return at.read(kit, queries.case_detail(kit, case_id, at.actor))


@cases.post(
    "/{case_id}/outreach-visits",
    status_code=201,
    summary="アウトリーチ訪問 / record an outreach visit",
    response_model=DistrictCaseReply,
    response_model_exclude_unset=True,
)
def record_visit(case_id: str, body: VisitBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RecordOutreachVisit.of(body, case_id=case_id, recorded_by=at.actor.staff_id)
    return at.submit(handlers.record_visit, kit, cmd, body)


@cases.post(
    "/{case_id}/watch-over",
    status_code=201,
    summary="見守り開始 / start residents' watch-over",
    response_model=DistrictCaseReply,
    response_model_exclude_unset=True,
)
def start_watch(case_id: str, body: WatchBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.StartWatchOver.of(body, case_id=case_id, started_by=at.actor.staff_id)
    return at.submit(handlers.start_watch_over, kit, cmd, body)


@cases.post(
    "/{case_id}/watch-over/end",
    summary="見守り終了 / end the watch-over",
    response_model=DistrictCaseReply,
    response_model_exclude_unset=True,
)
def end_watch(case_id: str, body: EndWatchBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.EndWatchOver.of(body, case_id=case_id, ended_by=at.actor.staff_id)
    return at.submit(handlers.end_watch_over, kit, cmd, body)


@cases.post(
    "/{case_id}/salon-attendance",
    status_code=201,
    summary="サロン参加 / record salon attendance",
    response_model=DistrictCaseReply,
    response_model_exclude_unset=True,
)
def record_salon(case_id: str, body: SalonBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RecordSalonAttendance.of(body, case_id=case_id, recorded_by=at.actor.staff_id)
    return at.submit(handlers.record_salon_attendance, kit, cmd, body)


@cases.post(
    "/{case_id}/volunteer-roles",
    status_code=201,
    summary="担い手の役割 / the person takes on a volunteer role",
    response_model=DistrictCaseReply,
    response_model_exclude_unset=True,
)
def take_role(case_id: str, body: RoleBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.TakeVolunteerRole.of(body, case_id=case_id, recorded_by=at.actor.staff_id)
    return at.submit(handlers.take_volunteer_role, kit, cmd, body)


@district.get(
    "/salons/attendance",
    summary="サロン参加記録 / salon attendance by district, salon or case",
    response_model=AttendanceList,
)
def salon_attendance(
    kit: KitDep,
    at: Reader,
    district_id: str | None = None,
    salon_name: str | None = None,
    case_id: str | None = None,
    resource_id: str | None = None,
    limit: Limit = 200,
) -> dict[str, Any]:
    return at.read(
        kit,
        queries.list_attendance(
            kit, district_id=district_id, salon_name=salon_name, case_id=case_id, limit=limit, resource_id=resource_id
        ),
    )


@district.get(
    "/volunteers", summary="担い手一覧 / volunteer roles people took on, by district", response_model=VolunteerList
)
def volunteers(
    kit: KitDep, at: Reader, district_id: str | None = None, resource_id: str | None = None, limit: Limit = 200
) -> dict[str, Any]:
    return at.read(kit, queries.list_volunteers(kit, district_id=district_id, resource_id=resource_id, limit=limit))


@district.get(
    "/address-areas",
    summary="住所から圏域 / the areas an address falls in (by 町名・丁目 prefix)",
    response_model=AddressAreas,
)
def address_areas(
    kit: KitDep, at: Reader, address: Annotated[str, Query(min_length=1, max_length=500)]
) -> dict[str, Any]:
    return at.reply(queries.areas_of_address(kit, address))


# --- the monthly district schedule (地域事業月間スケジュール) ---------------------------------------

plan = APIRouter(prefix="/schedule", tags=["schedule 地域事業月間スケジュール"])


@plan.post(
    "",
    status_code=201,
    summary="地域事業の登録 / enter a district meeting or event in the monthly schedule",
    response_model=ScheduleReply,
)
def schedule_event(body: ScheduleBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.ScheduleDistrictEvent.of(body, scheduled_by=at.actor.staff_id)
    return at.submit(handlers.schedule_event, kit, cmd, body)


@plan.get(
    "",
    summary="月間スケジュール / the month's district events, which departments handle them",
    response_model=ScheduleList,
)
def list_schedule(
    kit: KitDep,
    at: Reader,
    month: OptionalMonth = None,
    district_id: str | None = None,
    area_id: Annotated[str | None, Query(description="every district under this area")] = None,
    status: Annotated[str | None, Query(pattern="^(open|handled|escalated)$")] = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.reply(
        queries.list_schedule(
            kit, month=month, district_id=district_id, area_id=area_id, status=status, limit=limit, offset=offset
        )
    )


@plan.get(
    "/escalations",
    summary="他課との調整 / events no department takes, for managers to coordinate",
    response_model=ScheduleList,
)
def escalations(
    kit: KitDep, at: AnyManager, month: OptionalMonth = None, limit: Limit = 200, offset: Offset = 0
) -> dict[str, Any]:
    return at.reply(
        queries.list_schedule(
            kit, month=month, district_id=None, area_id=None, status="escalated", limit=limit, offset=offset
        )
    )


@plan.post(
    "/{event_id}/coverage",
    summary="対応の有無 / your department handles the event, or not (nobody taking it escalates it)",
    response_model=ScheduleReply,
)
def mark_coverage(event_id: str, body: CoverageBody, kit: KitDep, at: AnyDepartmentStaff) -> dict[str, Any]:
    cmd = c.MarkEventCoverage.of(body, event_id=event_id, department=at.actor.department, marked_by=at.actor.staff_id)
    return at.submit(handlers.mark_coverage, kit, cmd, body)


router.include_router(district)
router.include_router(cases)
router.include_router(plan)
router.include_router(area_api.router)
router.include_router(network_api.router)
router.include_router(amend_api.router)
