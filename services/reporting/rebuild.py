"""Rebuild and replay (再構築): every read model from offset 0 into a new generation, then switch.

``python -m services.reporting rebuild``::

    1. drop abandoned generations; create generation N+1 (state ``building``)
    2. assign every partition of every source topic, seek to the beginning (no consumer group:
       the live consumer's offsets are untouched), replay to the end offsets seen at the start,
       then catch up in rounds while the lag is large — progress bar with events/s and lag
    3. switch transaction: lock the ``rm_active`` row (waits for in-flight live batches, which hold
       it ``FOR SHARE``; SQLite: the write lock), replay the last few events, verify that every
       archived event is in the new generation, point ``rm_active`` at N+1 and commit
    4. after a grace period for reads in flight, delete the old generation's rows

Readers take the active generation once per read, so they keep answering from the old model
until the commit and never see a half-built one. Rows are a pure function of each event and
keyed by event id, so the rebuilt generation equals the live-built one (:func:`generations.checksums`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import structlog
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import Connection, Engine, exists, func, select

from services.reporting.adapters import archive as archive_tables
from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.generations import drop_generations, new_generation, switch_generation
from services.reporting.adapters.rows import Rows, bulk_write
from services.reporting.facts import Fact
from services.reporting.projection import project
from shared.clock import Clock, SystemClock

__all__ = ["FETCH", "RebuildError", "RebuildReport", "map_large_blocks", "rebuild"]

log = structlog.get_logger(__name__)


class RebuildError(RuntimeError):
    """The new generation failed verification; readers stay on the old one."""


@dataclass
class RebuildReport:
    generation: int
    replaced: int | None = None
    events: int = 0
    rows_written: int = 0
    skipped: int = 0
    seconds: float = 0.0
    missing_from_new: int = 0
    switched: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


class Progress:
    """A one-line progress bar: share done, events, events/s and remaining lag."""

    def __init__(self, out: TextIO | None, total: int, every: float = 0.5) -> None:
        self.out, self.total, self.every = out, max(total, 1), every
        self.started = time.perf_counter()
        self._last = 0.0

    def update(self, done: int, lag: int, *, force: bool = False) -> None:
        now = time.perf_counter()
        if self.out is None or (not force and now - self._last < self.every):
            return
        self._last = now
        self.total = max(self.total, done + lag)
        share = done / self.total
        bar = "#" * int(share * 30)
        rate = done / max(now - self.started, 1e-9)
        self.out.write(f"\r[{bar:<30}] {share:6.1%} {done:>10,} events {rate:>9,.0f} ev/s lag {lag:>9,}")
        self.out.flush()

    def finish(self) -> None:
        if self.out is not None:
            self.out.write("\n")
            self.out.flush()


FETCH = {"fetch_max_bytes": 16 * 1024 * 1024, "max_partition_fetch_bytes": 2 * 1024 * 1024}
"""The replaying consumers' fetch sizes (both rebuilds). kafka-python asks for more only once every
fetched record has been handed out, so each fetch is a pause in the replay: with 1 MB a partition
(Kafka's default) the one-process rebuild replayed 15,500–16,200 events/s (bench.reporting, 250,000
and 1M events), with 2 MB 17,600–19,300. They also bound the peak memory: a fetch response is held
whole while its records are decoded. With 4 MB a partition the rebuild was no faster at 1M events
and its peak RSS rose by 12–18 % from 250,000 events to 1M; with 2 MB it stayed within 3 %."""


_M_MMAP_THRESHOLD = -3  # glibc's mallopt() parameter


def map_large_blocks(threshold: int = 1024 * 1024) -> bool:
    """Have glibc map every block of ``threshold`` bytes or more on its own and unmap it when freed.

    A replay allocates and frees fetch buffers of megabytes all the time. By default glibc raises its
    mmap threshold to the size of the largest block freed, so later buffers come from the heap, which
    fragments and keeps its high-water mark. The rebuild of 200,000 events (bench.reporting) peaked at
    284–291 MB by default and at 263 MB with this (with 4 MB partition fetches: 322 and 277–279 MB).
    Process-wide; the rebuilds run in processes of their own (``python -m services.reporting
    rebuild``, its workers). Returns whether it took effect (not on a C library without ``mallopt``)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, threshold))
    except (OSError, AttributeError, TypeError):
        return False


