"""The published event contracts, read as data: the committed JSON Schemas in ``schemas/events``.

A service reads another service's facts only through these files, never by importing its code.
Each ``schemas/events/<type>/v<N>.json`` carries ``x-event-type``, ``x-schema-version`` and
``x-personal-fields`` (the fields holding special-care personal data, 要配慮個人情報)::

    contracts = EventContracts.load()            # the repository's schemas/events
    contracts.personal_fields("districts.WatchConcernRaised")   # frozenset({"concern", "reporter"})
    contracts.personal_fields("somebody.Unknown")               # frozenset({"*"}): redact it whole

The schemas are written by ``python -m tools.catalogue export`` and checked against the
event models by a test, so the files are the contract a consumer can trust. A consumer that must
not act on an event breaking its contract validates before handling it (the consumer runner
dead-letters what fails)::

    contracts.violation(envelope)   # None, or "intake.ConsultationOpened v1: 'opened_at' is a required property"

Times must carry their offset (``format: date-time`` is RFC 3339, so a naive time breaks the
contract); an event type nobody published is not checked (it is archived and redacted whole).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match

from shared.envelope import Envelope

__all__ = ["EVERYTHING", "SCHEMAS_DIR", "EventContracts"]

SCHEMAS_DIR = Path(__file__).resolve().parents[1] / "schemas" / "events"
"""Where the repository keeps the contracts (a deployed image ships the same folder)."""

EVERYTHING = frozenset({"*"})
"""The personal fields of an event type nobody published: all of them."""


@dataclass(frozen=True)
class EventContracts:
    """Every published event type's schemas, by type and version."""

    schemas: dict[str, dict[int, dict[str, Any]]]
    _validators: dict[tuple[str, int], _Checker] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, folder: Path = SCHEMAS_DIR) -> EventContracts:
        return _load(folder.resolve())

    def knows(self, event_type: str) -> bool:
        return event_type in self.schemas

    def schema(self, event_type: str, version: int | None = None) -> dict[str, Any] | None:
        """The schema of ``event_type`` at ``version`` (the newest when ``None``)."""
        versions = self.schemas.get(event_type)
        if not versions:
            return None
        return versions.get(max(versions) if version is None else version)

    def occurred_field(self, event_type: str) -> str | None:
        """The field saying when the fact happened in the world (``x-occurred-at``), if it differs
        from when it was recorded."""
        schema = self.schema(event_type)
        field = schema.get("x-occurred-at") if schema else None
        return str(field) if field else None

    def coded_fields(self, event_type: str) -> dict[str, str]:
        """Fields holding code-list codes (``x-coded-fields``): field name → code list name."""
        schema = self.schema(event_type)
        return dict(schema.get("x-coded-fields") or {}) if schema else {}

    def personal_fields(self, event_type: str) -> frozenset[str]:
        """The special-care fields of an event type (over all its versions); unknown types: :data:`EVERYTHING`."""
        versions = self.schemas.get(event_type)
        if not versions:
            return EVERYTHING
        return frozenset(f for schema in versions.values() for f in schema.get("x-personal-fields", ()))

    def violation(self, envelope: Envelope) -> str | None:
        """What is wrong with ``envelope``'s data against its contract, or ``None`` when it keeps it.

        An event type with no published contract is not checked; a known type at a version that
        was never published breaks its contract (nobody can say what its fields mean).
        """
        versions = self.schemas.get(envelope.type)
        if versions is None:
            return None
        key = (envelope.type, envelope.schemaversion)
        checker = self._validators.get(key)
        if checker is None:
            schema = versions.get(envelope.schemaversion)
            if schema is None:
                published = ", ".join(f"v{v}" for v in sorted(versions))
                return f"{envelope.type} v{envelope.schemaversion} has no published contract (published: {published})"
            checker = self._validators[key] = _Checker.of(schema)
        if checker.fast.is_valid(envelope.data):
            return None
        error = best_match(checker.explain.iter_errors(envelope.data))
        if error is None:  # the two validators disagree: trust the one that says what is wrong
            return None
        where = ".".join(str(p) for p in error.absolute_path)
        return f"{envelope.type} v{envelope.schemaversion}: {where + ': ' if where else ''}{error.message}"


@dataclass(frozen=True)
class _Checker:
    """One contract compiled twice: ``jsonschema-rs`` answers "valid?" for every event consumed
    (compiled Rust, some 50 times faster), and ``jsonschema`` says what is wrong with one that is not
    (its messages are the ones dead letters carry). Both check the same formats the same way."""

    fast: Any
    explain: Draft202012Validator

    @classmethod
    def of(cls, schema: dict[str, Any]) -> _Checker:
        fast = jsonschema_rs.validator_for(
            schema,
            formats={"date-time": _is_aware_time, "date": _is_calendar_day},
            validate_formats=True,
        )
        return cls(fast, Draft202012Validator(schema, format_checker=_FORMATS))


def _is_aware_time(value: str) -> bool:
    try:
        return _aware_time(value)
    except ValueError:
        return False


def _is_calendar_day(value: str) -> bool:
    try:
        return _calendar_day(value)
    except ValueError:
        return False


_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date-time", raises=ValueError)
def _aware_time(value: object) -> bool:
    """RFC 3339 date-time: an instant with its offset. jsonschema checks this format only with an
    optional package; the contracts need it always, since a naive time cannot be ordered."""
    if not isinstance(value, str):
        return True  # the "type" keyword reports non-strings
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset (e.g. 2026-10-01T09:00:00+09:00)")
    return True


@_FORMATS.checks("date", raises=ValueError)
def _calendar_day(value: object) -> bool:
    if isinstance(value, str):
        date.fromisoformat(value)
    return True


@cache
def _load(folder: Path) -> EventContracts:
    schemas: dict[str, dict[int, dict[str, Any]]] = {}
    for path in sorted(folder.glob("*/v*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        event_type = str(schema.get("x-event-type") or path.parent.name)
        version = int(schema.get("x-schema-version") or path.stem.removeprefix("v"))
        schemas.setdefault(event_type, {})[version] = schema
    if not schemas:
        raise FileNotFoundError(f"no event contracts under {folder}: point the service at the schemas/events folder")
    return EventContracts(schemas)
