"""The event store on real SQLite and real PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from shared.db import make_engine, migrate
from shared.errors import ConcurrencyConflict
from shared.eventstore import EventStore
from tests.support import new_event


@pytest.fixture
def store_engine(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


def test_appended_events_read_back_in_stream_order_with_positions(store_engine):
    store = EventStore("intake")
    with store_engine.begin() as conn:
        store.append(conn, "s-1", 0, [new_event("e1"), new_event("e2")])
        store.append(conn, "s-2", 0, [new_event("e3", case_id="case-2")])
        store.append(conn, "s-1", 2, [new_event("e4")])
    with store_engine.connect() as conn:
        stream = store.read_stream(conn, "s-1")
        assert [e.id for e in stream] == ["e1", "e2", "e4"]
        assert [e.streamversion for e in stream] == [1, 2, 3]
        everything = store.read_all(conn, after=0)
        assert [e.id for e in everything] == ["e1", "e2", "e3", "e4"]
        assert [e.id for e in store.read_all(conn, after=everything[1].position)] == ["e3", "e4"]
        assert store.stream_ids_for_case(conn, "case-1") == ["s-1"]


def test_append_with_a_stale_version_is_refused_and_writes_nothing(store_engine):
    store = EventStore("intake")
    with store_engine.begin() as conn:
        store.append(conn, "s-1", 0, [new_event("e1")])
    with pytest.raises(ConcurrencyConflict, match="version 1, not 0"), store_engine.begin() as conn:
        store.append(conn, "s-1", 0, [new_event("e2"), new_event("e3")])
    with store_engine.connect() as conn:
        assert [e.id for e in store.read_stream(conn, "s-1")] == ["e1"]


def test_concurrent_appends_at_one_version_let_exactly_one_win(store_engine):
    store = EventStore("intake")
    with store_engine.begin() as conn:
        store.append(conn, "s-1", 0, [new_event("e0")])
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def writer(i: int) -> None:
        barrier.wait()
        try:
            with store_engine.begin() as conn:
                store.append(conn, "s-1", 1, [new_event(f"w{i}")])
            outcomes.append("won")
        except ConcurrencyConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["won"]
    with store_engine.connect() as conn:
        assert len(store.read_stream(conn, "s-1")) == 2
        assert store.verify_stream(conn, "s-1").ok


def test_a_tampered_stored_event_is_detected_by_the_chain_check(store_engine):
    store = EventStore("intake")
    with store_engine.begin() as conn:
        store.append(conn, "s-1", 0, [new_event("e1"), new_event("e2", text="original"), new_event("e3")])
    with store_engine.connect() as conn:
        assert store.verify_stream(conn, "s-1").ok
    with store_engine.begin() as conn:
        conn.execute(text("UPDATE events SET data = :d WHERE event_id = 'e2'"), {"d": '{"text":"forged","n":0}'})
    with store_engine.connect() as conn:
        report = store.verify_stream(conn, "s-1")
    assert not report.ok
    assert report.problems == ["version 2: content does not match its hash (altered)"]


def test_a_deleted_stored_event_is_detected_by_the_chain_check(store_engine):
    store = EventStore("intake")
    with store_engine.begin() as conn:
        store.append(conn, "s-1", 0, [new_event("e1"), new_event("e2"), new_event("e3")])
        conn.execute(text("DELETE FROM events WHERE event_id = 'e2'"))
    with store_engine.connect() as conn:
        report = store.verify_stream(conn, "s-1")
    assert any("version 2 is missing" in p for p in report.problems)
    assert any("predecessor" in p for p in report.problems)


def test_migrations_run_twice_without_harm(store_engine):
    migrate(store_engine)
    with store_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM events")).scalar() == 0


def test_an_event_larger_than_its_topic_takes_is_refused_naming_its_field_before_anything_is_written(store_engine):
    from shared.errors import InvalidCommand

    store = EventStore("intake", max_event_bytes=20_000)
    with store_engine.connect() as conn:
        conn.begin()
        store.append(conn, "s-1", 0, [new_event("e1")])
        with pytest.raises(InvalidCommand) as refused:
            store.append(conn, "s-2", 0, [new_event("e2", text="x" * 30_000)])
        conn.rollback()  # the unit of work rolls back on the refusal
    assert refused.value.field == "text"
    assert "test.Noted" in refused.value.message and "20,000 bytes" in refused.value.message
    with store_engine.connect() as conn:
        assert store.head_position(conn) == 0
    with store_engine.begin() as conn:  # under the limit it is stored as before
        store.append(conn, "s-2", 0, [new_event("e2", text="x" * 10_000)])


def test_by_default_an_event_fits_kafkas_default_message_size():
    from shared.eventstore import DEFAULT_MAX_EVENT_BYTES

    assert 1_000_000 < DEFAULT_MAX_EVENT_BYTES < 1_048_588
