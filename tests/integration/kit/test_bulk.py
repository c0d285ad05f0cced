"""shared.bulk: many rows in one driver-level statement, with the same outcome as SQLAlchemy's INSERT."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, select
from sqlalchemy.exc import IntegrityError

from shared import bulk
from shared.bulk import insert_rows
from shared.db import make_engine

md = MetaData()
things = Table(
    "bulk_things",
    md,
    Column("gen", Integer, primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("n", Integer, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("note", String(200)),
)


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    md.drop_all(engine)
    md.create_all(engine)
    yield engine
    md.drop_all(engine)
    engine.dispose()


def _all(engine):
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(things).order_by(things.c.gen, things.c.id))]


def test_rows_go_in_with_fixed_columns_nulls_and_awkward_text(engine):
    rows = [
        {"id": "a", "n": 1, "ok": True, "note": 'quote " back\\slash\ttab\nline é 相談'},
        {"id": "b", "n": 2**31 - 1, "ok": False},  # no note: NULL
        {"id": "c", "n": -3, "ok": True, "note": ""},
    ]
    with engine.begin() as conn:
        written, back = insert_rows(conn, things, rows, columns=("id", "n", "ok", "note"), fixed={"gen": 7})
    assert (written, back) == (3, [])
    assert _all(engine) == [
        (7, "a", 1, True, 'quote " back\\slash\ttab\nline é 相談'),
        (7, "b", 2**31 - 1, False, None),
        (7, "c", -3, True, ""),
    ]


def test_conflicts_are_skipped_first_row_wins_and_returning_gives_only_the_new(engine):
    with engine.begin() as conn:
        insert_rows(conn, things, [{"gen": 1, "id": "a", "n": 1, "ok": True}])
    rows = [
        {"gen": 1, "id": "a", "n": 9, "ok": False},  # exists
        {"gen": 1, "id": "b", "n": 2, "ok": True},
        {"gen": 1, "id": "b", "n": 3, "ok": True},  # repeated within the batch
    ]
    with engine.begin() as conn:
        written, back = insert_rows(conn, things, rows, returning="id")
    assert (written, back) == (1, ["b"])
    assert _all(engine) == [(1, "a", 1, True, None), (1, "b", 2, True, None)]


def test_without_ignoring_conflicts_a_duplicate_key_raises(engine):
    with engine.begin() as conn:
        insert_rows(conn, things, [{"gen": 1, "id": "a", "n": 1, "ok": True}])
    with pytest.raises(IntegrityError), engine.begin() as conn:
        insert_rows(conn, things, [{"gen": 1, "id": "a", "n": 1, "ok": True}], ignore_conflicts=False)
    assert len(_all(engine)) == 1


def test_a_batch_beyond_sqlites_bind_limit_is_chunked(engine, monkeypatch):
    monkeypatch.setattr(bulk, "_SQLITE_VARIABLES", 12)  # 2 rows of 5 columns per statement
    rows = [{"gen": 1, "id": f"e{i:02d}", "n": i, "ok": i % 2 == 0} for i in range(7)]
    with engine.begin() as conn:
        written, back = insert_rows(conn, things, rows, returning="id")
    assert written == 7 and sorted(back) == [f"e{i:02d}" for i in range(7)]
    assert [r[2] for r in _all(engine)] == list(range(7))


others = Table(
    "bulk_others",
    md,
    Column("gen", Integer, primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("label", String(200)),
)


def _others(engine):
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(others).order_by(others.c.gen, others.c.key))]


def test_several_tables_in_one_go_write_what_insert_rows_would_and_count_the_new_rows(engine):
    with engine.begin() as conn:
        insert_rows(conn, things, [{"gen": 2, "id": "a", "n": 1, "ok": True}])
    batches = [
        (
            things,
            [{"id": "a", "n": 9, "ok": False}, {"id": "b", "n": 2, "ok": True, "note": "相談"}],
            {"fixed": {"gen": 2}, "columns": ("id", "n", "ok", "note")},
        ),
        (others, [], {}),  # nothing to write: skipped
        (others, [{"gen": 2, "key": "k1", "label": None}, {"gen": 2, "key": "k2", "label": "x"}], {}),
    ]
    with engine.begin() as conn:
        written = bulk.insert_tables(conn, batches)
    assert written == 3  # "a" existed: skipped, first row wins
    assert _all(engine) == [(2, "a", 1, True, None), (2, "b", 2, True, "相談")]
    assert _others(engine) == [(2, "k1", None), (2, "k2", "x")]


def test_several_tables_in_one_go_raise_sqlalchemys_error_and_roll_back_whole(engine):
    with engine.begin() as conn:
        insert_rows(conn, things, [{"gen": 1, "id": "a", "n": 1, "ok": True}])
    batches = [
        (others, [{"gen": 1, "key": "k1", "label": "x"}], {}),
        (things, [{"gen": 1, "id": "a", "n": 1, "ok": True}], {"ignore_conflicts": False}),
    ]
    with pytest.raises(IntegrityError), engine.begin() as conn:
        bulk.insert_tables(conn, batches)
    assert _others(engine) == [] and len(_all(engine)) == 1
    with engine.begin() as conn:  # the pool's connection is usable again
        assert bulk.insert_tables(conn, batches[:1]) == 1


stamped = Table(
    "bulk_stamped",
    md,
    Column("id", String(64), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),  # no plain driver array: SQLAlchemy's statement
)


def test_a_table_the_driver_statement_cannot_write_goes_through_sqlalchemy_with_the_same_counts(engine):
    at = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
    with engine.begin() as conn:
        assert insert_rows(conn, stamped, [{"id": "a", "at": at}, {"id": "b", "at": at}]) == (2, [])
        # a conflict is skipped and not counted; with RETURNING only the new row comes back
        assert insert_rows(conn, stamped, [{"id": "a", "at": at}, {"id": "c", "at": at}]) == (1, [])
        assert insert_rows(conn, stamped, [{"id": "c", "at": at}, {"id": "d", "at": at}], returning="id") == (1, ["d"])
    with engine.connect() as conn:
        assert sorted(r.id for r in conn.execute(select(stamped))) == ["a", "b", "c", "d"]
