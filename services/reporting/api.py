"""Reporting's HTTP routes: parse, authorise, query, map errors (shared.web does the mapping)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from services.reporting import district_handlers, handlers
from services.reporting.adapters.district_queries import DistrictIssues
from services.reporting.adapters.queries import FlowRow, FollowUpItem
from services.reporting.domain.case_view import CaseView
from services.reporting.exports import to_csv, to_xlsx
from services.reporting.responses import (
    ActivityRecordsView,
    AreaStatisticsView,
    DistrictIssueAccumulationView,
    DistrictResourcesView,
    DistrictScheduleView,
    StatTableView,
)
from shared.web import Day, Edge, KitDep, Moment, edge

router = APIRouter()

Auditor = Annotated[Edge, edge(roles=handlers.AUDIT_ROLES)]
Staff = Annotated[Edge, edge()]
Reader = Annotated[Edge, edge(roles=handlers.READER_ROLES)]
From = Annotated[Day, Query(alias="from", description="first day of the period (JST), inclusive")]
To = Annotated[Day, Query(alias="to", description="last day of the period (JST), inclusive")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TEXT = {"schema": {"type": "string"}}
_BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/cases/{case_id}",
    response_model=CaseView,
    tags=["cases"],
    summary="ケースの全体像: one case's timeline across departments (the read is recorded)",
)
def get_case(
    case_id: str,
    kit: KitDep,
    at: Staff,
    purpose: Annotated[str, Query(min_length=1, description="why you read this case (recorded in the access log)")],
    as_of: Annotated[Moment | None, Query(description="audit replay: the case as it stood at this moment")] = None,
) -> CaseView:
    return handlers.case_view(kit, case_id, at.actor, purpose, as_of, correlation_id=at.ctx.correlation_id)


@router.get(
    "/cases/{case_id}/access-log",
    response_model=list[handlers.AccessRecord],
    tags=["audit"],
    summary="閲覧記録: who read this case, when and why (manager, auditor)",
)
def get_access_log(
    case_id: str,
    kit: KitDep,
    at: Auditor,
    as_of: Annotated[Moment | None, Query(description="only reads up to this moment")] = None,
) -> list[handlers.AccessRecord]:
    return handlers.access_log(kit, case_id, at.actor, as_of, correlation_id=at.ctx.correlation_id)


@router.get(
    "/cases/{case_id}/verify",
    response_model=handlers.ChainCheck,
    tags=["audit"],
    summary="改ざん検知: verify the hash chains of the case's streams as archived",
)
def verify_case(case_id: str, kit: KitDep, _at: Auditor) -> handlers.ChainCheck:
    return handlers.verify_case(kit, case_id)


@router.get(
    "/statistics/district-schedule",
    response_model=DistrictScheduleView,
    tags=["statistics"],
    summary="地域事業の対応状況: a month's district events, handled / declined per department, escalated",
)
def get_district_schedule(
    kit: KitDep,
    at: Reader,
    month: Annotated[str, Query(description="the month (YYYY-MM) the events are held in")],
    district_id: Annotated[str | None, Query(description="only this district")] = None,
) -> DistrictScheduleView:
    return district_handlers.district_schedule(kit, at.actor, month, district_id)


@router.get(
    "/statistics/activity-records",
    response_model=ActivityRecordsView,
    tags=["statistics"],
    summary="地区活動記録の承認状況: a month's activity records of the district staff, counted by approval status",
)
def get_activity_records(
    kit: KitDep,
    at: Reader,
    month: Annotated[str, Query(description="the month (YYYY-MM) of the records")],
) -> ActivityRecordsView:
    return district_handlers.activity_records(kit, at.actor, month)


@router.get(
    "/statistics/district-resources",
    response_model=DistrictResourcesView,
    tags=["statistics"],
    summary="地域資源・担い手: a district's registered resources and helpers, counted by kind",
)
def get_district_resources(
    kit: KitDep,
    at: Reader,
    district_id: Annotated[str, Query(description="the district")],
) -> DistrictResourcesView:
    return district_handlers.district_resources(kit, at.actor, district_id)


@router.get(
    "/statistics/areas",
    response_model=AreaStatisticsView,
    tags=["statistics"],
    summary="圏域別の集計: per area of a kind, people, households, open cases, resources and helpers placed by address",
)
def get_area_statistics(
    kit: KitDep,
    at: Reader,
    kind: Annotated[
        Literal["city", "daily_life", "district_council", "community_care"],
        Query(description="the kind: city, daily_life (日常生活圏域), district_council (地区社協), community_care"),
    ] = "district_council",
) -> AreaStatisticsView:
    return district_handlers.area_statistics(kit, at.actor, kind)


@router.get(
    "/statistics/district-evaluation.xlsx",
    tags=["statistics"],
    summary="地区の年度評価: a district file's year (CSW, goal, evaluation), resources, schedule coverage, issues",
    response_class=Response,
    responses={
        200: {
            "description": "the Excel workbook (sheets 地区ファイル, 地域資源, 地域事業, ケースの積み上げ)",
            "content": {XLSX: _BINARY},
        }
    },
)
def get_district_evaluation(
    kit: KitDep,
    at: Reader,
    district_id: Annotated[str, Query(description="the district")],
    fiscal_year: Annotated[int, Query(description="the fiscal year (年度, April to March), e.g. 2026")],
) -> Response:
    from services.reporting.exports import evaluation_xlsx
    from shared.reference import load_code_lists

    evaluation = district_handlers.district_evaluation(kit, at.actor, district_id, fiscal_year)
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in evaluation.file.district_id)
    name = f"district-evaluation-{safe}-{fiscal_year}.xlsx"
    return Response(
        evaluation_xlsx(evaluation, load_code_lists()),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/statistics/district-issue-accumulation",
    response_model=DistrictIssueAccumulationView,
    tags=["statistics"],
    summary="ケースの積み上げ: district issues from network meetings and desk consultations per district and month",
)
def get_district_issue_accumulation(
    kit: KitDep,
    at: Reader,
    from_month: Annotated[str, Query(description="the first month (YYYY-MM, JST)")],
    to_month: Annotated[str | None, Query(description="the last month (YYYY-MM); the first when absent")] = None,
    district_id: Annotated[str | None, Query(description="only this district")] = None,
    area_id: Annotated[str | None, Query(description="every district under this area (圏域)")] = None,
) -> DistrictIssueAccumulationView:
    return district_handlers.district_issue_accumulation(kit, at.actor, from_month, to_month, district_id, area_id)


@router.get(
    "/statistics/{table}",
    tags=["statistics"],
    summary="統計表 (表1–表3) for a period: JSON, CSV, Excel or bar chart PNG",
    response_class=Response,
    responses={
        200: {
            "model": StatTableView,
            "description": "the table: JSON (format=json, the default), CSV, Excel or a PNG bar chart",
            "content": {"text/csv": _TEXT, XLSX: _BINARY, "image/png": _BINARY},
        }
    },
)
def get_table(
    table: Literal["table1", "table2", "table3"],
    kit: KitDep,
    _at: Staff,
    start: From,
    end: To,
    format: Literal["json", "csv", "xlsx", "png"] = "json",
) -> Response:
    tables = {t.key: t for t in handlers.statistics_tables(kit, start, end)}
    chosen = tables[table]
    if format == "png":
        from services.reporting.charts import table_png  # matplotlib loads only when a chart is asked for

        return Response(table_png(chosen), media_type="image/png")
    if format == "csv":
        return Response(
            to_csv(chosen),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{table}.csv"'},
        )
    if format == "xlsx":
        return Response(
            to_xlsx([chosen]), media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{table}.xlsx"'}
        )
    body = StatTableView.model_validate(chosen.as_dict())  # the documented shape, checked
    return Response(body.model_dump_json(), media_type="application/json")


@router.get(
    "/statistics.xlsx",
    tags=["statistics"],
    summary="表1–表3 in one workbook, with the 表1 bar chart",
    response_class=Response,
    responses={200: {"description": "the Excel workbook (sheets 表1, 表2, 表3)", "content": {XLSX: _BINARY}}},
)
def get_workbook(kit: KitDep, _at: Staff, start: From, end: To) -> Response:
    tables = handlers.statistics_tables(kit, start, end)
    return Response(
        to_xlsx(tables), media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="statistics.xlsx"'}
    )


@router.get(
    "/referral-flow",
    response_model=list[FlowRow],
    tags=["statistics"],
    summary="紹介の流れ: referrals per department pair, outcomes and median time to accept",
)
def get_referral_flow(kit: KitDep, _at: Staff, start: From, end: To) -> list[FlowRow]:
    return handlers.referral_flow(kit, start, end)


@router.get(
    "/district-issues",
    response_model=list[DistrictIssues],
    tags=["statistics"],
    summary="地区ごとの課題: household issues per district per month",
)
def get_district_issues(kit: KitDep, _at: Staff, start: From, end: To) -> list[DistrictIssues]:
    return handlers.district_issues(kit, start, end)


@router.get(
    "/follow-ups",
    response_model=list[FollowUpItem],
    tags=["cases"],
    summary="要フォロー: cases that reached no service",
)
def get_follow_ups(kit: KitDep, at: Staff) -> list[FollowUpItem]:
    items = handlers.follow_up_list(kit)
    at.read(kit, {"items": [i.model_dump(include={"case_id", "reason", "department"}) for i in items]})
    return items
