"""Partition-parallel rebuild (再構築): N processes, each a member of one consumer group, then one switch.

``python -m services.reporting rebuild --workers N``::

    1. as :func:`~services.reporting.rebuild.rebuild`: drop abandoned generations, create N+1
       (``building``), note every source partition's end offset
    2. start N worker processes (``python -m services.reporting rebuild-worker``), each a member of a
       fresh consumer group ``reporting-rebuild-<gen>-<nonce>`` subscribed to the source topics:
       Kafka shares the partitions among them, dealt by the events they hold (:class:`SizedAssignor`).
       Each projects its partitions' events up to the noted end offsets into generation N+1 and
       commits the group's offsets after each written batch
    3. the coordinator watches the group's committed offsets; once every partition has reached its
       end offset, every event up to there is in the new generation and the workers are told to stop
    4. the coordinator catches up what arrived meanwhile and runs the same switch transaction as the
       one-process rebuild (lock, last events, verify every archived event is there, switch)

A rebalance (a worker joining late, or dying) moves partitions between members; the new owner starts
from the committed offset, so some events are projected twice — rows are a pure function of each
event and keyed by it, so the second write is skipped (:func:`rows.bulk_write`). A worker that
exits with an error fails the rebuild and readers stay on the old generation.

On PostgreSQL the workers write concurrently; SQLite has one writer at a time, so more workers
there only share the parsing.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import structlog
from kafka import TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError
from sqlalchemy import Engine

from services.reporting.adapters.generations import drop_generations, new_generation
from services.reporting.adapters.rows import Rows, bulk_write
from services.reporting.rebuild import (
    Progress,
    RebuildError,
    RebuildReport,
    Replayer,
    drop_replaced,
    rebuild_consumer,
    verify_and_switch,
)
from services.reporting.rebuild_worker import RESULT_PREFIX, WorkerSpec, WorkerTally
from shared.clock import Clock, SystemClock

__all__ = ["rebuild_parallel"]

log = structlog.get_logger(__name__)

_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class _Worker:
    proc: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def collect(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)

    def tally(self) -> WorkerTally:
        for line in reversed(self.output):
            if line.startswith(RESULT_PREFIX):
                return WorkerTally(**json.loads(line[len(RESULT_PREFIX) :]))
        raise RebuildError(f"a rebuild worker ended without its tally: {''.join(self.output[-20:])}")


def _committed(admin: KafkaAdminClient, group: str) -> dict[TopicPartition, int]:
    """The group's committed offsets; none while its coordinator is not yet known (a new group)."""
    try:
        offsets = admin.list_group_offsets(group).get(group) or {}
    except KafkaError:
        return {}
    return {tp: int(meta.offset) for tp, meta in offsets.items() if meta.offset >= 0}


