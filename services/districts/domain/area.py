"""The area aggregate (圏域): one stream per area, ``district-area-{area_id}``.

Areas are a hierarchy kept as data: the city (市町村) → daily-life areas (日常生活圏域) → district
council areas (地区社協) and community-care areas (地域包括支援センターの圏域), each kind under the
kind :data:`~.values.AREA_PARENT` names. A district council area's id is the district code that
cases, resources and district files already carry (``yamato-3chome``), so existing records find
their area without being rewritten. An area lists the address prefixes (町名・丁目) that fall in it;
an address maps to the area whose prefix is the longest that begins it (:func:`match_address`,
kept in :mod:`shared.areas` so that reporting places people by the same rule).

Fold: :func:`apply`. Decision: :func:`decide_define_area` (the parent's state is read by the handler).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from services.districts.domain.commands import ChangeAreaAddresses, DefineArea
from services.districts.domain.events import AreaAddressesChanged, AreaDefined
from services.districts.domain.values import AREA_PARENT
from shared.areas import match_address, normalise_address
from shared.checks import required_text
from shared.errors import InvalidCommand
from shared.events import DomainEvent, Replay, absorb

__all__ = [
    "AREA_ID",
    "AreaState",
    "apply",
    "decide_change_addresses",
    "decide_define_area",
    "match_address",
    "normalise_address",
    "replay_state",
]

AREA_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
"""An area id is a code like a district code: lower-case letters, digits, '-' or '_'."""


@dataclass(frozen=True)
class AreaState:
    """An area; ``AreaState()`` is a stream with no events yet."""

    area_id: str | None = None
    kind: str | None = None
    name: str | None = None
    parent_id: str | None = None
    address_prefixes: tuple[str, ...] = ()


def apply(state: AreaState, event: DomainEvent) -> AreaState:
    if isinstance(event, AreaDefined):
        return absorb(state, event)
    if isinstance(event, AreaAddressesChanged):
        return replace(state, address_prefixes=event.address_prefixes)
    return state


def decide_define_area(
    state: AreaState, cmd: DefineArea, *, parent: AreaState | None, now: datetime
) -> list[DomainEvent]:
    """圏域の設定: a code id, a name, the right kind of parent (none for the city), distinct prefixes."""
    if not AREA_ID.match(cmd.area_id):
        raise InvalidCommand(
            f"area_id {cmd.area_id!r} is not an area code: lower-case letters, digits, '-' or '_' "
            "(a district council area uses its district code)",
            field="area_id",
            reason="code_format",
        )
    wanted = AREA_PARENT[cmd.kind]
    if wanted is None and cmd.parent_id:
        raise InvalidCommand(
            "a city is the top of the hierarchy: give no parent_id", field="parent_id", reason="area_top"
        )
    if wanted is not None:
        if not cmd.parent_id:
            raise InvalidCommand(
                f"parent_id is required: a {cmd.kind} area lies in a {wanted} area",
                field="parent_id",
                reason="required",
            )
        if parent is None or parent.kind != wanted:
            raise InvalidCommand(
                f"parent_id {cmd.parent_id!r} is a {parent.kind if parent else 'missing'} area: "
                f"a {cmd.kind} area lies in a {wanted} area",
                field="parent_id",
                reason="area_parent",
                ctx={"kind": cmd.kind, "wanted": wanted},
            )
    prefixes = _prefixes(cmd.address_prefixes)
    return [
        AreaDefined.of(
            cmd,
            name=required_text(cmd.name, "name", "the area's name, e.g. 大和三丁目地区"),
            parent_id=cmd.parent_id or None,
            address_prefixes=prefixes,
            defined_at=now,
        )
    ]


def _prefixes(given: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalise_address(p) for p in given if p.strip()))


def decide_change_addresses(state: AreaState, cmd: ChangeAreaAddresses, *, now: datetime) -> list[DomainEvent]:
    """住所範囲の変更: a different list of prefixes (an unchanged one records nothing new: refused)."""
    prefixes = _prefixes(cmd.address_prefixes)
    if prefixes == state.address_prefixes:
        raise InvalidCommand(
            "address_prefixes are the area's prefixes already: send the new list",
            field="address_prefixes",
            reason="nothing_changed",
        )
    return [AreaAddressesChanged.of(cmd, address_prefixes=prefixes, changed_at=now)]


replay_state = Replay(AreaState, apply)
