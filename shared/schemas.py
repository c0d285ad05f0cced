"""JSON Schemas of the event contracts, exported into the repository and checked by a test.

Every event model's schema is kept at ``schemas/events/<type>/v<N>.json``. Changing a model's
fields without raising its ``schema_version`` makes :func:`check` report the event: consumers in
other services (and years of archived events) rely on the old shape. A new version needs a new
file (``export``) and an upcaster from the old one registered on the ``EventRegistry``.

``x-personal-fields`` is the one part that may change within a version, and only to mark more: the
events on the wire keep their shape, and consumers redact the union over all versions. Unmarking a
field is reported: the events already stored hold it, and every reader would show them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from shared.events import DomainEvent, EventRegistry

__all__ = ["check", "export", "schema_of"]


def schema_of(cls: type[DomainEvent]) -> dict[str, Any]:
    schema = cls.model_json_schema(mode="serialization")
    schema["x-event-type"] = cls.event_type
    schema["x-schema-version"] = cls.schema_version
    schema["x-personal-fields"] = sorted(cls.personal_fields)
    if cls.coded_fields:
        schema["x-coded-fields"] = dict(sorted(cls.coded_fields.items()))
    if cls.occurred_field:
        schema["x-occurred-at"] = cls.occurred_field
    return schema


def _path(folder: Path, cls: type[DomainEvent]) -> Path:
    return folder / cls.event_type / f"v{cls.schema_version}.json"


def _dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def export(registries: Iterable[EventRegistry], folder: Path) -> list[Path]:
    """Write the current schema of every event; returns the files written or changed."""
    written = []
    for registry in registries:
        for cls in registry.classes.values():
            path = _path(folder, cls)
            text = _dump(schema_of(cls))
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                written.append(path)
    return written


def _compare(event_type: str, cls: type[DomainEvent], committed: dict[str, Any]) -> list[str]:
    current = schema_of(cls)
    marked, kept = set(committed.pop("x-personal-fields", ())), set(current.pop("x-personal-fields", ()))
    problems = []
    if committed != current:
        problems.append(
            f"{event_type} v{cls.schema_version}: the model changed without a new schema_version; "
            "raise schema_version, add an upcaster, and export"
        )
    if marked - kept:
        problems.append(
            f"{event_type} v{cls.schema_version}: {sorted(marked - kept)} no longer marked personal; stored events "
            "hold them as special-care data (要配慮個人情報): keep them in personal_fields"
        )
    elif kept - marked:
        problems.append(f"{event_type} v{cls.schema_version}: {sorted(kept - marked)} newly marked personal; export")
    return problems


def check(registries: Iterable[EventRegistry], folder: Path) -> list[str]:
    """What does not match the committed schemas; empty when every contract is kept."""
    problems = []
    for registry in registries:
        for event_type, cls in registry.classes.items():
            path = _path(folder, cls)
            if not path.exists():
                problems.append(f"{event_type} v{cls.schema_version}: no committed schema; run the export")
            else:
                problems += _compare(event_type, cls, json.loads(path.read_text(encoding="utf-8")))
            for older in range(1, cls.schema_version):
                if (folder / event_type / f"v{older}.json").exists() and not registry.has_upcaster(event_type, older):
                    problems.append(f"{event_type}: v{older} events exist but no upcaster to v{older + 1}")
    return problems
