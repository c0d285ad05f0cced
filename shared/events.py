"""Domain events: the facts every service records and publishes.

Each service declares its events as frozen pydantic models deriving from :class:`DomainEvent`::

    class LoanDenied(DomainEvent):
        \"\"\"貸付不承認: the loan application was denied.\"\"\"
        event_type: ClassVar[str] = "loans.LoanDenied"
        application_id: str
        reason: str

The ``event_type`` is the CloudEvents ``type`` on the wire. ``schema_version`` rises when a
field changes incompatibly; an upcaster registered on the :class:`EventRegistry` then turns
older payloads into the current shape, so old events replay forever.

``personal_fields`` names the special-care personal data (要配慮個人情報) that an event carries,
so that views can redact them when the viewer has no consent or legal basis to see them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["DomainEvent", "EventRegistry", "Replay", "UnknownEventType", "Upcaster", "absorb", "same_named"]

S = TypeVar("S")
D = TypeVar("D", bound="DataclassInstance")


def same_named(source: BaseModel, names: Iterable[str]) -> dict[str, Any]:
    """The fields of ``source`` (a command, a request body) among ``names`` (another model's fields)."""
    declared = type(source).model_fields
    return {name: getattr(source, name) for name in names if name in declared}


def absorb(state: D, event: BaseModel, **given: Any) -> D:
    """A fold's step for an event that carries the state's own fields: ``state`` (a frozen
    dataclass) with every field the event has under the same name, then ``given`` (a status, a
    count, what the state keeps otherwise)::

        case AreaDefined():
            return absorb(state, event)
    """
    return replace(state, **(same_named(event, (f.name for f in fields(state))) | given))


class DomainEvent(BaseModel):
    """Base class of every domain event: immutable, validated, JSON-serialisable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    occurred_field: ClassVar[str | None] = None
    coded_fields: ClassVar[Mapping[str, str]] = {}
    """Fields holding codes of a code list (``{"issues": "household_issue_categories"}``): a code the
    list marks ``sensitive`` (DV, illness, disability) is special-care data in any field that holds
    it, so views redact it like a personal field (``x-coded-fields`` in the contract)."""
    """The field holding when it happened in the world (a visit, a meeting), when that is not when it
    was recorded; views order a case's timeline by it (``x-occurred-at`` in the contract)."""

    def payload(self) -> dict[str, Any]:
        """The event's data as plain JSON types."""
        return self.model_dump(mode="json")

    @classmethod
    def of(cls, command: BaseModel, **given: Any) -> Self:
        """This event with the fields of ``command`` it declares under the same name, and ``given``
        (ids, time, what the decision worked out), which win over the command's::

            OutreachVisitRecorded.of(cmd, case_id=state.case_id, visit_id=visit_id, recorded_at=now)
        """
        return cls(**(same_named(command, cls.model_fields) | given))


Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEventType(LookupError):
    """An event type that no registered model knows."""


class EventRegistry:
    """Maps CloudEvents ``type`` strings to event models, upcasting old schema versions.

    >>> registry = EventRegistry([LoanDenied])
    >>> registry.parse("loans.LoanDenied", 1, {"application_id": "a1", "reason": "income"})
    LoanDenied(application_id='a1', reason='income')
    """

    def __init__(self, event_classes: Iterable[type[DomainEvent]] = ()) -> None:
        self._classes: dict[str, type[DomainEvent]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        for cls in event_classes:
            self.register(cls)

    def register(self, cls: type[DomainEvent]) -> type[DomainEvent]:
        if not cls.event_type:
            raise ValueError(f"{cls.__name__} has no event_type")
        existing = self._classes.get(cls.event_type)
        if existing is not None and existing is not cls:
            raise ValueError(f"event type {cls.event_type} registered twice")
        self._classes[cls.event_type] = cls
        return cls

    def add_upcaster(self, event_type: str, from_version: int, upcaster: Upcaster) -> None:
        """Register a function turning ``from_version`` payloads into ``from_version + 1``."""
        self._upcasters[(event_type, from_version)] = upcaster

    def has_upcaster(self, event_type: str, from_version: int) -> bool:
        return (event_type, from_version) in self._upcasters

    def knows(self, event_type: str) -> bool:
        return event_type in self._classes

    @property
    def classes(self) -> Mapping[str, type[DomainEvent]]:
        return dict(self._classes)

    def parse(self, event_type: str, schema_version: int, data: Mapping[str, Any]) -> DomainEvent:
        cls = self._classes.get(event_type)
        if cls is None:
            raise UnknownEventType(event_type)
        payload = dict(data)
        version = schema_version
        while version < cls.schema_version:
            upcast = self._upcasters.get((event_type, version))
            if upcast is None:
                raise UnknownEventType(f"{event_type} v{version}: no upcaster to v{version + 1}")
            payload = upcast(payload)
            version += 1
        return cls.model_validate(payload)


@dataclass(frozen=True)
class Replay(Generic[S]):
    """An aggregate's pure left fold over events it already holds (a decision's events in a test,
    a state built up step by step), declared once next to its ``apply``::

        replay = Replay(ConferenceState, apply)
        state = replay(events)          # from the initial state
        state = replay(more, state)     # on from a given state

    (:class:`shared.uow.Fold` is the same fold over stored envelopes.)
    """

    initial: Callable[[], S]
    apply: Callable[[S, DomainEvent], S]

    def __call__(self, events: Iterable[DomainEvent], state: S | None = None) -> S:
        current = self.initial() if state is None else state
        for event in events:
            current = self.apply(current, event)
        return current
