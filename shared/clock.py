"""Time and identity sources, passed in so that the domain and tests stay deterministic."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "FixedClock", "IdFactory", "SystemClock", "new_id"]


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock UTC time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock for tests and replays: returns ``at`` until moved with :meth:`set`."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


def new_id() -> str:
    """A random UUID as text; ids of new aggregates and events."""
    return str(uuid.uuid4())


IdFactory = Callable[[], str]
