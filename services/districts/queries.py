"""Districts' queries: one case as a viewer may see it, the district's case list, salons, volunteers.

What residents told the team (the concern, the reporter, visit notes) is special-care data: shown to
district staff (workers and managers: :func:`shared.access.reads_own_records`); others get
``None`` and the field named in ``redacted``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from services.districts.adapters import rows
from services.districts.domain import area as area_domain
from services.districts.domain.errors import AreaNotFound, DistrictCaseNotFound, DistrictFileNotFound, ResourceNotFound
from services.districts.domain.events import (
    OutreachVisitRecorded,
    SalonAttended,
    VolunteerRoleTaken,
    WatchConcernRaised,
    WatchOverEnded,
    WatchOverStarted,
)
from services.districts.handlers import CASE, CASE_FOLD, DEPARTMENT, RESOURCE
from shared.access import reads_own_records
from shared.db import reading
from shared.envelope import Actor
from shared.errors import InvalidCommand
from shared.events import DomainEvent
from shared.pages import page
from shared.service import ServiceKit

__all__ = [
    "area_detail",
    "areas_of_address",
    "case_detail",
    "district_file",
    "list_areas",
    "list_attendance",
    "list_cases",
    "list_district_files",
    "list_helpers",
    "list_resources",
    "list_schedule",
    "list_volunteers",
    "resource_detail",
]


def _sees_details(viewer: Actor) -> bool:
    return reads_own_records(viewer, DEPARTMENT)


def case_detail(kit: ServiceKit, case_id: str, viewer: Actor) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        envelopes = kit.store.read_stream(conn, CASE.stream(case_id))
    state = CASE_FOLD.run(envelopes)
    if state.case_id is None:
        raise DistrictCaseNotFound(f"no district looks after case {case_id!r}", field="case_id")
    shown = _sees_details(viewer)
    events: list[DomainEvent] = [CASE_FOLD.registry.parse(e.type, e.schemaversion, e.data) for e in envelopes]

    def personal(value: str | None) -> str | None:
        return value if shown else None

    watch = state.watch
    watchers: list[dict[str, Any]] = []
    for e in events:
        if isinstance(e, WatchOverStarted):
            watchers = [w.model_dump() for w in e.watchers]
        elif isinstance(e, WatchOverEnded):
            watchers = []
    with reading(kit.engine) as conn:
        areas = _areas(conn)
    return {
        "case_id": state.case_id,
        "district_id": state.district_id,
        "area_path": _path(areas, state.district_id),
        "status": state.status,
        "refused": state.refused,
        "concerns": [
            {
                "concern_id": e.concern_id,
                "reported_by": e.reported_by,
                "reporter": personal(e.reporter),
                "concern": personal(e.concern),
                "referral_id": e.referral_id,
                "raised_at": e.raised_at.isoformat(),
            }
            for e in events
            if isinstance(e, WatchConcernRaised)
        ],
        "visits": [
            {
                "visit_id": e.visit_id,
                "visited_at": e.visited_at.isoformat(),
                "outcome": e.outcome,
                "visitors": list(e.visitors),
                "note": personal(e.note),
            }
            for e in events
            if isinstance(e, OutreachVisitRecorded)
        ],
        "watch_over": None
        if watch is None
        else {
            "watch_id": watch.watch_id,
            "frequency": watch.frequency,
            "approach": watch.approach,
            "started_on": watch.started_on.isoformat(),
            "watchers": watchers,
        },
        "salon_attendance": [
            {
                "salon_name": e.salon_name,
                "attended_on": e.attended_on.isoformat(),
                "first_visit": e.first_visit,
                "resource_id": e.resource_id,
            }
            for e in events
            if isinstance(e, SalonAttended)
        ],
        "volunteer_roles": [
            {
                "role": e.role,
                "activity": e.activity,
                "started_on": e.started_on.isoformat(),
                "resource_id": e.resource_id,
            }
            for e in events
            if isinstance(e, VolunteerRoleTaken)
        ],
        "version": envelopes[-1].streamversion,
        "redacted": [] if shown else ["concerns.reporter", "concerns.concern", "visits.note"],
    }


def list_cases(
    kit: ServiceKit,
    *,
    district_id: str | None,
    status: str | None,
    limit: int,
    offset: int,
    area_id: str | None = None,
) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        within = districts_in(conn, area_id, None)
        items, total, counts = rows.list_cases(
            conn, district_id=district_id, status=status, limit=limit, offset=offset, district_ids=within
        )
        areas = _areas(conn)
    for item in items:
        item["area_path"] = _path(areas, item["district_id"])
    return page(items, total, limit, offset, counts=counts)


def list_attendance(
    kit: ServiceKit,
    *,
    district_id: str | None,
    salon_name: str | None,
    case_id: str | None,
    limit: int,
    resource_id: str | None = None,
) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        items = rows.list_attendance(
            conn, district_id=district_id, salon_name=salon_name, case_id=case_id, limit=limit, resource_id=resource_id
        )
    return {"items": items}


def list_volunteers(
    kit: ServiceKit, *, district_id: str | None, limit: int, resource_id: str | None = None
) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        items = rows.list_volunteers(conn, district_id=district_id, resource_id=resource_id, limit=limit)
    return {"items": items}


# --- areas (圏域) ----------------------------------------------------------------------------------


def _areas(conn: Connection) -> dict[str, dict[str, Any]]:
    return {str(a["area_id"]): a for a in rows.all_areas(conn)}


def _path(areas: dict[str, dict[str, Any]], area_id: str | None) -> list[str]:
    """The ids from the city down to ``area_id`` (empty for an area not defined)."""
    path: list[str] = []
    current = area_id
    while current is not None and current in areas and current not in path:
        path.append(current)
        current = areas[current]["parent_id"]
    return list(reversed(path))


def _view(areas: dict[str, dict[str, Any]], row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "path": _path(areas, str(row["area_id"]))}


def districts_in(conn: Connection, area_id: str | None, district_id: str | None) -> list[str] | None:
    """The district codes a filter admits: one district, every area under ``area_id``, or all (``None``)."""
    if area_id is None:
        return None if district_id is None else [district_id]
    areas = _areas(conn)
    if area_id not in areas:
        raise InvalidCommand(
            f"area_id {area_id!r} is not a defined area (GET /areas)",
            field="area_id",
            reason="unknown_reference",
            ctx={"id": area_id},
        )
    inside = [a for a in areas if area_id in _path(areas, a)]
    return [d for d in inside if d == district_id] if district_id is not None else inside


def list_areas(
    kit: ServiceKit, *, kind: str | None, parent_id: str | None, limit: int = 500, offset: int = 0
) -> dict[str, Any]:
    """A page of the areas in tree order (each area after its parent: by the path from the city)."""
    with reading(kit.engine) as conn:
        areas = _areas(conn)
    items = [
        _view(areas, a)
        for a in areas.values()
        if (kind is None or a["kind"] == kind) and (parent_id is None or a["parent_id"] == parent_id)
    ]
    items.sort(key=lambda a: a["path"])
    return page(items[offset : offset + limit], len(items), limit, offset)


def area_detail(kit: ServiceKit, area_id: str) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        areas = _areas(conn)
    if area_id not in areas:
        raise AreaNotFound(
            f"no area {area_id!r}: define it first (POST /areas)",
            field="area_id",
            reason="unknown_reference",
            ctx={"id": area_id},
        )
    children = [_view(areas, a) for a in areas.values() if a["parent_id"] == area_id]
    return {**_view(areas, areas[area_id]), "children": children}


def areas_of_address(kit: ServiceKit, address: str) -> dict[str, Any]:
    """The area of each kind an address falls in, and the district's path (地区の特定)."""
    normalised = area_domain.normalise_address(address)
    if not normalised:
        raise InvalidCommand(
            "address is required: give an address, e.g. 大和三丁目5-1", field="address", reason="required"
        )
    with reading(kit.engine) as conn:
        areas = _areas(conn)
    matched = area_domain.match_address(normalised, areas.values())
    district_id = matched.get("district_council")
    deepest = district_id or matched.get("community_care") or matched.get("daily_life") or matched.get("city")
    return {
        "address": address,
        "normalised": normalised,
        "areas": matched,
        "district_id": district_id,
        "path": _path(areas, deepest),
    }


