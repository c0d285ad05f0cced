"""What every service is made of, built once in its ``bootstrap.py``.

:func:`build_kit` turns a service's settings into a :class:`ServiceKit`: the engine (SQLite file
or PostgreSQL), the migrated schema, the event store, the unit-of-work factory, and — when Kafka
is wanted — the producer, the outbox relay and any consumer runners. None of them connects while
the service starts: a service comes up, and takes commands, while the broker is away. :meth:`ServiceKit.lifespan`
runs the relay and consumers as threads for as long as the FastAPI app lives.

The settings' ``process`` splits that work between processes on one store: a ``web`` process starts
no relay, consumer or periodic task (its commits ``NOTIFY`` on PostgreSQL), a ``worker`` process
starts them all and its relay watches the store for the web processes' commits (:mod:`shared.wake`).
"""

from __future__ import annotations

import faulthandler
import functools
import signal
import sys
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import structlog
from fastapi import FastAPI
from kafka.errors import KafkaError
from pydantic import ValidationError
from sqlalchemy import Engine, text

from shared.clock import Clock, IdFactory, SystemClock, new_id
from shared.consumer import BatchHandler, ConsumerRunner, Handler, Wants
from shared.contracts import EventContracts
from shared.db import make_engine, migrate, reading
from shared.eventstore import EventStore
from shared.kafka import BrokerProbe, LazyProducer
from shared.lease import StoreLease
from shared.relay import OutboxRelay
from shared.settings import ServiceSettings, refused_settings
from shared.uow import UnitOfWorkFactory
from shared.wake import notify_statement, outbox_channel, store_watch

