"""Fakes for fast handler tests: a unit of work that keeps streams in memory (no database).

Handlers take a :class:`~shared.uow.UnitOfWorkFactory`-shaped object, so a test passes
:class:`FakeUnitOfWorkFactory` and checks what was recorded, projected and committed::

    uows = FakeUnitOfWorkFactory(clock=FixedClock(T0), ids=iter_ids("a-1", "a-2"))
    outcome = execute(uows, CommandContext(actor=WORKER), APPLICATION, "a-1", decide)
    assert uows.committed and [type(e) for e in uows.events("loan-application-a-1")] == [LoanDenied]

It enforces what the real store enforces that handlers rely on: a stale expected version is a
:class:`~shared.errors.ConcurrencyConflict`, and nothing is kept unless the unit of work commits.
Projections are noted (``projected``) but not run: read tables are tested against real databases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

from shared import snapshots
from shared.clock import Clock, FixedClock
from shared.envelope import Actor
from shared.errors import ConcurrencyConflict
from shared.events import DomainEvent
from shared.uow import Fold

__all__ = ["FakeUnitOfWork", "FakeUnitOfWorkFactory", "RecordedEvent", "iter_ids"]

S = TypeVar("S")


@dataclass(frozen=True)
class RecordedEvent:
    stream_id: str
    version: int
    event: DomainEvent
    case_id: str
    actor: Actor
    correlation_id: str | None


def iter_ids(*ids: str, prefix: str = "id") -> Callable[[], str]:
    """An id factory that hands out ``ids`` in order, then ``prefix-1``, ``prefix-2``, ..."""
    given: Iterator[str] = iter(ids)
    counter = iter(range(1, 1_000_000))

    def next_id() -> str:
        return next(given, None) or f"{prefix}-{next(counter)}"

    return next_id


class FakeUnitOfWork:
    """The :class:`~shared.uow.UnitOfWork` interface over in-memory streams."""

    def __init__(
        self, factory: FakeUnitOfWorkFactory, actor: Actor, correlation_id: str | None, causation_id: str | None
    ) -> None:
        self._factory = factory
        self.actor = actor
        self.correlation_id = correlation_id
        self.causation_id = causation_id
        self.clock = factory.clock
        self.ids = factory.ids
        self._pending: list[RecordedEvent] = []
        self._projected: list[tuple[str, int]] = []
        self._committed = False

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._committed and exc_type is None:
            self._factory.stored.extend(self._pending)
            self._factory.projected.extend(self._projected)
            self._factory.commits += 1

    @property
    def conn(self) -> Any:
        raise RuntimeError("a fake unit of work has no database connection: test this handler on a real store")

    def commit(self) -> None:
        self._committed = True

    def after_commit(self, callback: Callable[[], None]) -> None:
        pass

    def now(self) -> datetime:
        return self.clock.now()

    def new_id(self) -> str:
        return self.ids()

    def _stream(self, stream_id: str) -> list[RecordedEvent]:
        return [r for r in [*self._factory.stored, *self._pending] if r.stream_id == stream_id]

    def load(self, stream_id: str, fold: Fold[S]) -> tuple[S, int]:
        recorded = self._stream(stream_id)
        state = fold.apply_all(fold.initial(), [r.event for r in recorded])
        snapshots.check_round_trip(fold, [r.event for r in recorded], state)
        return state, len(recorded)

    def project(self, projection: Callable[..., None], state: Any, events: Sequence[DomainEvent], version: int) -> None:
        self._projected.append((getattr(projection, "__name__", "projection"), version))

    def record(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[DomainEvent],
        *,
        case_id: str,
        event_ids: Sequence[str] | None = None,
    ) -> list[Any]:
        current = len(self._stream(stream_id))
        if current != expected_version:
            raise ConcurrencyConflict(f"{stream_id} is at version {current}, not {expected_version}")
        for n, event in enumerate(events, start=1):
            self._pending.append(RecordedEvent(stream_id, current + n, event, case_id, self.actor, self.correlation_id))
        return []


@dataclass
class FakeUnitOfWorkFactory:
    """Makes :class:`FakeUnitOfWork` s sharing one in-memory store; inspect ``stored`` after a command."""

    clock: Clock = field(default_factory=lambda: FixedClock(datetime.fromisoformat("2026-10-01T00:00:00+00:00")))
    ids: Callable[[], str] = field(default_factory=iter_ids)
    stored: list[RecordedEvent] = field(default_factory=list)
    projected: list[tuple[str, int]] = field(default_factory=list)
    commits: int = 0

    def __call__(
        self, actor: Actor, *, correlation_id: str | None = None, causation_id: str | None = None, **_: Any
    ) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, actor, correlation_id, causation_id)

    def events(self, stream_id: str) -> list[DomainEvent]:
        """The committed events of one stream, in order."""
        return [r.event for r in self.stored if r.stream_id == stream_id]
