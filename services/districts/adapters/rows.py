"""District rows: the case row from the folded state, attendance and roles appended from events."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select, true

from services.districts.adapters.tables import (
    district_areas,
    district_cases,
    district_files,
    district_helpers,
    district_schedule,
    local_resources,
    salon_attendance,
    volunteer_roles,
)
from services.districts.domain.area import AreaState
from services.districts.domain.district_case import DistrictCaseState
from services.districts.domain.district_file import DistrictFileState
from services.districts.domain.events import (
    DistrictEventScheduled,
    HelperRegistered,
    LocalResourceRegistered,
    SalonAttended,
    VolunteerRoleTaken,
)
from services.districts.domain.schedule import ScheduleState
from shared.columns import put_row, row_of
from shared.events import DomainEvent
from shared.pages import counts_by, page_of

__all__ = [
    "all_areas",
    "list_attendance",
    "list_cases",
    "list_files",
    "list_helpers",
    "list_resources",
    "list_schedule",
    "list_volunteers",
    "page_files",
    "page_helpers",
    "page_resources",
    "page_schedule",
    "resources_by_id",
    "save",
    "save_area",
    "save_file",
    "save_registry",
    "save_schedule",
]


def save(conn: Connection, state: DistrictCaseState, events: Sequence[DomainEvent], version: int, at: datetime) -> None:
    """Write the case's row from the state after ``version`` and the rows the new ``events`` add."""
    if state.case_id is None or state.district_id is None:
        raise ValueError("only a case with a district has rows")
    last = max(state.visits, key=lambda v: v.visited_at) if state.visits else None
    values = row_of(
        state,
        district_cases,
        referral_ids=",".join(state.referral_ids),
        visit_count=len(state.visits),
        last_visit_outcome=last.outcome if last else None,
        last_visited_at=last.visited_at.isoformat() if last else None,
        watch_frequency=state.watch.frequency if state.watch else None,
        watch_approach=state.watch.approach if state.watch else None,
        watch_started_on=state.watch.started_on.isoformat() if state.watch else None,
        version=version,
        updated_at=at.isoformat(),
    )
    put_row(conn, district_cases, "case_id", state.case_id, values)
    for event in events:
        if isinstance(event, SalonAttended):
            conn.execute(salon_attendance.insert().values(**row_of(event, salon_attendance)))
        elif isinstance(event, VolunteerRoleTaken):
            conn.execute(volunteer_roles.insert().values(**row_of(event, volunteer_roles)))


def _case_row(row: Any) -> dict[str, Any]:
    out = dict(row)
    out["referral_ids"] = [r for r in str(out["referral_ids"]).split(",") if r]
    return out


def list_cases(
    conn: Connection,
    *,
    district_id: str | None,
    status: str | None,
    limit: int,
    offset: int,
    district_ids: list[str] | None = None,
) -> tuple[list[dict[str, Any]], int, dict[str, int]]:
    """A page of cases (most recently changed first), the total and counts by status under the filter
    (``district_ids``: the districts of an area)."""
    c = district_cases.c
    clauses: list[Any] = []
    if district_id is not None:
        clauses.append(c.district_id == district_id)
    if district_ids is not None:
        clauses.append(c.district_id.in_(district_ids))
    if status is not None:
        clauses.append(c.status == status)
    rows, total = page_of(conn, district_cases, clauses, (c.updated_at.desc(), c.case_id), limit, offset)
    return [_case_row(r) for r in rows], total, counts_by(conn, c.status, clauses)


def list_attendance(
    conn: Connection,
    *,
    district_id: str | None,
    salon_name: str | None,
    case_id: str | None,
    limit: int,
    resource_id: str | None = None,
) -> list[dict[str, Any]]:
    s = salon_attendance.c
    clauses: list[Any] = []
    if resource_id is not None:
        clauses.append(s.resource_id == resource_id)
    if district_id is not None:
        clauses.append(s.district_id == district_id)
    if salon_name is not None:
        clauses.append(s.salon_name == salon_name)
    if case_id is not None:
        clauses.append(s.case_id == case_id)
    rows = conn.execute(
        select(salon_attendance)
        .where(and_(true(), *clauses))
        .order_by(s.attended_on.desc(), s.attendance_id)
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows]


