"""Handlers of the later changes (:mod:`services.districts.domain.amendments`), each one unit of work:

* :func:`raise_issue` — a district issue (地域課題) added to a recorded network meeting, on its
  ``district-meeting-{meeting_id}`` stream (If-Match checks the meeting's version; 409 when stale).
* :func:`change_resource` — a registered resource's facts edited, on its
  ``district-resource-{resource_id}`` stream (If-Match; 409 when stale).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from services.districts.adapters import amendments as rows
from services.districts.domain import amendments
from services.districts.handlers import RESOURCE
from services.districts.network_handlers import MEETING
from shared.commands import Aggregate, CommandContext, execute_in
from shared.dates import local_date
from shared.events import DomainEvent
from shared.reference import load_code_lists
from shared.service import ServiceKit
from shared.uow import UnitOfWork

__all__ = ["change_resource", "raise_issue"]


def _project_issue(uow: UnitOfWork, _state: Any, events: Sequence[DomainEvent], version: int) -> None:
    rows.save_meeting_issues(uow.conn, events, version)


def _project_change(uow: UnitOfWork, _state: Any, events: Sequence[DomainEvent], _version: int) -> None:
    rows.save_resource_changes(uow.conn, events)


MEETING_ISSUES: Aggregate[Any] = replace(MEETING, project=_project_issue)
RESOURCE_CHANGES: Aggregate[Any] = replace(RESOURCE, project=_project_change)


def raise_issue(kit: ServiceKit, ctx: CommandContext, cmd: amendments.RaiseMeetingIssue) -> dict[str, Any]:
    """会議後の地域課題の追加."""
    issue_id = kit.uow.ids()
    with kit.uow(ctx.actor, correlation_id=ctx.correlation_id, causation_id=ctx.causation_id) as uow:
        outcome = execute_in(
            uow,
            ctx,
            MEETING_ISSUES,
            cmd.meeting_id,
            lambda s, u: amendments.decide_raise_issue(
                s, cmd, now=u.now(), today=local_date(u.now()), issue_id=issue_id, codes=load_code_lists()
            ),
        )
        uow.commit()
    return outcome.reply("meeting_id", "district_id", issue_id=issue_id)


def change_resource(kit: ServiceKit, ctx: CommandContext, cmd: amendments.ChangeLocalResource) -> dict[str, Any]:
    """地域資源の変更."""
    with kit.uow(ctx.actor, correlation_id=ctx.correlation_id, causation_id=ctx.causation_id) as uow:
        outcome = execute_in(
            uow,
            ctx,
            RESOURCE_CHANGES,
            cmd.resource_id,
            lambda s, u: amendments.decide_change_resource(s, cmd, now=u.now()),
        )
        uow.commit()
    return outcome.reply("resource_id", "district_id", "kind", "name")
