"""The unit of work: the one owner of a database transaction.

A command handler opens one, loads the aggregate it needs, lets the domain decide, records the
events and commits; read tables the service keeps are written on the same connection, so the
events and their effects commit together or not at all::

    with uow_factory(actor, correlation_id=cid) as uow:
        state, version = uow.load(stream_id, LOAN_FOLD)
        events = decide_deny(state, command, now=uow.now())
        uow.record(stream_id, version, events, case_id=state.household_id)
        uow.commit()

Nothing is committed unless :meth:`UnitOfWork.commit` is called; leaving the block rolls back.
Callbacks registered with :meth:`after_commit` run only after a successful commit (e.g. to wake
the outbox relay) and are dropped on rollback. In a ``web`` process on PostgreSQL the factory's
``notify`` statement (``NOTIFY <channel>``, :mod:`shared.wake`) runs in the transaction that
commits events, and so wakes the relay of the ``worker`` process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine, Executable

from shared import snapshots
from shared.clock import Clock, IdFactory, SystemClock, new_id
from shared.envelope import Actor, Envelope
from shared.errors import ConcurrencyConflict
from shared.events import DomainEvent, EventRegistry
from shared.eventstore import EventStore, NewEvent

__all__ = ["Fold", "UnitOfWork", "UnitOfWorkFactory", "check_expected_version"]

S = TypeVar("S")


@dataclass(frozen=True)
class Fold(Generic[S]):
    """How to rebuild an aggregate's state from its events: a pure left fold."""

    initial: Callable[[], S]
    apply: Callable[[S, DomainEvent], S]
    registry: EventRegistry

    def run(self, envelopes: Sequence[Envelope]) -> S:
        state = self.initial()
        for env in envelopes:
            state = self.apply(state, self.registry.parse(env.type, env.schemaversion, env.data))
        return state

    def apply_all(self, state: S, events: Sequence[DomainEvent]) -> S:
        """``state`` with ``events`` applied in order (the events a decision just returned)."""
        for event in events:
            state = self.apply(state, event)
        return state


def check_expected_version(stream_id: str, current: int, expected: int | None) -> None:
    """Optimistic concurrency at the edge: the client's ``expected_version`` (from the version or
    ETag it read) must be the stream's current version, or the change is refused, not lost."""
    if expected is not None and expected != current:
        raise ConcurrencyConflict(
            f"{stream_id} is at version {current}, but the change was made on version {expected}: "
            "reload it, check what changed, and send the change again with the new expected_version",
            field="expected_version",
        )


