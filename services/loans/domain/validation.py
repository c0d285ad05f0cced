"""Small value checks shared by the loans decisions; each raises ``InvalidCommand`` saying what to fix."""

from __future__ import annotations

from datetime import datetime

from shared.errors import InvalidCommand

__all__ = ["require_aware", "require_id", "require_optional_id", "require_positive_yen", "require_text"]


def require_aware(now: datetime) -> None:
    """Decisions take timezone-aware UTC times; a naive one is a programming error, not a user's."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime (UTC)")


def require_id(value: str, field: str) -> None:
    if not value.strip():
        raise InvalidCommand(f"{field} is empty: give the id of the record", field=field, reason="required")


def require_optional_id(value: str | None, field: str) -> None:
    if value is not None:
        require_id(value, field)


def require_text(value: str, field: str, what: str) -> None:
    if not value.strip():
        raise InvalidCommand(f"{field} is empty: write {what}", field=field, reason="required")


def require_positive_yen(amount: int, field: str) -> None:
    if amount <= 0:
        raise InvalidCommand(
            f"{field} must be a positive whole number of yen, got {amount}", field=field, reason="not_positive_yen"
        )
