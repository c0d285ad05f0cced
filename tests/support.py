"""Helpers shared by the tests: a tiny event type, actors, a Kafka topic reader, and the effects table
that the consumer tests' handlers write (with the relay that publishes their events)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, select

from shared.db import make_engine, migrate
from shared.envelope import Actor, Envelope, from_kafka
from shared.events import DomainEvent, EventRegistry
from shared.eventstore import EventStore, NewEvent
from shared.kafka import make_producer
from shared.relay import OutboxRelay

WORKER = Actor(staff_id="s-001", department="intake", role="worker")
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


class Noted(DomainEvent):
    """A test-only event."""

    event_type: ClassVar[str] = "test.Noted"
    text: str
    n: int = 0


TEST_EVENTS = EventRegistry([Noted])


def new_event(event_id: str, case_id: str = "case-1", n: int = 0, text: str = "hello") -> NewEvent:
    return NewEvent(
        event_id=event_id,
        event_type=Noted.event_type,
        case_id=case_id,
        time=T0,
        actor=WORKER,
        data=Noted(text=text, n=n).payload(),
    )


def read_topic(bootstrap: str, topic: str, expect: int, timeout: float = 30.0) -> list[Any]:
    """All records of ``topic`` from the beginning, waiting until at least ``expect`` arrived."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False)
    partitions = consumer.partitions_for_topic(topic) or set()
    tps = [TopicPartition(topic, p) for p in partitions]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    records: list[Any] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        polled = consumer.poll(timeout_ms=500)
        for batch in polled.values():
            records.extend(batch)
        if len(records) >= expect and not polled:
            break
    consumer.close()
    return records


def envelopes(records: list[Any]) -> list[Envelope]:
    return [from_kafka(r.key, r.headers, r.value) for r in records]


effects_md = MetaData()
effects = Table("effects", effects_md, Column("event_id", String(64)), Column("n", Integer))
"""What the consumer tests' handlers write: one row an effect."""


def effects_engine(db_url: str) -> Iterator[Engine]:
    """A migrated store with the effects table (``yield from`` it in an ``engine`` fixture)."""
    engine = make_engine(db_url)
    migrate(engine)
    effects_md.create_all(engine)
    yield engine
    engine.dispose()


def publish(engine: Engine, bootstrap: str, topic: str, items: list[tuple[str, str]]) -> None:
    """Store one ``Noted`` event per (event id, text) and relay them to ``topic``."""
    store = EventStore("intake")
    with engine.begin() as conn:
        for i, (event_id, text) in enumerate(items):
            store.append(conn, f"s-{event_id}", 0, [new_event(event_id, case_id=f"case-{i % 2}", n=i, text=text)])
    producer = make_producer(bootstrap)
    OutboxRelay(engine, store, producer, topic).drain()
    producer.close()


def effect_ids(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(select(effects.c.event_id)))
