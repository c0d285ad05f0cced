"""The backbone benchmark: how much of Kafka's raw speed the relay and the consumer runner keep.

One run, one broker, one record size. Each figure on its own fresh topic:

1. raw producer   — kafka-python ``KafkaProducer`` configured like :func:`shared.kafka.make_producer`,
                    sending N pre-encoded CloudEvents records (key, ``ce_*`` headers, JSON value), flush
                    at the end. The baseline of (2).
2. relay          — N events pre-appended to an event store (not timed), then
                    :meth:`shared.relay.OutboxRelay.drain` timed from checkpoint 0 to done; on SQLite
                    and on PostgreSQL. Goal: ≥ 90 % of (1).
3. raw consumer   — ``KafkaConsumer`` configured like :func:`shared.kafka.make_consumer` reading N
                    records from the beginning, no processing. The baseline of (4).
4. runner         — :class:`shared.consumer.ConsumerRunner` with its dedupe transaction and a trivial
                    handler inserting one row per event, and with a batch handler; on SQLite and on
                    PostgreSQL. Goal: ≥ 60 % of (3).
5. raw consumer   — (3) on records of the departments' real event types (:func:`bench.reporting.history`).
6. projection     — the runner with reporting's live projection and the published-contract check, as
                    ``services.reporting`` wires it, on those records. Goal: ≥ 60 % of (5).

Both consumers are handed their partitions by ``assign`` + ``seek_to_beginning`` (the runner accepts
a ready consumer), so neither figure pays for a group rebalance; the runner still commits its
offsets after every batch as it does in production. Producers have fetched the topic's metadata
before the clock starts. Times are :func:`time.perf_counter`.

``--rounds N`` runs the whole sequence N times on the one broker (fresh topics and databases each
round) and also prints, per figure, the median of its rounds' ratios and their range: on a machine
that other work shares, one round's ratio moves by a third and only the spread says how much.

``python -m bench backbone --events 50000 --size 512 --db both`` starts a single KRaft broker in
``var/bench-kafka`` (or uses ``KAFKA_BOOTSTRAP_SERVERS``) and PostgreSQL in ``var/bench-postgres``
(or ``DATABASE_URL``'s server), prints the table, writes ``var/bench/backbone.json`` and stops
everything it started.

Its parts: :mod:`bench.backbone_report` (the figures and their tables), :mod:`bench.backbone_workload`
(records, topics and consumers, untimed) and :mod:`bench.backbone_measure` (each timed figure). This
module runs them in order and is the command.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.backbone_measure import (
    REPO,
    measure_java_consumer,
    measure_java_producer,
    measure_projection_runner,
    measure_raw_consumer,
    measure_raw_producer,
    measure_relay,
    measure_runner,
)
from bench.backbone_report import GOALS, BackboneResult, Figure, format_summary, format_table, summarize
from bench.backbone_workload import fill_topic, fill_with_service_events, make_records, new_topic

__all__ = ["bench_backbone", "main", "run_backbone"]

DEFAULT_EVENTS = 50_000
DEFAULT_SIZE = 512
DEFAULT_PARTITIONS = 3


# --------------------------------------------------------------------------- the run


def run_backbone(
    *,
    bootstrap: str,
    db_urls: dict[str, str],
    n: int = DEFAULT_EVENTS,
    size: int = DEFAULT_SIZE,
    partitions: int = DEFAULT_PARTITIONS,
    timeout: float = 600.0,
    progress: Callable[[str], None] | None = None,
) -> BackboneResult:
    """Measure the six figures on an existing broker and existing, empty databases.

    ``db_urls`` maps a label (``"sqlite"``, ``"postgresql"``) to a SQLAlchemy URL of an empty
    database; the relay and the runner each get their own: ``{label: url}`` is used for the relay
    and ``{label}`` + ``"-runner"`` when given, else the same URL (tables do not collide).
    """
    say = progress or (lambda _msg: None)
    started = datetime.now(UTC).isoformat()
    records = make_records(n, size)
    figures: list[Figure] = []

    say(f"Kafka's Java ProducerPerformance: {n} records of {size} bytes (the broker's ceiling)")
    java_producer = measure_java_producer(bootstrap, new_topic(bootstrap, "javaprod", partitions), n, size, timeout)
    figures.append(java_producer)

    say(f"raw producer: {n} records of {size} bytes")
    raw_producer = measure_raw_producer(bootstrap, new_topic(bootstrap, "rawprod", partitions), records)
    figures.append(raw_producer)

    dbs = [db for db in db_urls if not db.endswith("-runner")]
    for db in dbs:
        say(f"relay on {db}: appending {n} events (untimed), then draining")
        fig = measure_relay(bootstrap, new_topic(bootstrap, f"relay-{db}", partitions), db, db_urls[db], n, size)
        fig.baseline, fig.goal = raw_producer.name, GOALS["relay"]
        fig.ratio = fig.events_per_s / raw_producer.events_per_s
        figures.append(fig)

    say("raw consumer: filling a topic (untimed), then reading it")
    topic = new_topic(bootstrap, "rawcons", partitions)
    fill_topic(bootstrap, topic, records)
    raw_consumer = measure_raw_consumer(bootstrap, topic, n, timeout)
    say("Kafka's Java ConsumerPerformance on the same records (the broker's ceiling)")
    java_consumer = measure_java_consumer(bootstrap, topic, n, timeout)
    figures.extend([java_consumer, raw_consumer])

    for db in dbs:
        for batched in (False, True):
            say(
                f"runner on {db} ({'batch' if batched else 'per-event'} handler): filling a topic (untimed), "
                "then consuming it"
            )
            topic = new_topic(bootstrap, f"runner-{db}", partitions)
            fill_topic(bootstrap, topic, records)
            url = db_urls.get(f"{db}-runner", db_urls[db])
            fig = measure_runner(bootstrap, topic, db, url, n, timeout, batched=batched)
            fig.baseline, fig.goal = raw_consumer.name, GOALS["runner"]
            fig.ratio = fig.events_per_s / raw_consumer.events_per_s
            figures.append(fig)

    say("raw consumer on the departments' events: filling a topic (untimed), then reading it")
    service_topic = new_topic(bootstrap, "service", partitions)
    sent = fill_with_service_events(bootstrap, service_topic, n)
    raw_service = measure_raw_consumer(bootstrap, service_topic, sent, timeout)
    raw_service.name = "raw kafka-python consumer (departments' events)"
    figures.append(raw_service)
    for db in dbs:
        say(f"runner on {db} with reporting's projection: filling a topic (untimed), then consuming it")
        topic = new_topic(bootstrap, f"projection-{db}", partitions)
        fill_with_service_events(bootstrap, topic, n)
        url = db_urls.get(f"{db}-runner", db_urls[db])
        fig = measure_projection_runner(bootstrap, topic, db, url, sent, timeout)
        fig.baseline, fig.goal = raw_service.name, GOALS["runner"]
        fig.ratio = fig.events_per_s / raw_service.events_per_s
        figures.append(fig)

    for fig in figures:
        ceiling = java_producer if fig.kind in ("raw-producer", "relay") else java_consumer
        if fig.kind not in ("java-producer", "java-consumer") and ceiling.events_per_s > 0:
            fig.ceiling = ceiling.name
            fig.ceiling_ratio = fig.events_per_s / ceiling.events_per_s

    env = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "kafka_python": _version("kafka-python"),
        "sqlalchemy": _version("sqlalchemy"),
    }
    return BackboneResult(n, size, partitions, bootstrap, figures, started, env)


def _version(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


# --------------------------------------------------------------------------- the command


def bench_backbone(
    n: int = DEFAULT_EVENTS,
    size: int = DEFAULT_SIZE,
    dbs: Sequence[str] = ("sqlite", "postgresql"),
    out: Path | None = None,
    partitions: int = DEFAULT_PARTITIONS,
    rounds: int = 1,
) -> list[BackboneResult]:
    """Start a broker (and PostgreSQL when asked), run :func:`run_backbone` ``rounds`` times, print,
    write JSON (one round: its figures; more: every round and the :func:`summarize` of them), stop."""
    from deploy.kafka.cluster import start_single

    out = out or REPO / "var" / "bench" / "backbone.json"
    out.parent.mkdir(parents=True, exist_ok=True)

    def say(msg: str) -> None:
        print(f"[bench] {msg}", file=sys.stderr, flush=True)

    kafka = pg = None
    sqlite_files: list[Path] = []
    pg_dbs: list[str] = []
    try:
        say("starting Kafka (var/bench-kafka)")
        kafka = start_single(REPO / "var" / "bench-kafka", fresh=True)
        if "postgresql" in dbs:
            from deploy.postgres.local import start as start_postgres

            say("starting PostgreSQL (var/bench-postgres)")
            pg = start_postgres(REPO / "var" / "bench-postgres")
        results: list[BackboneResult] = []
        for round_no in range(1, rounds + 1):
            if rounds > 1:
                say(f"round {round_no} of {rounds}")
            db_urls: dict[str, str] = {}  # empty databases of their own for every round
            tag = uuid.uuid4().hex[:8]
            if "sqlite" in dbs:
                for suffix in ("", "-runner"):
                    path = out.parent / f"backbone-{tag}{suffix}.db"
                    sqlite_files.append(path)
                    db_urls[f"sqlite{suffix}"] = f"sqlite:///{path}"
            if pg is not None:
                for suffix in ("", "-runner"):
                    name = f"bench_{tag}{suffix.replace('-', '_')}"
                    pg.create_database(name)
                    pg_dbs.append(name)
                    db_urls[f"postgresql{suffix}"] = str(pg.url(name))
            result = run_backbone(
                bootstrap=kafka.bootstrap_servers, db_urls=db_urls, n=n, size=size, partitions=partitions, progress=say
            )
            results.append(result)
            print(format_table(result) + ("" if rounds == 1 else f"\n(round {round_no} of {rounds})\n"))
        if rounds == 1:
            out.write_text(json.dumps(results[0].as_json(), indent=2) + "\n")
        else:
            summary = summarize(results)
            print(f"Across {rounds} rounds:\n" + format_summary(summary))
            document = {"benchmark": "backbone", "rounds": [r.as_json() for r in results], "summary": summary}
            out.write_text(json.dumps(document, indent=2) + "\n")
        print(f"\nwritten: {out}")
        return results
    finally:
        for path in sqlite_files:
            for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                p.unlink(missing_ok=True)
        if pg is not None:
            if pg.external:
                for name in pg_dbs:
                    pg.drop_database(name)
            pg.stop(remove_data=True)
        if kafka is not None:
            if sys.exc_info()[0] is not None and kafka.data_dir is not None:
                # Keep the broker's log of a failed run for the post-mortem.
                log = kafka.data_dir / "kafka.log"
                if log.exists():
                    (out.parent / "bench-kafka.log").write_bytes(log.read_bytes())
            kafka.stop(remove_data=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Tsunagu benchmarks")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("backbone", help="relay and consumer runner against raw kafka-python")
    for target, top in ((parser, True), (p, False)):
        # The subcommand's options fall back to the top-level ones (``python -m bench`` alone works too).
        def d(value: Any, top: bool = top) -> Any:
            return value if top else argparse.SUPPRESS

        target.add_argument("--events", type=int, default=d(DEFAULT_EVENTS), help="records per figure (50000)")
        target.add_argument("--size", type=int, default=d(DEFAULT_SIZE), help="record value size in bytes (512)")
        target.add_argument("--db", choices=("sqlite", "postgresql", "both"), default=d("both"))
        target.add_argument("--partitions", type=int, default=d(DEFAULT_PARTITIONS))
        target.add_argument("--out", type=Path, default=d(None), help="JSON output (var/bench/backbone.json)")
        target.add_argument("--rounds", type=int, default=d(1), help="repeat the whole run; report the median ratio")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    dbs = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    bench_backbone(args.events, args.size, dbs, args.out, args.partitions, args.rounds)
    return 0
