"""``python -m bench names [--people N,N,...] [--rounds R]``: what naming people costs the loans desk.

The loans desk keeps no person table: a row's 相談者 and 世帯を探す fold the people's ``registry.*``
events from its own store (:mod:`services.loans.views`). For each size, the bench registers ``N``
people and a household each through the desk's own handlers (SQLite, no broker), then times:

- the baseline: selecting the same person-stream rows from the events table, nothing parsed;
- 世帯を探す (``households_named``): every person's events read, parsed and folded, the name matched;
- naming one page of 20 rows (``names_of`` 20 ids).

It prints the figures (median of ``R`` rounds) and the ratio to the baseline; it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from services.loans import handlers, views
from services.loans.bootstrap import build
from services.loans.config import Settings
from shared.commands import CommandContext
from shared.db import reading
from shared.envelope import Actor
from shared.eventstore import events_table
from shared.registry.commands import HouseholdMember, RegisterHousehold, RegisterPerson

DESK = Actor(staff_id="bench-loans", department="loans", role="worker")
SURNAMES = ("横須賀", "逗子", "葉山", "鎌倉", "三浦", "藤沢", "大和", "一色")


def _median_ms(run: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(people: int, rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-names-") as var:
        app, kit = build(Settings(var_dir=Path(var), log_json=False), kafka=False)  # type: ignore[call-arg]
        try:
            deps: handlers.LoansDeps = app.state.deps
            ctx = CommandContext(actor=DESK)
            ids = []
            for n in range(people):
                name = f"{SURNAMES[n % len(SURNAMES)]} {n:05d}"
                person = handlers.register_person(
                    deps, ctx, RegisterPerson(name_kanji=name, registered_by=DESK.staff_id)
                )
                members = (HouseholdMember(person_id=person.id),)
                handlers.register_household(deps, ctx, RegisterHousehold(members=members, registered_by=DESK.staff_id))
                ids.append(person.id)
            page = set(ids[-20:])
            e = events_table.c

            def baseline() -> None:
                with reading(kit.engine) as conn:
                    conn.execute(select(e.stream_id, e.event_type, e.data).where(e.stream_id.like("person-%"))).all()

            def search() -> None:
                found = views.households_named(deps, "横須賀", 20)
                assert found["items"], "the bench's people are found"

            def name_page() -> None:
                with reading(kit.engine) as conn:
                    assert len(views.names_of(conn, page)) == len(page)

            return {
                "baseline": _median_ms(baseline, rounds),
                "search": _median_ms(search, rounds),
                "page": _median_ms(name_page, rounds),
            }
        finally:
            kit.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench names", description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", default="1000,5000,20000", help="sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    print("people  baseline ms  世帯を探す ms  ratio  one page of 20 ms")
    for size in (int(s) for s in args.people.split(",")):
        f = measure(size, args.rounds)
        ratio = f["search"] / f["baseline"]
        print(f"{size:>6}  {f['baseline']:>11.1f}  {f['search']:>13.1f}  {ratio:>5.1f}  {f['page']:>17.2f}")
    return 0
