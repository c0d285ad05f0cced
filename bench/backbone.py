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
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, func, select

from shared.consumer import ConsumerRunner, processed_table
from shared.db import make_engine, migrate
from shared.envelope import Actor, Envelope, to_kafka
from shared.eventstore import EventStore, NewEvent
from shared.kafka import make_consumer, make_producer
from shared.relay import OutboxRelay

__all__ = [
    "GOALS",
    "BackboneResult",
    "Figure",
    "bench_backbone",
    "format_table",
    "main",
    "run_backbone",
]

REPO = Path(__file__).resolve().parents[1]
DEFAULT_EVENTS = 50_000
DEFAULT_SIZE = 512
DEFAULT_PARTITIONS = 3
EVENTS_PER_STREAM = 100
CASES = 64
GOALS = {"relay": 0.90, "runner": 0.60}
ACTOR = Actor(staff_id="bench", department="bench", role="system")
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
_VALUE_OVERHEAD = len('{"text":""}')

effects_md = MetaData()
effects_table = Table(
    "bench_effects",
    effects_md,
    Column("event_id", String(64), primary_key=True),
    Column("n", Integer, nullable=False),
)


# --------------------------------------------------------------------------- results


@dataclass
class Figure:
    """One measured figure: ``events`` in ``seconds``, optionally against a baseline."""

    name: str
    kind: str  # java-producer | raw-producer | relay | java-consumer | raw-consumer | runner[-batch|-projection]
    db: str | None
    events: int
    seconds: float
    baseline: str | None = None
    ratio: float | None = None
    goal: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    ceiling: str | None = None
    """The broker's own ceiling for this direction (Kafka's Java perf tool, same broker and size)."""
    ceiling_ratio: float | None = None

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0

    @property
    def met(self) -> bool | None:
        if self.goal is None or self.ratio is None:
            return None
        return self.ratio >= self.goal

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["events_per_s"] = round(self.events_per_s, 1)
        out["met"] = self.met
        return out


@dataclass
class BackboneResult:
    events: int
    size: int
    partitions: int
    bootstrap_servers: str
    figures: list[Figure]
    started_at: str
    environment: dict[str, Any]

    def figure(self, kind: str, db: str | None = None) -> Figure:
        return next(f for f in self.figures if f.kind == kind and f.db == db)

    def as_json(self) -> dict[str, Any]:
        return {
            "benchmark": "backbone",
            "events": self.events,
            "size_bytes": self.size,
            "partitions": self.partitions,
            "bootstrap_servers": self.bootstrap_servers,
            "started_at": self.started_at,
            "environment": self.environment,
            "goals": GOALS,
            "figures": [f.as_json() for f in self.figures],
        }


# --------------------------------------------------------------------------- workload


def _pad(size: int) -> str:
    if size < _VALUE_OVERHEAD + 1:
        raise ValueError(f"--size must be at least {_VALUE_OVERHEAD + 1} bytes")
    return "x" * (size - _VALUE_OVERHEAD)


def _layout(i: int) -> tuple[str, int, str]:
    """(stream id, stream version, case id) of the i-th event; 100 events per stream, 64 cases."""
    stream = i // EVENTS_PER_STREAM
    return f"s-{stream}", i % EVENTS_PER_STREAM + 1, f"case-{stream % CASES}"


def make_records(n: int, size: int) -> list[tuple[bytes, list[tuple[str, bytes]], bytes]]:
    """N records exactly as the relay would encode them (binary-mode CloudEvents, value = size bytes)."""
    pad = _pad(size)
    records = []
    for i in range(n):
        stream_id, version, case_id = _layout(i)
        env = Envelope(
            id=f"ev-{i:08d}",
            source="bench",
            type="bench.Noted",
            time=T0,
            subject=stream_id,
            caseid=case_id,
            actor=ACTOR,
            streamversion=version,
            data={"text": pad},
            position=i + 1,
        )
        records.append(to_kafka(env))
    return records


def append_events(engine: Engine, store: EventStore, n: int, size: int) -> None:
    """Pre-append N events (not timed): streams of 100 events, 64 cases, value = size bytes."""
    pad = _pad(size)
    streams: dict[str, list[NewEvent]] = {}
    for i in range(n):
        stream_id, _, case_id = _layout(i)
        streams.setdefault(stream_id, []).append(
            NewEvent(
                event_id=f"ev-{i:08d}",
                event_type="bench.Noted",
                case_id=case_id,
                time=T0,
                actor=ACTOR,
                data={"text": pad},
            )
        )
    items = list(streams.items())
    for start in range(0, len(items), 50):
        with engine.begin() as conn:
            for stream_id, events in items[start : start + 50]:
                store.append(conn, stream_id, 0, events)


