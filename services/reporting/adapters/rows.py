"""Writing the read models: :class:`Rows`, what the projection's handlers emit, and its ways into a generation.

The live consumer flushes a batch's rows with ``INSERT .. ON CONFLICT DO NOTHING``, one statement per
table (:meth:`Rows.flush`); a rebuild (再構築) on PostgreSQL loads them by ``COPY`` instead, with the
same result (:func:`bulk_write`). The tables are declared in :mod:`.readmodel`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Connection, Integer, Table

from services.reporting.adapters.readmodel import READ_MODELS, TABLES
from shared.bulk import insert_rows, insert_tables

# Every column of a table in its order: a row without a nullable column's key writes NULL there.
_COLUMNS: dict[str, tuple[str, ...]] = {t.name: tuple(c.name for c in t.columns) for t in READ_MODELS}


# -- writing ---------------------------------------------------------------------------------


def insert_ignoring(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert rows, skipping those whose key exists (redelivery, replay overlap)."""
    if not rows:
        return 0
    return insert_rows(conn, table, rows, columns=_COLUMNS[table.name])[0]


class Rows:
    """What handlers emit: rows per read-model table, without ``gen`` (added on :meth:`flush`)."""

    __slots__ = ("by_table", "count")

    def __init__(self) -> None:
        self.by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.count = 0

    def add(self, table: Table, **values: Any) -> None:
        self.by_table[table.name].append(values)
        self.count += 1

    def extend(self, other: Rows) -> None:
        for name, rows in other.by_table.items():
            self.by_table[name].extend(rows)
        self.count += other.count

    def discard_tail(self, tail: Rows) -> None:
        """Drop the last rows added, as many per table as ``tail`` holds (undo of a failed projection)."""
        for name, added in tail.by_table.items():
            if added:
                del self.by_table[name][-len(added) :]
                self.count -= len(added)

    def flush(self, conn: Connection, gen: int) -> int:
        # One statement per table at the driver level, all in one round trip on PostgreSQL (shared.bulk).
        fixed = {"gen": gen}
        written = insert_tables(
            conn,
            [(TABLES[name], rows, {"columns": _COLUMNS[name], "fixed": fixed}) for name, rows in self.by_table.items()],
        )
        self.by_table.clear()
        self.count = 0
        return written


# -- bulk loading (rebuilds on PostgreSQL) -------------------------------------------------------


class _NotCopyable(Exception):
    """A value the COPY text encoder does not handle exactly as the driver would: use INSERT."""


_Plan = tuple[tuple[str, ...], tuple[tuple[int, str], ...], str, Callable[[Mapping[str, Any]], Any]]


def _copy_plan(table: Table) -> _Plan:
    cols = tuple(c.name for c in table.columns if c.name != "gen")
    special: list[tuple[int, str]] = []
    for i, name in enumerate(cols):
        col = table.c[name]
        if isinstance(col.type, Boolean):
            special.append((i, "bool"))
        elif isinstance(col.type, Integer):
            special.append((i, "int"))
        elif col.nullable and not col.primary_key:
            special.append((i, "null"))
    sql = f"COPY {table.name} (gen, {', '.join(chr(34) + c + chr(34) for c in cols)}) FROM STDIN"
    return cols, tuple(special), sql, itemgetter(*cols)  # every table has several columns: a tuple


_COPY_PLANS = {t.name: _copy_plan(t) for t in READ_MODELS}
# Control characters that mark fields, rows and NULLs while the whole batch is escaped in one go;
# a batch whose values hold any of them is not copied (counted below), so they cannot be confused.
_FIELD, _ROW, _NULL = "\x00", "\x1e", "\x1f"


def copy_text(table: Table, rows: Sequence[Mapping[str, Any]], gen: int) -> bytes:
    """Rows as PostgreSQL COPY text, values as the driver would bind them; raises :class:`_NotCopyable`."""
    cols, special, _sql, values_of = _COPY_PLANS[table.name]
    parts: list[str] = []
    append = parts.append
    join = _FIELD.join
    nulls = 0
    try:
        if not special:
            for row in rows:
                append(join(values_of(row)))  # TypeError unless every value is text
        else:
            for row in rows:
                values = list(values_of(row))
                for i, kind in special:
                    v = values[i]
                    if kind == "int":
                        if type(v) is not int:
                            raise _NotCopyable
                        values[i] = str(v)
                    elif kind == "bool":
                        if v is True:
                            values[i] = "t"
                        elif v is False:
                            values[i] = "f"
                        else:
                            raise _NotCopyable
                    elif v is None:
                        values[i] = _NULL
                        nulls += 1
                append(join(values))
    except (KeyError, TypeError) as exc:
        raise _NotCopyable from exc
    if not parts:
        return b""
    head = f"{gen}{_FIELD}"
    text = head + (_ROW + head).join(parts) + _ROW
    n = len(parts)
    if text.count(_FIELD) != n * len(cols) or text.count(_ROW) != n or text.count(_NULL) != nulls:
        raise _NotCopyable  # a value holds one of the marks
    text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    text = text.replace(_FIELD, "\t").replace(_ROW, "\n")
    if nulls:
        text = text.replace(_NULL, "\\N")
    return text.encode("utf-8")


def bulk_write(conn: Connection, rows: Rows, gen: int) -> int:
    """Write ``rows`` into ``gen`` with the same result as :meth:`Rows.flush`, faster on PostgreSQL.

    PostgreSQL: one ``COPY`` per table, under a savepoint. A rebuild fills a fresh generation, so
    a key conflict is rare (a redelivered event); then, or on any other error or a value COPY text
    would not render as the driver does, that table's rows take :func:`insert_ignoring` instead —
    the same statement as the live path, which skips duplicates (first row wins) or raises the
    same error as it always did. Other databases: :meth:`Rows.flush`.
    """
    if conn.dialect.name != "postgresql":
        return rows.flush(conn, gen)
    written = 0
    raw = conn.connection.driver_connection
    if raw is None:
        return rows.flush(conn, gen)
    for name, table_rows in rows.by_table.items():
        table = TABLES[name]
        try:
            payload = copy_text(table, table_rows, gen)
        except _NotCopyable:
            payload = None
        if payload is not None:
            try:
                with conn.begin_nested(), raw.cursor() as cur:
                    with cur.copy(_COPY_PLANS[name][2]) as copy:
                        copy.write(payload)
                    written += max(int(cur.rowcount), 0)
                continue
            except Exception:  # a conflict (or anything else): the exact INSERT below decides
                pass
        written += insert_rows(conn, table, table_rows, columns=_COLUMNS[name], fixed={"gen": gen})[0]
    rows.by_table.clear()
    rows.count = 0
    return written
