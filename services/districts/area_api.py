"""Districts' routes for the places and the people of the area: parse → authorise → call a handler.

District managers define the areas (圏域) and their address ranges; district staff open the district
files (地区ファイル: CSW assignment, evaluation, population) and register local resources (地域資源)
and helpers (担い手). Any department reads them (a helper's contact only district staff).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.districts import handlers, queries
from services.districts.domain import commands as c
from services.districts.domain.values import AreaKind
from services.districts.edges import FiscalYear, Manager, Reader, Writer
from services.districts.responses import (
    AreaDetail,
    AreaList,
    AreaReply,
    DistrictFileDetail,
    DistrictFileList,
    DistrictFileReply,
    HelperList,
    HelperReply,
    ResourceDetail,
    ResourceList,
    ResourceReply,
)
from services.districts.schemas import (
    AddressesBody,
    AreaBody,
    CswBody,
    DistrictFileBody,
    EvaluationBody,
    HelperBody,
    PopulationBody,
    ResourceBody,
)
from shared.web import KitDep, Limit, Offset

__all__ = ["router"]


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


router = APIRouter()
router.include_router(areas)
router.include_router(files)
router.include_router(registry)
