"""Column specs: a table's columns written one line a column, in words every service shares.

A service's read tables (``adapters/tables.py``) and the Alembic revision that creates them
(``migrations/0001_*.py``) each keep their own spec, so a revision stays what it was when it was
written, but both read the same words with the same meaning::

    conferences = table(
        "conferences",
        metadata,
        '''
        conference_id   id      key
        case_id         id      required
        scheduled_for   time    required
        referral_id     id
        ''',
    )

    # migrations/0001_conferences.py: a revision that only creates tables
    upgrade, downgrade = table_revision(
        '''
        conferences:
            conference_id   id      key
            case_id         id      required index
            ...
        action_items:
            ...
        '''
    )

A line is ``name type flag...``; ``#`` starts a comment. Columns are nullable unless ``key`` or
``required``. Dates and times are ISO text (``date``, ``time``), as the event store keeps them, so
SQLite and PostgreSQL sort and compare them alike; ``day`` is a real SQL ``DATE``.

The words are part of every revision that uses them: never change what a word means (a new
width is a new word), or old revisions would create a different schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from alembic import op
from sqlalchemy import BigInteger, Boolean, Column, Connection, Date, Integer, MetaData, String, Table, Text
from sqlalchemy.schema import SchemaItem
from sqlalchemy.types import TypeEngine

__all__ = ["FLAGS", "TYPES", "columns", "row_of", "table", "table_revision", "tables"]

TYPES: dict[str, Callable[[], TypeEngine[Any]]] = {
    "id": lambda: String(128),  # ids of streams, people, households, cases, records
    "code": lambda: String(64),  # code-list values, departments, districts, event ids, short keys
    "state": lambda: String(16),  # a status or another small set of words
    "label": lambda: String(200),  # names and titles people type
    "time": lambda: String(40),  # an ISO-8601 UTC timestamp as text
    "date": lambda: String(10),  # an ISO date as text (YYYY-MM-DD)
    "str32": lambda: String(32),
    "text": Text,
    "int": Integer,
    "bigint": BigInteger,  # yen amounts, sequence numbers
    "bool": Boolean,
    "day": Date,  # a real SQL DATE
}

FLAGS: dict[str, tuple[str, Any]] = {
    "key": ("primary_key", True),
    "required": ("nullable", False),
    "index": ("index", True),
    "unique": ("unique", True),
}


def columns(spec: str) -> list[Column[Any]]:
    """The columns of ``spec``, in its order; an unknown type or flag is an error that names the line."""
    made: list[Column[Any]] = []
    for number, raw in enumerate(spec.splitlines(), start=1):
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) < 2 or words[1] not in TYPES or any(w not in FLAGS for w in words[2:]):
            raise ValueError(
                f"column spec line {number} {raw.strip()!r}: write 'name type flag...' with a type from "
                f"{sorted(TYPES)} and flags from {sorted(FLAGS)}"
            )
        name, kind, *flags = words
        options: dict[str, Any] = dict(FLAGS[f] for f in flags)
        made.append(Column(name, TYPES[kind](), **options))
    return made


def table(name: str, metadata: MetaData, spec: str, *extra: SchemaItem) -> Table:
    """A SQLAlchemy Core table of ``spec``'s columns, then ``extra`` (indexes, constraints)."""
    return Table(name, metadata, *columns(spec), *extra)


def tables(spec: str) -> dict[str, list[Column[Any]]]:
    """Several tables' columns: a line ``name:`` starts a table, the column lines below it are its own."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in spec.splitlines():
        words = raw.split("#", 1)[0].split()
        if len(words) == 1 and words[0].endswith(":"):
            current = blocks.setdefault(words[0][:-1], [])
        elif words:
            if current is None:
                raise ValueError(f"tables spec: {raw.strip()!r} comes before the first 'table_name:' line")
            current.append(raw)
    return {name: columns("\n".join(lines)) for name, lines in blocks.items()}


def table_revision(spec: str) -> tuple[Callable[[], None], Callable[[], None]]:
    """The ``upgrade`` and ``downgrade`` of an Alembic revision that only creates the tables of ``spec``
    (see :func:`tables`): created in the spec's order, dropped in the reverse order."""
    names = list(tables(spec))

    def upgrade() -> None:
        for name, made in tables(spec).items():
            op.create_table(name, *made)

    def downgrade() -> None:
        for name in reversed(names):
            op.drop_table(name)

    return upgrade, downgrade


def row_of(source: object, table: Table, /, **values: Any) -> dict[str, Any]:
    """A row of ``table`` taken from ``source``'s attributes of the same names (an event's fields, a
    state's), dates and times as ISO text in text columns, as the tables keep them; ``values``
    add or override columns (ids from elsewhere, JSON, counts)."""
    row: dict[str, Any] = {}
    for column in table.columns:
        if column.name in values or not hasattr(source, column.name):
            continue
        value = getattr(source, column.name)
        if isinstance(value, date) and isinstance(column.type, String):
            value = value.isoformat()
        row[column.name] = value
    return {**row, **values}


def put_row(conn: Connection, table: Table, key: str, key_value: Any, values: Mapping[str, Any], **first: Any) -> None:
    """Keeps the read row of one stream in ``table``: the row whose ``key`` column is ``key_value``
    gets ``values``; when there is none yet it is inserted, with ``first`` (the columns only the
    first write sets, e.g. who opened it and when)."""
    updated = conn.execute(table.update().where(table.c[key] == key_value).values(**values))
    if updated.rowcount == 0:
        conn.execute(table.insert().values({key: key_value, **first, **values}))
