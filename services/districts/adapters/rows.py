"""District rows: the case row from the folded state, attendance and roles appended from events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select, true

from services.districts.adapters.tables import district_cases, salon_attendance, volunteer_roles
from services.districts.domain.district_case import DistrictCaseState
from services.districts.domain.events import SalonAttended, VolunteerRoleTaken
from shared.columns import row_of
from shared.events import DomainEvent

__all__ = ["list_attendance", "list_cases", "list_volunteers", "save"]


def save(conn: Connection, state: DistrictCaseState, events: Sequence[DomainEvent], version: int, at: datetime) -> None:
    """Write the case's row from the state after ``version`` and the rows the new ``events`` add."""
    if state.case_id is None or state.district_id is None:
        raise ValueError("only a case with a district has rows")
    last = max(state.visits, key=lambda v: v.visited_at) if state.visits else None
    values: dict[str, Any] = {
        "district_id": state.district_id,
        "status": state.status,
        "reported_by": state.reported_by,
        "referral_ids": ",".join(state.referral_ids),
        "concerns": state.concerns,
        "visit_count": len(state.visits),
        "last_visit_outcome": last.outcome if last else None,
        "last_visited_at": last.visited_at.isoformat() if last else None,
        "refused": state.refused,
        "watch_frequency": state.watch.frequency if state.watch else None,
        "watch_approach": state.watch.approach if state.watch else None,
        "watch_started_on": state.watch.started_on.isoformat() if state.watch else None,
        "version": version,
        "updated_at": at.isoformat(),
    }
    updated = conn.execute(district_cases.update().where(district_cases.c.case_id == state.case_id).values(**values))
    if updated.rowcount == 0:
        conn.execute(district_cases.insert().values(case_id=state.case_id, **values))
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
    conn: Connection, *, district_id: str | None, status: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int, dict[str, int]]:
    """A page of cases (most recently changed first), the total and counts by status under the filter."""
    c = district_cases.c
    clauses: list[Any] = []
    if district_id is not None:
        clauses.append(c.district_id == district_id)
    if status is not None:
        clauses.append(c.status == status)
    where = and_(true(), *clauses)
    total = conn.execute(select(func.count()).select_from(district_cases).where(where)).scalar_one()
    rows = conn.execute(
        select(district_cases).where(where).order_by(c.updated_at.desc(), c.case_id).limit(limit).offset(offset)
    ).mappings()
    counts = {str(s): int(n) for s, n in conn.execute(select(c.status, func.count()).where(where).group_by(c.status))}
    return [_case_row(r) for r in rows], int(total), counts


def list_attendance(
    conn: Connection, *, district_id: str | None, salon_name: str | None, case_id: str | None, limit: int
) -> list[dict[str, Any]]:
    s = salon_attendance.c
    clauses: list[Any] = []
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


def list_volunteers(conn: Connection, *, district_id: str | None, limit: int) -> list[dict[str, Any]]:
    v = volunteer_roles.c
    where = and_(true(), v.district_id == district_id) if district_id is not None else true()
    rows = conn.execute(select(volunteer_roles).where(where).order_by(v.started_on, v.role_id).limit(limit)).mappings()
    return [dict(r) for r in rows]
