"""The outbox relay: publishes a service's stored events to its Kafka topic, in store order.

The event store *is* the outbox. The relay reads events after its checkpoint, sends them keyed
by case id, waits until Kafka has acknowledged every one (``acks=all``), and only then moves its
checkpoint, in its own small transaction. So delivery is at least once: a relay killed between
the acknowledgement and the checkpoint sends that batch again after restart, and consumers
dedupe by event id. Store positions are gap-free in commit order (see :mod:`shared.eventstore`),
so "position > checkpoint" never skips an event that committed late.
"""

from __future__ import annotations

import threading

import structlog
from kafka import KafkaProducer
from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, select
from sqlalchemy.types import BigInteger

from shared.envelope import kafka_record_from_store
from shared.eventstore import EventStore
from shared.metrics import RELAY_BACKLOG, RELAY_PUBLISHED

__all__ = ["OutboxRelay", "checkpoints_table", "load_checkpoint", "save_checkpoint"]

log = structlog.get_logger(__name__)

_md = MetaData()
checkpoints_table = Table(
    "relay_checkpoints",
    _md,
    Column("name", String(128), primary_key=True),
    Column("position", BigInteger, nullable=False),
)


def load_checkpoint(conn: Connection, name: str) -> int:
    value = conn.execute(select(checkpoints_table.c.position).where(checkpoints_table.c.name == name)).scalar()
    return int(value or 0)


def save_checkpoint(conn: Connection, name: str, position: int) -> None:
    updated = conn.execute(checkpoints_table.update().where(checkpoints_table.c.name == name).values(position=position))
    if updated.rowcount == 0:
        conn.execute(checkpoints_table.insert().values(name=name, position=position))


class OutboxRelay:
    """Tails one event store into one topic. Run :meth:`run` in a thread; :meth:`nudge` on commit."""

    def __init__(
        self,
        engine: Engine,
        store: EventStore,
        producer: KafkaProducer,
        topic: str,
        *,
        name: str | None = None,
        batch_size: int = 500,
        poll_seconds: float = 0.2,
    ) -> None:
        self.engine = engine
        self.store = store
        self.producer = producer
        self.topic = topic
        self.name = name or f"relay:{topic}"
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()

    def nudge(self) -> None:
        """Wake the relay now (called after a unit of work commits) instead of at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def publish_once(self) -> int:
        """Publish the next batch; returns how many events were sent (0 when caught up)."""
        with self.engine.connect() as conn:
            after = load_checkpoint(conn, self.name)
            batch = self.store.read_rows(conn, after=after, limit=self.batch_size)
            conn.rollback()
        if not batch:
            return 0
        futures = []
        for row in batch:
            key, headers, value = kafka_record_from_store(self.store.source, row)
            futures.append(self.producer.send(self.topic, key=key, value=value, headers=headers))
        self.producer.flush()
        for future in futures:
            future.get(timeout=0)  # raises if Kafka refused any record: the checkpoint stays put
        last = int(batch[-1]["position"])
        with self.engine.begin() as conn:
            save_checkpoint(conn, self.name, last)
        RELAY_PUBLISHED.labels(self.topic).inc(len(batch))
        return len(batch)

    def backlog(self) -> int:
        with self.engine.connect() as conn:
            backlog = self.store.head_position(conn) - load_checkpoint(conn, self.name)
            conn.rollback()
        RELAY_BACKLOG.labels(self.topic).set(backlog)
        return backlog

    def drain(self) -> int:
        """Publish until caught up; returns the number of events sent."""
        total = 0
        while sent := self.publish_once():
            total += sent
        return total

    def run(self) -> None:
        log.info("relay.started", topic=self.topic, name=self.name)
        while not self._stop.is_set():
            try:
                sent = self.publish_once()
                if sent:
                    continue
                self.backlog()
            except Exception:
                # Kafka or the database is away: keep the checkpoint, wait, try again.
                log.exception("relay.error", topic=self.topic)
                self._stop.wait(1.0)
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
        log.info("relay.stopped", topic=self.topic)
