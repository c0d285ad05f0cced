"""Rows of the later changes (:mod:`services.districts.domain.amendments`): an issue raised after a
network meeting joins the meeting's ``issues`` (with the day it was raised) and its version moves;
a resource's change rewrites its row in ``local_resources``. No new tables."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from services.districts.adapters.network import network_meetings
from services.districts.adapters.tables import local_resources, volunteer_roles
from services.districts.domain.events import LocalResourceChanged, NetworkMeetingIssueRaised
from shared.events import DomainEvent

__all__ = ["resource_roles", "save_meeting_issues", "save_resource_changes"]


def save_meeting_issues(conn: Connection, events: Sequence[DomainEvent], version: int) -> None:
    """Append each raised issue to its meeting's ``issues`` and set the meeting's version."""
    for event in events:
        if not isinstance(event, NetworkMeetingIssueRaised):
            continue
        m = network_meetings.c
        current = conn.execute(select(m.issues).where(m.meeting_id == event.meeting_id)).scalar_one()
        issues = [*json.loads(current), {**event.issue.model_dump(), "raised_on": event.raised_on.isoformat()}]
        conn.execute(
            network_meetings.update()
            .where(m.meeting_id == event.meeting_id)
            .values(issues=json.dumps(issues, ensure_ascii=False), version=version)
        )


def save_resource_changes(conn: Connection, events: Sequence[DomainEvent]) -> None:
    """Rewrite a changed resource's row (name, address, contact, whom it serves)."""
    for event in events:
        if isinstance(event, LocalResourceChanged):
            conn.execute(
                local_resources.update()
                .where(local_resources.c.resource_id == event.resource_id)
                .values(name=event.name, address=event.address, contact=event.contact, serves=event.serves)
            )


def resource_roles(conn: Connection, resource_id: str, limit: int = 200) -> list[dict[str, Any]]:
    """The volunteer roles taken in a resource (担い手の役割: e.g. the instructor of the class), oldest first."""
    v = volunteer_roles.c
    rows = conn.execute(
        select(v.role_id, v.case_id, v.role, v.activity, v.started_on)
        .where(v.resource_id == resource_id)
        .order_by(v.started_on, v.role_id)
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows]