def rebuild_consumer(bootstrap_servers: str, batch_size: int) -> KafkaConsumer:
    """The replaying consumer: no group, so the live consumer's offsets are untouched."""
    return KafkaConsumer(
        bootstrap_servers=bootstrap_servers.split(","),
        group_id=None,
        enable_auto_commit=False,
        client_id="reporting-rebuild",
        max_poll_records=batch_size,
        **FETCH,
    )


class RebuildWriter:
    """Writes batches on its own connection in a thread, so the database works while we fetch and parse.

    At most ``depth`` batches wait (memory stays flat however long the history is); each batch is
    committed on its own, as before. The first error stops the writing and is raised to the
    replaying thread on its next :meth:`put` or :meth:`drain`.
    """

    def __init__(self, engine: Engine, gen: int, depth: int = 2) -> None:
        self.engine, self.gen = engine, gen
        self.queue: queue.Queue[Rows | None] = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.written = 0
        self.batches = 0
        """Batches committed so far, in the order they were put."""
        self.thread = threading.Thread(target=self._loop, name="reporting-rebuild-writer", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        with self.engine.connect() as conn:
            while True:
                rows = self.queue.get()
                try:
                    if rows is None:
                        return
                    if self.error is None:
                        with conn.begin():
                            self.written += bulk_write(conn, rows, self.gen)
                        self.batches += 1
                except BaseException as exc:  # handed to the replaying thread
                    self.error = exc
                finally:
                    self.queue.task_done()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, rows: Rows) -> int:
        """Queue a batch (waits while ``depth`` batches are queued); returns the rows written so far."""
        while True:
            self._raise()
            try:
                self.queue.put(rows, timeout=0.5)
                return 0
            except queue.Full:
                if not self.thread.is_alive():
                    raise RebuildError("the rebuild's writer thread stopped") from self.error

    def drain(self) -> None:
        """Wait until every queued batch is committed."""
        self.queue.join()
        self._raise()

    def close(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()


class Replayer:
    def __init__(
        self,
        consumer: KafkaConsumer,
        partitions: list[TopicPartition],
        report: RebuildReport,
        progress: Progress,
        batch_size: int,
    ) -> None:
        self.consumer, self.partitions, self.report = consumer, partitions, report
        self.progress, self.batch_size = progress, batch_size

    def lag(self, ends: dict[TopicPartition, int]) -> int:
        return sum(max(0, ends[tp] - self.consumer.position(tp)) for tp in self.partitions)

    def run(self, ends: dict[TopicPartition, int], write: Callable[[Rows], int], flush_rows: int | None = None) -> None:
        """Replay until every partition reaches ``ends``; ``write`` persists a batch of rows."""
        flush_rows = flush_rows or self.batch_size
        report = self.report
        rows = Rows()
        from_record = Fact.from_record
        idle = 0
        while self.lag(ends) > 0:
            polled = self.consumer.poll(timeout_ms=500, max_records=self.batch_size)
            if not polled:
                idle += 1
                if idle > 120:
                    raise RebuildError("Kafka returned nothing for a minute before the end offsets were reached")
                continue
            idle = 0
            for tp, records in polled.items():
                end = ends.get(tp, 0)
                for record in records:
                    if record.offset >= end:
                        continue  # beyond this round's target; the next round (or the live consumer) has it
                    report.events += 1
                    try:
                        project(rows, from_record(record.headers or (), record.value))
                    except Exception as exc:  # a poison event: the live consumer dead-letters it, so we skip it too
                        self._skip(record, exc)
                if records and records[-1].offset >= end:
                    self.consumer.seek(tp, end)
            if rows.count >= flush_rows:
                report.rows_written += write(rows)
                rows = Rows()
            self.progress.update(report.events, self.lag(ends))
        if rows.count:
            report.rows_written += write(rows)

    def _skip(self, record: Any, exc: Exception) -> None:
        self.report.skipped += 1
        if len(self.report.errors) < 20:
            self.report.errors.append(f"{record.topic}/{record.partition}@{record.offset}: {exc!r}")


def _missing(conn: Connection, gen: int) -> int:
    a, t = archive_tables.archive, rm.timeline
    query = select(func.count()).select_from(a).where(~exists().where(t.c.gen == gen, t.c.event_id == a.c.event_id))
    return int(conn.execute(query).scalar_one())


def verify_and_switch(
    engine: Engine,
    consumer: KafkaConsumer,
    partitions: list[TopicPartition],
    replayer: Replayer,
    report: RebuildReport,
    bar: Progress,
    clock: Clock,
    switch: bool,
    before_switch: Callable[[int], None] | None,
) -> None:
    """The switch transaction: lock ``rm_active``, replay the last events (from the consumer's
    positions to the end offsets now), verify that every archived event is in the new generation,
    point readers at it."""
    gen = report.generation
    if before_switch is not None:
        before_switch(gen)
    with engine.connect() as conn:
        conn.begin()
        lock = select(rm.active.c.gen).where(rm.active.c.id == 1)
        if conn.dialect.name == "postgresql":
            lock = lock.with_for_update()
        conn.execute(lock)
        final_ends = consumer.end_offsets(partitions)
        replayer.run(final_ends, lambda rows: bulk_write(conn, rows, gen))
        bar.update(report.events, 0, force=True)
        bar.finish()
        report.missing_from_new = _missing(conn, gen)
        if report.missing_from_new:
            conn.rollback()
            raise RebuildError(
                f"{report.missing_from_new} archived events are missing from generation {gen}: not switching"
            )
        if switch:
            report.replaced = switch_generation(conn, gen, clock.now())
            report.switched = True
        conn.commit()


def drop_replaced(engine: Engine, grace_seconds: float) -> None:
    time.sleep(grace_seconds)  # reads that took the old generation just before the switch finish first
    with engine.begin() as conn:
        drop_generations(conn, ("retired",))


def rebuild(
    engine: Engine,
    bootstrap_servers: str,
    topics: Sequence[str],
    *,
    clock: Clock | None = None,
    batch_size: int = 5000,
    progress: TextIO | None = sys.stderr,
    switch: bool = True,
    grace_seconds: float = 1.0,
    drop_old: bool = True,
    before_switch: Callable[[int], None] | None = None,
) -> RebuildReport:
    """Replay ``topics`` from offset 0 into a new generation; verify; switch (see the module docstring)."""
    clock = clock or SystemClock()
    started = time.perf_counter()
    map_large_blocks()
    with engine.begin() as conn:
        drop_generations(conn, ("retired", "building"))
        gen = new_generation(conn, clock.now())
    report = RebuildReport(generation=gen)
    consumer = rebuild_consumer(bootstrap_servers, batch_size)
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        begins = consumer.beginning_offsets(partitions)
        ends = consumer.end_offsets(partitions)
        bar = Progress(progress, sum(ends[tp] - begins[tp] for tp in partitions))
        replayer = Replayer(consumer, partitions, report, bar, batch_size)
        # Writes in a writer thread, overlapping with fetching and parsing: COPY on PostgreSQL; on
        # SQLite the engine's own work (sqlite3 releases the GIL while it steps) runs beside the
        # replaying thread's decoding instead of after it. Larger batches.
        writer = RebuildWriter(engine, gen)
        try:
            flush_rows = max(batch_size * 2, 1)
            replayer.run(ends, writer.put, flush_rows)
            for _ in range(5):  # catch up outside the lock while others keep producing
                ends = consumer.end_offsets(partitions)
                if replayer.lag(ends) <= batch_size:
                    break
                replayer.run(ends, writer.put, flush_rows)
            writer.drain()
        finally:
            writer.close()
        report.rows_written += writer.written
        verify_and_switch(engine, consumer, partitions, replayer, report, bar, clock, switch, before_switch)
    finally:
        consumer.close()
    report.seconds = time.perf_counter() - started
    if report.switched and drop_old:
        drop_replaced(engine, grace_seconds)
    log.info(
        "reporting.rebuilt",
        generation=gen,
        events=report.events,
        seconds=round(report.seconds, 2),
        events_per_second=round(report.events_per_second),
        skipped=report.skipped,
        switched=report.switched,
    )
    return report
