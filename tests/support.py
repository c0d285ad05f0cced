"""Helpers shared by the tests: a tiny event type, actors and a Kafka topic reader."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any, ClassVar

from kafka import KafkaConsumer, TopicPartition

from shared.envelope import Actor, Envelope, from_kafka
from shared.events import DomainEvent, EventRegistry
from shared.eventstore import NewEvent

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
