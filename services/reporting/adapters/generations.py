"""The read models' generations (blue-green): the one readers use, a new one for a rebuild (再構築),
the switch, the deletion of old ones, and the per-table checksums that show a rebuilt generation
equals the live-built one. The tables (``rm_generations``, ``rm_active``) are declared in
:mod:`.readmodel`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, Table, func, select

from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.readmodel import ts


def active_generation(conn: Connection, *, for_write: bool = False) -> int:
    query = select(rm.active.c.gen).where(rm.active.c.id == 1)
    if for_write and conn.dialect.name == "postgresql":
        # The switch UPDATEs this row: it waits for writers holding the share lock to commit.
        query = query.with_for_update(read=True)
    gen = conn.execute(query).scalar()
    if gen is None:
        raise RuntimeError("rm_active is empty: run the reporting migrations")
    return int(gen)


def new_generation(conn: Connection, now: datetime) -> int:
    top = conn.execute(select(func.coalesce(func.max(rm.generations.c.gen), 0))).scalar_one()
    gen = int(top) + 1
    conn.execute(rm.generations.insert().values(gen=gen, state="building", created_at=ts(now)))
    return gen


def switch_generation(conn: Connection, gen: int, now: datetime) -> int:
    """Point readers at ``gen``; returns the generation it replaces. Run inside the switch transaction."""
    old = conn.execute(select(rm.active.c.gen).where(rm.active.c.id == 1)).scalar_one()
    conn.execute(rm.active.update().where(rm.active.c.id == 1).values(gen=gen))
    conn.execute(rm.generations.update().where(rm.generations.c.gen == old).values(state="retired"))
    conn.execute(rm.generations.update().where(rm.generations.c.gen == gen).values(state="active", switched_at=ts(now)))
    return int(old)


def drop_generations(conn: Connection, states: Iterable[str] = ("retired",)) -> list[int]:
    """Delete the rows of retired (or abandoned ``building``) generations."""
    gens = [
        int(g)
        for g in conn.execute(select(rm.generations.c.gen).where(rm.generations.c.state.in_(list(states)))).scalars()
    ]
    for gen in gens:
        for table in rm.READ_MODELS:
            conn.execute(table.delete().where(table.c.gen == gen))
        conn.execute(rm.generations.delete().where(rm.generations.c.gen == gen))
    return gens


def generation_states(conn: Connection) -> dict[int, str]:
    return {int(g): str(s) for g, s in conn.execute(select(rm.generations.c.gen, rm.generations.c.state))}


def checksums(conn: Connection, gen: int) -> dict[str, str]:
    """SHA-256 per table over every row of ``gen`` (all columns but ``gen``, in key order)."""
    sums: dict[str, str] = {}
    for table in rm.READ_MODELS:
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
