from typing import ClassVar

import pytest
from pydantic import ValidationError

from shared.events import DomainEvent, EventRegistry, UnknownEventType


class Renamed(DomainEvent):
    event_type: ClassVar[str] = "test.Renamed"
    schema_version: ClassVar[int] = 2
    full_name: str


def test_old_schema_versions_are_upcast_before_validation():
    registry = EventRegistry([Renamed])
    registry.add_upcaster("test.Renamed", 1, lambda d: {"full_name": d["name"]})
    assert registry.parse("test.Renamed", 1, {"name": "山田"}) == Renamed(full_name="山田")
    assert registry.parse("test.Renamed", 2, {"full_name": "山田"}) == Renamed(full_name="山田")


def test_missing_upcaster_and_unknown_types_are_reported():
    registry = EventRegistry([Renamed])
    with pytest.raises(UnknownEventType, match="no upcaster"):
        registry.parse("test.Renamed", 1, {"name": "x"})
    with pytest.raises(UnknownEventType):
        registry.parse("test.Nope", 1, {})


def test_events_are_frozen_and_refuse_unknown_fields():
    event = Renamed(full_name="a")
    with pytest.raises(ValidationError):
        Renamed(full_name="a", extra="x")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        event.full_name = "b"  # type: ignore[misc]


def test_registering_two_models_for_one_type_is_refused():
    class Other(DomainEvent):
        event_type: ClassVar[str] = "test.Renamed"

    with pytest.raises(ValueError, match="twice"):
        EventRegistry([Renamed, Other])
