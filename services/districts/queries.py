"""Districts' queries: one case as a viewer may see it, the district's case list, salons, volunteers.

What residents told the team (the concern, the reporter, visit notes) is special-care data: shown to
district staff (workers and managers: :func:`shared.access.reads_own_records`); others get
``None`` and the field named in ``redacted``.
"""

from __future__ import annotations

from typing import Any

from services.districts.adapters import rows
from services.districts.domain.errors import DistrictCaseNotFound
from services.districts.domain.events import (
    OutreachVisitRecorded,
    SalonAttended,
    VolunteerRoleTaken,
    WatchConcernRaised,
    WatchOverEnded,
    WatchOverStarted,
)
from services.districts.handlers import CASE, CASE_FOLD, DEPARTMENT
from shared.access import reads_own_records
from shared.envelope import Actor
from shared.events import DomainEvent
from shared.service import ServiceKit

__all__ = ["case_detail", "list_attendance", "list_cases", "list_volunteers"]


def _sees_details(viewer: Actor) -> bool:
    return reads_own_records(viewer, DEPARTMENT)


def case_detail(kit: ServiceKit, case_id: str, viewer: Actor) -> dict[str, Any]:
    with kit.engine.connect() as conn:
        envelopes = kit.store.read_stream(conn, CASE.stream(case_id))
        conn.rollback()
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
    return {
        "case_id": state.case_id,
        "district_id": state.district_id,
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
            {"salon_name": e.salon_name, "attended_on": e.attended_on.isoformat(), "first_visit": e.first_visit}
            for e in events
            if isinstance(e, SalonAttended)
        ],
        "volunteer_roles": [
            {"role": e.role, "activity": e.activity, "started_on": e.started_on.isoformat()}
            for e in events
            if isinstance(e, VolunteerRoleTaken)
        ],
        "version": envelopes[-1].streamversion,
        "redacted": [] if shown else ["concerns.reporter", "concerns.concern", "visits.note"],
    }


def list_cases(
    kit: ServiceKit, *, district_id: str | None, status: str | None, limit: int, offset: int
) -> dict[str, Any]:
    with kit.engine.connect() as conn:
        items, total, counts = rows.list_cases(conn, district_id=district_id, status=status, limit=limit, offset=offset)
        conn.rollback()
    return {"items": items, "total": total, "limit": limit, "offset": offset, "counts": counts}


def list_attendance(
    kit: ServiceKit, *, district_id: str | None, salon_name: str | None, case_id: str | None, limit: int
) -> dict[str, Any]:
    with kit.engine.connect() as conn:
        items = rows.list_attendance(conn, district_id=district_id, salon_name=salon_name, case_id=case_id, limit=limit)
        conn.rollback()
    return {"items": items}


def list_volunteers(kit: ServiceKit, *, district_id: str | None, limit: int) -> dict[str, Any]:
    with kit.engine.connect() as conn:
        items = rows.list_volunteers(conn, district_id=district_id, limit=limit)
        conn.rollback()
    return {"items": items}
