"""Reporting's queries: read models folded from the archive."""

from __future__ import annotations

from datetime import datetime

from services.reporting.adapters import archive
from services.reporting.contracts import personal_fields
from services.reporting.domain.case_view import CaseView, build_case_view
from shared.envelope import Actor
from shared.errors import NotFound
from shared.service import ServiceKit


def case_view(kit: ServiceKit, case_id: str, viewer: Actor, as_of: datetime | None = None) -> CaseView:
    with kit.engine.connect() as conn:
        ids = archive.case_group(conn, case_id)
        events = archive.events_for_cases(conn, ids)
        conn.rollback()
    if not events:
        raise NotFound(f"no events are recorded for case {case_id}: check the person or household id")
    return build_case_view(case_id, ids, events, viewer=viewer, personal_fields=personal_fields, as_of=as_of)
