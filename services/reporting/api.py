"""Reporting's HTTP routes: parse, authorise, query, map errors (shared.web does the mapping)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.reporting import handlers
from services.reporting.domain.case_view import CaseView
from shared.auth import CurrentActor
from shared.service import ServiceKit

router = APIRouter(tags=["cases"])


def _kit(request: Request) -> ServiceKit:
    kit: ServiceKit = request.app.state.kit
    return kit


@router.get(
    "/cases/{case_id}",
    response_model=CaseView,
    summary="ケースの全体像: one case's timeline across departments",
)
def get_case(
    case_id: str,
    request: Request,
    actor: CurrentActor,
    as_of: Annotated[datetime | None, Query(description="show the case as it stood at this moment")] = None,
) -> CaseView:
    return handlers.case_view(_kit(request), case_id, actor, as_of)
