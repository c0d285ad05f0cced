"""shared.db.pipelined: plain INSERTs sent without waiting, every other statement answered at once."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from shared.db import make_engine, pipelined

md = MetaData()
rows = Table("pipelined_rows", md, Column("id", String(32), primary_key=True), Column("n", Integer, nullable=False))


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)  # a database of the test's own (tests/conftest.py: db_url)
    md.create_all(engine)
    yield engine
    engine.dispose()


def _upsert(engine):
    return (pg_insert if engine.dialect.name == "postgresql" else sqlite_insert)(rows)


def _stored(engine) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        return [(r.id, r.n) for r in conn.execute(select(rows).order_by(rows.c.id))]


def test_reads_counts_and_returning_in_the_block_see_the_inserts_before_them(engine):
    with engine.begin() as conn, pipelined(conn):
        for i in range(5):
            conn.execute(rows.insert(), {"id": f"r{i}", "n": i})
        # a read, by expression and by text, sees every insert sent before it
        assert conn.execute(select(func.count()).select_from(rows)).scalar_one() == 5
        assert conn.execute(text("SELECT n FROM pipelined_rows WHERE id = 'r3'")).scalar_one() == 3
        # an UPDATE's row count is its own, not a pipeline's unknown
        assert conn.execute(update(rows).where(rows.c.n >= 3).values(n=rows.c.n * 10)).rowcount == 2
        # an upsert is answered at once: its count (kept by SQLAlchemy when asked) says whether the row was new
        upsert = _upsert(engine).on_conflict_do_nothing().execution_options(preserve_rowcount=True)
        assert conn.execute(upsert, {"id": "r0", "n": 99}).rowcount == 0
        assert conn.execute(upsert, {"id": "r5", "n": 5}).rowcount == 1
        counted = rows.insert().execution_options(preserve_rowcount=True)
        assert conn.execute(counted, {"id": "r8", "n": 8}).rowcount == 1  # a plain INSERT whose count is asked for
        back = conn.execute(rows.insert().returning(rows.c.id), {"id": "r6", "n": 6}).scalars().all()
        assert back == ["r6"]
        conn.execute(rows.insert(), {"id": "r7", "n": 7})  # the block's last statement, answered at its end
    assert _stored(engine) == [
        ("r0", 0),
        ("r1", 1),
        ("r2", 2),
        ("r3", 30),
        ("r4", 40),
        ("r5", 5),
        ("r6", 6),
        ("r7", 7),
        ("r8", 8),
    ]


def test_a_refused_insert_is_raised_by_the_block_and_the_rolled_back_transaction_keeps_nothing(engine):
    with engine.begin() as conn:
        conn.execute(rows.insert(), {"id": "kept", "n": 1})
    raised_at = None
    with engine.connect() as conn:
        conn.begin()
        with pytest.raises(IntegrityError), pipelined(conn):
            conn.execute(rows.insert(), {"id": "new", "n": 2})
            raised_at = "execute"
            conn.execute(rows.insert(), {"id": "kept", "n": 3})  # a duplicate key
            raised_at = "block"  # on PostgreSQL the refusal arrives with the block's answers
        conn.rollback()
        conn.begin()
        assert conn.execute(select(func.count()).select_from(rows)).scalar_one() == 1  # the connection works on
        conn.rollback()
    assert raised_at == ("block" if engine.dialect.name == "postgresql" else "execute")
    assert _stored(engine) == [("kept", 1)]


def test_a_refused_insert_is_raised_by_the_next_read_not_passed_over(engine):
    with engine.begin() as conn:
        conn.execute(rows.insert(), {"id": "kept", "n": 1})
    with engine.connect() as conn:
        conn.begin()
        with pytest.raises(IntegrityError), pipelined(conn):
            conn.execute(rows.insert(), {"id": "kept", "n": 3})
            conn.execute(select(rows.c.n)).all()
            pytest.fail("a read after a refused insert must not answer")
        conn.rollback()
    assert _stored(engine) == [("kept", 1)]


def test_a_refusal_answered_at_once_inside_a_savepoint_can_be_rolled_back_and_the_block_goes_on(engine):
    """The event store's append: INSERT .. RETURNING in a savepoint, a conflict caught and undone."""
    with engine.begin() as conn:
        conn.execute(rows.insert(), {"id": "kept", "n": 1})
    with engine.begin() as conn, pipelined(conn):
        conn.execute(rows.insert(), {"id": "before", "n": 2})
        conn.exec_driver_sql("SAVEPOINT try_it")
        with pytest.raises(IntegrityError):
            conn.execute(rows.insert().returning(rows.c.id), {"id": "kept", "n": 3}).all()
        conn.exec_driver_sql("ROLLBACK TO SAVEPOINT try_it")
        conn.exec_driver_sql("RELEASE SAVEPOINT try_it")
        conn.execute(rows.insert(), {"id": "after", "n": 4})
        assert conn.execute(select(func.count()).select_from(rows)).scalar_one() == 3
    assert _stored(engine) == [("after", 4), ("before", 2), ("kept", 1)]
