"""The read rows of the monthly activity records (地区活動記録): one row per record, kept up to date
from the record's state after each command; entries and remarks as JSON text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, func, select

from services.districts.adapters.tables import activity_records
from services.districts.domain.activity_record import ActivityRecordState, Remark
from shared.columns import put_row, row_of
from shared.events import DomainEvent
from shared.pages import page_of

__all__ = ["count_by_status", "get_record", "list_records", "save_record"]


def _remark(r: Remark) -> dict[str, Any]:
    return {"kind": r.kind, "step": r.step, "text": r.text, "by": r.by, "by_name": r.by_name, "at": r.at.isoformat()}


def save_record(
    conn: Connection, state: ActivityRecordState, events: Sequence[DomainEvent], version: int, at: datetime
) -> None:
    """Insert the record's row the first time, then replace its values."""
    if state.record_id is None or state.staff_id is None or state.month is None:
        raise ValueError("only a written activity record has a row")
    values = row_of(
        state,
        activity_records,
        entry_count=len(state.entries),
        entries=json.dumps([e.model_dump(mode="json") for e in state.entries], ensure_ascii=False),
        remarks=json.dumps([_remark(r) for r in state.remarks], ensure_ascii=False),
        version=version,
        updated_at=at.isoformat(),
    )
    put_row(conn, activity_records, "record_id", state.record_id, values)


def _row(row: RowMapping) -> dict[str, Any]:
    out = dict(row)
    out["entries"] = json.loads(out["entries"])
    out["remarks"] = json.loads(out["remarks"])
    return out


def get_record(conn: Connection, record_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(activity_records).where(activity_records.c.record_id == record_id)).mappings().first()
    return _row(row) if row is not None else None


def list_records(
    conn: Connection,
    *,
    month: str | None = None,
    staff_id: str | None = None,
    statuses: Sequence[str] | None = None,
    not_staff_id: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Records, newest month first then by author; and how many match in all (for the pager)."""
    t = activity_records.c
    clauses: list[Any] = []
    if month is not None:
        clauses.append(t.month == month)
    if staff_id is not None:
        clauses.append(t.staff_id == staff_id)
    if statuses is not None:
        clauses.append(t.status.in_(list(statuses)))
    if not_staff_id is not None:
        clauses.append(t.staff_id != not_staff_id)
    rows, total = page_of(conn, activity_records, clauses, (t.month.desc(), t.author_name, t.staff_id), limit, offset)
    return [_row(r) for r in rows], total


def count_by_status(conn: Connection, *, month: str) -> dict[str, int]:
    t = activity_records.c
    rows = conn.execute(select(t.status, func.count()).where(t.month == month).group_by(t.status)).all()
    return {str(status): int(n) for status, n in rows}