# --------------------------------------------------------------------------- kafka helpers


def _new_topic(bootstrap: str, prefix: str, partitions: int) -> str:
    from deploy.kafka.cluster import create_topics

    name = f"bench-{prefix}-{uuid.uuid4().hex[:8]}.events"
    create_topics(bootstrap, topics=[name, name + ".dlq"], partitions=partitions)
    return name


def _warm_producer(producer: KafkaProducer, topic: str) -> None:
    """Fetch the topic's metadata before the clock starts (both producers alike)."""
    deadline = time.monotonic() + 30
    while not producer.partitions_for(topic):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no metadata for {topic}")
        time.sleep(0.05)


def _fill_topic(bootstrap: str, topic: str, records: Sequence[tuple[bytes, list[tuple[str, bytes]], bytes]]) -> None:
    producer = make_producer(bootstrap, client_id="bench-fill")
    try:
        futures = [producer.send(topic, key=k, value=v, headers=h) for k, h, v in records]
        producer.flush()
        for f in futures:
            f.get(timeout=0)
    finally:
        producer.close()


def _assigned_consumer(bootstrap: str, topic: str, group: str, max_poll_records: int = 500) -> KafkaConsumer:
    """A consumer configured like make_consumer, assigned every partition of ``topic`` at offset 0."""
    consumer = make_consumer(bootstrap, group_id=group, topics=(), max_poll_records=max_poll_records)
    deadline = time.monotonic() + 30
    while not (partitions := consumer.partitions_for_topic(topic)):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no metadata for {topic}")
        time.sleep(0.05)
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    return consumer


# --------------------------------------------------------------------------- measurements


def measure_raw_producer(bootstrap: str, topic: str, records: Sequence[Any]) -> Figure:
    producer = make_producer(bootstrap, client_id="bench-raw-producer")
    try:
        _warm_producer(producer, topic)
        t0 = time.perf_counter()
        futures = [producer.send(topic, key=k, value=v, headers=h) for k, h, v in records]
        producer.flush()
        seconds = time.perf_counter() - t0
        for f in futures:
            f.get(timeout=0)
    finally:
        producer.close()
    return Figure("raw kafka-python producer", "raw-producer", None, len(records), seconds)


def measure_relay(bootstrap: str, topic: str, db: str, url: str, n: int, size: int) -> Figure:
    engine = make_engine(url)
    try:
        migrate(engine)
        store = EventStore("bench")
        a0 = time.perf_counter()
        append_events(engine, store, n, size)
        append_seconds = time.perf_counter() - a0
        producer = make_producer(bootstrap, client_id="bench-relay")
        try:
            _warm_producer(producer, topic)
            relay = OutboxRelay(engine, store, producer, topic, name=f"bench-relay:{topic}")
            t0 = time.perf_counter()
            sent = relay.drain()
            seconds = time.perf_counter() - t0
        finally:
            producer.close()
        if sent != n:
            raise RuntimeError(f"relay sent {sent} events, expected {n}")
        return Figure(
            f"outbox relay ({db})",
            "relay",
            db,
            sent,
            seconds,
            extra={"batch_size": relay.batch_size, "append_seconds_untimed": round(append_seconds, 3)},
        )
    finally:
        engine.dispose()


def measure_raw_consumer(bootstrap: str, topic: str, n: int, timeout: float) -> Figure:
    consumer = _assigned_consumer(bootstrap, topic, group=f"bench-raw-{uuid.uuid4().hex[:6]}")
    try:
        seen = 0
        deadline = time.monotonic() + timeout
        t0 = time.perf_counter()
        while seen < n and time.monotonic() < deadline:
            polled = consumer.poll(timeout_ms=200, max_records=500)
            for batch in polled.values():
                seen += len(batch)
        seconds = time.perf_counter() - t0
    finally:
        consumer.close(autocommit=False)
    if seen < n:
        raise RuntimeError(f"raw consumer read {seen} of {n} records within {timeout:.0f}s")
    return Figure("raw kafka-python consumer", "raw-consumer", None, seen, seconds)


def _insert_effect(conn: Connection, env: Envelope) -> None:
    conn.execute(effects_table.insert(), {"event_id": env.id, "n": env.streamversion})


