"""``python -m bench backup [--events N] [--rounds R]``: what a live backup costs the services.

Five SQLite stores under a temporary ``run`` folder, each with ``N`` events of a realistic size
(the kit's ``events`` table, made with the services' own engine). A writer thread commits to one of
them in a loop, as a desk does, the whole time. Per round, the bench times:

- the baseline: copying the five files as they are (``shutil.copyfile``; not a usable backup, since
  it takes no lock and no consistent moment, but it is the floor for moving the bytes);
- ``deploy.backup.create`` (every write lock held while a read snapshot begins on each store, the
  snapshots copied with SQLite's backup API, integrity check, SHA-256);
- how long the write locks were held: the writer's pause;
- the writer's longest commit while a backup ran, against its longest commit between backups.

It prints the figures and the ratio of the backup to the baseline; it asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

import deploy.backup as backup
from shared.db import make_engine
from shared.eventstore import events_table
from shared.eventstore import metadata as store_metadata

DATA = json.dumps(
    {
        "consultation_id": "00000000-0000-4000-8000-000000000000",
        "summary": "家計の見直しについて相談。年金の受給日までの生活費が不足している。" * 3,
        "issues": ["household_budget", "debt_arrears"],
        "channel": "interview",
    },
    ensure_ascii=False,
)


def _row(stream: str, version: int) -> dict[str, Any]:
    """One stored event of a contact's size."""
    return {
        "event_id": str(uuid.uuid4()),
        "stream_id": stream,
        "stream_version": version,
        "event_type": "intake.ContactRecorded",
        "case_id": stream,
        "occurred_at": "2026-12-01T09:00:00+00:00",
        "actor_id": "intake-worker-1",
        "actor_department": "intake",
        "actor_role": "worker",
        "schema_version": 1,
        "data": DATA,
        "prev_hash": "0" * 64,
        "hash": "0" * 64,
    }


def _fill(engine: Engine, events: int, batch: int = 2000) -> None:
    store_metadata.create_all(engine, tables=[events_table])
    for start in range(0, events, batch):
        rows = [_row(f"consultation-{n // 10}", n % 10 + 1) for n in range(start, min(events, start + batch))]
        with engine.begin() as conn:
            conn.execute(insert(events_table), rows)


class _Writer(threading.Thread):
    """Commits one event at a time to a store and keeps each commit's duration, tagged with
    whether a backup was running."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(daemon=True)
        self.engine = engine
        self.stop = threading.Event()
        self.during = threading.Event()
        self.commits: list[tuple[bool, float]] = []

    def run(self) -> None:
        while not self.stop.is_set():
            began = time.perf_counter()
            during = self.during.is_set()
            with self.engine.begin() as conn:
                conn.execute(insert(events_table).values(_row("writer", len(self.commits) + 1)))
            self.commits.append((during or self.during.is_set(), time.perf_counter() - began))
            time.sleep(0.002)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000, help="events in each of the five stores")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    held: list[float] = []
    real_hold = backup._all_writes_held

    @contextlib.contextmanager
    def timed_hold(stores: Any) -> Iterator[None]:
        with real_hold(stores):
            began = time.perf_counter()
            yield
            held.append(time.perf_counter() - began)

    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        run_dir = Path(tmp) / "run"
        run_dir.mkdir()
        engines = {name: make_engine(f"sqlite:///{run_dir / f'{name}.db'}") for name in backup.STORES}
        began = time.perf_counter()
        for engine in engines.values():
            _fill(engine, args.events)
        size = sum(p.stat().st_size for p in run_dir.glob("*.db"))
        print(
            f"five stores of {args.events:,} events each, {size / 1e6:.1f} MB in all "
            f"(written in {time.perf_counter() - began:.1f} s)",
            flush=True,
        )
        writer = _Writer(engines["intake"])
        writer.start()
        copies, backups = [], []
        backup._all_writes_held = timed_hold
        try:
            for n in range(args.rounds):
                time.sleep(0.5)
                target = Path(tmp) / f"copy-{n}"
                target.mkdir()
                began = time.perf_counter()
                for path in sorted(run_dir.glob("*.db")):
                    shutil.copyfile(path, target / path.name)
                copies.append(time.perf_counter() - began)
                shutil.rmtree(target)
                time.sleep(0.5)
                writer.during.set()
                began = time.perf_counter()
                done = backup.create(run_dir, Path(tmp) / "backups")
                backups.append(time.perf_counter() - began)
                writer.during.clear()
                shutil.rmtree(done)
        finally:
            backup._all_writes_held = real_hold
            writer.stop.set()
            writer.join()
            for engine in engines.values():
                engine.dispose()
    quiet = [d for during, d in writer.commits if not during]
    busy = [d for during, d in writer.commits if during]
    copy, made, hold = statistics.median(copies), statistics.median(backups), statistics.median(held)
    print(f"baseline, the five files copied as they are: median {copy * 1000:.0f} ms over {args.rounds} rounds")
    print(
        f"deploy.backup create: median {made * 1000:.0f} ms ({made / copy:.1f}x the baseline), "
        f"{size / 1e6 / made:.0f} MB/s; write locks held {hold * 1000:.0f} ms of it"
    )
    print(
        f"the writer's commits: {len(quiet)} between backups, longest {max(quiet) * 1000:.0f} ms; "
        f"{len(busy)} while a backup ran, longest {max(busy, default=0) * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
