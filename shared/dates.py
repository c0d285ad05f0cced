"""Dates as the desk sees them: the local (Japan) calendar day of a UTC instant.

Times are timezone-aware UTC ``datetime``; due dates and validity dates are ``date`` in the
council's calendar, so "until 31 March" ends at midnight in Japan, not in UTC.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from shared.errors import InvalidCommand

__all__ = ["JST", "local_date", "local_minute", "require_aware"]

JST = timezone(timedelta(hours=9), "JST")


def local_date(at: datetime) -> date:
    """The calendar day in Japan at the instant ``at``."""
    return at.astimezone(JST).date()


def local_minute(at: datetime) -> str:
    """The time in Japan at the instant ``at``, as staff read it (``2026-10-01 09:30``)."""
    return at.astimezone(JST).strftime("%Y-%m-%d %H:%M")


def require_aware(at: datetime, field_name: str) -> None:
    """Refuse naive datetimes: a time without a zone cannot be ordered against others."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidCommand(
            f"{field_name} must be timezone-aware (e.g. 2015-04-01T09:00:00+09:00)",
            field=field_name,
            reason="needs_time_zone",
        )
