"""Reporting's district and area statistics (地区・圏域の集計): the monthly schedule's coverage, local
resources, district evaluation (地区ファイル), issue accumulation, activity records (活動記録) and the
figures by area (圏域別). Readers of any department in a reading role; nothing here names a person."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import BaseModel

from services.reporting.adapters import district_queries
from services.reporting.adapters.generations import active_generation
from services.reporting.domain.areas import FIGURES
from services.reporting.handlers import READER_ROLES
from services.reporting.responses import (
    ActivityRecordStatusView,
    ActivityRecordsView,
    AreaFiguresView,
    AreaStatisticsView,
    DepartmentCoverageView,
    DistrictCoverageView,
    DistrictIssueAccumulationView,
    DistrictIssueMonthView,
    DistrictResourcesView,
    DistrictScheduleView,
)
from shared.db import reading
from shared.envelope import Actor
from shared.errors import Forbidden, InvalidCommand, NotFound
from shared.service import ServiceKit

# -- districts -------------------------------------------------------------------------------

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _check_reader(viewer: Actor) -> None:
    if viewer.role not in READER_ROLES:
        raise Forbidden(
            f"role {viewer.role!r} may not read district statistics; allowed: {sorted(READER_ROLES)}",
            reason="role_not_allowed",
            ctx={"role": viewer.role},
        )


def _check_district(district_id: str | None, *, required: bool) -> str | None:
    if district_id is None and not required:
        return None
    value = (district_id or "").strip()
    if not value:
        raise InvalidCommand(
            "name the district: pass district_id=<district id>", field="district_id", reason="required"
        )
    if len(value) > 64:
        raise InvalidCommand(
            "district_id is too long (at most 64 characters)", field="district_id", reason="too_long", ctx={"max": 64}
        )
    return value


def district_schedule(kit: ServiceKit, viewer: Actor, month: str, district_id: str | None) -> DistrictScheduleView:
    """地域事業の対応状況 of ``month`` (YYYY-MM): per district, events scheduled, handled or declined
    per department, uncovered and escalated."""
    _check_reader(viewer)
    month = month.strip()
    if not _MONTH.fullmatch(month):
        raise InvalidCommand(
            f"month must be YYYY-MM (e.g. 2026-10), got {month!r}", field="month", reason="month_format"
        )
    district = _check_district(district_id, required=False)
    with reading(kit.engine) as conn:
        rows = district_queries.district_schedule(conn, active_generation(conn), month, district)
    districts = [
        DistrictCoverageView(
            district_id=r.district_id,
            scheduled=r.scheduled,
            handled=r.handled,
            uncovered=r.uncovered,
            escalated=r.escalated,
            departments=[
                DepartmentCoverageView(department=dept, handled=h, declined=d)
                for dept, (h, d) in sorted(r.by_department.items())
            ],
        )
        for r in rows
    ]
    return DistrictScheduleView(
        month=month,
        district_id=district,
        districts=districts,
        scheduled=sum(d.scheduled for d in districts),
        handled=sum(d.handled for d in districts),
        uncovered=sum(d.uncovered for d in districts),
        escalated=sum(d.escalated for d in districts),
    )


def district_resources(kit: ServiceKit, viewer: Actor, district_id: str) -> DistrictResourcesView:
    """地域資源・担い手 of a district: how many are registered, per kind."""
    _check_reader(viewer)
    district = _check_district(district_id, required=True)
    assert district is not None
    with reading(kit.engine) as conn:
        counts = district_queries.district_resources(conn, active_generation(conn), district)
    resources, helpers = counts["resource"], counts["helper"]
    return DistrictResourcesView(
        district_id=district,
        resources=dict(sorted(resources.items())),
        helpers=dict(sorted(helpers.items())),
        resource_total=sum(resources.values()),
        helper_total=sum(helpers.values()),
    )


class DistrictEvaluation(BaseModel):
    """年度評価: a district's file of one fiscal year (April–March), its resources, the coverage of its
    schedule month by month and its issue accumulation (ケースの積み上げ) — what the yearly district
    evaluation workbook shows."""

    file: district_queries.DistrictFileRow
    resources: DistrictResourcesView
    months: list[DistrictScheduleView]
    issues: DistrictIssueAccumulationView


def district_evaluation(kit: ServiceKit, viewer: Actor, district_id: str, fiscal_year: int) -> DistrictEvaluation:
    _check_reader(viewer)
    district = _check_district(district_id, required=True)
    assert district is not None
    if not 2000 <= fiscal_year <= 2100:
        raise InvalidCommand(
            f"fiscal_year must be a year such as 2026, got {fiscal_year}",
            field="fiscal_year",
            reason="out_of_range_number",
            ctx={"first": 2000, "last": 2100},
        )
    with reading(kit.engine) as conn:
        file = district_queries.district_file(conn, active_generation(conn), district, fiscal_year)
    if file is None:
        raise NotFound(f"no district file of {district} for fiscal year {fiscal_year}", field="district_id")
    months = [f"{fiscal_year + (m < 4)}-{m:02d}" for m in (*range(4, 13), *range(1, 4))]
    return DistrictEvaluation(
        file=file,
        resources=district_resources(kit, viewer, district),
        months=[district_schedule(kit, viewer, month, district) for month in months],
        issues=district_issue_accumulation(kit, viewer, months[0], months[-1], district, None),
    )


def district_issue_accumulation(
    kit: ServiceKit,
    viewer: Actor,
    from_month: str,
    to_month: str | None,
    district_id: str | None,
    area_id: str | None,
) -> DistrictIssueAccumulationView:
    """ケースの積み上げ: the district issues raised at network meetings (地区支援ネットワーク会議) and the
    consultations of district desks (福祉なんでも相談窓口), per district and month."""
    _check_reader(viewer)
    first = from_month.strip()
    if not _MONTH.fullmatch(first):
        raise InvalidCommand(
            f"from_month must be YYYY-MM (e.g. 2026-04), got {from_month!r}", field="from_month", reason="month_format"
        )
    last = (to_month or first).strip()
    if not _MONTH.fullmatch(last):
        raise InvalidCommand(
            f"to_month must be YYYY-MM (e.g. 2027-03), got {to_month!r}", field="to_month", reason="month_format"
        )
    if last < first:
        raise InvalidCommand("to_month is before from_month", field="to_month", reason="period_reversed")
    district = _check_district(district_id, required=False)
    area = None if area_id is None else area_id.strip()
    if area_id is not None and (not area or len(area) > 64):
        raise InvalidCommand(
            "area_id must name an area (at most 64 characters)", field="area_id", reason="too_long", ctx={"max": 64}
        )
    with reading(kit.engine) as conn:
        gen = active_generation(conn)
        within: list[str] | None = None
        if area is not None:
            within = district_queries.districts_within(conn, gen, area)
            if within is None:
                conn.rollback()
                raise InvalidCommand(
                    f"area_id {area!r} is not a defined area",
                    field="area_id",
                    reason="unknown_reference",
                    ctx={"id": area},
                )
        if district is not None:
            within = [d for d in (within if within is not None else [district]) if d == district]
        rows = district_queries.district_issue_accumulation(conn, gen, first, last, within)
    months = [
        DistrictIssueMonthView(
            district_id=r.district_id,
            month=r.month,
            meeting_issues=r.meeting_issues,
            desk_consultations=r.desk_consultations,
            total=r.meeting_issues + r.desk_consultations,
            by_category=r.by_category,
        )
        for r in rows
    ]
    totals: dict[str, int] = {}
    for m in months:
        for code, n in m.by_category.items():
            totals[code] = totals.get(code, 0) + n
    return DistrictIssueAccumulationView(
        from_month=first,
        to_month=last,
        district_id=district,
        area_id=area,
        months=months,
        meeting_issues=sum(m.meeting_issues for m in months),
        desk_consultations=sum(m.desk_consultations for m in months),
        total=sum(m.total for m in months),
        by_category=dict(sorted(totals.items())),
    )


def activity_records(kit: ServiceKit, viewer: Actor, month: str) -> ActivityRecordsView:
    """地区活動記録の承認状況 of ``month`` (YYYY-MM): each author's record by status, and the counts."""
    _check_reader(viewer)
    month = month.strip()
    if not _MONTH.fullmatch(month):
        raise InvalidCommand(
            f"month must be YYYY-MM (e.g. 2026-10), got {month!r}", field="month", reason="month_format"
        )
    with reading(kit.engine) as conn:
        rows = district_queries.activity_records(conn, active_generation(conn), month)
    counts = dict.fromkeys(district_queries.ACTIVITY_STATUSES, 0)
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return ActivityRecordsView(
        month=month,
        counts=counts,
        total=len(rows),
        records=[ActivityRecordStatusView.model_validate(r.model_dump()) for r in rows],
    )


