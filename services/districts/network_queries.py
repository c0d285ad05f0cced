"""Reads of the district support network and the district desk.

A case's summary at a meeting and a desk consultation's words are special-care data: shown to
district staff (:func:`shared.access.reads_own_records`); others get ``None`` and the field named in
``redacted``.
"""

from __future__ import annotations

from typing import Any

from services.districts.adapters import network as network_rows
from services.districts.domain.errors import NetworkMeetingNotFound, SupportTeamNotFound
from services.districts.handlers import DEPARTMENT
from services.districts.queries import districts_in
from shared.access import reads_own_records
from shared.db import reading
from shared.envelope import Actor
from shared.pages import page
from shared.service import ServiceKit

__all__ = ["list_desk_consultations", "list_meetings", "meeting_detail", "team"]


def _hide(row: dict[str, Any], viewer: Actor, *fields: str) -> dict[str, Any]:
    if reads_own_records(viewer, DEPARTMENT):
        return {**row, "redacted": []}
    hidden = sorted(f for f in fields if row.get(f) not in (None, ""))
    return {**row, **dict.fromkeys(fields), "redacted": hidden}


def team(kit: ServiceKit, district_id: str) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        row = network_rows.team_row(conn, district_id)
    if row is None:
        raise SupportTeamNotFound(
            f"district {district_id!r} has no support team yet: set it (PUT /support-teams/{district_id})",
            field="district_id",
        )
    return row


def list_meetings(
    kit: ServiceKit, *, district_id: str | None, area_id: str | None, month: str | None, limit: int, offset: int
) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        items, total = network_rows.list_meetings(
            conn, district_ids=districts_in(conn, area_id, district_id), month=month, limit=limit, offset=offset
        )
    return page(items, total, limit, offset)


def meeting_detail(kit: ServiceKit, meeting_id: str, viewer: Actor) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        row = network_rows.meeting_row(conn, meeting_id)
        cases = network_rows.list_cases_discussed(conn, meeting_id=meeting_id)
    if row is None:
        raise NetworkMeetingNotFound(f"no network meeting {meeting_id!r}", field="meeting_id")
    shown = [
        _hide(
            {k: c[k] for k in ("discussion_id", "case_id", "basis_kind", "basis_reference", "summary", "next_steps")},
            viewer,
            "summary",
            "next_steps",
        )
        for c in cases
    ]
    return {**row, "cases": shown}


def list_desk_consultations(
    kit: ServiceKit,
    viewer: Actor,
    *,
    district_id: str | None,
    area_id: str | None,
    month: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        items, total = network_rows.list_desk_consultations(
            conn, district_ids=districts_in(conn, area_id, district_id), month=month, limit=limit, offset=offset
        )
    shown = [_hide(item, viewer, "consulter", "summary") for item in items]
    return page(shown, total, limit, offset)