def rebuild_parallel(
    engine: Engine,
    bootstrap_servers: str,
    topics: Sequence[str],
    *,
    workers: int = 2,
    clock: Clock | None = None,
    batch_size: int = 5000,
    progress: TextIO | None = sys.stderr,
    switch: bool = True,
    grace_seconds: float = 1.0,
    drop_old: bool = True,
    before_switch: Callable[[int], None] | None = None,
    worker_command: Sequence[str] = (sys.executable, "-m", "services.reporting", "rebuild-worker"),
    env: dict[str, str] | None = None,
    timeout: float = 3600.0,
    stall_seconds: float = 180.0,
) -> tuple[RebuildReport, list[WorkerTally]]:
    """Rebuild with ``workers`` processes sharing the partitions (see the module docstring); the
    workers reach the store through ``REPORTING_DATABASE_URL`` (the engine's URL)."""
    clock = clock or SystemClock()
    started = time.perf_counter()
    with engine.begin() as conn:
        drop_generations(conn, ("retired", "building"))
        gen = new_generation(conn, clock.now())
    report = RebuildReport(generation=gen)
    consumer = rebuild_consumer(bootstrap_servers, batch_size)
    procs: list[_Worker] = []
    group = f"reporting-rebuild-{gen}-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers.split(","), client_id="reporting-rebuild")
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        begins = consumer.beginning_offsets(partitions)
        ends = consumer.end_offsets(partitions)
        bar = Progress(progress, sum(ends[tp] - begins[tp] for tp in partitions))
        child_env = {
            **os.environ,
            **(env or {}),
            "PYTHONPATH": os.pathsep.join([str(_ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
            "REPORTING_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        }
        for i in range(workers):
            spec = WorkerSpec(
                gen,
                group,
                list(topics),
                [(tp.topic, tp.partition, ends[tp]) for tp in partitions],
                batch_size=batch_size,
                index=i,
                workers=workers,
                starts=[(tp.topic, tp.partition, begins[tp]) for tp in partitions],
            )
            proc = subprocess.Popen(
                list(worker_command),
                cwd=_ROOT,
                env=child_env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert proc.stdin is not None
            proc.stdin.write(spec.to_json() + "\n")
            proc.stdin.flush()
            worker = _Worker(proc)
            worker.reader = threading.Thread(target=worker.collect, daemon=True)
            worker.reader.start()
            procs.append(worker)
        deadline = time.monotonic() + timeout
        last_left, moved_at = -1, time.monotonic()
        while True:
            committed = _committed(admin, group)
            left = sum(max(0, ends[tp] - committed.get(tp, begins[tp])) for tp in partitions)
            bar.update(sum(ends[tp] - begins[tp] for tp in partitions) - left, left)
            if left == 0:
                break
            if left != last_left:
                last_left, moved_at = left, time.monotonic()
            elif time.monotonic() - moved_at > stall_seconds:
                raise RebuildError(
                    f"the rebuild workers committed nothing for {stall_seconds:.0f} s; not switching"
                    + _last_words(procs)
                )
            if failed := [w for w in procs if w.proc.poll() is not None]:
                raise RebuildError(
                    f"a rebuild worker exited with {failed[0].proc.returncode}; not switching" + _last_words(procs)
                )
            if time.monotonic() > deadline:
                raise RebuildError(
                    f"the rebuild workers did not finish in {timeout:.0f} s; not switching" + _last_words(procs)
                )
            time.sleep(0.2)
        tallies = _stop(procs)
        for tally in tallies:
            report.events += tally.events
            report.rows_written += tally.rows_written
            report.skipped += tally.skipped
            report.errors += tally.errors[: max(0, 20 - len(report.errors))]
        # what arrived while the workers ran: one process, outside the lock, then under it
        consumer.assign(partitions)
        for tp in partitions:
            consumer.seek(tp, ends[tp])
        replayer = Replayer(consumer, partitions, report, bar, batch_size)

        def write_committed(rows: Rows) -> int:
            with engine.begin() as conn:
                return bulk_write(conn, rows, gen)

        for _ in range(5):
            ends = consumer.end_offsets(partitions)
            if replayer.lag(ends) <= batch_size:
                break
            replayer.run(ends, write_committed)
        verify_and_switch(engine, consumer, partitions, replayer, report, bar, clock, switch, before_switch)
    finally:
        for w in procs:  # on failure: make sure no worker outlives the coordinator
            if w.proc.poll() is None:
                w.proc.kill()
                w.proc.wait()
        with contextlib.suppress(Exception):
            admin.delete_groups([group])
        admin.close()
        consumer.close()
    report.seconds = time.perf_counter() - started
    if report.switched and drop_old:
        drop_replaced(engine, grace_seconds)
    log.info(
        "reporting.rebuilt",
        generation=gen,
        workers=workers,
        events=report.events,
        seconds=round(report.seconds, 2),
        events_per_second=round(report.events_per_second),
        skipped=report.skipped,
        switched=report.switched,
    )
    return report, tallies


def _last_words(procs: list[_Worker], lines: int = 15) -> str:
    """The last lines each worker wrote (its log goes to its standard output), for a failure's message."""
    for w in procs:
        if w.reader is not None and w.proc.poll() is not None:
            w.reader.join(timeout=2)  # an ended worker's last lines may still be in the pipe
    return "".join(
        f"\n--- rebuild worker {i}, last lines ---\n" + "".join(w.output[-lines:]).rstrip() for i, w in enumerate(procs)
    )


def _stop(procs: list[_Worker], timeout: float = 60.0) -> list[WorkerTally]:
    """Close every worker's input (stop), wait for them all, and read their tallies."""
    for w in procs:
        assert w.proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            w.proc.stdin.close()
    for w in procs:
        try:
            code = w.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise RebuildError("a rebuild worker did not stop" + _last_words(procs)) from exc
        if code != 0:
            raise RebuildError(f"a rebuild worker exited with {code}; not switching" + _last_words(procs))
    for w in procs:
        if w.reader is not None:
            w.reader.join(timeout=10)  # the last lines, the tally among them
    return [w.tally() for w in procs]
