"""Aggregate snapshots on SQLite and PostgreSQL: a long stream loads to the same state and version
with and without snapshots, a snapshot under another fold key is ignored, and optimistic
concurrency still refuses a change made on a stale version."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import select, update

from shared.clock import FixedClock
from shared.db import make_engine, migrate
from shared.errors import ConcurrencyConflict
from shared.events import DomainEvent
from shared.eventstore import EventStore
from shared.snapshots import fold_key, snapshots_table
from shared.uow import Fold, UnitOfWorkFactory
from tests.support import T0, TEST_EVENTS, WORKER, Noted


@dataclass(frozen=True)
class NoteState:
    count: int = 0
    total: int = 0
    texts: tuple[str, ...] = ()
    seen: frozenset[int] = frozenset()
    first: date | None = None
    last_text: str | None = None
    by_text: dict[str, int] = field(default_factory=dict)

    def __hash__(self) -> int:  # the dict field keeps the generated hash from working
        return hash((self.count, self.total))


def apply_note(state: NoteState, event: DomainEvent) -> NoteState:
    assert isinstance(event, Noted)
    return NoteState(
        count=state.count + 1,
        total=state.total + event.n,
        texts=(*state.texts, event.text)[-5:],
        seen=state.seen | {event.n % 7},
        first=state.first or date(2026, 10, 1),
        last_text=event.text,
        by_text={**state.by_text, event.text: state.by_text.get(event.text, 0) + 1},
    )


NOTES = Fold(NoteState, apply_note, TEST_EVENTS)


@dataclass(frozen=True)
class NoteStateV2:
    """The same aggregate with one more field: its snapshots must not be read as NoteState's."""

    count: int = 0
    total: int = 0
    extra: int = 0


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


def append(factory: UnitOfWorkFactory, stream: str, count: int) -> None:
    with factory(WORKER) as uow:
        _, version = uow.load(stream, NOTES)
        events = [Noted(text=f"t{(version + i) % 3}", n=version + i) for i in range(count)]
        uow.record(stream, version, events, case_id="case-1")
        uow.commit()


def load(factory: UnitOfWorkFactory, stream: str, fold: Fold = NOTES):
    with factory(WORKER) as uow:
        found = uow.load(stream, fold)
        uow.commit()
        return found


def test_a_long_stream_loads_the_same_with_and_without_snapshots(engine):
    store = EventStore("test")
    snapping = UnitOfWorkFactory(engine, store, clock=FixedClock(T0), snapshot_every=100)
    full = UnitOfWorkFactory(engine, store, clock=FixedClock(T0), snapshot_every=0)
    for _ in range(25):
        append(snapping, "note-1", 10)
    state, version = load(snapping, "note-1")
    assert (state, version) == load(full, "note-1")
    assert version == 250 and state.count == 250 and state.total == sum(range(250))
    with engine.connect() as conn:
        rows = conn.execute(select(snapshots_table.c.version, snapshots_table.c.fold_key)).all()
    assert len(rows) == 1 and rows[0].fold_key == fold_key(NOTES) and 100 <= rows[0].version <= 250
    append(snapping, "note-1", 7)
    assert load(snapping, "note-1") == load(full, "note-1")
    assert load(snapping, "note-1")[1] == 257


def test_the_snapshot_is_what_the_load_starts_from(engine):
    """Proof the read path uses it: a doctored snapshot shows through, one under another key does not."""
    store = EventStore("test")
    factory = UnitOfWorkFactory(engine, store, clock=FixedClock(T0), snapshot_every=10)
    append(factory, "note-2", 12)
    load(factory, "note-2")  # the tail of 12 >= 10: snapshot at version 12
    with engine.begin() as conn:
        raw = json.loads(conn.execute(select(snapshots_table.c.state)).scalar_one())
        raw["total"] = -1
        conn.execute(update(snapshots_table).values(state=json.dumps(raw)))
    assert load(factory, "note-2")[0].total == -1
    with engine.begin() as conn:
        conn.execute(update(snapshots_table).values(fold_key="NoteState:0000"))
    assert load(factory, "note-2")[0].total == sum(range(12))
    assert fold_key(Fold(NoteStateV2, lambda s, e: s, TEST_EVENTS)) != fold_key(NOTES)


def test_an_unreadable_snapshot_falls_back_to_the_full_fold(engine):
    factory = UnitOfWorkFactory(engine, EventStore("test"), clock=FixedClock(T0), snapshot_every=5)
    append(factory, "note-3", 6)
    load(factory, "note-3")
    with engine.begin() as conn:
        conn.execute(update(snapshots_table).values(state='{"count": "not a number"}'))
    assert load(factory, "note-3") == (load(UnitOfWorkFactory(engine, EventStore("test"), snapshot_every=0), "note-3"))


def test_a_change_on_a_stale_version_still_conflicts(engine):
    factory = UnitOfWorkFactory(engine, EventStore("test"), clock=FixedClock(T0), snapshot_every=5)
    append(factory, "note-4", 20)
    _, seen = load(factory, "note-4")  # what a client read before someone else's change
    append(factory, "note-4", 1)
    with factory(WORKER) as uow:
        uow.load("note-4", NOTES)  # starts from the snapshot at 20, folds the one event after it
        with pytest.raises(ConcurrencyConflict):
            uow.record("note-4", seen, [Noted(text="late", n=1)], case_id="case-1")
    assert load(factory, "note-4")[1] == 21
