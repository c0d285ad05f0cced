"""The published event contracts, read as data: the committed JSON Schemas in ``schemas/events``.

A service reads another service's facts only through these files, never by importing its code.
Each ``schemas/events/<type>/v<N>.json`` carries ``x-event-type``, ``x-schema-version`` and
``x-personal-fields`` (the fields holding special-care personal data, 要配慮個人情報)::

    contracts = EventContracts.load()            # the repository's schemas/events
    contracts.personal_fields("districts.WatchConcernRaised")   # frozenset({"concern", "reporter"})
    contracts.personal_fields("somebody.Unknown")               # frozenset({"*"}): redact it whole

The schemas are written by ``python -m tools.catalogue export`` and checked against the
event models by a test, so the files are the contract a consumer can trust.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["EVERYTHING", "SCHEMAS_DIR", "EventContracts"]

SCHEMAS_DIR = Path(__file__).resolve().parents[1] / "schemas" / "events"
"""Where the repository keeps the contracts (a deployed image ships the same folder)."""

EVERYTHING = frozenset({"*"})
"""The personal fields of an event type nobody published: all of them."""


@dataclass(frozen=True)
class EventContracts:
    """Every published event type's schemas, by type and version."""

    schemas: dict[str, dict[int, dict[str, Any]]]

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
