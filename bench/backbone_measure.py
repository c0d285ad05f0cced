"""The backbone benchmark's measurements: each function times one figure on a topic (and a fresh
database) of its own and returns it as a :class:`bench.backbone_report.Figure`."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, func, select

from bench.backbone_report import Figure
from bench.backbone_workload import append_events, assigned_consumer, warm_producer
from shared.consumer import ConsumerRunner, processed_table
from shared.db import make_engine, migrate
from shared.envelope import Envelope
from shared.eventstore import EventStore
from shared.kafka import make_producer
from shared.relay import OutboxRelay

__all__ = [
    "REPO",
    "effects_table",
    "measure_java_consumer",
    "measure_java_producer",
    "measure_projection_runner",
    "measure_raw_consumer",
    "measure_raw_producer",
    "measure_relay",
    "measure_runner",
]

REPO = Path(__file__).resolve().parents[1]

effects_md = MetaData()
effects_table = Table(
    "bench_effects",
    effects_md,
    Column("event_id", String(64), primary_key=True),
    Column("n", Integer, nullable=False),
)


# --------------------------------------------------------------------------- measurements


def measure_raw_producer(bootstrap: str, topic: str, records: Sequence[Any]) -> Figure:
    producer = make_producer(bootstrap, client_id="bench-raw-producer")
    try:
        warm_producer(producer, topic)
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
            warm_producer(producer, topic)
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
    consumer = assigned_consumer(bootstrap, topic, group=f"bench-raw-{uuid.uuid4().hex[:6]}")
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
    consumer = assigned_consumer(bootstrap, topic, group=name)
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
            statuses: dict[str, int] = dict(
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