# --- district files (地区ファイル) ----------------------------------------------------------------


def _helper_view(row: dict[str, Any], viewer: Actor) -> dict[str, Any]:
    if _sees_details(viewer):
        return {**row, "redacted": []}
    return {**row, "contact": None, "redacted": ["contact"] if row.get("contact") else []}


def list_district_files(
    kit: ServiceKit,
    *,
    district_id: str | None,
    area_id: str | None,
    fiscal_year: int | None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        items, total = rows.page_files(
            conn,
            district_ids=districts_in(conn, area_id, district_id),
            fiscal_year=fiscal_year,
            limit=limit,
            offset=offset,
        )
    return page(items, total, limit, offset)


def district_file(kit: ServiceKit, district_id: str, fiscal_year: int, viewer: Actor) -> dict[str, Any]:
    """地区カルテ: the file's row, the district's path, its registered helpers and resources."""
    with reading(kit.engine) as conn:
        found = rows.list_files(conn, district_ids=[district_id], fiscal_year=fiscal_year)
        areas = _areas(conn)
        helpers = rows.list_helpers(conn, district_ids=[district_id], kind=None, resource_id=None, limit=500)
        resources = rows.list_resources(conn, district_ids=[district_id], kind=None, name=None, limit=500)
    if not found:
        raise DistrictFileNotFound(
            f"district {district_id!r} has no file for fiscal year {fiscal_year}: open it first (POST /district-files)",
            field="fiscal_year",
        )
    return {
        **found[0],
        "district_name": areas.get(district_id, {}).get("name", district_id),
        "area_path": _path(areas, district_id),
        "helpers": [_helper_view(h, viewer) for h in helpers],
        "resources": resources,
    }


# --- the registry (element ⑤) ---------------------------------------------------------------------


def list_resources(
    kit: ServiceKit,
    *,
    district_id: str | None,
    area_id: str | None,
    kind: str | None,
    name: str | None,
    limit: int,
    offset: int = 0,
) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        items, total = rows.page_resources(
            conn,
            district_ids=districts_in(conn, area_id, district_id),
            kind=kind,
            name=name,
            limit=limit,
            offset=offset,
        )
    return page(items, total, limit, offset)


def resource_detail(kit: ServiceKit, resource_id: str, viewer: Actor) -> dict[str, Any]:
    """A resource, whom it serves (counts of what cases recorded) and its registered helpers."""
    with reading(kit.engine) as conn:
        found = rows.resources_by_id(conn, [resource_id])
        version = len(kit.store.read_stream(conn, RESOURCE.stream(resource_id))) if found else 0
        attendance = rows.list_attendance(
            conn, district_id=None, salon_name=None, case_id=None, limit=100_000, resource_id=resource_id
        )
        roles = rows.list_volunteers(conn, district_id=None, resource_id=resource_id, limit=100_000)
        helpers = rows.list_helpers(conn, district_ids=None, kind=None, resource_id=resource_id, limit=500)
    if not found:
        raise ResourceNotFound(f"no registered resource {resource_id!r}", field="resource_id")
    return {
        **found[resource_id],
        "attendances": len(attendance),
        "participants": len({a["case_id"] for a in attendance}),
        "volunteer_roles": len(roles),
        "helpers": [_helper_view(h, viewer) for h in helpers],
        "version": version,
    }


def list_helpers(
    kit: ServiceKit,
    *,
    district_id: str | None,
    area_id: str | None,
    kind: str | None,
    resource_id: str | None,
    limit: int,
    viewer: Actor,
    offset: int = 0,
) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        items, total = rows.page_helpers(
            conn,
            district_ids=districts_in(conn, area_id, district_id),
            kind=kind,
            resource_id=resource_id,
            limit=limit,
            offset=offset,
        )
    return page([_helper_view(h, viewer) for h in items], total, limit, offset)


# --- the monthly district schedule ----------------------------------------------------------------


def list_schedule(
    kit: ServiceKit,
    *,
    month: str | None,
    district_id: str | None,
    area_id: str | None,
    status: str | None,
    limit: int,
    offset: int = 0,
) -> dict[str, Any]:
    """A page of the month's district meetings and events with each department's answer, the total and
    counts by status under the filter."""
    with reading(kit.engine) as conn:
        items, total, counts = rows.page_schedule(
            conn,
            month=month,
            district_ids=districts_in(conn, area_id, district_id),
            status=status,
            limit=limit,
            offset=offset,
        )
    return page(items, total, limit, offset, counts=counts)
