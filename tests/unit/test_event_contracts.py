"""Event contracts: a model that changes without a new schema version fails here."""

from typing import ClassVar

from shared.events import DomainEvent, EventRegistry
from shared.schemas import check, export
from tools.catalogue import SCHEMAS, registries


def test_every_event_matches_its_committed_json_schema():
    assert check(registries(), SCHEMAS) == []


def test_every_event_type_is_registered_once_across_services():
    seen: dict[str, str] = {}
    for registry in registries():
        for event_type in registry.classes:
            assert event_type not in seen, f"{event_type} registered twice"
            seen[event_type] = event_type


class Moved(DomainEvent):
    event_type: ClassVar[str] = "test.Moved"
    address: str


class MovedV1Changed(DomainEvent):
    event_type: ClassVar[str] = "test.Moved"
    street: str


class MovedV2(DomainEvent):
    event_type: ClassVar[str] = "test.Moved"
    schema_version: ClassVar[int] = 2
    street: str


def test_an_incompatible_change_is_caught_until_versioned_with_an_upcaster(tmp_path):
    export([EventRegistry([Moved])], tmp_path)
    assert check([EventRegistry([Moved])], tmp_path) == []
    [problem] = check([EventRegistry([MovedV1Changed])], tmp_path)
    assert "without a new schema_version" in problem
    v2 = EventRegistry([MovedV2])
    export([v2], tmp_path)
    assert any("no upcaster" in p for p in check([v2], tmp_path))
    v2.add_upcaster("test.Moved", 1, lambda d: {"street": d["address"]})
    assert check([v2], tmp_path) == []


def _marked() -> type[DomainEvent]:
    class Moved(DomainEvent):  # the same model, its address now marked special-care data
        event_type: ClassVar[str] = "test.Moved"
        personal_fields: ClassVar[frozenset[str]] = frozenset({"address"})
        address: str

    return Moved


def test_marking_a_field_personal_keeps_the_version_and_unmarking_it_is_refused(tmp_path):
    MovedMarked = _marked()
    export([EventRegistry([Moved])], tmp_path)
    [problem] = check([EventRegistry([MovedMarked])], tmp_path)
    assert "newly marked personal; export" in problem
    export([EventRegistry([MovedMarked])], tmp_path)
    assert check([EventRegistry([MovedMarked])], tmp_path) == []
    assert (tmp_path / "test.Moved" / "v1.json").exists() and not (tmp_path / "test.Moved" / "v2.json").exists()
    [problem] = check([EventRegistry([Moved])], tmp_path)
    assert "['address'] no longer marked personal" in problem
