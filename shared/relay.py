"""The outbox relay: publishes a service's stored events to its Kafka topic, in store order.

The event store *is* the outbox. The relay reads events after its checkpoint, sends them keyed
by case id, waits until Kafka has acknowledged every one (``acks=all``), and only then moves its
checkpoint, in its own small transaction. So delivery is at least once: a relay killed between
the acknowledgement and the checkpoint sends that batch again after restart, and consumers
dedupe by event id. Store positions are gap-free in commit order (see :mod:`shared.eventstore`),
so "position > checkpoint" never skips an event that committed late.

An event Kafka will never take (larger than the topic's ``max.message.bytes``, or refused with
any other error about the record itself) is **parked**: set aside in ``parked_events`` with the
error, in the same transaction that moves the checkpoint past it, logged (``relay.parked``) and
counted (``tsunagu_relay_parked_events``, ``tsunagu_relay_parked_total``), so the stream goes on
behind it. An operator inspects and releases it once the cause is fixed (the topic's limit
raised, say), with the commands of :mod:`shared.parked`::

    python -m shared.relay parked list --service loans
    python -m shared.relay parked show 42 --service loans
    python -m shared.relay parked release 42 --service loans     # or --all

A released event reaches its topic after the events that followed it in the store. Errors that
are not about one record (Kafka away, a timeout, the topic not authorised) park nothing: the
checkpoint stays before the failing record and the relay retries with a growing pause.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import structlog
from kafka import KafkaProducer
from kafka.errors import (
    AuthorizationError,
    BrokerNotAvailableError,
    IllegalStateError,
    InvalidProducerEpochError,
    InvalidRequiredAcksError,
    InvalidTopicError,
    KafkaConfigurationError,
    KafkaError,
    OutOfOrderSequenceNumberError,
    ProducerFencedError,
    QuotaViolationError,
    SaslAuthenticationFailedError,
    UnknownBrokerIdError,
    UnknownError,
    UnknownProducerIdError,
    UnsupportedVersionError,
)
from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, Text, bindparam, func, select
from sqlalchemy.types import BigInteger

from shared.db import reading
from shared.envelope import kafka_record_from_store
from shared.eventstore import EventStore
from shared.kafka import BrokerUnavailable, LazyProducer, retry_pause
from shared.lease import StoreLease
from shared.metrics import (
    RELAY_BACKLOG,
    RELAY_LAST_CYCLE,
    RELAY_LEADER,
    RELAY_PARKED,
    RELAY_PARKED_TOTAL,
    RELAY_PUBLISHED,
)
from shared.wake import StoreWatch

__all__ = [
    "OutboxRelay",
    "checkpoints_table",
    "load_checkpoint",
    "parked_table",
    "save_checkpoint",
]

log = structlog.get_logger(__name__)

_md = MetaData()
checkpoints_table = Table(
    "relay_checkpoints",
    _md,
    Column("name", String(128), primary_key=True),
    Column("position", BigInteger, nullable=False),
)
parked_table = Table(
    "parked_events",
    _md,
    Column("relay", String(128), primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("stream_id", String(128), nullable=False),
    Column("case_id", String(128), nullable=False),
    Column("error", Text, nullable=False),
    Column("parked_at", String(40), nullable=False),
    Column("released_at", String(40)),
)

# Non-retriable errors that are about the whole stream or the connection, not one record: parking
# would set aside every event behind them, so the relay stops and retries instead (and logs it).
_STREAM_WIDE = (
    AuthorizationError,
    BrokerNotAvailableError,
    UnknownBrokerIdError,
    UnknownError,
    QuotaViolationError,
    SaslAuthenticationFailedError,
    InvalidTopicError,
    UnsupportedVersionError,
    KafkaConfigurationError,
    IllegalStateError,
    InvalidRequiredAcksError,
    OutOfOrderSequenceNumberError,
    UnknownProducerIdError,
    InvalidProducerEpochError,
    ProducerFencedError,
)
_ACK_TIMEOUT = 130.0  # seconds: past the producer's delivery timeout (120 s), a record has failed
_BACKLOG_EVERY = 1.0  # seconds between backlog gauge updates while the relay is busy


# The relay's statements, built once (it runs them for every batch): SQLAlchemy memoises a constant
# statement's cache key, so only the bound values change from one batch to the next.
_LOAD_CHECKPOINT = select(checkpoints_table.c.position).where(checkpoints_table.c.name == bindparam("name"))
_UPDATE_CHECKPOINT = (
    checkpoints_table.update().where(checkpoints_table.c.name == bindparam("relay")).values(position=bindparam("at"))
)
_INSERT_CHECKPOINT = checkpoints_table.insert()


def load_checkpoint(conn: Connection, name: str) -> int:
    value = conn.execute(_LOAD_CHECKPOINT, {"name": name}).scalar()
    return int(value or 0)


def save_checkpoint(conn: Connection, name: str, position: int) -> None:
    updated = conn.execute(_UPDATE_CHECKPOINT, {"relay": name, "at": position})
    if updated.rowcount == 0:
        conn.execute(_INSERT_CHECKPOINT, {"name": name, "position": position})


def never_publishable(exc: BaseException) -> bool:
    """True when Kafka refused this record for good (too large, invalid): retrying cannot help."""
    return isinstance(exc, KafkaError) and not exc.retriable and not isinstance(exc, _STREAM_WIDE)


def _outcome(future: Any) -> BaseException | None:
    try:
        future.get(timeout=_ACK_TIMEOUT)
    except Exception as exc:
        return exc
    return None


class OutboxRelay:
    """Tails one event store into one topic. Run :meth:`run` in a thread; :meth:`nudge` on commit."""

    def __init__(
        self,
        engine: Engine,
        store: EventStore,
        producer: KafkaProducer | LazyProducer,
        topic: str,
        *,
        name: str | None = None,
        batch_size: int = 500,
        poll_seconds: float = 0.2,
        lease: StoreLease | None = None,
        standby_seconds: float = 1.0,
        watch: StoreWatch | None = None,
    ) -> None:
        self.engine = engine
        self.lease = lease
        """With replicas on one PostgreSQL store, only the lease's holder publishes (:mod:`shared.lease`)."""
        self.watch = watch
        """In a ``worker`` process: what wakes the relay on the web processes' commits (:mod:`shared.wake`)."""
        self.standby_seconds = standby_seconds
        self.store = store
        self.producer = producer
        self.topic = topic
        self.name = name or f"relay:{topic}"
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._backlog_at = 0.0
        self._ahead: tuple[int, Future[list[Any]]] | None = None
        """(position read after, rows to come): the next batch, read while the last one is sent."""
        self._pool: ThreadPoolExecutor | None = None
        self._more = False
        """Whether the last batch left events behind it (full, or cut short by a parked record)."""

    def nudge(self) -> None:
        """Wake the relay now (called after a unit of work commits) instead of at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def publish_once(self) -> int:
        """Publish the next batch; returns how many events were settled (published or parked).

        Raises the first error that is not about one record, after saving the progress made
        before it: the records from there on are sent again on the next call.

        One pooled connection serves the batch's read and its checkpoint's transaction; after a full
        batch the next one is read ahead in a reader thread while this one is encoded and sent.
        """
        with self.engine.connect() as conn:
            after = load_checkpoint(conn, self.name)
            batch = self._read_ahead(conn, after)
            conn.rollback()
            self._more = len(batch) == self.batch_size
            if not batch:
                return 0
            if len(batch) == self.batch_size:
                # A full batch: more are waiting. Read them in the reader's thread (its wait on the
                # database overlaps this thread's encoding and sending), taken if the checkpoint
                # then stands where this batch ends.
                last = int(batch[-1]["position"])
                self._ahead = (last, self._reader().submit(self._read, last))
            outcomes: list[Any] = []
            send, topic, source = self.producer.send, self.topic, self.store.source
            for row in batch:
                key, headers, value = kafka_record_from_store(source, row)
                try:
                    outcomes.append(send(topic, key=key, value=value, headers=headers))
                except Exception as exc:  # refused before it left, e.g. larger than max_request_size
                    outcomes.append(exc)
                    if not never_publishable(exc):
                        break
            self._flush()
            settled: list[Any] = []  # the rows acknowledged or parked, in store order, up to a stop
            parked: list[tuple[Any, BaseException]] = []
            stopped: BaseException | None = None
            for row, outcome in zip(batch, outcomes, strict=False):
                error = outcome if isinstance(outcome, BaseException) else _outcome(outcome)
                if error is not None and never_publishable(error):
                    # kafka-python may fail the records behind a refused one too, and keep failing
                    # its later sends: make a fresh producer and try this record alone before
                    # parking it; the records behind it go in the next batch.
                    error = self._send_alone(row)
                    if error is None or never_publishable(error):
                        settled.append(row)
                        if error is not None:
                            parked.append((row, error))
                        break
                if error is not None:
                    stopped = error
                    break
                settled.append(row)
            self._more = self._more or len(settled) < len(batch)
            if settled:
                with conn.begin():
                    for row, error in parked:
                        self._park(conn, row, error)
                    save_checkpoint(conn, self.name, int(settled[-1]["position"]))
        if settled:
            RELAY_PUBLISHED.labels(self.topic).inc(len(settled) - len(parked))
            if parked:
                RELAY_PARKED_TOTAL.labels(self.topic).inc(len(parked))
                self.parked_count()
        if stopped is not None:
            self._ahead = None
            raise stopped
        return len(settled)

    def _read_ahead(self, conn: Connection, after: int) -> list[Any]:
        """The batch after ``after``: the one read ahead when it starts there (the checkpoint moved
        as expected), else read now. The store's positions are gap-free in commit order, so rows
        read a moment earlier are the same rows; a shorter read-ahead only means a shorter batch."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == after:
            try:
                return ahead[1].result()
            except Exception:  # the database blinked in the reader: read here, and raise from here
                log.debug("relay.read_ahead_failed", topic=self.topic)
        return self.store.read_rows(conn, after=after, limit=self.batch_size)

    def _read(self, after: int) -> list[Any]:
        with reading(self.engine) as conn:
            rows = self.store.read_rows(conn, after=after, limit=self.batch_size)
        return rows

    def _reader(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{self.name}-read")
        return self._pool

    def _flush(self) -> None:
        try:
            self.producer.flush()
        except KafkaError:
            # kafka-python wakes flush() early when it splits a batch the broker found too large
            # ("Future not done"); every record's own future is awaited after.
            log.debug("relay.flush_interrupted", topic=self.topic)

    def _send_alone(self, row: Any) -> BaseException | None:
        if isinstance(self.producer, LazyProducer):
            self.producer.reset()
        key, headers, value = kafka_record_from_store(self.store.source, row)
        try:
            future = self.producer.send(self.topic, key=key, value=value, headers=headers)
        except Exception as exc:
            return exc
        self._flush()
        return _outcome(future)

    def _park(self, conn: Connection, row: Any, error: BaseException) -> None:
        message = f"{type(error).__name__}: {error}"[:4000]
        log.error(
            "relay.parked",
            topic=self.topic,
            relay=self.name,
            position=int(row["position"]),
            event_id=row["event_id"],
            event_type=row["event_type"],
            bytes=len(row["data"]),
            error=message,
            hint=f"python -m shared.relay parked show {int(row['position'])} --service {self.store.source}",
        )
        # A released event that fails again is parked again, with the new error.
        conn.execute(
            parked_table.delete().where(parked_table.c.relay == self.name, parked_table.c.position == row["position"])
        )
        conn.execute(
            parked_table.insert().values(
                relay=self.name,
                position=int(row["position"]),
                event_id=row["event_id"],
                event_type=row["event_type"],
                stream_id=row["stream_id"],
                case_id=row["case_id"],
                error=message,
                parked_at=datetime.now(UTC).isoformat(),
            )
        )

    def backlog(self) -> int:
        """The real distance between the store's head and this relay's checkpoint (also the gauge)."""
        with reading(self.engine) as conn:
            backlog = self.store.head_position(conn) - load_checkpoint(conn, self.name)
        RELAY_BACKLOG.labels(self.topic).set(backlog)
        return backlog

    def parked_count(self) -> int:
        """Events parked and not yet released (also the gauge)."""
        with reading(self.engine) as conn:
            n = conn.execute(
                select(func.count())
                .select_from(parked_table)
                .where(parked_table.c.relay == self.name, parked_table.c.released_at.is_(None))
            ).scalar_one()
        RELAY_PARKED.labels(self.topic).set(n)
        return int(n)

    def drain(self) -> int:
        """Publish until caught up; returns the number of events settled."""
        total = 0
        while sent := self.publish_once():
            total += sent
        return total

    def _report(self) -> None:
        now = time.monotonic()
        if now - self._backlog_at < _BACKLOG_EVERY:
            return
        self._backlog_at = now
        try:
            self.backlog()
            self.parked_count()
        except Exception:  # diagnostics only: the database may be the thing that is away
            log.debug("relay.backlog_unavailable", topic=self.topic)

    def run(self) -> None:
        log.info("relay.started", topic=self.topic, name=self.name)
        failures = 0
        heartbeat, leader = RELAY_LAST_CYCLE.labels(self.topic), RELAY_LEADER.labels(self.topic)
        if self.watch is not None:
            self.watch.start(self._wake)
        while not self._stop.is_set():
            heartbeat.set_to_current_time()
            if self.lease is not None and not self.lease.held():
                leader.set(0)  # another replica publishes; stand by and ask again
                self._stop.wait(self.standby_seconds)
                continue
            leader.set(1)
            sent = 0
            try:
                sent = self.publish_once()
                failures = 0
            except Exception as exc:
                # Kafka or the database is away: the checkpoint stays before the failing record.
                failures += 1
                pause = retry_pause(failures)
                if isinstance(exc, BrokerUnavailable):
                    log.warning("relay.waiting_for_kafka", topic=self.topic, error=str(exc), retry_in=pause)
                else:
                    log.exception("relay.error", topic=self.topic, failures=failures, retry_in=pause)
                self._stop.wait(pause)
            self._report()
            if sent and self._more:
                continue
            # Caught up as of the batch's read: an event committed since then has nudged the relay
            # (the wait returns at once), so no second empty read is needed before waiting. One made in
            # another process wakes it through the watch.
            if self.watch is not None:
                self.watch.wait(self._wake, self.poll_seconds)
            else:
                self._wake.wait(self.poll_seconds)
            self._wake.clear()
        if self.watch is not None:
            self.watch.close()
        if self.lease is not None:
            self.lease.release()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        leader.set(0)
        log.info("relay.stopped", topic=self.topic)


if __name__ == "__main__":  # ``python -m shared.relay parked ...``: the operator's commands (shared.parked)
    from shared.parked import main

    raise SystemExit(main())