def _insert_effects(conn: Connection, envs: Sequence[Envelope]) -> None:
    conn.execute(effects_table.insert(), [{"event_id": e.id, "n": e.streamversion} for e in envs])


def _drive_runner(
    bootstrap: str, topic: str, name: str, engine: Engine, n: int, timeout: float, **handlers: Any
) -> tuple[int, float, int]:
    """A :class:`ConsumerRunner` with ``handlers`` over ``topic`` from offset 0 until ``n`` records:
    (records seen, seconds, its batch size)."""
    producer = make_producer(bootstrap, client_id=f"{name}-dlq")
    consumer = _assigned_consumer(bootstrap, topic, group=name)
    runner = ConsumerRunner(
        name=name,
        engine=engine,
        topics=[topic],
        bootstrap_servers=bootstrap,
        dead_letter_topic=topic + ".dlq",
        producer=producer,
        consumer=consumer,
        **handlers,
    )
    try:
        seen = 0
        deadline = time.monotonic() + timeout
        t0 = time.perf_counter()
        while seen < n and time.monotonic() < deadline:
            seen += runner.poll_once()
        return seen, time.perf_counter() - t0, runner.batch_size
    finally:
        consumer.close(autocommit=False)
        producer.close()


def measure_runner(
    bootstrap: str, topic: str, db: str, url: str, n: int, timeout: float, *, batched: bool = False
) -> Figure:
    engine = make_engine(url)
    name = f"bench-runner-{uuid.uuid4().hex[:6]}"
    try:
        migrate(engine)
        effects_md.drop_all(engine)  # each runner figure starts from an empty effects table
        effects_md.create_all(engine)
        seen, seconds, batch_size = _drive_runner(
            bootstrap,
            topic,
            name,
            engine,
            n,
            timeout,
            handler=None if batched else _insert_effect,
            batch_handler=_insert_effects if batched else None,
        )
        with engine.connect() as conn:
            rows = int(conn.execute(select(func.count()).select_from(effects_table)).scalar_one())
            marks = int(
                conn.execute(
                    select(func.count()).select_from(processed_table).where(processed_table.c.consumer == name)
                ).scalar_one()
            )
        if seen < n:
            raise RuntimeError(f"runner handled {seen} of {n} records within {timeout:.0f}s")
        return Figure(
            f"consumer runner, {'batch' if batched else 'per-event'} handler ({db})",
            "runner-batch" if batched else "runner",
            db,
            seen,
            seconds,
            extra={"batch_size": batch_size, "rows": rows, "dedupe_marks": marks},
        )
    finally:
        engine.dispose()


