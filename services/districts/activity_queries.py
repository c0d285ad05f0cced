"""Read models of the monthly activity records (地区活動記録): one record, the author's own, the
approver's queue (records waiting for my step) and the staff meeting's month (職員会議)."""

from __future__ import annotations

from typing import Any

from services.districts.adapters import activity_rows
from services.districts.domain.activity_record import STATUSES
from services.districts.domain.errors import ActivityRecordNotFound
from shared.db import reading
from shared.envelope import Actor
from shared.pages import page
from shared.service import ServiceKit

__all__ = ["STEP_OF_ROLE", "get_record", "list_mine", "list_month", "queue"]

STEP_OF_ROLE = {"manager": "manager", "director": "director"}
"""The approval step a role takes: 地域福祉課長 (a districts manager), then 局長 (the director)."""
_WAITING = {"submitted": "manager", "manager_approved": "director"}
_STATUS_WAITING = {step: status for status, step in _WAITING.items()}


def _view(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "waiting_for": _WAITING.get(row["status"])}


def _page(items: list[dict[str, Any]], total: int, limit: int, offset: int, **extra: Any) -> dict[str, Any]:
    return page([_view(r) for r in items], total, limit, offset, **extra)


def get_record(kit: ServiceKit, record_id: str) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        row = activity_rows.get_record(conn, record_id)
    if row is None:
        raise ActivityRecordNotFound(f"no activity record {record_id!r}", field="record_id")
    return _view(row)


def list_mine(kit: ServiceKit, viewer: Actor, *, month: str | None, limit: int, offset: int) -> dict[str, Any]:
    """My records (newest month first), with the remarks the approvers left."""
    with reading(kit.engine) as conn:
        items, total = activity_rows.list_records(
            conn, staff_id=viewer.staff_id, month=month, limit=limit, offset=offset
        )
    return _page(items, total, limit, offset)


def queue(kit: ServiceKit, viewer: Actor, *, limit: int, offset: int) -> dict[str, Any]:
    """The records waiting for the viewer's step (課長: submitted; 局長: approved by a 課長), not their own."""
    step = STEP_OF_ROLE.get(viewer.role)
    statuses = [_STATUS_WAITING[step]] if step else []
    with reading(kit.engine) as conn:
        items, total = activity_rows.list_records(
            conn, statuses=statuses, not_staff_id=viewer.staff_id, limit=limit, offset=offset
        )
    return _page(items, total, limit, offset)


def list_month(kit: ServiceKit, *, month: str, status: str | None, limit: int, offset: int) -> dict[str, Any]:
    """職員会議: the month's records of all district staff with their status and remarks, and the
    counts by status (every status named, zero included)."""
    with reading(kit.engine) as conn:
        items, total = activity_rows.list_records(
            conn, month=month, statuses=[status] if status else None, limit=limit, offset=offset
        )
        counts = activity_rows.count_by_status(conn, month=month)
    return _page(items, total, limit, offset, month=month, counts={s: counts.get(s, 0) for s in STATUSES})
