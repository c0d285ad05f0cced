"""Reporting's own events: every read of a case is a fact (閲覧記録)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from shared.events import DomainEvent, EventRegistry

__all__ = ["REPORTING_EVENTS", "CaseViewed"]


class CaseViewed(DomainEvent):
    """閲覧記録: a staff member read a case view (who, when, which case, why, as of when)."""

    event_type: ClassVar[str] = "reporting.CaseViewed"

    case_id: str
    case_ids: tuple[str, ...]
    purpose: str
    as_of: datetime | None
    viewed_at: datetime
    viewer_id: str
    viewer_department: str
    viewer_role: str
    redacted_entries: int
    entries: int


REPORTING_EVENTS = EventRegistry([CaseViewed])
