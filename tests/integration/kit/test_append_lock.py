"""What a command holds the store's append lock for, on real PostgreSQL.

Every append of a service waits for the lock (positions become visible in commit order, see
:mod:`shared.eventstore`) until the holder commits. So a command takes it last: its read rows are
written and its wake-up ``NOTIFY`` sent before, and under the lock come only the insert of its
events and the commit. Were the projection, the stream's head read or a savepoint moved back under
it, every other command of the service would wait for them too. And a command that starts a
stream under an id it just drew reads nothing of it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

import pytest
from sqlalchemy import event, select, text

from shared.commands import Aggregate, CommandContext, create, execute
from shared.db import make_engine, migrate, reading
from shared.errors import ConcurrencyConflict, NotFound
from shared.events import DomainEvent
from shared.eventstore import EventStore, events_table
from shared.uow import Fold, UnitOfWorkFactory
from shared.wake import notify_statement
from tests.support import TEST_EVENTS, WORKER, Noted

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Note:
    id: str | None = None
    texts: tuple[str, ...] = ()


def _apply(state: Note, ev: DomainEvent) -> Note:
    assert isinstance(ev, Noted)
    return replace(state, id=state.id or "n-1", texts=(*state.texts, ev.text))


def _project(uow: Any, state: Note, _events: Any, version: int) -> None:
    uow.conn.execute(text("SELECT 'projected', :v"), {"v": version})


NOTES: Aggregate[Note] = Aggregate(
    name="note",
    prefix="note",
    fold=Fold(Note, _apply, TEST_EVENTS),
    not_found=lambda nid: NotFound(f"no note {nid}"),
    case_of=lambda _s, _e: "case-1",
    project=_project,
)


def _statements(engine: Any) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_a: seen.append(statement))
    event.listen(engine, "commit", lambda _c: seen.append("COMMIT"))
    event.listen(engine, "rollback", lambda _c: seen.append("ROLLBACK"))
    return seen


def _kind(statement: str) -> str:
    for kind in ("pg_advisory_xact_lock", "INSERT INTO events", "NOTIFY", "SAVEPOINT", "'projected'"):
        if kind in statement:
            return kind
    return statement.split()[0]


def test_a_command_holds_the_append_lock_for_its_insert_and_commit_alone(pg_url):
    engine = make_engine(pg_url)
    migrate(engine)
    uows = UnitOfWorkFactory(engine, EventStore("loans"), notify=notify_statement("tsunagu_outbox_loans"))
    ctx = CommandContext(actor=WORKER)
    try:
        execute(uows, ctx, NOTES, "n-1", lambda _s, _u: [Noted(text="first")], new=True)
        seen = _statements(engine)
        execute(uows, ctx, NOTES, "n-1", lambda _s, _u: [Noted(text="second"), Noted(text="third")])
        kinds = [_kind(s) for s in seen]
        lock = kinds.index("pg_advisory_xact_lock")
        assert kinds[lock + 1 :] == ["INSERT INTO events", "COMMIT"], kinds
        assert "'projected'" in kinds[:lock] and "NOTIFY" in kinds[:lock]
        assert "SAVEPOINT" not in kinds  # the unit of work owns the transaction: a conflict ends it
        with reading(engine) as conn:
            versions = conn.execute(select(events_table.c.stream_version).order_by(events_table.c.position))
            assert versions.scalars().all() == [1, 2, 3]
    finally:
        engine.dispose()


def test_a_rival_append_between_the_head_read_and_the_lock_is_refused_not_interleaved(pg_url):
    """The stream's head is read before the lock: a rival that appends in between makes the insert
    break the stream's unique version, so the later command is refused (409) and writes nothing."""
    engine = make_engine(pg_url)
    migrate(engine)
    uows = UnitOfWorkFactory(engine, EventStore("loans"))
    ctx = CommandContext(actor=WORKER)
    try:
        execute(uows, ctx, NOTES, "n-1", lambda _s, _u: [Noted(text="first")], new=True)
        at_lock, rival_done = threading.Event(), threading.Event()

        def hold_at_the_lock(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if "pg_advisory_xact_lock" in statement and threading.current_thread().name == "late":
                at_lock.set()
                assert rival_done.wait(10)

        event.listen(engine, "before_cursor_execute", hold_at_the_lock)
        outcome: list[BaseException] = []

        def late() -> None:
            try:
                execute(uows, ctx, NOTES, "n-1", lambda _s, _u: [Noted(text="late")])
            except BaseException as exc:  # handed to the test
                outcome.append(exc)

        thread = threading.Thread(target=late, name="late")
        thread.start()
        assert at_lock.wait(10)  # the late command read version 1 and is about to lock
        execute(uows, ctx, NOTES, "n-1", lambda _s, _u: [Noted(text="rival")])
        rival_done.set()
        thread.join(10)
        assert len(outcome) == 1 and isinstance(outcome[0], ConcurrencyConflict), outcome
        with reading(engine) as conn:
            rows = conn.execute(
                select(events_table.c.stream_version, events_table.c.data).order_by(events_table.c.position)
            ).all()
        assert [(v, "late" in d) for v, d in rows] == [(1, False), (2, False)]
    finally:
        engine.dispose()


def test_a_create_reads_no_stream_under_the_id_it_just_drew(pg_url):
    """``create`` draws the id, so no stream can be under it: it reads none (neither a snapshot nor
    events) and still records at version 1 behind the same lock."""
    engine = make_engine(pg_url)
    migrate(engine)
    uows = UnitOfWorkFactory(engine, EventStore("loans"), ids=lambda: "n-drawn")
    try:
        seen = _statements(engine)
        outcome = create(uows, CommandContext(actor=WORKER), NOTES, lambda _s, _u, _id: [Noted(text="opened")])
        assert (outcome.id, outcome.version, outcome.state.texts) == ("n-drawn", 1, ("opened",))
        reads = [s for s in seen if s.startswith("SELECT") and ("FROM events" in s or "FROM snapshots" in s)]
        assert reads == [s for s in seen if "events.hash" in s]  # only the append's own head read
        with reading(engine) as conn:
            rows = conn.execute(select(events_table.c.stream_id, events_table.c.stream_version)).all()
        assert [tuple(r) for r in rows] == [("note-n-drawn", 1)]
    finally:
        engine.dispose()
