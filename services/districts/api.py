"""Districts' HTTP routes (地区社協・地区担当): parse → authorise → call a handler.

District staff (workers, managers) record concerns, outreach visits, watch-overs, salon attendance
and volunteer roles, open district files (地区ファイル) and register local resources and helpers;
district managers define the areas (圏域). Any department reads a case (what residents said is
redacted for departments other than districts), the areas, district files and the registry (a
helper's contact only for district staff).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from services.districts import amend_api, handlers, network_api, queries
from services.districts.domain import commands as c
from services.districts.domain.values import AreaKind
from services.districts.responses import (
    AddressAreas,
    AreaDetail,
    AreaList,
    AreaReply,
    AttendanceList,
    DistrictCaseDetail,
    DistrictCasePage,
    DistrictCaseReply,
    DistrictFileDetail,
    DistrictFileList,
    DistrictFileReply,
    HelperList,
    HelperReply,
    ResourceDetail,
    ResourceList,
    ResourceReply,
    ScheduleList,
    ScheduleReply,
    VolunteerList,
)
from services.districts.schemas import (
    AddressesBody,
    AreaBody,
    ConcernBody,
    CoverageBody,
    CswBody,
    DistrictFileBody,
    EndWatchBody,
    EvaluationBody,
    HelperBody,
    PopulationBody,
    ResourceBody,
    RoleBody,
    SalonBody,
    ScheduleBody,
    VisitBody,
    WatchBody,
)
from shared.web import Edge, KitDep, Limit, Offset, OptionalMonth, edge

__all__ = ["router"]

Writer = Annotated[Edge, edge(departments={"districts"}, roles={"worker", "manager"})]
Manager = Annotated[Edge, edge(departments={"districts"}, roles={"manager"})]
Reader = Annotated[Edge, edge()]
AnyDepartmentStaff = Annotated[Edge, edge(roles={"worker", "manager"})]
AnyManager = Annotated[Edge, edge(roles={"manager", "director"})]
FiscalYear = Annotated[int, Path(ge=1990, le=2100, description="年度: 2014 for April 2014 – March 2015")]

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


# --- areas (圏域) ----------------------------------------------------------------------------------

areas = APIRouter(prefix="/areas", tags=["areas 圏域"])


@areas.post(
    "",
    status_code=201,
    summary="圏域の設定 / define an area (city, daily-life, district council or community-care area)",
    response_model=AreaReply,
)
def define_area(body: AreaBody, kit: KitDep, at: Manager) -> dict[str, Any]:
    cmd = c.DefineArea.of(body, defined_by=at.actor.staff_id)
    return at.submit(handlers.define_area, kit, cmd, body)


@areas.put(
    "/{area_id}/address-prefixes",
    summary="住所範囲の変更 / replace the address prefixes (町名・丁目) of an area",
    response_model=AreaReply,
)
def change_addresses(area_id: str, body: AddressesBody, kit: KitDep, at: Manager) -> dict[str, Any]:
    cmd = c.ChangeAreaAddresses.of(body, area_id=area_id, changed_by=at.actor.staff_id)
    return at.submit(handlers.change_area_addresses, kit, cmd, body)


@areas.get("", summary="圏域一覧 / areas, with their path from the city", response_model=AreaList)
def list_areas(
    kit: KitDep,
    at: Reader,
    kind: AreaKind | None = None,
    parent_id: str | None = None,
    limit: Limit = 500,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.reply(queries.list_areas(kit, kind=kind, parent_id=parent_id, limit=limit, offset=offset))


@areas.get("/{area_id}", summary="圏域 / one area, its path and the areas it contains", response_model=AreaDetail)
def get_area(area_id: str, kit: KitDep, at: Reader) -> dict[str, Any]:
    return at.reply(queries.area_detail(kit, area_id))


@district.get(
    "/address-areas",
    summary="住所から圏域 / the areas an address falls in (by 町名・丁目 prefix)",
    response_model=AddressAreas,
)
def address_areas(
    kit: KitDep, at: Reader, address: Annotated[str, Query(min_length=1, max_length=500)]
) -> dict[str, Any]:
    return at.reply(queries.areas_of_address(kit, address))


# --- district files (地区ファイル) ----------------------------------------------------------------

files = APIRouter(prefix="/district-files", tags=["district files 地区ファイル"])


@files.post(
    "",
    status_code=201,
    summary="地区ファイル作成 / open a district's file for a fiscal year",
    response_model=DistrictFileReply,
)
def open_file(body: DistrictFileBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.OpenDistrictFile.of(body, opened_by=at.actor.staff_id)
    return at.submit(handlers.open_file, kit, cmd, body)


@files.get("", summary="地区ファイル一覧 / district files by district, area or year", response_model=DistrictFileList)
def list_files(
    kit: KitDep,
    at: Reader,
    district_id: str | None = None,
    area_id: Annotated[str | None, Query(description="every district under this area")] = None,
    fiscal_year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.reply(
        queries.list_district_files(
            kit, district_id=district_id, area_id=area_id, fiscal_year=fiscal_year, limit=limit, offset=offset
        )
    )


@files.get(
    "/{district_id}/{fiscal_year}",
    summary="地区カルテ / a district file: CSW, goal and evaluation, population, human and local resources",
    response_model=DistrictFileDetail,
)
def get_file(district_id: str, fiscal_year: FiscalYear, kit: KitDep, at: Reader) -> dict[str, Any]:
    return at.read(kit, queries.district_file(kit, district_id, fiscal_year, at.actor))


@files.post(
    "/{district_id}/{fiscal_year}/csw",
    summary="地区担当の変更 / assign another CSW to the district",
    response_model=DistrictFileReply,
)
def assign_csw(district_id: str, fiscal_year: FiscalYear, body: CswBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.AssignDistrictCsw.of(body, district_id=district_id, fiscal_year=fiscal_year, assigned_by=at.actor.staff_id)
    return at.submit(handlers.assign_csw, kit, cmd, body)


@files.post(
    "/{district_id}/{fiscal_year}/evaluation",
    summary="年度評価 / evaluate the year's goal",
    response_model=DistrictFileReply,
)
def evaluate(
    district_id: str, fiscal_year: FiscalYear, body: EvaluationBody, kit: KitDep, at: Writer
) -> dict[str, Any]:
    cmd = c.EvaluateDistrictGoal.of(
        body, district_id=district_id, fiscal_year=fiscal_year, evaluated_by=at.actor.staff_id
    )
    return at.submit(handlers.evaluate_goal, kit, cmd, body)


@files.post(
    "/{district_id}/{fiscal_year}/population",
    summary="区分別人口 / enter the district's population by category",
    response_model=DistrictFileReply,
)
def record_population(
    district_id: str, fiscal_year: FiscalYear, body: PopulationBody, kit: KitDep, at: Writer
) -> dict[str, Any]:
    cmd = c.RecordDistrictPopulation.of(
        body, district_id=district_id, fiscal_year=fiscal_year, recorded_by=at.actor.staff_id
    )
    return at.submit(handlers.record_population, kit, cmd, body)


# --- the resource and helper registry (element ⑤) -------------------------------------------------

registry = APIRouter(tags=["registry 地域資源・担い手"])


@registry.post(
    "/resources", status_code=201, summary="地域資源の登録 / register a local resource", response_model=ResourceReply
)
def register_resource(body: ResourceBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RegisterLocalResource.of(body, registered_by=at.actor.staff_id)
    return at.submit(handlers.register_resource, kit, cmd, body)


@registry.get(
    "/resources", summary="地域資源 / local resources by kind, district or area, or name", response_model=ResourceList
)
def list_resources(
    kit: KitDep,
    at: Reader,
    kind: str | None = None,
    district_id: str | None = None,
    area_id: Annotated[str | None, Query(description="every district under this area")] = None,
    name: Annotated[str | None, Query(max_length=200, description="part of the name")] = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.reply(
        queries.list_resources(
            kit, district_id=district_id, area_id=area_id, kind=kind, name=name, limit=limit, offset=offset
        )
    )


@registry.get(
    "/resources/{resource_id}",
    summary="地域資源 / one resource, whom it serves and its helpers",
    response_model=ResourceDetail,
)
def get_resource(resource_id: str, kit: KitDep, at: Reader) -> dict[str, Any]:
    return at.reply(queries.resource_detail(kit, resource_id, at.actor))


@registry.post("/helpers", status_code=201, summary="担い手の登録 / register a helper", response_model=HelperReply)
def register_helper(body: HelperBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RegisterHelper.of(body, registered_by=at.actor.staff_id)
    return at.submit(handlers.register_helper, kit, cmd, body)


@registry.get("/helpers", summary="担い手 / helpers by kind, district, area or resource", response_model=HelperList)
def list_helpers(
    kit: KitDep,
    at: Reader,
    kind: str | None = None,
    district_id: str | None = None,
    area_id: Annotated[str | None, Query(description="every district under this area")] = None,
    resource_id: str | None = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.read(
        kit,
        queries.list_helpers(
            kit,
            district_id=district_id,
            area_id=area_id,
            kind=kind,
            resource_id=resource_id,
            limit=limit,
            viewer=at.actor,
            offset=offset,
        ),
    )


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
router.include_router(areas)
router.include_router(files)
router.include_router(registry)
router.include_router(network_api.router)
router.include_router(amend_api.router)
