"""Districts' HTTP routes (地区社協・地区担当): parse → authorise → call a handler.

District staff (workers, managers) record concerns, outreach visits, watch-overs, salon attendance
and volunteer roles. Any department reads a case (what residents said is redacted for departments
other than districts) and the district lists.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from services.districts import handlers, queries
from services.districts.domain import commands as c
from services.districts.schemas import ConcernBody, EndWatchBody, RoleBody, SalonBody, VisitBody, WatchBody
from shared.auth import CurrentActor, require
from shared.envelope import Actor
from shared.web import correlation_id as _cid
from shared.web import service_kit as _kit
from shared.web import tagged as _tagged

__all__ = ["router"]

Writer = Annotated[Actor, Depends(require(departments={"districts"}, roles={"worker", "manager"}))]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]

router = APIRouter()
cases = APIRouter(prefix="/cases", tags=["cases 見守り・個別支援"])
district = APIRouter(tags=["district 地区の活動"])


@district.post(
    "/watch-concerns", status_code=201, summary="見守りの気づき / record a watch-over concern (or an accepted referral)"
)
def raise_concern(body: ConcernBody, request: Request, response: Response, actor: Writer) -> dict[str, Any]:
    cmd = c.RaiseWatchConcern(
        case_id=body.case_id or "",
        district_id=body.district_id,
        reported_by=body.reported_by,
        reporter=body.reporter,
        concern=body.concern,
        referral_id=body.referral_id,
        raised_by=actor.staff_id,
    )
    result = handlers.raise_concern(
        _kit(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )
    return _tagged(response, result)


@cases.get("", summary="地区の個別支援一覧 / cases a district looks after (counts by status)")
def list_cases(
    request: Request,
    actor: CurrentActor,
    district_id: str | None = None,
    status: Annotated[str | None, Query(description="concern or watched")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return queries.list_cases(_kit(request), district_id=district_id, status=status, limit=limit, offset=offset)


@cases.get("/{case_id}", summary="個別支援記録 / one case: concerns, visits, watch-over, salons, roles")
def get_case(case_id: str, request: Request, response: Response, actor: CurrentActor) -> dict[str, Any]:
    return _tagged(response, queries.case_detail(_kit(request), case_id, actor))


@cases.post("/{case_id}/outreach-visits", status_code=201, summary="アウトリーチ訪問 / record an outreach visit")
def record_visit(case_id: str, body: VisitBody, request: Request, response: Response, actor: Writer) -> dict[str, Any]:
    cmd = c.RecordOutreachVisit(
        case_id=case_id,
        visited_at=body.visited_at,
        outcome=body.outcome,
        visitors=tuple(body.visitors),
        note=body.note,
        recorded_by=actor.staff_id,
    )
    result = handlers.record_visit(
        _kit(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )
    return _tagged(response, result)


@cases.post("/{case_id}/watch-over", status_code=201, summary="見守り開始 / start residents' watch-over")
def start_watch(case_id: str, body: WatchBody, request: Request, response: Response, actor: Writer) -> dict[str, Any]:
    cmd = c.StartWatchOver(
        case_id=case_id,
        watchers=tuple(body.watchers),
        frequency=body.frequency,
        approach=body.approach,
        started_on=body.started_on,
        started_by=actor.staff_id,
    )
    result = handlers.start_watch_over(
        _kit(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )
    return _tagged(response, result)


@cases.post("/{case_id}/watch-over/end", summary="見守り終了 / end the watch-over")
def end_watch(case_id: str, body: EndWatchBody, request: Request, response: Response, actor: Writer) -> dict[str, Any]:
    cmd = c.EndWatchOver(case_id=case_id, reason=body.reason, ended_by=actor.staff_id)
    result = handlers.end_watch_over(
        _kit(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )
    return _tagged(response, result)


@cases.post("/{case_id}/salon-attendance", status_code=201, summary="サロン参加 / record salon attendance")
def record_salon(case_id: str, body: SalonBody, request: Request, response: Response, actor: Writer) -> dict[str, Any]:
    cmd = c.RecordSalonAttendance(
        case_id=case_id,
        salon_name=body.salon_name,
        attended_on=body.attended_on,
        note=body.note,
        recorded_by=actor.staff_id,
    )
    result = handlers.record_salon_attendance(
        _kit(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )
    return _tagged(response, result)


@cases.post(
    "/{case_id}/volunteer-roles", status_code=201, summary="担い手の役割 / the person takes on a volunteer role"
)
def take_role(case_id: str, body: RoleBody, request: Request, response: Response, actor: Writer) -> dict[str, Any]:
    cmd = c.TakeVolunteerRole(
        case_id=case_id, role=body.role, activity=body.activity, started_on=body.started_on, recorded_by=actor.staff_id
    )
    result = handlers.take_volunteer_role(
        _kit(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )
    return _tagged(response, result)


@district.get("/salons/attendance", summary="サロン参加記録 / salon attendance by district, salon or case")
def salon_attendance(
    request: Request,
    actor: CurrentActor,
    district_id: str | None = None,
    salon_name: str | None = None,
    case_id: str | None = None,
    limit: Limit = 200,
) -> dict[str, Any]:
    return queries.list_attendance(
        _kit(request), district_id=district_id, salon_name=salon_name, case_id=case_id, limit=limit
    )


@district.get("/volunteers", summary="担い手一覧 / volunteer roles people took on, by district")
def volunteers(
    request: Request, actor: CurrentActor, district_id: str | None = None, limit: Limit = 200
) -> dict[str, Any]:
    return queries.list_volunteers(_kit(request), district_id=district_id, limit=limit)


router.include_router(district)
router.include_router(cases)
