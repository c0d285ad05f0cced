"""Districts' HTTP routes (地区社協・地区担当): parse → authorise → call a handler.

District staff (workers, managers) record concerns, outreach visits, watch-overs, salon attendance
and volunteer roles. Any department reads a case (what residents said is redacted for departments
other than districts) and the district lists.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.districts import handlers, queries
from services.districts.domain import commands as c
from services.districts.responses import (
    AttendanceList,
    DistrictCaseDetail,
    DistrictCasePage,
    DistrictCaseReply,
    VolunteerList,
)
from services.districts.schemas import ConcernBody, EndWatchBody, RoleBody, SalonBody, VisitBody, WatchBody
from shared.web import Edge, KitDep, Limit, Offset, edge

__all__ = ["router"]

Writer = Annotated[Edge, edge(departments={"districts"}, roles={"worker", "manager"})]
Reader = Annotated[Edge, edge()]

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
    cmd = c.RaiseWatchConcern(
        case_id=body.case_id or "",
        district_id=body.district_id,
        reported_by=body.reported_by,
        reporter=body.reporter,
        concern=body.concern,
        referral_id=body.referral_id,
        raised_by=at.actor.staff_id,
    )
    return at.reply(handlers.raise_concern(kit, at.command(body.expected_version), cmd))


@cases.get(
    "", summary="地区の個別支援一覧 / cases a district looks after (counts by status)", response_model=DistrictCasePage
)
def list_cases(
    kit: KitDep,
    at: Reader,
    district_id: str | None = None,
    status: Annotated[str | None, Query(description="concern or watched")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.read(kit, queries.list_cases(kit, district_id=district_id, status=status, limit=limit, offset=offset))


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
    cmd = c.RecordOutreachVisit(
        case_id=case_id,
        visited_at=body.visited_at,
        outcome=body.outcome,
        visitors=tuple(body.visitors),
        note=body.note,
        recorded_by=at.actor.staff_id,
    )
    return at.reply(handlers.record_visit(kit, at.command(body.expected_version), cmd))


@cases.post(
    "/{case_id}/watch-over",
    status_code=201,
    summary="見守り開始 / start residents' watch-over",
    response_model=DistrictCaseReply,
    response_model_exclude_unset=True,
)
def start_watch(case_id: str, body: WatchBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.StartWatchOver(
        case_id=case_id,
        watchers=tuple(body.watchers),
        frequency=body.frequency,
        approach=body.approach,
        started_on=body.started_on,
        started_by=at.actor.staff_id,
    )
    return at.reply(handlers.start_watch_over(kit, at.command(body.expected_version), cmd))


@cases.post(
    "/{case_id}/watch-over/end",
    summary="見守り終了 / end the watch-over",
    response_model=DistrictCaseReply,
    response_model_exclude_unset=True,
)
def end_watch(case_id: str, body: EndWatchBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.EndWatchOver(case_id=case_id, reason=body.reason, ended_by=at.actor.staff_id)
    return at.reply(handlers.end_watch_over(kit, at.command(body.expected_version), cmd))


@cases.post(
    "/{case_id}/salon-attendance",
    status_code=201,
    summary="サロン参加 / record salon attendance",
    response_model=DistrictCaseReply,
    response_model_exclude_unset=True,
)
def record_salon(case_id: str, body: SalonBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RecordSalonAttendance(
        case_id=case_id,
        salon_name=body.salon_name,
        attended_on=body.attended_on,
        note=body.note,
        recorded_by=at.actor.staff_id,
    )
    return at.reply(handlers.record_salon_attendance(kit, at.command(body.expected_version), cmd))


@cases.post(
    "/{case_id}/volunteer-roles",
    status_code=201,
    summary="担い手の役割 / the person takes on a volunteer role",
    response_model=DistrictCaseReply,
    response_model_exclude_unset=True,
)
def take_role(case_id: str, body: RoleBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.TakeVolunteerRole(
        case_id=case_id,
        role=body.role,
        activity=body.activity,
        started_on=body.started_on,
        recorded_by=at.actor.staff_id,
    )
    return at.reply(handlers.take_volunteer_role(kit, at.command(body.expected_version), cmd))


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
    limit: Limit = 200,
) -> dict[str, Any]:
    return at.read(
        kit, queries.list_attendance(kit, district_id=district_id, salon_name=salon_name, case_id=case_id, limit=limit)
    )


@district.get(
    "/volunteers", summary="担い手一覧 / volunteer roles people took on, by district", response_model=VolunteerList
)
def volunteers(kit: KitDep, at: Reader, district_id: str | None = None, limit: Limit = 200) -> dict[str, Any]:
    return at.read(kit, queries.list_volunteers(kit, district_id=district_id, limit=limit))


router.include_router(district)
router.include_router(cases)
