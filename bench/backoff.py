"""How long a new replica waits for its partitions while another member of its group backs off.

``python -m bench backoff [--pause 30] [--rounds 1]``

A consumer runner whose batch fails as a whole (its database away) tries it again after a pause
(:func:`shared.kafka.retry_pause`, up to 30 s). A replica that starts meanwhile joins the group; the
group's rebalance completes only once every member has rejoined, so the replica gets partitions
when the backing-off member next talks to the group. On one broker it starts (``var/bench-backoff``)
this measures, with a fresh topic of 3 partitions and a fresh group each time:

- **healthy** (the baseline): the first member runs normally; the replica joins;
- **backing off** (the runner as it is, :meth:`shared.consumer.ConsumerRunner._back_off`): the first
  member's every batch fails and it pauses ``--pause`` seconds, keeping its partitions paused and
  polling; the replica joins while it is in the pause;
- **sleeping** (the runner before the back-off polled): the same, but the member only waits.

It prints, per case, the seconds from the replica's first poll to its first assignment and the
ratio to the healthy case of the same round, and writes ``var/bench/backoff.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from shared.consumer import ConsumerRunner
from shared.db import make_engine, migrate
from shared.kafka import make_producer

REPO = Path(__file__).resolve().parents[1]
CASES = ("healthy", "backing off", "sleeping")


class FirstMember(ConsumerRunner):
    """The member that holds the partitions when the replica starts. ``failing``: its every batch
    fails (the database away) and it pauses ``pause`` seconds, by polling with its partitions
    paused (``sleep=False``, the runner as it is) or by only waiting (``sleep=True``)."""

    def __init__(self, *args: Any, failing: bool, pause: float, sleep: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.failing, self.pause, self.sleep = failing, pause, sleep
        self.got_records = threading.Event()

    def process(self, records: Sequence[Any]) -> None:
        self.got_records.set()  # it holds partitions (its consumer is only touched in its thread)
        if self.failing:
            raise RuntimeError("bench: the database is away")

    def _back_off(self, seconds: float) -> None:
        if self.sleep:
            self._stop.wait(self.pause)
        else:
            super()._back_off(self.pause)


def replica_join(bootstrap: str, engine: Engine, case: str, pause: float, timeout: float) -> float:
    """Seconds the replica waits for its first partitions in ``case``."""
    from deploy.kafka.cluster import create_topics

    topic = f"bench-backoff-{uuid.uuid4().hex[:8]}.events"
    create_topics(bootstrap, topics=[topic, topic + ".dlq"], partitions=3)
    producer = make_producer(bootstrap)
    for i in range(30):
        producer.send(topic, key=f"k{i}".encode(), value=b"{}")
    producer.flush()
    common: dict[str, Any] = {
        "name": f"bench-backoff-{uuid.uuid4().hex[:8]}",
        "engine": engine,
        "handler": lambda conn, envelope: None,
        "topics": [topic],
        "bootstrap_servers": bootstrap,
        "dead_letter_topic": topic + ".dlq",
        "producer": producer,
    }
    first = FirstMember(**common, failing=case != "healthy", pause=pause, sleep=case == "sleeping")
    thread = threading.Thread(target=first.run, name="first-member", daemon=True)
    thread.start()
    try:
        if not first.got_records.wait(60):
            raise RuntimeError("the first member got no partitions within 60 s")
        replica = ConsumerRunner(**common)
        began = time.monotonic()
        while not replica.consumer.assignment() and time.monotonic() - began < timeout:
            replica.consumer.poll(timeout_ms=100)
        waited = time.monotonic() - began
        replica.close()
        return waited
    finally:
        first.stop()
        thread.join(timeout=pause + 15)
        producer.close(timeout=5)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench backoff")
    parser.add_argument("--pause", type=float, default=30.0, help="the failing member's pause, seconds")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    from deploy.kafka.cluster import start_single

    root = REPO / "var" / "bench-backoff"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    kafka = start_single(root / "kafka", port=None, fresh=True)
    engine = make_engine(f"sqlite:///{root / 'runner.db'}")
    migrate(engine)
    try:
        result = run(kafka.bootstrap_servers, engine, args.pause, args.rounds)
    finally:
        engine.dispose()
        kafka.stop(remove_data=True)
    out = REPO / "var" / "bench" / "backoff.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"written: {out}")
    return 0


def run(bootstrap: str, engine: Engine, pause: float, rounds: int) -> dict[str, Any]:
    """Every case ``rounds`` times on the broker at ``bootstrap``; the runners' store is ``engine``."""
    waits: dict[str, list[float]] = {case: [] for case in CASES}
    for n in range(1, rounds + 1):
        for case in CASES:
            waits[case].append(replica_join(bootstrap, engine, case, pause, timeout=pause + 30))
        base = waits["healthy"][-1]
        for case in CASES:
            took = waits[case][-1]
            print(f"round {n}  {case:12}  replica assigned after {took:6.2f} s  x{took / base:.1f} of healthy")
    medians = {case: round(statistics.median(w), 2) for case, w in waits.items()}
    print(f"pause {pause:g} s; median over {rounds} round(s): " + ", ".join(f"{c} {s} s" for c, s in medians.items()))
    return {"pause_seconds": pause, "rounds": rounds, "seconds": waits, "median_seconds": medians}
