"""The read models: append-only tables, one row set per *generation* (blue-green).

Every read-model table carries ``gen``. ``rm_active`` (one row) names the generation readers use;
``rm_generations`` lists them (``building`` → ``active`` → ``retired``). A rebuild fills a new
generation from offset 0 and switches ``rm_active`` in one transaction, so readers never see a
half-built model. The live consumer locks the pointer row ``FOR SHARE`` while it writes, which is
what lets the switch wait for in-flight batches (see :mod:`services.reporting.rebuild`).

Rows are a pure function of one event each (the handlers in :mod:`services.reporting.projection`)
and every primary key holds the event id, so inserts are ``ON CONFLICT DO NOTHING``: duplicate
delivery changes nothing, arrival order changes nothing, and a rebuilt generation equals the
live-built one row for row (:func:`checksums`). Everything that depends on *several* events —
status, joins, counts — is computed at query time.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Index,
    Integer,
    MetaData,
    Table,
    func,
    select,
)

from shared import columns as spec
from shared.bulk import insert_rows, insert_tables

metadata = MetaData()


generations = spec.table(
    "rm_generations",
    metadata,
    """
    gen          int    key
    state        state  required          # building | active | retired
    created_at   time   required
    switched_at  time
    """,
)
active = spec.table(
    "rm_active",
    metadata,
    """
    id   int  key
    gen  int  required
    """,
)

timeline = spec.table(
    "rm_timeline",
    metadata,
    """
    gen               int    key
    event_id          code   key
    case_id           id     required
    at                time   required
    source            code   required
    type              label  required
    subject           id     required
    stream_version    int    required
    actor_id          id     required
    actor_department  code   required
    actor_role        code   required
    actor_name        label
    data              text   required
    """,
    Index("ix_rm_timeline_case", "gen", "case_id", "at"),
)
links = spec.table(
    "rm_links",
    metadata,
    """
    gen       int    key
    event_id  code   key
    a         id     required
    b         id     required
    kind      state  required          # same | member
    at        time   required
    """,
    Index("ix_rm_links_a", "gen", "a"),
    Index("ix_rm_links_b", "gen", "b"),
)
loan_consultations = spec.table(
    "rm_loan_consultations",
    metadata,
    """
    gen              int   key
    consultation_id  code  key
    household_id     id    required
    opened_at        time  required
    fund_type        code  required
    kind             code  required
    initial          bool  required
    """,
)
loan_contacts = spec.table(
    "rm_loan_contacts",
    metadata,
    """
    gen              int   key
    event_id         code  key
    consultation_id  code  required
    at               time  required
    fund_type        code  required
    kind             code  required
    """,
    Index("ix_rm_loan_contacts_at", "gen", "at"),
)
issues = spec.table(
    "rm_issues",
    metadata,
    """
    gen              int   key
    event_id         code  key
    category         code  key
    department       code  required
    consultation_id  code  required
    case_id          id    required
    at               time  required
    """,
    Index("ix_rm_issues_consultation", "gen", "consultation_id"),
)
loan_responses = spec.table(
    "rm_loan_responses",
    metadata,
    """
    gen              int   key
    event_id         code  key
    consultation_id  code  required
    response         code  required
    at               time  required
    """,
    Index("ix_rm_loan_responses_consultation", "gen", "consultation_id"),
)
closures = spec.table(
    "rm_closures",
    metadata,
    """
    gen              int   key
    event_id         code  key
    department       code  required
    consultation_id  code  required
    case_id          id    required
    at               time  required
    outcome          code  required
    reached_service  bool  required
    """,
)
denials = spec.table(
    "rm_denials",
    metadata,
    """
    gen             int   key
    event_id        code  key
    application_id  code  required
    case_id         id    required
    at              time  required
    """,
)
referral_steps = spec.table(
    "rm_referral_steps",
    metadata,
    """
    gen                int    key
    event_id           code   key
    referral_id        code   required
    step               state  required          # made | accepted | declined | completed | cancelled | expired
    at                 time   required
    case_id            id
    source_department  code
    target             id
    deadline           time
    cause_event_id     code
    """,
    Index("ix_rm_referral_steps_referral", "gen", "referral_id"),
)
case_districts = spec.table(
    "rm_case_districts",
    metadata,
    """
    gen          int   key
    event_id     code  key
    case_id      id    required
    district_id  code  required
    at           time  required
    """,
)
district_events = spec.table(
    "rm_district_events",
    metadata,
    """
    gen          int    key
    event_id     code   key
    schedule_id  code   required          # the district event's own id (地域事業)
    district_id  code   required
    held_on      date   required
    kind         code   required
    at           time   required
    """,
    Index("ix_rm_district_events_held", "gen", "held_on"),
)
district_event_steps = spec.table(
    "rm_district_event_steps",
    metadata,
    """
    gen          int    key
    event_id     code   key
    schedule_id  code   required
    district_id  code   required
    step         state  required          # handles | declines | escalated
    department   code                     # the marking department (handles | declines)
    at           time   required
    """,
    Index("ix_rm_district_event_steps_schedule", "gen", "schedule_id"),
)
district_resources = spec.table(
    "rm_district_resources",
    metadata,
    """
    gen          int    key
    event_id     code   key
    district_id  code   required
    category     state  required          # resource (地域資源) | helper (担い手)
    item_id      code   required
    kind         code   required
    at           time   required
    """,
    Index("ix_rm_district_resources_district", "gen", "district_id"),
)
district_files = spec.table(
    "rm_district_files",
    metadata,
    """
    gen          int    key
    event_id     code   key
    district_id  code   required
    fiscal_year  int    required
    step         state  required          # opened | csw | evaluated
    csw_id       code                     # opened | csw: the district's CSW (地区担当)
    text         text                     # opened: the yearly goal (年度目標); evaluated: the evaluation
    at           time   required
    """,
    Index("ix_rm_district_files_district", "gen", "district_id", "fiscal_year"),
)
district_issues = spec.table(
    "rm_district_issues",
    metadata,
    """
    gen          int    key
    event_id     code   key
    item_id      code   key               # the issue's id (meeting) or the consultation's id (desk)
    district_id  code   required
    month        str32  required          # YYYY-MM (JST) the issue was raised in
    source       state  required          # meeting (地区支援ネットワーク会議) | desk (福祉なんでも相談窓口)
    category     code   required          # district_issue_categories code
    at           time   required
    """,
    Index("ix_rm_district_issues_month", "gen", "month"),
)
areas = spec.table(
    "rm_areas",
    metadata,
    """
    gen          int    key
    event_id     code   key
    area_id      code   required
    kind         state  required          # city | daily_life | district_council | community_care
    parent_id    code
    at           time   required
    """,
)
area_prefixes = spec.table(
    "rm_area_prefixes",
    metadata,
    """
    gen               int    key
    event_id          code   key
    area_id           code   required
    name              label                    # AreaDefined: the area's name; AreaAddressesChanged: none
    address_prefixes  text   required          # JSON list of the normalised prefixes (町名・丁目), replaced whole
    at                time   required
    """,
)
activity_records = spec.table(
    "rm_activity_records",
    metadata,
    """
    gen             int    key
    event_id        code   key
    record_id       id     required          # the monthly activity record (地区活動記録)
    staff_id        id     required          # its author
    author_name     label                    # written: the author's display name
    month           str32  required          # YYYY-MM
    step            state  required          # written | submitted | commented | manager_approved | approved | returned
    stream_version  int    required          # the record's stream version: the latest step decides the status
    at              time   required
    """,
    Index("ix_rm_activity_records_month", "gen", "month"),
)

READ_MODELS: tuple[Table, ...] = (
    timeline,
    links,
    loan_consultations,
    loan_contacts,
    issues,
    loan_responses,
    closures,
    denials,
    referral_steps,
    case_districts,
    district_events,
    district_event_steps,
    district_resources,
    district_files,
    activity_records,
    areas,
    district_issues,
    area_prefixes,
)
TABLES: dict[str, Table] = {t.name: t for t in READ_MODELS}
# Every column of a table in its order: a row without a nullable column's key writes NULL there.
_COLUMNS: dict[str, tuple[str, ...]] = {t.name: tuple(c.name for c in t.columns) for t in READ_MODELS}


@lru_cache(maxsize=4096)
def ts(moment: datetime) -> str:
    """Fixed-width UTC text, so that string order is time order in both databases.

    Cached: the projection asks for one event's time several times (timeline, links, districts,
    steps), and a cache hit is a fifth of the conversion."""
    utc = moment.astimezone(UTC)
    if utc.year >= 1000:  # isoformat is several times faster than strftime; same text ("...+00:00" -> "Z")
        return utc.isoformat(timespec="microseconds")[:-6] + "Z"
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


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


# -- generations -----------------------------------------------------------------------------


def active_generation(conn: Connection, *, for_write: bool = False) -> int:
    query = select(active.c.gen).where(active.c.id == 1)
    if for_write and conn.dialect.name == "postgresql":
        # The switch UPDATEs this row: it waits for writers holding the share lock to commit.
        query = query.with_for_update(read=True)
    gen = conn.execute(query).scalar()
    if gen is None:
        raise RuntimeError("rm_active is empty: run the reporting migrations")
    return int(gen)


def new_generation(conn: Connection, now: datetime) -> int:
    top = conn.execute(select(func.coalesce(func.max(generations.c.gen), 0))).scalar_one()
    gen = int(top) + 1
    conn.execute(generations.insert().values(gen=gen, state="building", created_at=ts(now)))
    return gen


def switch_generation(conn: Connection, gen: int, now: datetime) -> int:
    """Point readers at ``gen``; returns the generation it replaces. Run inside the switch transaction."""
    old = conn.execute(select(active.c.gen).where(active.c.id == 1)).scalar_one()
    conn.execute(active.update().where(active.c.id == 1).values(gen=gen))
    conn.execute(generations.update().where(generations.c.gen == old).values(state="retired"))
    conn.execute(generations.update().where(generations.c.gen == gen).values(state="active", switched_at=ts(now)))
    return int(old)


def drop_generations(conn: Connection, states: Iterable[str] = ("retired",)) -> list[int]:
    """Delete the rows of retired (or abandoned ``building``) generations."""
    gens = [
        int(g) for g in conn.execute(select(generations.c.gen).where(generations.c.state.in_(list(states)))).scalars()
    ]
    for gen in gens:
        for table in READ_MODELS:
            conn.execute(table.delete().where(table.c.gen == gen))
        conn.execute(generations.delete().where(generations.c.gen == gen))
    return gens


def generation_states(conn: Connection) -> dict[int, str]:
    return {int(g): str(s) for g, s in conn.execute(select(generations.c.gen, generations.c.state))}


def checksums(conn: Connection, gen: int) -> dict[str, str]:
    """SHA-256 per table over every row of ``gen`` (all columns but ``gen``, in key order)."""
    sums: dict[str, str] = {}
    for table in READ_MODELS:
        cols = [c for c in table.columns if c.name != "gen"]
        keys = [c for c in table.primary_key.columns if c.name != "gen"]
        digest = hashlib.sha256()
        count = 0
        for row in conn.execute(select(*cols).where(table.c.gen == gen).order_by(*keys)):
            digest.update(repr(tuple(row)).encode("utf-8"))
            count += 1
        sums[table.name] = f"{count}:{digest.hexdigest()}"
    return sums


def count_rows(conn: Connection, table: Table, gen: int) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(table.c.gen == gen)).scalar_one())
