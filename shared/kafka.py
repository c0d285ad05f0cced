"""Kafka clients configured the Tsunagu way (kafka-python).

Producers use the library's defaults of ``acks='all'`` with idempotence, and a short linger so
that the relay's batches travel as few requests. Consumers never auto-commit: the consumer
runner commits offsets only after the database transaction holding the effects has committed.

kafka-python connects when a client is *made* and raises ``NoBrokersAvailable`` (or "Unable to
bootstrap") when no broker answers, so a service must not make its clients while it starts: the
kit holds a :class:`LazyProducer` (made on first send, by the relay's thread, retried there) and
the consumer runners make their consumers in their own threads. The store is the outbox, so
commands are accepted while the broker is away and delivered when it returns. Readiness asks
the broker itself (:class:`BrokerProbe`): a metadata fetch that succeeded a moment ago.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Sequence
from typing import Any

import structlog
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaTimeoutError
from kafka.producer.future import FutureRecordMetadata

from shared.envelope import Envelope, to_kafka

__all__ = [
    "MAX_RETRY_PAUSE",
    "BrokerProbe",
    "BrokerUnavailable",
    "LazyProducer",
    "make_consumer",
    "make_producer",
    "reachable",
    "retry_pause",
    "send_envelope",
]

MAX_RETRY_PAUSE = 30.0
"""Seconds at most between two tries of a relay batch or a consumer batch that keeps failing."""


def retry_pause(failures: int) -> float:
    """The pause after the ``failures``-th failure in a row of the relay's or a consumer runner's
    batch (Kafka or the database away): 1, 2, 4 ... up to :data:`MAX_RETRY_PAUSE` seconds."""
    return min(MAX_RETRY_PAUSE, 0.5 * 2.0**failures)


class BrokerUnavailable(ConnectionError):
    """No bootstrap server accepts a connection: a client is not worth making yet."""


def reachable(bootstrap_servers: str, timeout: float = 2.0) -> None:
    """Raise :class:`BrokerUnavailable` unless some bootstrap server accepts a TCP connection.

    A gate before making kafka-python clients: a ``KafkaConsumer`` or ``KafkaAdminClient`` that
    fails to bootstrap leaves its IO thread running, so during an outage they would pile up.
    """
    problems = []
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout).close()
            return
        except (OSError, ValueError) as exc:
            problems.append(f"{server}: {exc}")
    raise BrokerUnavailable("no Kafka broker answers: " + "; ".join(problems))


log = structlog.get_logger(__name__)


def _mend_lost_join() -> None:
    """Make kafka-python 3.0.12 take up a group join that finished while no ``poll`` waited for it.

    The library runs JoinGroup + SyncGroup as one task. A ``poll`` whose timeout ends first leaves
    the task in flight, and the next ``poll`` awaits it again. But if the task finishes *between*
    two polls, nobody reads its result:

    - when the member rejoins for a reason that the join itself clears (the partitions it dealt as
      leader no longer match the topics' metadata: it assigned before it knew a topic's partitions,
      or a partition was added), the next ``poll`` sees nothing to rejoin for. The member keeps its
      old partitions (none, on a first join), never heartbeats again, and every other member's
      join waits on it (seen: a rebuild worker that held nothing for 60 s on a loaded machine);
    - otherwise the next ``poll`` throws the result away and sends a new JoinGroup, which starts
      one more rebalance of the whole group.

    The mend (``tests/integration/kit/test_group_join.py`` fails on every run without it): a
    coordinator whose join task is done while it is still ``REBALANCING`` needs to rejoin, and
    the rejoin first takes the finished task's result as the library would have, had it waited.
    """
    from kafka.coordinator.consumer import ConsumerCoordinator
    from kafka.structs import MemberState

    need_rejoin, join_group_async = ConsumerCoordinator.need_rejoin, ConsumerCoordinator.join_group_async
    if getattr(need_rejoin, "mended", False):
        return

    def finished_unread(self: ConsumerCoordinator) -> bool:
        task = self._join_task
        return task is not None and task.is_done and self.state is MemberState.REBALANCING

    def mended_need_rejoin(self: ConsumerCoordinator) -> bool:
        return finished_unread(self) or bool(need_rejoin(self))

    async def mended_join_group_async(self: ConsumerCoordinator, timeout_ms: int | None = None) -> bool:
        task = self._join_task
        if finished_unread(self) and task.succeeded():
            # what join_group_async does when its own wait returns the assignment
            self._join_task = None
            with self._lock:
                self.rejoining = False
                self.rejoin_needed = False
                self.state = MemberState.STABLE
                self._enable_heartbeat()
            generation = self._generation
            await self._on_join_complete_async(
                generation.generation_id, generation.member_id, generation.protocol, task.value
            )
            return True
        return bool(await join_group_async(self, timeout_ms))

    mended_need_rejoin.mended = True  # type: ignore[attr-defined]
    ConsumerCoordinator.need_rejoin = mended_need_rejoin
    ConsumerCoordinator.join_group_async = mended_join_group_async


_mend_lost_join()


def make_producer(bootstrap_servers: str, **overrides: Any) -> KafkaProducer:
    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers.split(","),
        "linger_ms": 5,
        "batch_size": 256 * 1024,
        "max_in_flight_requests_per_connection": 5,
        "retries": 2_147_483_647,
        "client_id": overrides.pop("client_id", "tsunagu"),
    }
    config.update(overrides)
    return KafkaProducer(**config)


def make_consumer(bootstrap_servers: str, group_id: str, topics: Sequence[str], **overrides: Any) -> KafkaConsumer:
    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers.split(","),
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "max_poll_records": 500,
        "client_id": overrides.pop("client_id", group_id),
    }
    config.update(overrides)
    consumer = KafkaConsumer(**config)
    if topics:
        # Learn every topic's partitions before joining the group: a group leader that assigns
        # while a topic's metadata is still missing hands out nothing for it (kafka-python logs
        # "No partition metadata for topic"), and the consumer can then sit idle on a live topic.
        missing = [t for t in topics if not consumer.partitions_for_topic(t)]
        if missing:
            log.warning("consumer.topics_without_metadata", group=group_id, topics=missing)
        consumer.subscribe(list(topics))
    return consumer


def send_envelope(producer: KafkaProducer | LazyProducer, topic: str, envelope: Envelope) -> FutureRecordMetadata:
    key, headers, value = to_kafka(envelope)
    return producer.send(topic, key=key, value=value, headers=headers)


class LazyProducer:
    """The service's one producer, made on first use and made anew after :meth:`reset`.

    It sends, flushes and closes like a ``KafkaProducer``; :meth:`send` raises the library's
    error while no broker answers (within ``connect_timeout`` seconds), so the caller — the relay
    or a consumer runner, each in its own thread — retries later. Nothing is made while the
    service starts.
    """

    def __init__(self, bootstrap_servers: str, *, connect_timeout: float = 5.0, **overrides: Any) -> None:
        self.bootstrap_servers = bootstrap_servers
        self._overrides = {"bootstrap_timeout_ms": int(connect_timeout * 1000), **overrides}
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()

    @property
    def made(self) -> bool:
        return self._producer is not None

    def get(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                reachable(self.bootstrap_servers, self._overrides["bootstrap_timeout_ms"] / 1000)
                self._producer = make_producer(self.bootstrap_servers, **self._overrides)
            return self._producer

    def send(self, topic: str, **record: Any) -> FutureRecordMetadata:
        return self.get().send(topic, **record)

    def flush(self, timeout: float | None = None) -> None:
        producer = self._producer
        if producer is not None:
            producer.flush(timeout)

    def reset(self) -> None:
        """Close the current producer so that the next send makes a fresh one (kafka-python can
        keep failing the records behind one the broker refused as too large)."""
        self.close(timeout=5)

    def close(self, timeout: float | None = None) -> None:
        """Close the producer within ``timeout`` seconds, also when records are still unacknowledged.

        kafka-python 3's ``close`` flushes first and raises when that times out (the broker gone),
        before it reaches its own force close, so the producer would stay open with its sender
        thread retrying. Here those records are dropped (their futures fail) and the producer is
        closed all the same. Nothing is lost: no caller counts a record as delivered before its
        acknowledgement (the relay sends it again from the store; a consumer's batch whose dead
        letters were not acknowledged is not committed)."""
        with self._lock:
            producer, self._producer = self._producer, None
        if producer is None:
            return
        try:
            producer.close(timeout=timeout)
        except KafkaTimeoutError:
            log.warning("producer.closed_with_records_pending", bootstrap=self.bootstrap_servers)
            producer._sender.force_close()  # the close kafka-python's own would end with
            with contextlib.suppress(KafkaTimeoutError):  # its sender fails what it held, then ends
                producer.close(timeout=5.0 if timeout is None else timeout)


class BrokerProbe:
    """Is the broker there? A metadata fetch that succeeded within the last ``max_age`` seconds.

    kafka-python's ``bootstrap_connected()`` is true only *while* a client bootstraps, so it
    cannot tell readiness; this asks the cluster for its metadata (at most once per ``max_age``
    while it answers, and at most once per ``timeout`` while it does not).
    """

    def __init__(self, bootstrap_servers: str, *, max_age: float = 5.0, timeout: float = 2.0) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.max_age = max_age
        self.timeout = timeout
        self._ok_at: float | None = None
        self._failed: tuple[float, str] | None = None
        self._admin: KafkaAdminClient | None = None
        self._lock = threading.Lock()

    def check(self) -> str | None:
        """``None`` when the broker answered recently, else what is wrong (for ``/ready``)."""
        with self._lock:
            now = time.monotonic()
            if self._ok_at is not None and now - self._ok_at < self.max_age:
                return None
            if self._failed is not None and now - self._failed[0] < self.timeout:
                return self._failed[1]
            try:
                self._fetch_metadata()
            except Exception as exc:
                problem = f"kafka: no metadata from {self.bootstrap_servers} ({type(exc).__name__}: {exc})"
                self._ok_at, self._failed = None, (time.monotonic(), problem)
                return problem
            self._ok_at, self._failed = time.monotonic(), None
            return None

    def _fetch_metadata(self) -> None:
        reachable(self.bootstrap_servers, self.timeout)
        if self._admin is None:
            timeout_ms = int(self.timeout * 1000)
            self._admin = KafkaAdminClient(
                bootstrap_servers=self.bootstrap_servers.split(","),
                client_id="tsunagu-ready",
                bootstrap_timeout_ms=timeout_ms,
                request_timeout_ms=timeout_ms,
            )
        self._admin.describe_cluster()  # one metadata request, answered by a live broker

    def close(self) -> None:
        with self._lock:
            admin, self._admin = self._admin, None
        if admin is not None:
            admin.close()