def _java(tool: str, *args: str, timeout: float) -> str:
    """Run one of Kafka's own tools from the project's jars (``deploy/kafka/lib``); its stdout."""
    import shutil
    import subprocess

    from deploy.kafka.tooling import LIB_DIR

    java = shutil.which("java")
    if java is None:
        raise RuntimeError("java is not on PATH: the broker's ceiling needs Kafka's Java tools")
    cmd = [java, "-Xmx512m", f"-Dlog4j2.configurationFile={REPO / 'deploy' / 'kafka' / 'log4j2.properties'}"]
    done = subprocess.run(
        [*cmd, "-cp", f"{LIB_DIR}/*", tool, *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{tool} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout


def measure_java_producer(bootstrap: str, topic: str, n: int, size: int, timeout: float) -> Figure:
    """Kafka's ``ProducerPerformance`` with the producer settings of :func:`shared.kafka.make_producer`
    (acks=all, idempotent): what this broker takes from the fastest client there is."""
    out = _java(
        "org.apache.kafka.tools.ProducerPerformance",
        "--topic",
        topic,
        "--num-records",
        str(n),
        "--record-size",
        str(size),
        "--throughput",
        "-1",
        "--producer-props",
        f"bootstrap.servers={bootstrap}",
        "acks=all",
        "enable.idempotence=true",
        timeout=timeout,
    )
    # last line: "50000 records sent, 106157.1 records/sec (51.84 MB/sec), 120.3 ms avg latency, ..."
    final = [line for line in out.splitlines() if "records sent" in line][-1]
    rate = float(final.split("records sent,")[1].split("records/sec")[0].strip())
    return Figure("Kafka's Java ProducerPerformance", "java-producer", None, n, n / rate, extra={"line": final})


def measure_java_consumer(bootstrap: str, topic: str, n: int, timeout: float) -> Figure:
    """Kafka's ``ConsumerPerformance`` reading ``n`` records of ``topic`` from the beginning."""
    out = _java(
        "org.apache.kafka.tools.ConsumerPerformance",
        "--bootstrap-server",
        bootstrap,
        "--topic",
        topic,
        "--messages",
        str(n),
        "--group",
        f"bench-java-{uuid.uuid4().hex[:6]}",
        "--timeout",
        str(int(timeout * 1000)),
        timeout=timeout + 60,
    )
    # "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
    #  rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec": the fetch time leaves out
    # the group join, as our consumers are assigned their partitions.
    lines = [line for line in out.splitlines() if line.strip()]  # the client's log lines come first
    header = next(line for line in lines if "data.consumed.in.nMsg" in line)
    head = [h.strip() for h in header.split(",")]
    row = [line for line in lines if line.count(",") == header.count(",") and line is not header][-1]
    values = dict(zip(head, (v.strip() for v in row.split(",")), strict=True))
    count = int(float(values["data.consumed.in.nMsg"]))
    fetch_ms = float(values["fetch.time.ms"])
    return Figure(
        "Kafka's Java ConsumerPerformance", "java-consumer", None, count, fetch_ms / 1000, extra={"values": values}
    )


def _fill_with_service_events(bootstrap: str, topic: str, n: int) -> int:
    """``n`` events of the departments' real types (loan consultations, intake consultations,
    referrals: :func:`bench.reporting.history`) on one topic; returns how many were sent."""
    from bench.reporting import history

    producer = make_producer(bootstrap, client_id="bench-fill-service")
    sent = 0
    try:
        _warm_producer(producer, topic)
        for dept, item in history(0, n, cases=max(1, n // 10)):
            if dept is None:
                continue
            key, headers, value = item
            producer.send(topic, key=key, value=value, headers=headers)
            sent += 1
        producer.flush()
    finally:
        producer.close()
    return sent


def measure_projection_runner(bootstrap: str, topic: str, db: str, url: str, n: int, timeout: float) -> Figure:
    """The runner with a handler a service really runs: reporting's live projection
    (:func:`services.reporting.consumers.project_events`: archive, case links, read-model rows)
    behind the published-contract check, exactly as ``services.reporting`` wires it."""
    from services.reporting.bootstrap import MIGRATIONS
    from services.reporting.consumers import project_events
    from shared.contracts import EventContracts

    engine = make_engine(url)
    name = f"bench-projection-{uuid.uuid4().hex[:6]}"
    try:
        migrate(engine, MIGRATIONS)
        seen, seconds, batch_size = _drive_runner(
            bootstrap,
            topic,
            name,
            engine,
            n,
            timeout,
            batch_handler=project_events,
            validate=EventContracts.load().violation,
        )
        with engine.connect() as conn:
            statuses = dict(
                conn.execute(
                    select(processed_table.c.status, func.count())
                    .where(processed_table.c.consumer == name)
                    .group_by(processed_table.c.status)
                ).all()
            )
        if seen < n:
            raise RuntimeError(f"projection runner handled {seen} of {n} records within {timeout:.0f}s")
        return Figure(
            f"consumer runner, reporting projection ({db})",
            "runner-projection",
            db,
            seen,
            seconds,
            extra={
                "handled": statuses.get("done", 0),
                "dead_lettered": statuses.get("dead", 0),
                "batch_size": batch_size,
            },
        )
    finally:
        engine.dispose()


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
    java_producer = measure_java_producer(bootstrap, _new_topic(bootstrap, "javaprod", partitions), n, size, timeout)
    figures.append(java_producer)

    say(f"raw producer: {n} records of {size} bytes")
    raw_producer = measure_raw_producer(bootstrap, _new_topic(bootstrap, "rawprod", partitions), records)
    figures.append(raw_producer)

    dbs = [db for db in db_urls if not db.endswith("-runner")]
    for db in dbs:
        say(f"relay on {db}: appending {n} events (untimed), then draining")
        fig = measure_relay(bootstrap, _new_topic(bootstrap, f"relay-{db}", partitions), db, db_urls[db], n, size)
        fig.baseline, fig.goal = raw_producer.name, GOALS["relay"]
        fig.ratio = fig.events_per_s / raw_producer.events_per_s
        figures.append(fig)

    say("raw consumer: filling a topic (untimed), then reading it")
    topic = _new_topic(bootstrap, "rawcons", partitions)
    _fill_topic(bootstrap, topic, records)
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
            topic = _new_topic(bootstrap, f"runner-{db}", partitions)
            _fill_topic(bootstrap, topic, records)
            url = db_urls.get(f"{db}-runner", db_urls[db])
            fig = measure_runner(bootstrap, topic, db, url, n, timeout, batched=batched)
            fig.baseline, fig.goal = raw_consumer.name, GOALS["runner"]
            fig.ratio = fig.events_per_s / raw_consumer.events_per_s
            figures.append(fig)

    say("raw consumer on the departments' events: filling a topic (untimed), then reading it")
    service_topic = _new_topic(bootstrap, "service", partitions)
    sent = _fill_with_service_events(bootstrap, service_topic, n)
    raw_service = measure_raw_consumer(bootstrap, service_topic, sent, timeout)
    raw_service.name = "raw kafka-python consumer (departments' events)"
    figures.append(raw_service)
    for db in dbs:
        say(f"runner on {db} with reporting's projection: filling a topic (untimed), then consuming it")
        topic = _new_topic(bootstrap, f"projection-{db}", partitions)
        _fill_with_service_events(bootstrap, topic, n)
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


# --------------------------------------------------------------------------- output


def _ceiling_cell(f: Figure) -> str:
    if f.kind.startswith("java-"):
        return "ceiling"
    return "" if f.ceiling_ratio is None else f"{f.ceiling_ratio:.1%}"


def format_table(result: BackboneResult) -> str:
    head = ("figure", "events/s", "seconds", "ratio to baseline", "goal", "met", "of the broker's ceiling (Java)")
    rows = []
    for f in result.figures:
        rows.append(
            (
                f.name,
                f"{f.events_per_s:,.0f}",
                f"{f.seconds:.3f}",
                "baseline" if f.ratio is None else f"{f.ratio:.1%}",
                "" if f.goal is None else f"≥ {f.goal:.0%} of {f.baseline}",
                {None: "", True: "yes", False: "NO"}[f.met],
                _ceiling_cell(f),
            )
        )
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    aligns = ["<", ">", ">", ">", "<", "<", ">"]

    def line(cells: Sequence[str]) -> str:
        return " | ".join(f"{c:{a}{w}}" for c, a, w in zip(cells, aligns, widths, strict=True)).rstrip()

    sep = "-+-".join("-" * w for w in widths)
    title = (
        f"Backbone benchmark: {result.events:,} events of {result.size} bytes, "
        f"{result.partitions} partitions, broker {result.bootstrap_servers}"
    )
    return "\n".join([title, "", line(head), sep, *(line(r) for r in rows)])


def summarize(rounds: Sequence[BackboneResult]) -> list[dict[str, Any]]:
    """Per figure (by name, in the first round's order): the median events/s and ratio of the rounds, and the
    ratio's lowest and highest. Each ratio was taken within its own round (baseline and figure on the
    same broker moments apart), so the median of ratios, not a ratio of medians."""
    out: list[dict[str, Any]] = []
    for first in rounds[0].figures:
        same = [f for r in rounds for f in r.figures if f.name == first.name]  # two raw consumers share a kind
        ratios = [f.ratio for f in same if f.ratio is not None]
        out.append(
            {
                "name": first.name,
                "kind": first.kind,
                "db": first.db,
                "rounds": len(same),
                "events_per_s_median": round(statistics.median(f.events_per_s for f in same), 1),
                "ratio_median": round(statistics.median(ratios), 4) if ratios else None,
                "ratio_low": round(min(ratios), 4) if ratios else None,
                "ratio_high": round(max(ratios), 4) if ratios else None,
                "goal": first.goal,
                "met": None if first.goal is None or not ratios else statistics.median(ratios) >= first.goal,
            }
        )
    return out


def format_summary(summary: Sequence[dict[str, Any]]) -> str:
    lines = ["figure | rounds | events/s (median) | ratio: median (low–high) | goal | met"]
    for row in summary:
        ratio = (
            "baseline"
            if row["ratio_median"] is None
            else f"{row['ratio_median']:.1%} ({row['ratio_low']:.1%}–{row['ratio_high']:.1%})"
        )
        goal = "" if row["goal"] is None else f"≥ {row['goal']:.0%}"
        met = {None: "", True: "yes", False: "NO"}[row["met"]]
        lines.append(f"{row['name']} | {row['rounds']} | {row['events_per_s_median']:,.0f} | {ratio} | {goal} | {met}")
    return "\n".join(lines)


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
