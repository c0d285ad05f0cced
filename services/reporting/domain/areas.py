"""Who and what belongs to which area (圏域): pure folds for the statistics per area and the case view.

Areas come from districts' ``AreaDefined`` / ``AreaAddressesChanged`` (the latest prefixes of an
area win); registered people and households from the registry events (``registry.*``): a person's
address is their latest own address, else the address of a household they live in (joined, not
left). An address falls in areas by the one rule districts uses (:func:`shared.areas.match_address`:
per kind, the longest prefix, NFKC); an area also holds what its sub-areas hold (a district council
area lies in its daily-life area, which lies in the city).

Everything is recomputed from the facts on each read, so an address typed before its area was
defined is placed once the area exists, and a change of prefixes or of an address moves people at
once. Addresses are personal data (要配慮個人情報): they are read here and never leave — callers
show only area ids, names and counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from shared.areas import match_address

__all__ = [
    "ADDRESS_FACTS",
    "AREA_KINDS",
    "Area",
    "AreaFigures",
    "CaseArea",
    "Registry",
    "ResourceItem",
    "SameGroups",
    "area_figures",
    "areas_of_address",
    "case_areas",
    "fold_areas",
    "fold_registry",
]

AREA_KINDS = ("city", "daily_life", "district_council", "community_care")

ADDRESS_FACTS = frozenset(
    {
        "registry.PersonRegistered",
        "registry.PersonDetailsCorrected",
        "registry.HouseholdRegistered",
        "registry.MemberJoinedHousehold",
        "registry.MemberLeftHousehold",
    }
)
"""The registry events that decide where a person or household lives."""


@dataclass(frozen=True)
class Area:
    area_id: str
    kind: str
    name: str
    parent_id: str | None
    address_prefixes: tuple[str, ...]

    def as_match(self) -> dict[str, object]:
        return {"area_id": self.area_id, "kind": self.kind, "address_prefixes": self.address_prefixes}


def fold_areas(
    defined: Iterable[tuple[str, str, str | None]],
    prefixes: Iterable[tuple[str, str | None, Sequence[str]]],
) -> dict[str, Area]:
    """The areas: ``defined`` = (area id, kind, parent id) in event order (the first definition
    wins, as districts refuses a second); ``prefixes`` = (area id, name or None, prefixes) in event
    order (the name of the definition, the latest prefixes)."""
    kinds: dict[str, tuple[str, str | None]] = {}
    for area_id, kind, parent_id in defined:
        kinds.setdefault(area_id, (kind, parent_id))
    names: dict[str, str] = {}
    latest: dict[str, tuple[str, ...]] = {}
    for area_id, name, given in prefixes:
        if name and area_id not in names:
            names[area_id] = name
        latest[area_id] = tuple(str(p) for p in given)
    return {
        area_id: Area(area_id, kind, names.get(area_id, area_id), parent_id, latest.get(area_id, ()))
        for area_id, (kind, parent_id) in kinds.items()
    }


def areas_of_address(address: str | None, areas: Mapping[str, Area]) -> dict[str, str]:
    """``{kind: area id}`` of every area an address lies in: the areas its prefixes match, and the
    areas above those (a kind matched directly wins over one reached through a sub-area)."""
    if not address:
        return {}
    found = match_address(address, [a.as_match() for a in areas.values()])
    for area_id in sorted(found.values()):
        seen: set[str] = set()
        parent = areas[area_id].parent_id if area_id in areas else None
        while parent is not None and parent in areas and parent not in seen:
            seen.add(parent)
            found.setdefault(areas[parent].kind, parent)
            parent = areas[parent].parent_id
    return found


def _above(area_id: str, areas: Mapping[str, Area]) -> dict[str, str]:
    """``{kind: area id}`` of an area and the areas above it."""
    out: dict[str, str] = {}
    current: str | None = area_id
    while current is not None and current in areas and areas[current].kind not in out:
        out[areas[current].kind] = current
        current = areas[current].parent_id
    return out


# -- the registry: where people and households live -----------------------------------------------


@dataclass
class Registry:
    """Addresses of the registered people and households (latest first by fact order)."""

    people: dict[str, str | None] = field(default_factory=dict)
    households: dict[str, str | None] = field(default_factory=dict)
    homes: dict[str, dict[str, int]] = field(default_factory=dict)  # person -> household -> order joined
    order: dict[str, int] = field(default_factory=dict)  # person -> order of their latest address

    def address_of_person(self, person_id: str) -> str | None:
        own = self.people.get(person_id)
        if own:
            return own
        for household_id, _ in sorted(self.homes.get(person_id, {}).items(), key=lambda kv: -kv[1]):
            if self.households.get(household_id):
                return self.households[household_id]
        return None


def fold_registry(facts: Iterable[tuple[str, Mapping[str, Any]]]) -> Registry:
    """Fold registry facts (type, data) in event order into addresses and household membership."""
    reg = Registry()
    for n, (kind, data) in enumerate(facts):
        if kind == "registry.PersonRegistered":
            pid = str(data["person_id"])
            reg.people[pid] = _text(data.get("address"))
            reg.order[pid] = n
        elif kind == "registry.PersonDetailsCorrected":
            pid = str(data["person_id"])
            reg.people.setdefault(pid, None)
            if "address" in (data.get("cleared_fields") or ()):
                reg.people[pid] = None
                reg.order[pid] = n
            elif _text(data.get("address")):
                reg.people[pid] = _text(data.get("address"))
                reg.order[pid] = n
        elif kind == "registry.HouseholdRegistered":
            reg.households[str(data["household_id"])] = _text(data.get("address"))
        elif kind == "registry.MemberJoinedHousehold":
            reg.homes.setdefault(str(data["person_id"]), {})[str(data["household_id"])] = n
        elif kind == "registry.MemberLeftHousehold":
            reg.homes.get(str(data["person_id"]), {}).pop(str(data["household_id"]), None)
    return reg


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


class SameGroups:
    """Ids that are one case (``same`` links: a duplicate person record, a provisional case id)."""

    def __init__(self, edges: Iterable[tuple[str, str]]) -> None:
        self._parent: dict[str, str] = {}
        for a, b in edges:
            ra, rb = self.root(a), self.root(b)
            if ra != rb:
                self._parent[max(ra, rb)] = min(ra, rb)

    def root(self, x: str) -> str:
        while x in self._parent:
            x = self._parent[x]
        return x


# -- the figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceItem:
    """A registered resource (地域資源) or helper (担い手): its district, and for a resource its
    address (a public place, not personal data), for a helper the resource it works in."""

    category: str  # resource | helper
    item_id: str
    district_id: str
    address: str | None = None
    resource_id: str | None = None


FIGURES = ("people", "households", "open_cases", "open_consultations", "resources", "helpers")


@dataclass
class AreaFigures:
    """Per area id (and ``None``: 住所が圏域に当たらない), a counter of :data:`FIGURES`."""

    by_area: dict[str | None, Counter[str]]
    without_address: Counter[str]


def area_figures(
    kind: str,
    areas: Mapping[str, Area],
    registry: Registry,
    groups: SameGroups,
    open_consultations: Iterable[tuple[str, str]],
    items: Iterable[ResourceItem],
) -> AreaFigures:
    """The figures of every area of ``kind``: registered people (a person's duplicate records count
    once), households, open cases and consultations (of the people and households placed there),
    resources and helpers (by their district, else a resource by its address and a helper by its
    resource). What no area of the kind holds counts under ``None``."""
    by_area: dict[str | None, Counter[str]] = {a.area_id: Counter() for a in areas.values() if a.kind == kind}
    by_area[None] = Counter()
    without = Counter[str]()
    placed: dict[str, str | None] = {}  # person / household / case root -> area of the kind

    def add(area_id: str | None, figure: str) -> None:
        by_area.setdefault(area_id, Counter())[figure] += 1

    # People: one per group of same-linked records; the group's latest address.
    best: dict[str, tuple[tuple[bool, int, str], str | None]] = {}
    for pid in registry.people:
        root = groups.root(pid)
        address = registry.address_of_person(pid)
        rank = (address is not None, registry.order.get(pid, -1), pid)
        if root not in best or rank > best[root][0]:
            best[root] = (rank, address)
    for root, ((_, _, pid), address) in sorted(best.items()):
        area_id = areas_of_address(address, areas).get(kind)
        placed[root] = area_id
        placed[pid] = area_id
        add(area_id, "people")
        if not address:
            without["people"] += 1
    for household_id, address in sorted(registry.households.items()):
        area_id = areas_of_address(address, areas).get(kind)
        placed[groups.root(household_id)] = area_id
        placed.setdefault(household_id, area_id)
        add(area_id, "households")
        if not address:
            without["households"] += 1

    cases: dict[str, str | None] = {}
    for _consultation_id, case_id in open_consultations:
        root = groups.root(case_id)
        area_id = placed.get(root, placed.get(case_id))
        add(area_id, "open_consultations")
        cases[root] = area_id
    for area_id in cases.values():
        add(area_id, "open_cases")

    resource_area: dict[str, str | None] = {}
    helpers: list[ResourceItem] = []
    for item in items:
        if item.category == "helper":
            helpers.append(item)
            continue
        area_id = _above(item.district_id, areas).get(kind) or areas_of_address(item.address, areas).get(kind)
        resource_area[item.item_id] = area_id
        add(area_id, "resources")
    for item in helpers:
        area_id = _above(item.district_id, areas).get(kind)
        if area_id is None and item.resource_id is not None:
            area_id = resource_area.get(item.resource_id)
        add(area_id, "helpers")
    return AreaFigures(by_area=by_area, without_address=without)


# -- the case view ---------------------------------------------------------------------------


class CaseArea(BaseModel):
    """An area (圏域) the case's person or household lives in."""

    area_id: str
    kind: str
    name: str


def case_areas(
    case_id: str,
    case_ids: Iterable[str],
    facts: Iterable[tuple[str, Mapping[str, Any], Iterable[str]]],
    areas: Mapping[str, Area],
) -> list[CaseArea]:
    """The areas of a case, from the registry facts ``(type, data, redacted fields)`` of its timeline
    as the viewer sees it: an address withheld from the viewer places nobody. The case's own record
    decides (the person, else the household), else the first of its ids that has an address."""
    registry = fold_registry(
        (kind, {k: v for k, v in data.items() if k not in set(redacted)})
        for kind, data, redacted in facts
        if kind in ADDRESS_FACTS
    )
    address: str | None = None
    for candidate in (case_id, *sorted(set(case_ids) - {case_id})):
        address = registry.address_of_person(candidate) or registry.households.get(candidate)
        if address:
            break
    placed = areas_of_address(address, areas)
    order = {kind: n for n, kind in enumerate(AREA_KINDS)}
    return [
        CaseArea(area_id=area_id, kind=kind, name=areas[area_id].name)
        for kind, area_id in sorted(placed.items(), key=lambda kv: order.get(kv[0], len(order)))
        if area_id in areas
    ]