class UnitOfWork:
    """One transaction on one service database, acting for one actor."""

    def __init__(
        self,
        engine: Engine,
        store: EventStore,
        actor: Actor,
        *,
        clock: Clock,
        ids: IdFactory,
        correlation_id: str | None = None,
        causation_id: str | None = None,
        connection: Connection | None = None,
        snapshot_every: int = snapshots.DEFAULT_EVERY,
        notify: Executable | None = None,
    ) -> None:
        self._engine = engine
        self._notify = notify
        self.store = store
        self.actor = actor
        self.clock = clock
        self.ids = ids
        self.correlation_id = correlation_id
        self.causation_id = causation_id
        self._given_connection = connection
        self._conn: Connection | None = None
        self._committed = False
        self._notified = False
        self._after_commit: list[Callable[[], None]] = []
        self.recorded: list[Envelope] = []
        self.snapshot_every = snapshot_every
        self._loaded: dict[str, snapshots.Loaded] = {}

    # -- lifecycle ---------------------------------------------------------------------------
    def __enter__(self) -> UnitOfWork:
        if self._given_connection is not None:
            # Inside a consumer batch: the runner owns the transaction, we use a savepoint of it.
            self._conn = self._given_connection
        else:
            self._conn = self._engine.connect()
            self._conn.begin()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        conn = self._conn
        self._conn = None
        if conn is None or self._given_connection is not None:
            return
        try:
            if not self._committed and conn.in_transaction():
                conn.rollback()
        finally:
            conn.close()
        if self._committed and exc_type is None:
            for callback in self._after_commit:
                callback()

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._conn

    def commit(self) -> None:
        if self._given_connection is None:
            self.conn.commit()
        self._committed = True

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    # -- events ------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    def new_id(self) -> str:
        return self.ids()

    def load(self, stream_id: str, fold: Fold[S]) -> tuple[S, int]:
        """The aggregate's current state and stream version (0 for a stream with no events).

        Folds the newest snapshot plus the events after it (:mod:`shared.snapshots`); :meth:`record`
        on the same stream then stores a new snapshot when ``snapshot_every`` events (0: never) have
        accumulated since the last one."""
        state, version, loaded = snapshots.load(self.conn, self.store, stream_id, fold)
        if loaded is not None:
            self._loaded[stream_id] = loaded
        return state, version

    def project(
        self,
        projection: Callable[[UnitOfWork, S, Sequence[DomainEvent], int], None],
        state: S,
        events: Sequence[DomainEvent],
        version: int,
    ) -> None:
        """Write read rows for ``events`` on this transaction (a fake unit of work only notes the call)."""
        projection(self, state, events, version)

    def record(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[DomainEvent],
        *,
        case_id: str,
        event_ids: Sequence[str] | None = None,
    ) -> list[Envelope]:
        """Append ``events`` to ``stream_id``; ids are drawn from the factory unless given."""
        now = self.clock.now()
        ids = list(event_ids) if event_ids is not None else [self.ids() for _ in events]
        new = [
            NewEvent(
                event_id=eid,
                event_type=ev.event_type,
                case_id=case_id,
                time=now,
                actor=self.actor,
                data=ev.payload(),
                schema_version=ev.schema_version,
                correlation_id=self.correlation_id,
                causation_id=self.causation_id,
            )
            for eid, ev in zip(ids, events, strict=True)
        ]
        if events and self._notify is not None and not self._notified and self._given_connection is None:
            # Delivered at commit, to another process's relay (dropped on rollback); sent before
            # the append takes the store's lock, which is then held for the insert and the commit.
            self.conn.execute(self._notify)
            self._notified = True
        # A unit of work that owns its transaction drops it on a conflict: no savepoint needed.
        # Inside a consumer's batch the runner's transaction goes on, so the insert keeps one.
        envelopes = self.store.append(
            self.conn, stream_id, expected_version, new, savepoint=self._given_connection is not None
        )
        self.recorded.extend(envelopes)
        loaded = self._loaded.pop(stream_id, None)
        if loaded is not None and envelopes and loaded.version == expected_version:
            snapshots.after_append(
                self.conn, stream_id, loaded, events, envelopes[-1].streamversion, self.snapshot_every
            )
        return envelopes


class UnitOfWorkFactory:
    """Makes units of work for one service; built once in the service's bootstrap."""

    def __init__(
        self,
        engine: Engine,
        store: EventStore,
        *,
        clock: Clock | None = None,
        ids: IdFactory = new_id,
        on_commit: Callable[[], None] | None = None,
        snapshot_every: int = snapshots.DEFAULT_EVERY,
        notify: Executable | None = None,
    ) -> None:
        self.engine = engine
        self.notify = notify
        """A statement run before committing events (``NOTIFY``: a ``web`` process on PostgreSQL)."""
        self.snapshot_every = snapshot_every
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self.ids = ids
        self.on_commit = on_commit

    def __call__(
        self,
        actor: Actor,
        *,
        correlation_id: str | None = None,
        causation_id: str | None = None,
        connection: Connection | None = None,
    ) -> UnitOfWork:
        uow = UnitOfWork(
            self.engine,
            self.store,
            actor,
            clock=self.clock,
            ids=self.ids,
            correlation_id=correlation_id,
            causation_id=causation_id,
            connection=connection,
            snapshot_every=self.snapshot_every,
            notify=self.notify,
        )
        if self.on_commit is not None:
            uow.after_commit(self.on_commit)
        return uow