__all__ = ["ConsumerSpec", "ServiceKit", "build_kit", "serve"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ConsumerSpec:
    """A consumer a service runs: its group name, the topics it reads and its handler.

    ``contracts=True`` dead-letters an event that breaks its published contract
    (``schemas/events``, :mod:`shared.contracts`) instead of handling it. ``wants``: the event
    types the handler acts on (by ``ce_type``); the others are passed over without a transaction.
    """

    name: str
    topics: Sequence[str]
    handler: Handler | None = None
    batch_handler: BatchHandler | None = None
    contracts: bool = False
    wants: Wants | None = None


@dataclass
class ServiceKit:
    settings: ServiceSettings
    engine: Engine
    store: EventStore
    uow: UnitOfWorkFactory
    clock: Clock
    producer: LazyProducer | None = None
    probe: BrokerProbe | None = None
    relay: OutboxRelay | None = None
    consumers: list[ConsumerRunner] = field(default_factory=list)
    periodic: list[tuple[str, float, Callable[[], object]]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def add_consumer(self, spec: ConsumerSpec) -> ConsumerRunner:
        if self.producer is None:
            raise RuntimeError("consumers need Kafka: build the kit with kafka=True")
        runner = ConsumerRunner(
            name=self.settings.consumer_group_prefix + spec.name,
            engine=self.engine,
            handler=spec.handler,
            batch_handler=spec.batch_handler,
            topics=spec.topics,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            dead_letter_topic=self.settings.dead_letter_topic,
            producer=self.producer,
            batch_size=self.settings.consumer_batch_size,
            validate=EventContracts.load().violation if spec.contracts else None,
            connect_timeout=self.settings.kafka_connect_timeout_seconds,
            on_commit=self.relay.nudge if self.relay is not None else None,
            session_timeout=self.settings.consumer_session_timeout_seconds,
            wants=spec.wants,
        )
        self.consumers.append(runner)
        return runner

    def add_periodic(self, name: str, every_seconds: float, task: Callable[[], object]) -> None:
        """Run ``task`` every ``every_seconds`` while the service runs (e.g. the referral expiry sweep)."""
        self.periodic.append((name, every_seconds, task))

    def _run_periodic(self, name: str, every: float, task: Callable[[], object]) -> None:
        while not self._stop.wait(every):
            try:
                task()
            except Exception:  # one failed sweep must not end the loop; the next one retries
                log.exception("periodic.failed", task=name)

    def start_workers(self) -> None:
        """Start the relay, consumers and periodic tasks as threads; none in a ``web`` process."""
        if self.settings.process == "web":
            log.info("service.web_only", service=self.settings.service, hint="a worker process publishes and consumes")
            return
        self._stop.clear()
        workers: list[tuple[str, Callable[[], None]]] = []
        if self.relay is not None:
            workers.append((self.relay.name, self.relay.run))
        workers += [(c.name, c.run) for c in self.consumers]
        for name, every, task in self.periodic:
            workers.append((name, functools.partial(self._run_periodic, name, every, task)))
        for name, target in workers:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop_workers(self) -> None:
        self._stop.set()
        if self.relay is not None:
            self.relay.stop()
        for consumer in self.consumers:
            consumer.stop()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()
        if self.producer is not None:
            try:
                self.producer.flush(timeout=10)
            except KafkaError as exc:
                # The broker is gone. Nothing the producer still holds was counted as delivered:
                # the relay moves its checkpoint only after the acknowledgements and sends the
                # rest again at the next start; a consumer commits a batch only after its dead
                # letters were acknowledged. So stopping goes on, and the service still closes.
                log.warning("service.flush_incomplete", service=self.settings.service, reason=type(exc).__name__)

    def close(self) -> None:
        self.stop_workers()
        for consumer in self.consumers:  # one that never ran its loop may still hold a membership
            consumer.close()
        if self.producer is not None:
            self.producer.close(timeout=5)
        if self.probe is not None:
            self.probe.close()
        self.engine.dispose()

    @asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        self.start_workers()
        try:
            yield
        finally:
            self.close()

    # -- readiness ---------------------------------------------------------------------------
    def database_ready(self) -> str | None:
        try:
            with reading(self.engine) as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            return f"database: {exc}"
        return None

    def kafka_ready(self) -> str | None:
        """A metadata fetch from the broker succeeded a moment ago (not the producer's state: the
        store is the outbox, so commands are served while Kafka is away, but this says so)."""
        return self.probe.check() if self.probe is not None else None


def build_kit(
    settings: ServiceSettings,
    migrations: Sequence[Path] = (),
    *,
    kafka: bool = True,
    clock: Clock | None = None,
    ids: IdFactory = new_id,
    engine: Engine | None = None,
) -> ServiceKit:
    engine = engine or make_engine(settings.resolved_database_url())
    migrate(engine, *migrations)
    store = EventStore(settings.service, max_event_bytes=settings.max_event_bytes)
    clock = clock or SystemClock()
    kit = ServiceKit(
        settings=settings,
        engine=engine,
        store=store,
        uow=UnitOfWorkFactory(engine, store, clock=clock, ids=ids),
        clock=clock,
    )
    if kafka:
        # Nothing here connects: the relay's and consumers' threads do, and retry while the broker
        # is away, so a service starts (and takes commands into its store) without it.
        kit.producer = LazyProducer(
            settings.kafka_bootstrap_servers,
            client_id=f"{settings.service}-producer",
            connect_timeout=settings.kafka_connect_timeout_seconds,
        )
        kit.probe = BrokerProbe(
            settings.kafka_bootstrap_servers,
            max_age=settings.kafka_ready_seconds,
            timeout=min(2.0, settings.kafka_connect_timeout_seconds),
        )
        kit.relay = OutboxRelay(
            engine,
            store,
            kit.producer,
            settings.topic,
            name=f"relay:{settings.service}",
            batch_size=settings.relay_batch_size,
            poll_seconds=settings.relay_poll_seconds,
            lease=StoreLease(engine, f"relay:{settings.service}"),
            watch=store_watch(engine, settings.service) if settings.process == "worker" else None,
        )
        if settings.process != "web":
            kit.uow.on_commit = kit.relay.nudge
        elif engine.dialect.name == "postgresql":
            # The relay runs in a worker process: tell it in the transaction that commits the events.
            kit.uow.notify = notify_statement(outbox_channel(settings.service))
    return kit


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    """Run a service's app (and, through its lifespan, its relay and consumers) until stopped."""
    import uvicorn

    log.info("service.listening", url=f"http://{settings.host}:{settings.port}", docs="/docs", process=settings.process)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False)


def run_service(build: Callable[[], tuple[FastAPI, ServiceKit]], name: str, argv: Sequence[str] | None = None) -> int:
    """``python -m services.<name>``: build and serve, or refuse to start (exit 2) saying which
    setting to fix, e.g. a production service without its signing configuration.

    ``python -m services.<name> dead-letters list|show|replay``: the operator's commands for its
    consumers' dead letters (:mod:`shared.deadletters`), with the service's own settings."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["dead-letters"]:
        from shared.deadletters import main as dead_letters

        return dead_letters(argv[1:], build, name)
    if argv[:1] not in ([], ["serve"]):
        print(f"usage: python -m services.{name} [serve | dead-letters list|show|replay]", file=sys.stderr)
        return 2
    # SIGUSR1 prints every thread's stack to the log: where a stuck consumer or relay waits
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    try:
        app, kit = build()
    except ValidationError as exc:
        print(f"{name} cannot start: {refused_settings(exc)}", file=sys.stderr)
        return 2
    serve(app, kit.settings)
    return 0
