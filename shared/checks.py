"""Small value checks shared by the decisions; each refusal names the field to fix."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from shared.dates import require_aware
from shared.errors import InvalidCommand

__all__ = ["not_after", "optional_text", "required_text", "unique"]


def required_text(value: str | None, field_name: str, what: str) -> str:
    """The text, refused when missing or blank."""
    if value is None or not value.strip():
        raise InvalidCommand(f"{field_name} is required: give {what}", field=field_name, reason="required")
    return value


def optional_text(value: str | None) -> str | None:
    """Blank text counts as absent."""
    if value is None or not value.strip():
        return None
    return value


def not_after(at: datetime, now: datetime, field_name: str) -> None:
    """Refuse a moment in the future: the record states what has happened."""
    require_aware(at, field_name)
    if at > now:
        raise InvalidCommand(
            f"{field_name} {at.isoformat()} is in the future (now {now.isoformat()}); record it once it has happened",
            field=field_name,
            reason="in_future",
        )


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """The values once each, first occurrence first."""
    return tuple(dict.fromkeys(values))