def list_volunteers(
    conn: Connection, *, district_id: str | None, resource_id: str | None = None, limit: int
) -> list[dict[str, Any]]:
    v = volunteer_roles.c
    clauses: list[Any] = []
    if district_id is not None:
        clauses.append(v.district_id == district_id)
    if resource_id is not None:
        clauses.append(v.resource_id == resource_id)
    where = and_(true(), *clauses)
    rows = conn.execute(select(volunteer_roles).where(where).order_by(v.started_on, v.role_id).limit(limit)).mappings()
    return [dict(r) for r in rows]


# --- areas, district files, the registry ---------------------------------------------------------


def save_area(conn: Connection, state: AreaState, events: Sequence[DomainEvent], version: int, at: datetime) -> None:
    """Write the area's row from its state (defined once; its address prefixes may change)."""
    if state.area_id is None:
        raise ValueError("only a defined area has a row")
    values = row_of(state, district_areas, address_prefixes="\n".join(state.address_prefixes), version=version)
    put_row(conn, district_areas, "area_id", state.area_id, values, defined_at=at.isoformat())


def all_areas(conn: Connection) -> list[dict[str, Any]]:
    """Every area, prefixes as a list, in id order (a council has dozens, not thousands)."""
    rows = conn.execute(select(district_areas).order_by(district_areas.c.area_id)).mappings()
    out = []
    for row in rows:
        area = dict(row)
        area["address_prefixes"] = [p for p in str(area["address_prefixes"]).split("\n") if p]
        out.append(area)
    return out


def save_file(
    conn: Connection, state: DistrictFileState, events: Sequence[DomainEvent], version: int, at: datetime
) -> None:
    """Write the district file's row from its state."""
    if state.file_id is None:
        raise ValueError("only an opened district file has a row")
    values = row_of(
        state,
        district_files,
        population=json.dumps(dict(state.population), ensure_ascii=False, sort_keys=True),
        version=version,
        updated_at=at.isoformat(),
    )
    put_row(conn, district_files, "file_id", state.file_id, values)


def _file_row(row: Any) -> dict[str, Any]:
    out = dict(row)
    out["population"] = json.loads(out["population"] or "{}")
    return out


def _files_where(district_ids: list[str] | None, fiscal_year: int | None) -> Any:
    f = district_files.c
    clauses: list[Any] = []
    if district_ids is not None:
        clauses.append(f.district_id.in_(district_ids))
    if fiscal_year is not None:
        clauses.append(f.fiscal_year == fiscal_year)
    return and_(true(), *clauses)


