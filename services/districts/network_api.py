"""HTTP routes of the district support network and the district desk: parse → authorise → handler.

District staff (workers, managers) set a district's support team (地区支援チーム; a change sends
If-Match, a stale one is a 409), record its network meetings (地区支援ネットワーク会議) and take
consultations at the district desk (福祉なんでも相談窓口), each of which becomes a referral in
総合相談窓口's (intake's) inbox. Any department reads teams and meetings; the cases' summaries and
the consultations' words only district staff.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.districts import network_handlers as handlers
from services.districts import network_queries as queries
from services.districts.domain import commands as c
from services.districts.domain.values import NetworkIssue
from services.districts.edges import Reader, Writer
from services.districts.network_responses import (
    DeskConsultationPage,
    DeskConsultationReply,
    MeetingDetail,
    MeetingPage,
    MeetingReply,
    TeamReply,
    TeamView,
)
from services.districts.network_schemas import DeskConsultationBody, MeetingBody, TeamBody
from shared.access import record_reads
from shared.web import KitDep, Limit, Offset, OptionalMonth

__all__ = ["router"]


router = APIRouter(tags=["network 地区支援チーム・地区支援ネットワーク会議・福祉なんでも相談窓口"])


@router.put(
    "/support-teams/{district_id}",
    summary="地区支援チームの編成 / set (or change) a district's support team (If-Match for a change)",
    response_model=TeamReply,
)
def set_team(district_id: str, body: TeamBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.SetSupportTeam.of(body, district_id=district_id, set_by=at.actor.staff_id)
    return at.submit(handlers.set_team, kit, cmd, body)


@router.get(
    "/support-teams/{district_id}",
    summary="地区支援チーム / a district's support team and its version",
    response_model=TeamView,
)
def get_team(district_id: str, kit: KitDep, at: Reader) -> dict[str, Any]:
    return at.reply(queries.team(kit, district_id))


@router.post(
    "/network-meetings",
    status_code=201,
    summary="地区支援ネットワーク会議の記録 / record a district's network meeting: members, cases shared, issues",
    response_model=MeetingReply,
)
def record_meeting(body: MeetingBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RecordNetworkMeeting.of(
        body,
        cases=tuple(
            c.SharedCase(case_id=x.case_id, basis=x.basis, summary=x.summary, next_steps=x.next_steps)
            for x in body.cases
        ),
        issues=tuple(NetworkIssue(category=x.category, description=x.description) for x in body.issues),
        recorded_by=at.actor.staff_id,
    )
    return at.submit(handlers.record_meeting, kit, cmd, body)


@router.get(
    "/network-meetings",
    summary="地区支援ネットワーク会議一覧 / network meetings by district, area or month",
    response_model=MeetingPage,
)
def list_meetings(
    kit: KitDep,
    at: Reader,
    district_id: str | None = None,
    area_id: Annotated[str | None, Query(description="every district under this area")] = None,
    month: OptionalMonth = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.reply(
        queries.list_meetings(kit, district_id=district_id, area_id=area_id, month=month, limit=limit, offset=offset)
    )


@router.get(
    "/network-meetings/{meeting_id}",
    summary="地区支援ネットワーク会議 / one meeting: members, issues and the cases shared",
    response_model=MeetingDetail,
)
def get_meeting(meeting_id: str, kit: KitDep, at: Reader) -> dict[str, Any]:
    detail = queries.meeting_detail(kit, meeting_id, at.actor)
    # The cases shared are nested under ``cases``: the access trail (閲覧記録) needs one read per case
    # shown, which ``at.read`` of the meeting itself (no case id at its top) would not leave.
    record_reads(
        kit.uow, at.actor, at.route, at.purpose, {"items": detail["cases"]}, correlation_id=at.ctx.correlation_id
    )
    return at.reply(detail)


@router.post(
    "/desk-consultations",
    status_code=201,
    summary="福祉なんでも相談窓口 / take a consultation at the district desk (it goes to 総合相談窓口 as a referral)",
    response_model=DeskConsultationReply,
)
def take_consultation(body: DeskConsultationBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.TakeDeskConsultation.of(body, desk=body.desk or "", recorded_by=at.actor.staff_id)
    return at.submit(handlers.take_desk_consultation, kit, cmd, body)


@router.get(
    "/desk-consultations",
    summary="福祉なんでも相談窓口の相談 / desk consultations by district, area or month",
    response_model=DeskConsultationPage,
)
def list_consultations(
    kit: KitDep,
    at: Reader,
    district_id: str | None = None,
    area_id: Annotated[str | None, Query(description="every district under this area")] = None,
    month: OptionalMonth = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.read(
        kit,
        queries.list_desk_consultations(
            kit, at.actor, district_id=district_id, area_id=area_id, month=month, limit=limit, offset=offset
        ),
    )
