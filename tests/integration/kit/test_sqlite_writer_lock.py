"""SQLite transactions of one process queue on a Python lock, not in SQLite's sleeping busy handler."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from shared.db import _writer_locks, make_engine


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine
    engine.dispose()


def lock_of(tmp_path):
    return _writer_locks[str((tmp_path / "lock.db").resolve())]


def test_a_transaction_holds_the_files_lock_until_it_commits_so_waiters_queue_on_it(engine, tmp_path):
    lock = lock_of(tmp_path)
    assert not lock.locked()
    holding, order = threading.Event(), []

    def holder() -> None:
        with engine.connect() as conn:
            conn.begin()
            conn.execute(text("INSERT INTO t VALUES (1)"))
            holding.set()
            time.sleep(0.2)
            order.append("holder commits")
            conn.commit()

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait()
    assert lock.locked()  # a second writer now waits on the lock, not in SQLite's busy handler
    with engine.begin() as conn:
        order.append("waiter begins")
        conn.execute(text("INSERT INTO t VALUES (2)"))
    thread.join()
    assert order == ["holder commits", "waiter begins"]
    assert not lock.locked()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 2
    assert not lock.locked()


def test_rollback_close_and_failed_statements_release_the_lock(engine, tmp_path):
    with engine.connect() as conn:
        conn.begin()
        conn.execute(text("INSERT INTO t VALUES (1)"))
        conn.rollback()
    with pytest.raises(Exception), engine.begin() as conn:  # noqa: B017
        conn.execute(text("INSERT INTO missing VALUES (1)"))
    conn = engine.connect()
    conn.begin()
    conn.execute(text("INSERT INTO t VALUES (3)"))
    conn.invalidate()  # the raw connection is closed with its transaction open
    conn.close()
    done = threading.Event()

    def writer() -> None:
        with engine.begin() as c:
            c.execute(text("INSERT INTO t VALUES (4)"))
        done.set()

    threading.Thread(target=writer).start()
    assert done.wait(5), "a writer waited on a lock nobody holds"
    assert not lock_of(tmp_path).locked()
    with engine.connect() as c:
        assert c.execute(text("SELECT n FROM t ORDER BY n")).scalars().all() == [4]


def test_many_threads_write_without_losing_any_row(engine):
    def writer(i: int) -> None:
        for j in range(20):
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": i * 100 + j})

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 160