def list_files(
    conn: Connection,
    *,
    district_ids: list[str] | None,
    fiscal_year: int | None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    f = district_files.c
    rows = conn.execute(
        select(district_files)
        .where(_files_where(district_ids, fiscal_year))
        .order_by(f.fiscal_year.desc(), f.district_id)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return [_file_row(r) for r in rows]


def _count(conn: Connection, table: Any, where: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(where)).scalar_one())


def page_files(
    conn: Connection, *, district_ids: list[str] | None, fiscal_year: int | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of district files (latest year first) and how many the filter admits."""
    items = list_files(conn, district_ids=district_ids, fiscal_year=fiscal_year, limit=limit, offset=offset)
    return items, _count(conn, district_files, _files_where(district_ids, fiscal_year))


def save_registry(conn: Connection, state: Any, events: Sequence[DomainEvent], version: int, at: datetime) -> None:
    """Insert the row a registration adds (resources and helpers are registered once)."""
    for event in events:
        if isinstance(event, LocalResourceRegistered):
            conn.execute(local_resources.insert().values(**row_of(event, local_resources)))
        elif isinstance(event, HelperRegistered):
            conn.execute(district_helpers.insert().values(**row_of(event, district_helpers)))


def _resources_where(district_ids: list[str] | None, kind: str | None, name: str | None) -> Any:
    r = local_resources.c
    clauses: list[Any] = []
    if district_ids is not None:
        clauses.append(r.district_id.in_(district_ids))
    if kind is not None:
        clauses.append(r.kind == kind)
    if name:
        clauses.append(r.name.contains(name, autoescape=True))
    return and_(true(), *clauses)


def list_resources(
    conn: Connection,
    *,
    district_ids: list[str] | None,
    kind: str | None,
    name: str | None,
    limit: int,
    offset: int = 0,
) -> list[dict[str, Any]]:
    r = local_resources.c
    rows = conn.execute(
        select(local_resources)
        .where(_resources_where(district_ids, kind, name))
        .order_by(r.district_id, r.kind, r.name, r.resource_id)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return [dict(x) for x in rows]


def page_resources(
    conn: Connection, *, district_ids: list[str] | None, kind: str | None, name: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of local resources and how many the filter admits."""
    items = list_resources(conn, district_ids=district_ids, kind=kind, name=name, limit=limit, offset=offset)
    return items, _count(conn, local_resources, _resources_where(district_ids, kind, name))


def resources_by_id(conn: Connection, resource_ids: list[str]) -> dict[str, dict[str, Any]]:
    if not resource_ids:
        return {}
    rows = conn.execute(select(local_resources).where(local_resources.c.resource_id.in_(resource_ids))).mappings()
    return {str(x["resource_id"]): dict(x) for x in rows}


def _helpers_where(district_ids: list[str] | None, kind: str | None, resource_id: str | None) -> Any:
    h = district_helpers.c
    clauses: list[Any] = []
    if district_ids is not None:
        clauses.append(h.district_id.in_(district_ids))
    if kind is not None:
        clauses.append(h.kind == kind)
    if resource_id is not None:
        clauses.append(h.resource_id == resource_id)
    return and_(true(), *clauses)


def list_helpers(
    conn: Connection,
    *,
    district_ids: list[str] | None,
    kind: str | None,
    resource_id: str | None,
    limit: int,
    offset: int = 0,
) -> list[dict[str, Any]]:
    h = district_helpers.c
    rows = conn.execute(
        select(district_helpers)
        .where(_helpers_where(district_ids, kind, resource_id))
        .order_by(h.district_id, h.kind, h.name, h.helper_id)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return [dict(x) for x in rows]


def page_helpers(
    conn: Connection,
    *,
    district_ids: list[str] | None,
    kind: str | None,
    resource_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """A page of registered helpers and how many the filter admits."""
    items = list_helpers(
        conn, district_ids=district_ids, kind=kind, resource_id=resource_id, limit=limit, offset=offset
    )
    return items, _count(conn, district_helpers, _helpers_where(district_ids, kind, resource_id))


# --- the monthly district schedule ----------------------------------------------------------------


def save_schedule(
    conn: Connection, state: ScheduleState, events: Sequence[DomainEvent], version: int, at: datetime
) -> None:
    """Insert the scheduled event's row, then keep its coverage and status up to date."""
    if state.event_id is None:
        raise ValueError("only a scheduled event has a row")
    values = {
        "handled_by": ",".join(state.handled_by),
        "declined_by": ",".join(state.declined_by),
        "status": state.status,
        "version": version,
        "updated_at": at.isoformat(),
    }
    for event in events:
        if isinstance(event, DistrictEventScheduled):
            conn.execute(
                district_schedule.insert().values(
                    **row_of(event, district_schedule, month=event.held_on.isoformat()[:7], **values)
                )
            )
            return
    conn.execute(district_schedule.update().where(district_schedule.c.event_id == state.event_id).values(**values))


def _schedule_row(row: Any) -> dict[str, Any]:
    out = dict(row)
    for name in ("handled_by", "declined_by"):
        out[name] = [d for d in str(out[name]).split(",") if d]
    return out


def _schedule_where(month: str | None, district_ids: list[str] | None, status: str | None) -> Any:
    s = district_schedule.c
    clauses: list[Any] = []
    if month is not None:
        clauses.append(s.month == month)
    if district_ids is not None:
        clauses.append(s.district_id.in_(district_ids))
    if status is not None:
        clauses.append(s.status == status)
    return and_(true(), *clauses)


def list_schedule(
    conn: Connection,
    *,
    month: str | None,
    district_ids: list[str] | None,
    status: str | None,
    limit: int,
    offset: int = 0,
) -> list[dict[str, Any]]:
    s = district_schedule.c
    rows = conn.execute(
        select(district_schedule)
        .where(_schedule_where(month, district_ids, status))
        .order_by(s.held_on, s.district_id, s.event_id)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return [_schedule_row(r) for r in rows]


def page_schedule(
    conn: Connection,
    *,
    month: str | None,
    district_ids: list[str] | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int, dict[str, int]]:
    """A page of the schedule, how many events the filter admits and their counts by status."""
    items = list_schedule(conn, month=month, district_ids=district_ids, status=status, limit=limit, offset=offset)
    s = district_schedule.c
    where = _schedule_where(month, district_ids, status)
    counts = {str(k): int(n) for k, n in conn.execute(select(s.status, func.count()).where(where).group_by(s.status))}
    return items, sum(counts.values()), counts