# -- areas (圏域) ------------------------------------------------------------------------------

AREA_KINDS = ("city", "daily_life", "district_council", "community_care")


def area_statistics(kit: ServiceKit, viewer: Actor, kind: str) -> AreaStatisticsView:
    """圏域別の集計 for every area of ``kind``: registered people and households, open cases and
    consultations, resources and helpers, and what no area of the kind holds."""
    _check_reader(viewer)
    if kind not in AREA_KINDS:
        raise InvalidCommand(
            f"kind must be one of {', '.join(AREA_KINDS)}, got {kind!r}",
            field="kind",
            reason="unknown_code",
            ctx={"allowed": ", ".join(AREA_KINDS)},
        )
    with reading(kit.engine) as conn:
        defined, figures = district_queries.area_figures(conn, active_generation(conn), kind)

    def row(area_id: str | None, counts: Mapping[str, int]) -> AreaFiguresView:
        area = defined.get(area_id) if area_id is not None else None
        return AreaFiguresView(
            area_id=area_id,
            name=area.name if area else None,
            parent_id=area.parent_id if area else None,
            parent_name=defined[area.parent_id].name if area and area.parent_id in defined else None,
            **{f: int(counts.get(f, 0)) for f in FIGURES},
        )

    rows = [row(a, c) for a, c in figures.by_area.items() if a is not None]
    rows.sort(key=lambda r: (r.parent_id or "", r.area_id or ""))
    totals: dict[str, int] = {f: sum(int(c.get(f, 0)) for c in figures.by_area.values()) for f in FIGURES}
    return AreaStatisticsView(
        kind=kind,
        areas=rows,
        unmapped=row(None, figures.by_area.get(None, {})),
        without_address=sum(figures.without_address.values()),
        totals=row(None, totals),
    )
