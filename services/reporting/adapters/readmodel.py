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
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

metadata = MetaData()


def _gen() -> Column[int]:
    return Column("gen", Integer, primary_key=True)


generations = Table(
    "rm_generations",
    metadata,
    Column("gen", Integer, primary_key=True),
    Column("state", String(16), nullable=False),  # building | active | retired
    Column("created_at", String(40), nullable=False),
    Column("switched_at", String(40)),
)
active = Table(
    "rm_active",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("gen", Integer, nullable=False),
)

timeline = Table(
    "rm_timeline",
    metadata,
    _gen(),
    Column("event_id", String(64), primary_key=True),
    Column("case_id", String(128), nullable=False),
    Column("at", String(40), nullable=False),
    Column("source", String(64), nullable=False),
    Column("type", String(200), nullable=False),
    Column("subject", String(128), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("actor_id", String(128), nullable=False),
    Column("actor_department", String(64), nullable=False),
    Column("actor_role", String(64), nullable=False),
    Column("data", Text, nullable=False),
    Index("ix_rm_timeline_case", "gen", "case_id", "at"),
)
links = Table(
    "rm_links",
    metadata,
    _gen(),
    Column("event_id", String(64), primary_key=True),
    Column("a", String(128), nullable=False),
    Column("b", String(128), nullable=False),
    Column("kind", String(16), nullable=False),  # same | member
    Column("at", String(40), nullable=False),
    Index("ix_rm_links_a", "gen", "a"),
    Index("ix_rm_links_b", "gen", "b"),
)
loan_consultations = Table(
    "rm_loan_consultations",
    metadata,
    _gen(),
    Column("consultation_id", String(64), primary_key=True),
    Column("household_id", String(128), nullable=False),
    Column("opened_at", String(40), nullable=False),
    Column("fund_type", String(64), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("initial", Boolean, nullable=False),
)
loan_contacts = Table(
    "rm_loan_contacts",
    metadata,
    _gen(),
    Column("event_id", String(64), primary_key=True),
    Column("consultation_id", String(64), nullable=False),
    Column("at", String(40), nullable=False),
    Column("fund_type", String(64), nullable=False),
    Column("kind", String(64), nullable=False),
    Index("ix_rm_loan_contacts_at", "gen", "at"),
)
issues = Table(
    "rm_issues",
    metadata,
    _gen(),
    Column("event_id", String(64), primary_key=True),
    Column("category", String(64), primary_key=True),
    Column("department", String(64), nullable=False),
    Column("consultation_id", String(64), nullable=False),
    Column("case_id", String(128), nullable=False),
    Column("at", String(40), nullable=False),
    Index("ix_rm_issues_consultation", "gen", "consultation_id"),
)
loan_responses = Table(
    "rm_loan_responses",
    metadata,
    _gen(),
    Column("event_id", String(64), primary_key=True),
    Column("consultation_id", String(64), nullable=False),
    Column("response", String(64), nullable=False),
    Column("at", String(40), nullable=False),
    Index("ix_rm_loan_responses_consultation", "gen", "consultation_id"),
)
closures = Table(
    "rm_closures",
    metadata,
    _gen(),
    Column("event_id", String(64), primary_key=True),
    Column("department", String(64), nullable=False),
    Column("consultation_id", String(64), nullable=False),
    Column("case_id", String(128), nullable=False),
    Column("at", String(40), nullable=False),
    Column("outcome", String(64), nullable=False),
    Column("reached_service", Boolean, nullable=False),
)
denials = Table(
    "rm_denials",
    metadata,
    _gen(),
    Column("event_id", String(64), primary_key=True),
    Column("application_id", String(64), nullable=False),
    Column("case_id", String(128), nullable=False),
    Column("at", String(40), nullable=False),
)
referral_steps = Table(
    "rm_referral_steps",
    metadata,
    _gen(),
    Column("event_id", String(64), primary_key=True),
    Column("referral_id", String(64), nullable=False),
    Column("step", String(16), nullable=False),  # made | accepted | declined | completed | cancelled | expired
    Column("at", String(40), nullable=False),
    Column("case_id", String(128)),
    Column("source_department", String(64)),
    Column("target", String(128)),
    Column("deadline", String(40)),
    Column("cause_event_id", String(64)),
    Index("ix_rm_referral_steps_referral", "gen", "referral_id"),
)
case_districts = Table(
    "rm_case_districts",
    metadata,
    _gen(),
    Column("event_id", String(64), primary_key=True),
    Column("case_id", String(128), nullable=False),
    Column("district_id", String(64), nullable=False),
    Column("at", String(40), nullable=False),
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
)
TABLES: dict[str, Table] = {t.name: t for t in READ_MODELS}


def ts(moment: datetime) -> str:
    """Fixed-width UTC text, so that string order is time order in both databases."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- writing ---------------------------------------------------------------------------------


def insert_ignoring(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert rows, skipping those whose key exists (redelivery, replay overlap)."""
    if not rows:
        return 0
    maker = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    result = conn.execute(maker(table).on_conflict_do_nothing(), list(rows))
    return max(int(result.rowcount or 0), 0)


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

    def flush(self, conn: Connection, gen: int) -> int:
        written = 0
        for name, rows in self.by_table.items():
            written += insert_ignoring(conn, TABLES[name], [{"gen": gen, **r} for r in rows])
        self.by_table.clear()
        self.count = 0
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
