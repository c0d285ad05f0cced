"""The backbone benchmark's workload and Kafka helpers, none of them timed: the records and events
it measures with, fresh topics, topics filled in advance, and consumers assigned from offset 0."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from sqlalchemy import Engine

from shared.envelope import Actor, Envelope, to_kafka
from shared.eventstore import EventStore, NewEvent
from shared.kafka import make_consumer, make_producer

__all__ = [
    "append_events",
    "assigned_consumer",
    "fill_topic",
    "fill_with_service_events",
    "make_records",
    "new_topic",
    "warm_producer",
]

EVENTS_PER_STREAM = 100
CASES = 64
ACTOR = Actor(staff_id="bench", department="bench", role="system")
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
_VALUE_OVERHEAD = len('{"text":""}')


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


def new_topic(bootstrap: str, prefix: str, partitions: int) -> str:
    from deploy.kafka.cluster import create_topics

    name = f"bench-{prefix}-{uuid.uuid4().hex[:8]}.events"
    create_topics(bootstrap, topics=[name, name + ".dlq"], partitions=partitions)
    return name


def warm_producer(producer: KafkaProducer, topic: str) -> None:
    """Fetch the topic's metadata before the clock starts (both producers alike)."""
    deadline = time.monotonic() + 30
    while not producer.partitions_for(topic):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no metadata for {topic}")
        time.sleep(0.05)


def fill_topic(bootstrap: str, topic: str, records: Sequence[tuple[bytes, list[tuple[str, bytes]], bytes]]) -> None:
    producer = make_producer(bootstrap, client_id="bench-fill")
    try:
        futures = [producer.send(topic, key=k, value=v, headers=h) for k, h, v in records]
        producer.flush()
        for f in futures:
            f.get(timeout=0)
    finally:
        producer.close()


def assigned_consumer(bootstrap: str, topic: str, group: str, max_poll_records: int = 500) -> KafkaConsumer:
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


def fill_with_service_events(bootstrap: str, topic: str, n: int) -> int:
    """``n`` events of the departments' real types (loan consultations, intake consultations,
    referrals: :func:`bench.reporting.history`) on one topic; returns how many were sent."""
    from bench.reporting import history

    producer = make_producer(bootstrap, client_id="bench-fill-service")
    sent = 0
    try:
        warm_producer(producer, topic)
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
