"""The consumer runner: at-least-once delivery turned into exactly-once effects.

For each polled batch the runner opens ONE database transaction holding the handlers' effects and
their dedupe marks (``processed_events``: consumer name + event id), so:

- a redelivered event (after a crash, a rebalance, or a relay that sent twice) finds its mark
  and is skipped: the effect happens once;
- a handler that raises makes the batch run again with one savepoint per event (see
  :meth:`ConsumerRunner.process`); the failing event is sent to the dead-letter topic with the
  error, marked ``dead`` so redelivery does not dead-letter it again, and the batch goes on (a
  poison event never blocks the events behind it);
- records whose type the runner does not ``want`` (the ``ce_type`` header read, nothing else) are
  passed over before any transaction: no handler would act on them, so there is no effect to
  guard with a mark (e.g. a referral projection reading every department's topic for its
  ``referral.*`` events); a record whose type cannot be read takes the normal path;
- records that are not valid CloudEvents at all go to the dead-letter topic as they are, and so
  does an event that fails the runner's ``validate`` hook (e.g. its published contract, see
  :meth:`shared.contracts.EventContracts.violation`): the handler never sees it.

Order of durability: dead letters are flushed to Kafka, then the transaction commits, then the
offsets are committed, at most once a ``commit_interval``: by the first poll after it is due, an
idle one too (a steady trickle of events is not one commit per event: each is a round trip and a
write to the group's offsets topic), and when the runner closes. A crash redelivers what came in
since, and the dedupe marks make those batches harmless.
A crash at any point re-delivers, never loses. A batch that fails as a
whole (the dead-letter topic cannot be written, the database is away) is rolled back and the
consumer seeks back to its first records, so the next commit can never move past an event that
was neither applied nor dead-lettered; :meth:`ConsumerRunner.run` retries it with a growing pause,
during which the member keeps polling with its partitions paused (a rebalance does not wait for it).

:mod:`shared.deadletters` lists, shows and replays the dead letters through the handler again
after a fix (``python -m services.<name> dead-letters list|show|replay``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import structlog
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import CommitFailedError, KafkaError, RebalanceInProgressError
from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, select

from shared.bulk import insert_rows
from shared.db import pipelined
from shared.envelope import Envelope, EnvelopeError, from_kafka
from shared.kafka import BrokerUnavailable, LazyProducer, make_consumer, reachable, retry_pause
from shared.metrics import CONSUMER_DEAD_LETTERS, CONSUMER_LAG, CONSUMER_LAST_POLL, CONSUMER_PROCESSED

__all__ = ["BatchHandler", "ConsumerRunner", "Handler", "Validator", "Wants", "processed_table"]

log = structlog.get_logger(__name__)

CLOSE_COMMIT_SECONDS = 5.0
"""How long closing waits for its last offset commit before it leaves the group without it."""

Handler = Callable[[Connection, Envelope], None]
# A handler that takes a whole batch of new events at once, to write their effects in one
# statement (e.g. an archive). On a failure the runner calls it with one event at a time.
BatchHandler = Callable[[Connection, Sequence[Envelope]], None]
# What is wrong with an event before any handler sees it (None when nothing is).
Validator = Callable[[Envelope], str | None]
# Whether a handler acts on events of this type (``ce_type``); the others are passed over.
Wants = Callable[[str], bool]


_md = MetaData()
processed_table = Table(
    "processed_events",
    _md,
    Column("consumer", String(128), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("processed_at", String(40), nullable=False),
)


class ConsumerRunner:
    """Runs one handler over a set of topics in a consumer group."""

    def __init__(
        self,
        *,
        name: str,
        engine: Engine,
        handler: Handler | None = None,
        topics: Sequence[str],
        bootstrap_servers: str,
        dead_letter_topic: str,
        producer: KafkaProducer | LazyProducer,
        batch_size: int = 500,
        poll_ms: int = 200,
        commit_interval: float = 1.0,
        consumer: KafkaConsumer | None = None,
        batch_handler: BatchHandler | None = None,
        validate: Validator | None = None,
        connect_timeout: float = 5.0,
        on_commit: Callable[[], None] | None = None,
        session_timeout: float | None = None,
        wants: Wants | None = None,
    ) -> None:
        if (handler is None) == (batch_handler is None):
            raise ValueError("give a consumer runner exactly one of handler and batch_handler")
        self.name = name
        self.engine = engine
        self.handler: Handler = handler or (lambda conn, env: batch_handler(conn, [env]))  # type: ignore[misc]
        self.batch_handler = batch_handler
        self.validate = validate
        self.wants = wants
        """Event types the handler acts on (``None``: every type); the others never open a transaction."""
        self.topics = list(topics)
        self.bootstrap_servers = bootstrap_servers
        self.dead_letter_topic = dead_letter_topic
        self.producer = producer
        self.batch_size = batch_size
        self.poll_ms = poll_ms
        self.commit_interval = commit_interval
        """Offsets are committed at most this often, in seconds, by the first poll after it is due
        (a poll that brings nothing too, so the last batch's wait at most this long plus one poll).
        A crash redelivers at most this much, which the dedupe marks skip."""
        self.connect_timeout = connect_timeout
        self.on_commit = on_commit
        self.session_timeout = session_timeout
        """Seconds without a heartbeat after which the group drops a member (a replica killed) and
        gives its partitions to the others; ``None``: the client's default (45 s)."""
        """Called after each batch's transaction commits: the service's relay is woken, so events a
        handler recorded leave now, not at the relay's next poll (an automatic referral's second hop)."""
        self._consumer: KafkaConsumer | None = consumer
        self._stop = threading.Event()
        self._last_lag_check = 0.0
        self._uncommitted = False
        self._last_commit = time.monotonic()

    @property
    def consumer(self) -> KafkaConsumer:
        """The group member, made on first use (in the runner's thread) once a broker answers:
        a service starts, and serves commands, while Kafka is away."""
        if self._consumer is None:
            reachable(self.bootstrap_servers, self.connect_timeout)
            session: dict[str, int] = {}
            if self.session_timeout is not None:
                ms = int(self.session_timeout * 1000)
                session = {"session_timeout_ms": ms, "heartbeat_interval_ms": max(100, ms // 3)}
            self._consumer = make_consumer(
                self.bootstrap_servers,
                group_id=self.name,
                topics=self.topics,
                max_poll_records=self.batch_size,
                bootstrap_timeout_ms=int(self.connect_timeout * 1000),
                **session,
            )
        return self._consumer

    def close(self) -> None:
        """Commit the offsets still owed and leave the group, if a member was ever made.

        The last commit is best effort and bounded: with the broker gone (a platform stopping,
        Kafka down) it fails after ``CLOSE_COMMIT_SECONDS``, is logged, and the member is closed
        all the same. That loses nothing: the batches' effects and dedupe marks are committed, so
        whoever reads the partitions next receives those records again and skips them."""
        consumer, self._consumer = self._consumer, None
        if consumer is None:
            return
        try:
            if self._uncommitted:
                consumer.commit(timeout_ms=int(CLOSE_COMMIT_SECONDS * 1000))
                self._uncommitted = False
        except KafkaError as exc:
            log.warning("consumer.final_commit_failed", consumer=self.name, reason=type(exc).__name__)
        finally:
            consumer.close(autocommit=False)

    # -- one batch -------------------------------------------------------------------------
    def poll_once(self, *, commit_offsets: bool = True) -> int:
        """Poll and handle one batch; returns the number of records seen."""
        polled = self.consumer.poll(timeout_ms=self.poll_ms, max_records=self.batch_size)
        records = [r for batch in polled.values() for r in batch]
        if records:
            try:
                self.process(records)
            except BaseException:
                # Nothing of the batch committed (effects, marks) and its dead letters may not have
                # reached Kafka: go back to its first records, or the next commit would move the
                # group's offsets past events that were neither applied nor dead-lettered.
                self._rewind(polled)
                raise
            self._uncommitted = True
        due = time.monotonic() - self._last_commit >= self.commit_interval
        if commit_offsets and self._uncommitted and due:
            self._commit()
        self._report_lag()
        return len(records)

    def _commit(self) -> None:
        """Commit the group's offsets after a handled batch. A group rebalancing refuses the commit;
        that loses nothing: the batch's effects and dedupe marks are committed, so whoever gets the
        partitions next receives the records again and skips them. So it is no failure to back
        off from, only a note; the commit stays owed and is made at the next interval (or by
        :meth:`run_until_idle` after one more poll)."""
        self._last_commit = time.monotonic()
        try:
            self.consumer.commit()
        except (CommitFailedError, RebalanceInProgressError) as exc:
            # still uncommitted: tried again at the next interval, once the group has settled
            log.warning("consumer.commit_deferred", consumer=self.name, reason=type(exc).__name__)
        else:
            self._uncommitted = False

    def _rewind(self, polled: dict[TopicPartition, list[Any]]) -> None:
        for tp, batch in polled.items():
            if batch:
                try:
                    self.consumer.seek(tp, min(r.offset for r in batch))
                except Exception:  # revoked meanwhile: its new owner starts from the committed offset
                    log.warning("consumer.rewind_failed", consumer=self.name, topic=tp.topic, partition=tp.partition)

    def process(self, records: Sequence[Any]) -> None:
        """Handle one polled batch in one transaction.

        The fast path runs every new event's handler without savepoints (on PostgreSQL in psycopg's
        pipeline mode, :func:`shared.db.pipelined`: their plain INSERTs are not waited for one by
        one), checks duplicates with one query and writes all dedupe marks with one statement. If
        any handler raises, or the database refuses a write when its answer arrives, the
        whole transaction is rolled back and the batch runs again on the careful path, one
        savepoint per event, so that only the poison event is dead-lettered. Handlers write only
        to the database, so a rolled-back first run leaves no trace.
        """
        if self.wants is not None:
            kept = [r for r in records if self._wanted(r.headers)]
            if len(kept) < len(records):
                CONSUMER_PROCESSED.labels(self.name, "passed_over").inc(len(records) - len(kept))
            if not kept:
                return
            records = kept
        decoded: list[tuple[Any, Envelope]] = []
        invalid: list[tuple[Any, Envelope, str]] = []
        undecodable: list[tuple[Any, str]] = []
        for record in records:
            try:
                env = from_kafka(record.key, record.headers, record.value)
            except EnvelopeError as exc:
                log.warning(
                    "consumer.poison", consumer=self.name, topic=record.topic, offset=record.offset, error=str(exc)
                )
                undecodable.append((record, f"EnvelopeError: {exc}"))
                continue
            problem = self.validate(env) if self.validate is not None else None
            if problem is None:
                decoded.append((record, env))
            else:
                invalid.append((record, env, f"ContractViolation: {problem}"))
        with self.engine.connect() as conn:
            conn.begin()
            refused = self._refuse(conn, invalid)
            if not self._fast_path(conn, [env for _, env in decoded]):
                conn.rollback()
                conn.begin()
                refused = self._refuse(conn, invalid)
                refused += [
                    (record, error) for record, env in decoded if (error := self._handle_record(conn, env)) is not None
                ]
            dead = undecodable + refused
            if dead:
                self._dead_letter(dead)
            conn.commit()
        if self.on_commit is not None:
            self.on_commit()

    def _wanted(self, headers: Sequence[tuple[str, bytes]] | None) -> bool:
        """False only for a record whose ``ce_type`` header reads as a type the handler passes over."""
        assert self.wants is not None
        for name, raw in headers or ():
            if name == "ce_type":
                try:
                    return self.wants(raw.decode())
                except (UnicodeDecodeError, AttributeError):
                    return True  # unreadable: the normal path says what is wrong with it
        return True

    def _refuse(self, conn: Connection, invalid: Sequence[tuple[Any, Envelope, str]]) -> list[tuple[Any, str]]:
        """Mark events that failed validation ``dead`` (once: a redelivery is a duplicate) and
        return the ones to dead-letter; no handler runs for them."""
        refused = []
        for record, env, error in invalid:
            if self.status_of(conn, env.id) is not None:
                CONSUMER_PROCESSED.labels(self.name, "duplicate").inc()
                continue
            log.warning("consumer.invalid_event", consumer=self.name, event_type=env.type, event_id=env.id, error=error)
            self.mark(conn, env.id, "dead")
            refused.append((record, error))
        return refused

    def _fast_path(self, conn: Connection, envelopes: Sequence[Envelope]) -> bool:
        fresh_ids = self._claim(conn, envelopes)
        fresh = []
        for env in envelopes:
            if env.id in fresh_ids:
                fresh.append(env)
                fresh_ids.discard(env.id)  # a record repeated within the batch runs once
            else:
                CONSUMER_PROCESSED.labels(self.name, "duplicate").inc()
        try:
            with pipelined(conn):
                if self.batch_handler is not None:
                    if fresh:
                        self.batch_handler(conn, fresh)
                else:
                    for env in fresh:
                        self._run_handler(conn, env)
        except Exception:
            log.info("consumer.batch_retry_per_event", consumer=self.name)
            return False
        CONSUMER_PROCESSED.labels(self.name, "handled").inc(len(fresh))
        return True

    def _claim(self, conn: Connection, envelopes: Sequence[Envelope]) -> set[str]:
        """Write the dedupe marks of a batch and return the ids that were new, in one statement.

        ``INSERT .. ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL, SQLite 3.35+) both checks and
        marks; the marks roll back with the effects if a handler fails.
        """
        ids = list(dict.fromkeys(e.id for e in envelopes))
        if not ids:
            return set()
        now = datetime.now(UTC).isoformat()
        if conn.dialect.name in ("postgresql", "sqlite"):
            # At the driver level (shared.bulk: one unnest of arrays on PostgreSQL, a multi-row
            # VALUES on SQLite), its text cached: no per-row parameter processing in SQLAlchemy.
            _, fresh = insert_rows(
                conn,
                processed_table,
                [{"event_id": i} for i in ids],
                fixed={"consumer": self.name, "status": "done", "processed_at": now},
                returning="event_id",
            )
            return set(fresh)
        rows = [{"consumer": self.name, "event_id": i, "status": "done", "processed_at": now} for i in ids]
        seen = {
            r[0]
            for r in conn.execute(
                select(processed_table.c.event_id).where(
                    processed_table.c.consumer == self.name, processed_table.c.event_id.in_(ids)
                )
            )
        }
        new_rows = [r for r in rows if r["event_id"] not in seen]
        if new_rows:
            conn.execute(processed_table.insert(), new_rows)
        return {r["event_id"] for r in new_rows}

    def _run_handler(self, conn: Connection, env: Envelope) -> None:
        structlog.contextvars.bind_contextvars(correlation_id=env.correlationid, event_id=env.id)
        try:
            self.handler(conn, env)
        finally:
            structlog.contextvars.unbind_contextvars("correlation_id", "event_id")

    def _handle_record(self, conn: Connection, env: Envelope) -> str | None:
        """The careful path: one savepoint per event; returns the error of a failing handler."""
        if self.status_of(conn, env.id) is not None:
            CONSUMER_PROCESSED.labels(self.name, "duplicate").inc()
            return None
        savepoint = conn.begin_nested()
        try:
            self._run_handler(conn, env)
            self.mark(conn, env.id, "done")
            savepoint.commit()
        except Exception as exc:
            savepoint.rollback()
            log.exception("consumer.handler_failed", consumer=self.name, event_type=env.type, event_id=env.id)
            self.mark(conn, env.id, "dead")
            return f"{type(exc).__name__}: {exc}"
        CONSUMER_PROCESSED.labels(self.name, "handled").inc()
        return None

    def status_of(self, conn: Connection, event_id: str) -> str | None:
        """This consumer's dedupe mark of an event: ``done``, ``dead`` or ``None`` (never seen)."""
        return conn.execute(
            select(processed_table.c.status).where(
                processed_table.c.consumer == self.name, processed_table.c.event_id == event_id
            )
        ).scalar()

    def mark(self, conn: Connection, event_id: str, status: str) -> None:
        """Write this consumer's dedupe mark of an event, in ``conn``'s transaction."""
        conn.execute(
            processed_table.insert().values(
                consumer=self.name,
                event_id=event_id,
                status=status,
                processed_at=datetime.now(UTC).isoformat(),
            )
        )

    def _dead_letter(self, dead: Sequence[tuple[Any, str]]) -> None:
        futures = []
        for record, error in dead:
            headers = [
                *list(record.headers or []),
                ("dlq_consumer", self.name.encode()),
                ("dlq_error", error[:2000].encode("utf-8", "replace")),
                ("dlq_topic", record.topic.encode()),
                ("dlq_partition", str(record.partition).encode()),
                ("dlq_offset", str(record.offset).encode()),
            ]
            futures.append(
                self.producer.send(self.dead_letter_topic, key=record.key, value=record.value, headers=headers)
            )
        self.producer.flush()
        for future in futures:
            future.get(timeout=0)
        CONSUMER_DEAD_LETTERS.labels(self.name).inc(len(dead))

    def _report_lag(self) -> None:
        now = time.monotonic()
        if now - self._last_lag_check < 5:
            return
        self._last_lag_check = now
        try:
            CONSUMER_LAG.labels(self.name).set(self.lag())
        except Exception:  # lag is diagnostics only; never stop consuming for it
            log.debug("consumer.lag_unavailable", consumer=self.name)

    def lag(self) -> int:
        assignment = list(self.consumer.assignment())
        if not assignment:
            return 0
        ends = self.consumer.end_offsets(assignment)
        return sum(max(0, ends[tp] - self.consumer.position(tp)) for tp in assignment)

    # -- running -----------------------------------------------------------------------------
    def run(self) -> None:
        log.info("consumer.started", consumer=self.name, topics=self.topics)
        failures = 0
        heartbeat = CONSUMER_LAST_POLL.labels(self.name)
        while not self._stop.is_set():
            heartbeat.set_to_current_time()
            try:
                self.poll_once()
                failures = 0
            except Exception as exc:
                # The batch was rewound (poll_once): the same records come again after a pause that
                # grows while the fault lasts (a dead-letter topic away, the database down).
                failures += 1
                pause = retry_pause(failures)
                if isinstance(exc, BrokerUnavailable):
                    log.warning("consumer.waiting_for_kafka", consumer=self.name, error=str(exc), retry_in=pause)
                else:
                    log.exception("consumer.error", consumer=self.name, failures=failures, retry_in=pause)
                self._back_off(pause)
        self.close()
        log.info("consumer.stopped", consumer=self.name)

    def _back_off(self, seconds: float) -> None:
        """Wait ``seconds`` before a failed batch comes again, and stay a live member meanwhile.

        The member's partitions are paused and it keeps polling, so a rebalance (a replica started,
        one killed) completes now: a member that only slept would hold the whole group's join for
        up to ``MAX_RETRY_PAUSE`` (:func:`shared.kafka.retry_pause`). A rebalance's new assignment
        is not paused; records a poll hands out during the pause are put back (``_rewind``), so they
        come again after it."""
        deadline = time.monotonic() + seconds
        consumer = self._consumer
        if consumer is None:  # no member yet (the broker was away): nothing to keep in the group
            self._stop.wait(seconds)
            return
        try:
            while not self._stop.is_set() and (left := deadline - time.monotonic()) > 0:
                consumer.pause(*consumer.assignment())
                polled = consumer.poll(timeout_ms=max(1, int(min(left * 1000, self.poll_ms))))
                if polled:
                    self._rewind(polled)
        except Exception as exc:  # Kafka away as well: wait out the rest
            log.warning("consumer.backoff_poll_failed", consumer=self.name, error=str(exc))
            self._stop.wait(max(0.0, deadline - time.monotonic()))
        finally:
            try:
                consumer.resume(*consumer.paused())
            except Exception:  # the member is gone; the next poll_once makes it anew or fails again
                log.debug("consumer.resume_failed", consumer=self.name)

    def stop(self) -> None:
        self._stop.set()

    def run_until_idle(self, idle_polls: int = 3, timeout: float = 60.0, *, commit_offsets: bool = True) -> int:
        """Handle records until ``idle_polls`` polls in a row bring nothing; returns records seen.

        Idle polls count only once the group has assigned partitions to this consumer: joining a
        group takes a moment, and polls before that bring nothing for a different reason.
        """
        deadline = time.monotonic() + timeout
        idle = seen = 0
        while idle < idle_polls and time.monotonic() < deadline:
            n = self.poll_once(commit_offsets=commit_offsets)
            seen += n
            idle = 0 if n or not self.consumer.assignment() else idle + 1
        if commit_offsets and self._uncommitted:
            self._commit()  # idle now: what was handled is not handed out again
            for _ in range(5):  # a rebalance refused it: a poll takes part in the rebalance, then again
                if not self._uncommitted or time.monotonic() >= deadline:
                    break
                seen += self.poll_once(commit_offsets=False)
                self._commit()
        return seen
