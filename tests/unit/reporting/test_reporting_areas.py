"""Who belongs to which area (圏域): the pure folds behind the statistics per area and the case view."""

from __future__ import annotations

from typing import Any

import pytest

from services.reporting import district_handlers
from services.reporting.domain.areas import (
    Area,
    ResourceItem,
    SameGroups,
    area_figures,
    areas_of_address,
    case_areas,
    fold_areas,
    fold_registry,
)
from shared.areas import match_address, normalise_address
from shared.envelope import Actor
from shared.errors import Forbidden, InvalidCommand

Fact = tuple[str, dict[str, Any], list[str]]

AREAS = fold_areas(
    [
        ("city", "city", None),
        ("north", "daily_life", "city"),
        ("D1", "district_council", "north"),
        ("D2", "district_council", "north"),
        ("hokatsu-n", "community_care", "north"),
    ],
    [
        ("city", "海老名市", ()),
        ("north", "北部", ()),
        ("D1", "大和三丁目地区", ("大和三丁目", "大和3丁目")),
        ("D2", "大和地区", ("大和",)),
        ("D1", None, ("大和三丁目", "大和3丁目", "上郷")),  # AreaAddressesChanged: the latest list wins
        ("hokatsu-n", "北部包括", ("大和",)),
    ],
)


def _person(pid: str, address: str | None) -> tuple[str, dict[str, Any]]:
    return "registry.PersonRegistered", {"person_id": pid, "address": address}


def test_the_shared_rule_is_the_longest_prefix_per_kind_after_nfkc() -> None:
    assert normalise_address(" 大和３丁目　5-1 ") == "大和3丁目5-1"
    rows = [a.as_match() for a in AREAS.values()]
    assert match_address("大和３丁目 5-1", rows) == {"district_council": "D1", "community_care": "hokatsu-n"}
    assert match_address("", rows) == {}


def test_areas_keep_their_first_name_and_latest_prefixes_and_places_climb_to_the_city() -> None:
    assert AREAS["D1"] == Area("D1", "district_council", "大和三丁目地区", "north", ("大和三丁目", "大和3丁目", "上郷"))
    assert areas_of_address("上郷1-2", AREAS) == {
        "district_council": "D1",
        "daily_life": "north",
        "city": "city",
    }
    assert areas_of_address("大和一丁目", AREAS)["district_council"] == "D2"
    assert areas_of_address("綾瀬市", AREAS) == {}
    assert areas_of_address(None, AREAS) == {}


def test_a_person_lives_at_their_latest_address_else_at_their_household() -> None:
    reg = fold_registry(
        [
            _person("P1", "大和三丁目1"),
            ("registry.PersonDetailsCorrected", {"person_id": "P1", "address": "大和一丁目2", "reason": "転居"}),
            _person("P2", None),
            ("registry.HouseholdRegistered", {"household_id": "H1", "address": "上郷5"}),
            ("registry.MemberJoinedHousehold", {"household_id": "H1", "person_id": "P2"}),
            _person("P3", "大和三丁目9"),
            ("registry.PersonDetailsCorrected", {"person_id": "P3", "cleared_fields": ["address"], "reason": "x"}),
            ("registry.MemberJoinedHousehold", {"household_id": "H1", "person_id": "P3"}),
            ("registry.MemberLeftHousehold", {"household_id": "H1", "person_id": "P3"}),
        ]
    )
    assert reg.address_of_person("P1") == "大和一丁目2"
    assert reg.address_of_person("P2") == "上郷5"
    assert reg.address_of_person("P3") is None


def test_figures_per_area_count_duplicates_once_and_name_what_no_area_holds() -> None:
    reg = fold_registry(
        [
            _person("A", "大和三丁目2-1"),  # Mrs. A
            _person("A-dup", None),
            _person("B", "大和一丁目"),
            _person("C", "綾瀬市"),  # no area
            _person("D", None),  # no address
            ("registry.HouseholdRegistered", {"household_id": "H1", "address": "大和３丁目2-1"}),
            ("registry.HouseholdRegistered", {"household_id": "H2", "address": None}),
        ]
    )
    groups = SameGroups([("A", "A-dup"), ("A", "prov-1")])
    items = [
        ResourceItem("resource", "r1", "D1", "どこか"),
        ResourceItem("resource", "r2", "elsewhere", "大和二丁目"),  # its district is no area: by address
        ResourceItem("helper", "h1", "D1"),
        ResourceItem("helper", "h2", "elsewhere", resource_id="r2"),
        ResourceItem("helper", "h3", "elsewhere"),
    ]
    open_ = [("c1", "prov-1"), ("c2", "A"), ("c3", "H1"), ("c4", "C")]
    districts = area_figures("district_council", AREAS, reg, groups, open_, items)
    d1, d2, none = (districts.by_area[k] for k in ("D1", "D2", None))
    assert (d1["people"], d1["households"], d1["open_cases"], d1["open_consultations"]) == (1, 1, 2, 3)
    assert (d1["resources"], d1["helpers"]) == (1, 1)
    assert (d2["people"], d2["resources"], d2["helpers"]) == (1, 1, 1)
    assert (none["people"], none["households"], none["open_cases"], none["helpers"]) == (2, 1, 1, 1)
    assert dict(districts.without_address) == {"people": 1, "households": 1}
    north = area_figures("daily_life", AREAS, reg, groups, open_, items).by_area["north"]
    assert (north["people"], north["households"], north["resources"], north["helpers"]) == (2, 1, 2, 2)
    care = area_figures("community_care", AREAS, reg, groups, open_, items).by_area["hokatsu-n"]
    assert (care["people"], care["resources"], care["helpers"]) == (2, 1, 1)  # r1's address is in no area


def test_the_case_view_places_the_person_by_the_address_the_viewer_sees() -> None:
    facts: list[Fact] = [("registry.PersonRegistered", {"person_id": "A", "address": "大和3丁目2-1"}, [])]
    assert [(a.kind, a.area_id, a.name) for a in case_areas("A", ["A"], facts, AREAS)] == [
        ("city", "city", "海老名市"),
        ("daily_life", "north", "北部"),
        ("district_council", "D1", "大和三丁目地区"),
        ("community_care", "hokatsu-n", "北部包括"),
    ]
    withheld = [("registry.PersonRegistered", {"person_id": "A", "address": "［非開示］"}, ["address"])]
    assert case_areas("A", ["A"], withheld, AREAS) == []
    household: list[Fact] = [("registry.HouseholdRegistered", {"household_id": "H1", "address": "大和一丁目"}, [])]
    assert [a.area_id for a in case_areas("A", ["A", "H1"], household, AREAS)] == ["city", "north", "D2", "hokatsu-n"]


def test_the_handler_checks_the_role_and_names_a_wrong_kind() -> None:
    with pytest.raises(Forbidden):
        district_handlers.area_statistics(None, Actor(staff_id="x", department="d", role="admin"), "city")  # type: ignore[arg-type]
    with pytest.raises(InvalidCommand) as wrong:
        district_handlers.area_statistics(None, Actor(staff_id="x", department="d", role="worker"), "ward")  # type: ignore[arg-type]
    assert wrong.value.field == "kind"
