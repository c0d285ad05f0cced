"""Command latency against a stream's length, with and without aggregate snapshots (in process).

``python -m bench streams [--lengths 10,300,1800] [--commands 200] [--db sqlite|postgresql|both]``

On SQLite (a file under ``var/bench-streams``) and on PostgreSQL (a server it starts in
``var/bench-streams/postgres``, as ``bench commands`` does) builds one stream per length, then times
``commands`` commands on it — a unit of work that loads the aggregate, records one event and
commits — with snapshots off (``snapshot_every=0``: the whole stream is folded) and on (every 100
events). Prints p50 / p95 per length and the ratio of p95 to the 10-event stream's.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from shared.db import make_engine, migrate
from shared.envelope import Actor
from shared.events import DomainEvent, EventRegistry
from shared.eventstore import EventStore
from shared.uow import Fold, UnitOfWorkFactory

REPO = Path(__file__).resolve().parents[1]
ACTOR = Actor(staff_id="bench", department="loans", role="worker")


class ContactNoted(DomainEvent):
    event_type: ClassVar[str] = "bench.ContactNoted"
    contact_id: str
    method: str
    note: str


EVENTS = EventRegistry([ContactNoted])


@dataclass(frozen=True)
class Contacts:
    contact_ids: frozenset[str] = frozenset()
    count: int = 0
    last_method: str = ""


def apply(state: Contacts, event: DomainEvent) -> Contacts:
    assert isinstance(event, ContactNoted)
    return Contacts(state.contact_ids | {event.contact_id}, state.count + 1, event.method)


FOLD = Fold(Contacts, apply, EVENTS)


def command(factory: UnitOfWorkFactory, stream: str, n: int) -> None:
    with factory(ACTOR) as uow:
        _, version = uow.load(stream, FOLD)
        event = ContactNoted(contact_id=f"{stream}-{version + 1}", method="phone", note="相談記録 " * 20)
        uow.record(stream, version, [event], case_id="case-1")
        uow.commit()


def pct(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100)[int(q) - 1], 2) if len(values) > 1 else values[0]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench streams")
    parser.add_argument("--lengths", default="10,300,1800")
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    args = parser.parse_args(argv)
    lengths = [int(x) for x in args.lengths.split(",")]
    root = REPO / "var" / "bench-streams"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    results: dict[str, Any] = {}
    dbs = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    pg = None
    try:
        for db in dbs:
            if db == "postgresql" and pg is None:
                from deploy.postgres.local import start as start_postgres

                pg = start_postgres(root / "postgres")
            run(db, pg, root, lengths, args.commands, results)
    finally:
        if pg is not None:
            pg.stop(remove_data=True)
    return 0


def run(db: str, pg: Any, root: Path, lengths: list[int], commands: int, results: dict[str, Any]) -> None:
    for every in (0, 100):
        if db == "postgresql":
            name = f"bench_streams_{every}"
            pg.create_database(name)
            engine = make_engine(str(pg.url(name)))
        else:
            engine = make_engine(f"sqlite:///{root / f'every-{every}.db'}")
        migrate(engine)
        factory = UnitOfWorkFactory(engine, EventStore("bench"), snapshot_every=every)
        base = None
        for length in lengths:
            stream = f"consultation-{length}"
            for i in range(length):
                command(factory, stream, i)
            took = []
            for i in range(commands):
                began = time.perf_counter()
                command(factory, stream, i)
                took.append((time.perf_counter() - began) * 1000)
            p50, p95 = pct(took, 50), pct(took, 95)
            base = base or p95
            label = "snapshots every 100" if every else "no snapshots"
            print(f"{db:10}  {label:20}  {length:5} events  p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  x{p95 / base:.1f}")
            results[f"{db}/{every}/{length}"] = {"p50": p50, "p95": p95}
        engine.dispose()
