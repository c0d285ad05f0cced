"""HTTP routes of later changes and the resource's own page: parse → authorise → handler.

* ``POST /network-meetings/{meeting_id}/issues`` — a district issue (地域課題) raised after the
  network meeting was recorded (If-Match with the meeting's version; 409 when stale).
* ``PUT /resources/{resource_id}`` — a registered resource's facts (name, address, contact, whom it
  serves) as a whole (If-Match; 409 when stale).
* ``GET /resources/{resource_id}/history`` — its registration and changes, who made them and when.
* ``GET /resources/{resource_id}/roles`` — the volunteer roles taken in it (e.g. Mr. T as the
  instructor of the men's cooking class); the case ids only to district staff, and each read of a
  case leaves the access trail (閲覧記録).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from services.districts import amend_handlers as handlers
from services.districts.adapters import amendments as rows
from services.districts.domain.amendments import ChangeLocalResource, RaiseMeetingIssue
from services.districts.domain.errors import ResourceNotFound
from services.districts.edges import Reader, Writer
from services.districts.handlers import DEPARTMENT, RESOURCE
from services.districts.responses import ResourceReply
from shared.access import reads_own_records
from shared.bodies import VersionedBody, examples
from shared.db import reading
from shared.text import Code, Line
from shared.views import View
from shared.web import KitDep

__all__ = ["router"]


router = APIRouter(tags=["network 地区支援チーム・地区支援ネットワーク会議・福祉なんでも相談窓口"])


class LaterIssueBody(VersionedBody):
    """地域課題の追加: a district_issue_categories code, what was raised (no personal details) and the day."""

    model_config = examples(
        {
            "category": "isolation",
            "description": "会議後に民生委員から: 団地の孤立世帯が増えている",
            "raised_on": "2014-05-02",
        }
    )
    category: Code = Field(description="district_issue_categories code: isolation, living_environment...")
    description: str = Field(min_length=1, max_length=2000)
    raised_on: date = Field(description="the day (JST) it was raised; counted in that month's accumulation")


class LaterIssueReply(View):
    meeting_id: str
    district_id: str
    issue_id: str
    version: int


class ResourceChangeBody(VersionedBody):
    """地域資源の変更: the resource's facts as a whole (district and kind stay)."""

    model_config = examples(
        {
            "name": "男の料理教室",
            "address": "一色会館 2階調理室",
            "contact": "地区社協事務局 046-000-0001",
            "serves": "地域の男性高齢者",
            "expected_version": 1,
        }
    )
    name: str = Field(min_length=1, max_length=200)
    address: Line | None = None
    contact: Line | None = None
    serves: Line | None = Field(default=None, description="who the resource serves, e.g. 一人暮らし高齢者")


class ResourceHistoryEntry(View):
    """One step of a resource's record: registered or changed (which fields), when and by whom."""

    step: str = Field(description="registered | changed")
    at: str
    by: str
    by_name: str | None = None
    changed_fields: list[str] = Field(default_factory=list)
    version: int


class ResourceHistory(View):
    resource_id: str
    items: list[ResourceHistoryEntry]


class ResourceRoleRow(View):
    """担い手の役割 taken in the resource; ``case_id`` withheld (null, named in ``redacted``) outside districts."""

    role_id: str
    case_id: str | None = None
    role: str
    activity: str
    started_on: str
    redacted: list[str] = Field(default_factory=list)


class ResourceRoles(View):
    resource_id: str
    items: list[ResourceRoleRow]


@router.post(
    "/network-meetings/{meeting_id}/issues",
    status_code=201,
    summary="地域課題の追加 / raise a district issue on a recorded network meeting (If-Match: the meeting's version)",
    response_model=LaterIssueReply,
)
def raise_issue(meeting_id: str, body: LaterIssueBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = RaiseMeetingIssue.of(body, meeting_id=meeting_id, recorded_by=at.actor.staff_id)
    return at.submit(handlers.raise_issue, kit, cmd, body)


@router.put(
    "/resources/{resource_id}",
    summary="地域資源の変更 / change a resource's name, address, contact, whom it serves (If-Match)",
    response_model=ResourceReply,
    tags=["registry 地域資源・担い手"],
)
def change_resource(resource_id: str, body: ResourceChangeBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = ChangeLocalResource.of(body, resource_id=resource_id, changed_by=at.actor.staff_id)
    return at.submit(handlers.change_resource, kit, cmd, body)


@router.get(
    "/resources/{resource_id}/history",
    summary="地域資源の履歴 / a resource's registration and changes, when and by whom",
    response_model=ResourceHistory,
    tags=["registry 地域資源・担い手"],
)
def resource_history(resource_id: str, kit: KitDep, at: Reader) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        events = kit.store.read_stream(conn, RESOURCE.stream(resource_id))
    if not events:
        raise ResourceNotFound(f"no registered resource {resource_id!r}", field="resource_id")
    items = [
        {
            "step": "registered" if e.type.endswith("Registered") else "changed",
            "at": e.data.get("registered_at") or e.data.get("changed_at") or e.time.isoformat(),
            "by": e.actor.staff_id,
            "by_name": e.actor.name,
            "changed_fields": list(e.data.get("changed_fields") or ()),
            "version": e.streamversion,
        }
        for e in events
    ]
    return at.reply({"resource_id": resource_id, "items": items})


@router.get(
    "/resources/{resource_id}/roles",
    summary="地域資源での担い手の役割 / volunteer roles taken in the resource (cases: district staff only)",
    response_model=ResourceRoles,
    tags=["registry 地域資源・担い手"],
)
def resource_roles(resource_id: str, kit: KitDep, at: Reader) -> dict[str, Any]:
    with reading(kit.engine) as conn:
        known = bool(kit.store.read_stream(conn, RESOURCE.stream(resource_id)))
        found = rows.resource_roles(conn, resource_id)
    if not known:
        raise ResourceNotFound(f"no registered resource {resource_id!r}", field="resource_id")
    own = reads_own_records(at.actor, DEPARTMENT)
    items = [
        {**r, "redacted": []} if own else {**r, "case_id": None, "redacted": ["case_id"]}
        for r in (dict(x, started_on=str(x["started_on"])) for x in found)
    ]
    # the access trail: one read per case shown (``items`` rows with their case ids)
    return at.read(kit, {"resource_id": resource_id, "items": items})
