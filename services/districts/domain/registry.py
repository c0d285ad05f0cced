"""The resource and helper registry (地域資源・担い手の登録, element ⑤): one stream per local resource
(``district-resource-{resource_id}``: salons, meeting places, shops that watch, clubs, classes) and
per helper (``district-helper-{helper_id}``: 民生委員, district volunteers, coordinators).

Each belongs to a district (a district council area, checked by the handler); kinds come from the
code lists (``local_resource_kinds``, ``helper_kinds``). A case's salon attendance and volunteer
role can name a registered resource, so the district sees who its resources serve.

Fold: :func:`apply_resource`, :func:`apply_helper`. Decisions: ``decide_*``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from services.districts.domain.commands import RegisterHelper, RegisterLocalResource
from services.districts.domain.events import HelperRegistered, LocalResourceChanged, LocalResourceRegistered
from shared.checks import optional_text, required_text
from shared.errors import InvalidCommand
from shared.events import DomainEvent, absorb
from shared.reference import CodeLists

__all__ = [
    "HELPER_KINDS",
    "RESOURCE_KINDS",
    "HelperState",
    "ResourceState",
    "apply_helper",
    "apply_resource",
    "decide_register_helper",
    "decide_register_resource",
]

RESOURCE_KINDS = "local_resource_kinds"
HELPER_KINDS = "helper_kinds"


@dataclass(frozen=True)
class ResourceState:
    resource_id: str | None = None
    district_id: str | None = None
    kind: str | None = None
    name: str | None = None
    address: str | None = None
    contact: str | None = None
    serves: str | None = None


@dataclass(frozen=True)
class HelperState:
    helper_id: str | None = None
    district_id: str | None = None
    kind: str | None = None
    name: str | None = None
    resource_id: str | None = None


def apply_resource(state: ResourceState, event: DomainEvent) -> ResourceState:
    if isinstance(event, LocalResourceRegistered):
        return absorb(state, event)
    if isinstance(event, LocalResourceChanged):
        return replace(state, name=event.name, address=event.address, contact=event.contact, serves=event.serves)
    return state


def apply_helper(state: HelperState, event: DomainEvent) -> HelperState:
    if isinstance(event, HelperRegistered):
        return absorb(state, event)
    return state


def decide_register_resource(
    state: ResourceState, cmd: RegisterLocalResource, *, now: datetime, resource_id: str, codes: CodeLists
) -> list[DomainEvent]:
    """地域資源の登録: a known kind and a name."""
    codes.require(RESOURCE_KINDS, cmd.kind, field_name="kind")
    return [
        LocalResourceRegistered.of(
            cmd,
            resource_id=resource_id,
            name=required_text(cmd.name, "name", "the resource's name, e.g. 一色ふれあいサロン"),
            address=optional_text(cmd.address),
            contact=optional_text(cmd.contact),
            serves=optional_text(cmd.serves),
            registered_at=now,
            code_list_version=codes.version,
        )
    ]


def decide_register_helper(
    state: HelperState,
    cmd: RegisterHelper,
    *,
    now: datetime,
    helper_id: str,
    codes: CodeLists,
    resource: ResourceState | None,
) -> list[DomainEvent]:
    """担い手の登録: a known kind, a name; a resource they help in must be of the same district."""
    codes.require(HELPER_KINDS, cmd.kind, field_name="kind")
    if resource is not None and resource.district_id != cmd.district_id:
        raise InvalidCommand(
            f"resource_id {resource.resource_id!r} is in district {resource.district_id!r}, "
            f"not {cmd.district_id!r}: register the helper in the resource's district",
            field="resource_id",
            reason="resource_other_district",
            ctx={"district": resource.district_id or ""},
        )
    return [
        HelperRegistered.of(
            cmd,
            helper_id=helper_id,
            name=required_text(cmd.name, "name", "the helper's name"),
            contact=optional_text(cmd.contact),
            resource_id=resource.resource_id if resource else None,
            registered_at=now,
            code_list_version=codes.version,
        )
    ]
