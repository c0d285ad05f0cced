"""Many rows into one table in one statement, at the driver level (the hot path of consumers).

SQLAlchemy's ``insertmanyvalues`` renders a multi-row ``VALUES`` list and processes every bind
parameter of every row in Python; psycopg then parses that long statement again on each call (it
caches only short ones), and an ``executemany`` without ``RETURNING`` is one ``INSERT`` per row on
the server. Profiled on reporting's projection, that machinery took more time than the events'
decoding and projection together. Here a batch is one short statement whose text is cached per
table and column list:

- PostgreSQL: ``INSERT .. SELECT * FROM unnest(%b::text[], %b::bigint[], ..)``, one array per
  column, so the rows travel as a handful of parameters and the server inserts them in one go;
- SQLite: ``executemany`` of a prepared one-row ``INSERT`` (sqlite3's loop runs in C), and when
  rows must come back (``RETURNING``, which ``executemany`` drops) one multi-row ``VALUES`` with
  the parameters flat (its text cached per row count);
- any other database, or a column type without a plain driver value: SQLAlchemy's own statement.

:func:`insert_tables` writes several tables so (no ``RETURNING``): on PostgreSQL with psycopg in
*pipeline mode*, its statements sent together and answered in one round trip instead of one each
(reporting's projection writes some seven read-model tables per batch).

Values must be what the driver binds as they are: ``str``, ``int``, ``bool`` or ``None`` (the
columns of :mod:`shared.columns` are text, integers and booleans). ``ON CONFLICT DO NOTHING``
keeps the first row of a key, as before; ``RETURNING`` gives the inserted rows only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy import BigInteger, Boolean, Connection, Integer, SmallInteger, String, Table, Text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

__all__ = ["insert_rows", "insert_tables"]

_SQLITE_VARIABLES = 32_000
_SQLITE_MULTI: dict[tuple[str, int], str] = {}
_SQL: dict[tuple[str, Table, tuple[str, ...], bool, str | None], str | None] = {}


def _pg_array(col_type: Any) -> str | None:
    if isinstance(col_type, Boolean):
        return "boolean[]"
    if isinstance(col_type, (Integer, BigInteger, SmallInteger)):
        return "bigint[]"
    if isinstance(col_type, (String, Text)):
        return "text[]"
    return None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql(
    dialect: str, table: Table, cols: tuple[str, ...], ignore: bool, returning: str | None, many: bool
) -> str | None:
    key = (dialect + ("*" if many else ""), table, cols, ignore, returning)
    if key in _SQL:
        return _SQL[key]
    target = f"{_quote(table.name)} ({', '.join(_quote(c) for c in cols)})"
    tail = (" ON CONFLICT DO NOTHING" if ignore else "") + (f" RETURNING {_quote(returning)}" if returning else "")
    sql: str | None
    if dialect == "postgresql":
        arrays = [_pg_array(table.c[c].type) for c in cols]
        if any(a is None for a in arrays):
            sql = None
        else:
            sql = f"INSERT INTO {target} SELECT * FROM unnest({', '.join('%b::' + a for a in arrays if a)}){tail}"
    elif dialect == "sqlite":
        one = f"({', '.join('?' for _ in cols)})"
        sql = f"INSERT INTO {target} VALUES {one}{tail}" if many else f"INSERT INTO {target} VALUES {{rows}}{tail}"
    else:
        sql = None
    _SQL[key] = sql
    return sql


def insert_rows(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    fixed: Mapping[str, Any] | None = None,
    ignore_conflicts: bool = True,
    returning: str | None = None,
) -> tuple[int, list[Any]]:
    """Insert ``rows`` (dicts keyed by column name; a missing key is NULL) into ``table``, in one
    statement; returns (rows inserted, the ``returning`` column's values of the inserted rows).

    ``columns``: the columns to write (default: those of the first row); ``fixed``: values of
    further columns, the same in every row (e.g. a read model's generation)."""
    if not rows:
        return 0, []
    fixed = fixed or {}
    own = tuple(c for c in (columns if columns is not None else rows[0].keys()) if c not in fixed)
    cols = (*fixed, *own)
    dialect = conn.dialect.name
    many = dialect == "sqlite" and returning is None
    sql = _sql(dialect, table, cols, ignore_conflicts, returning, many)
    if sql is None:
        return _fallback(conn, table, [{**fixed, **row} for row in rows], cols, ignore_conflicts, returning)
    consts = tuple(fixed.values())
    if dialect == "postgresql":
        n = len(rows)
        params: Any = (*([v] * n for v in consts), *([row.get(c) for row in rows] for c in own))
    elif many:
        params = [consts + tuple([row.get(c) for c in own]) for row in rows]
    else:
        return _sqlite_returning(conn, sql, len(cols), [(*consts, *[row.get(c) for c in own]) for row in rows])
    result = conn.exec_driver_sql(sql, params)
    if returning is None:
        return max(int(result.rowcount or 0), 0), []
    back = [r[0] for r in result]
    return len(back), back


def _sqlite_returning(conn: Connection, sql: str, width: int, rows: list[tuple[Any, ...]]) -> tuple[int, list[Any]]:
    """SQLite drops the rows of an ``executemany`` with ``RETURNING``: one multi-row ``VALUES`` per
    chunk, its parameters flat, within the bind-parameter limit (32,766 since SQLite 3.32)."""
    per = max(1, _SQLITE_VARIABLES // width)
    back: list[Any] = []
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        text = _SQLITE_MULTI.get((sql, len(chunk)))
        if text is None:
            one = "(" + ", ".join("?" * width) + ")"
            text = sql.replace("{rows}", ", ".join([one] * len(chunk)))
            if len(_SQLITE_MULTI) > 256:
                _SQLITE_MULTI.clear()
            _SQLITE_MULTI[(sql, len(chunk))] = text
        flat = tuple(v for row in chunk for v in row)
        back.extend(r[0] for r in conn.exec_driver_sql(text, flat))
    return len(back), back


def _fallback(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    cols: tuple[str, ...],
    ignore: bool,
    returning: str | None,
) -> tuple[int, list[Any]]:
    if ignore and conn.dialect.name in ("postgresql", "sqlite"):
        maker = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        stmt: Any = maker(table).on_conflict_do_nothing()
    else:
        stmt = table.insert()
    if returning is not None:
        stmt = stmt.returning(table.c[returning])
    else:  # SQLAlchemy forgets an INSERT's count on PostgreSQL unless asked to keep it
        stmt = stmt.execution_options(preserve_rowcount=True)
    params = [{c: row.get(c) for c in cols} for row in rows]
    result = conn.execute(stmt, params)
    if returning is None:
        return max(int(result.rowcount or 0), 0), []
    back = [r[0] for r in result]
    return len(back), back


TableRows = tuple[Table, Sequence[Mapping[str, Any]], Mapping[str, Any]]
"""(table, rows, keyword arguments of :func:`insert_rows`)."""


def insert_tables(conn: Connection, batches: Sequence[TableRows]) -> int:
    """:func:`insert_rows` for several tables, ``(table, rows, keyword arguments)`` each, without
    ``RETURNING``; returns the rows inserted. On PostgreSQL with psycopg the statements go in one
    pipeline (one round trip for all); a database error is raised as SQLAlchemy's, as
    :func:`insert_rows` would raise it, and leaves the transaction to be rolled back."""
    batches = [b for b in batches if b[1]]
    if conn.dialect.name != "postgresql" or conn.dialect.driver != "psycopg" or len(batches) < 2:
        return sum(insert_rows(conn, table, rows, **kw)[0] for table, rows, kw in batches)
    planned: list[tuple[str, Any]] = []
    written = 0
    for table, rows, kw in batches:
        plan = _pg_plan(table, rows, **kw)
        if plan is None:  # a column without a plain driver value: SQLAlchemy's statement, on its own
            written += insert_rows(conn, table, rows, **kw)[0]
        else:
            planned.append(plan)
    if not planned:
        return written
    driver = conn.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    sql = params = None
    try:
        with driver.pipeline():
            cursors = []
            for sql, params in planned:
                cur = driver.cursor()
                cur.execute(sql, params)
                cursors.append(cur)
        written += sum(max(int(cur.rowcount or 0), 0) for cur in cursors)
    except psycopg.Error as exc:
        raise DBAPIError.instance(sql, params, exc, psycopg.Error) from exc
    return written


def _pg_plan(
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    fixed: Mapping[str, Any] | None = None,
    ignore_conflicts: bool = True,
) -> tuple[str, Any] | None:
    """The PostgreSQL statement and parameters :func:`insert_rows` would run, or ``None``."""
    fixed = fixed or {}
    own = tuple(c for c in (columns if columns is not None else rows[0].keys()) if c not in fixed)
    sql = _sql("postgresql", table, (*fixed, *own), ignore_conflicts, None, False)
    if sql is None:
        return None
    n = len(rows)
    return sql, (*([v] * n for v in fixed.values()), *([row.get(c) for row in rows] for c in own))
