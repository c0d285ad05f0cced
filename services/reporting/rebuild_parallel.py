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
event and keyed by it, so the second write is skipped (:func:`readmodel.bulk_write`). A worker that
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
from typing import IO, Any, TextIO

import structlog
from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.cluster import ClusterMetadata
from kafka.coordinator.assignors.abstract import AbstractPartitionAssignor
from kafka.errors import CommitFailedError, KafkaError, RebalanceInProgressError
from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment, ConsumerProtocolSubscription
from sqlalchemy import Engine

from services.reporting.adapters import readmodel as rm
from services.reporting.projection import Fact, project
from services.reporting.rebuild import (
    FETCH,
    Progress,
    RebuildError,
    RebuildReport,
    _consumer,
    _drop_replaced,
    _Replayer,
    _verify_and_switch,
    _Writer,
    map_large_blocks,
)
from shared.clock import Clock, SystemClock
from shared.kafka import make_consumer

__all__ = ["SizedAssignor", "WorkerSpec", "rebuild_parallel", "run_worker"]

log = structlog.get_logger(__name__)

RESULT_PREFIX = "rebuild-worker-result "
"""The line a worker prints last on its standard output: its tally as JSON."""
_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class WorkerSpec:
    """What the coordinator hands each worker on its standard input (one JSON line)."""

    generation: int
    group: str
    topics: list[str]
    ends: list[tuple[str, int, int]]
    batch_size: int = 5000
    index: int = 0
    workers: int = 1
    """How many members the group will have: a worker holds its share (paused, at most one record a
    poll) until they have all joined, so that the first to join does not replay everything before the
    others arrive."""
    starts: list[tuple[str, int, int]] = field(default_factory=list)
    """Each partition's first offset, noted with ``ends``: the two give the events a partition holds."""

    def to_json(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def from_json(cls, line: str) -> WorkerSpec:
        raw = json.loads(line)
        return cls(
            **{**raw, "ends": [tuple(e) for e in raw["ends"]], "starts": [tuple(e) for e in raw.get("starts", ())]}
        )

    def sizes(self) -> dict[TopicPartition, int]:
        """The events each partition holds up to its end offset."""
        starts = {(t, p): start for t, p, start in self.starts}
        return {TopicPartition(t, p): max(0, end - starts.get((t, p), 0)) for t, p, end in self.ends}


class SizedAssignor(AbstractPartitionAssignor):  # type: ignore[misc]  # kafka-python ships no types
    """Deals the partitions by the events they hold: the largest first, each to the member with the
    fewest events so far. Partitions are not equal (keys hash unevenly), and a round-robin deal of
    six partitions over two workers gave them 413k and 587k of 1M events: the rebuild waited for the
    larger share. The deal also tells each member how many members it was made for (its user data),
    so a worker knows from its own assignment when every worker is in the group."""

    name = "tsunagu-sized"
    version = 0

    def __init__(self, sizes: dict[TopicPartition, int]) -> None:
        self.sizes = sizes
        self.members_dealt = 0
        """How many members the last deal this member received was made for."""

    def assign(self, cluster: ClusterMetadata, members: list[Any]) -> dict[str, ConsumerProtocolAssignment]:
        topics = sorted({t for m in members for t in m.metadata.topics})
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(cluster.partitions_for_topic(t) or ())]
        partitions.sort(key=lambda tp: (-self.sizes.get(tp, 0), tp))
        ids = sorted(m.member_id for m in members)
        wants = {m.member_id: set(m.metadata.topics) for m in members}
        load = dict.fromkeys(ids, 0)
        dealt: dict[str, dict[str, list[int]]] = {i: {} for i in ids}
        for tp in partitions:
            takers = [i for i in ids if tp.topic in wants[i]]
            if not takers:
                continue
            taker = min(takers, key=lambda i: load[i])  # ties: the first in member-id order
            load[taker] += self.sizes.get(tp, 0)
            dealt[taker].setdefault(tp.topic, []).append(tp.partition)
        count = str(len(members)).encode()
        return {
            i: ConsumerProtocolAssignment(self.version, sorted((t, sorted(ps)) for t, ps in dealt[i].items()), count)
            for i in ids
        }

    def metadata(self, topics: set[str]) -> ConsumerProtocolSubscription:
        return ConsumerProtocolSubscription(self.version, sorted(topics), b"")

    def on_assignment(self, assignment: ConsumerProtocolAssignment, generation: int) -> None:
        try:
            self.members_dealt = int(assignment.user_data or b"0")
        except ValueError:
            self.members_dealt = 0


@dataclass
class WorkerTally:
    events: int = 0
    rows_written: int = 0
    skipped: int = 0
    partitions: list[str] = field(default_factory=list)
    """The share the group dealt this worker last (once every worker had joined) while it still had
    events to read."""
    rebalances: int = 0
    """How often the share changed after every worker had joined, while there was work left."""
    errors: list[str] = field(default_factory=list)
    joined_s: float = 0.0
    """Seconds from the worker's start until every worker was in the group."""
    replay_s: float = 0.0
    """Seconds from then until its last fetch that returned records."""


def run_worker(engine: Engine, bootstrap_servers: str, spec: WorkerSpec, stop: threading.Event) -> WorkerTally:
    """One member of the rebuild's group: project the assigned partitions' events up to their end
    offsets into ``spec.generation``, committing the group's offsets after each written batch, and
    stay in the group (a member leaving would move partitions about) until ``stop`` is set."""
    ends = {TopicPartition(t, p): end for t, p, end in spec.ends}
    tally = WorkerTally()
    began = time.perf_counter()
    share: set[TopicPartition] = set()
    """The partitions the group dealt this worker last, once every worker had joined."""

    sizes = spec.sizes()
    deal = SizedAssignor(sizes)

    def member() -> KafkaConsumer:
        # the kit's consumer: the topics' partitions known before it joins (a leader that deals
        # before it knows them deals nothing and must rejoin at once), kafka-python's lost-join mend
        nonlocal deal
        deal = SizedAssignor(sizes)
        return make_consumer(
            bootstrap_servers,
            spec.group,
            spec.topics,
            client_id=f"reporting-rebuild-{spec.index}",
            max_poll_records=spec.batch_size,
            **FETCH,  # as the one-process rebuild's
            # every partition of every topic dealt by its size (the default range assignor deals per
            # topic: 6 partitions of two topics over 2 workers are 2 and 1 of each, whatever they hold)
            partition_assignment_strategy=(deal,),
            # a member learns of a rebalance from its heartbeat's answer: a worker that joins late
            # waits one heartbeat of the others, 0.5 s rather than the default 3 s
            heartbeat_interval_ms=500,
        )

    consumer = member()
    joined = False  # every worker in the group: until then one record a poll, so none runs ahead
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap_servers.split(","), client_id=f"reporting-rebuild-{spec.index}"
    )
    rows = rm.Rows()
    from_record = Fact.from_record
    flush_rows = max(spec.batch_size * 2, 1)
    moved = False  # positions advanced since the last commit
    last_commit = time.monotonic()
    # PostgreSQL: COPY in a writer thread while this one fetches and parses, as the one-process rebuild
    writer = _Writer(engine, spec.generation) if engine.dialect.name == "postgresql" else None

    put = 0  # batches handed to the writer
    pending: list[tuple[int, dict[TopicPartition, OffsetAndMetadata]]] = []
    """Positions noted at a checkpoint, with the number of batches that must be committed first."""

    def write() -> None:
        nonlocal rows, put
        if rows.count:
            if writer is not None:
                writer.put(rows)
                put += 1
            else:
                with engine.begin() as conn:
                    tally.rows_written += rm.bulk_write(conn, rows, spec.generation)
            rows = rm.Rows()

    retry_commit_at = 0.0

    def commit(positions: dict[TopicPartition, OffsetAndMetadata]) -> bool:
        """Commit ``positions`` (those of partitions still dealt to this worker); ``False`` when the
        group is rebalancing: the commit stays owed and is tried again half a second later."""
        nonlocal retry_commit_at
        try:
            consumer.commit(offsets={tp: o for tp, o in positions.items() if tp in consumer.assignment()})
        except (CommitFailedError, RebalanceInProgressError):
            log.warning("rebuild.commit_deferred", group=spec.group, worker=spec.index)
            retry_commit_at = time.monotonic() + 0.5
            return False
        return True

    def checkpoint(*, wait: bool = False) -> None:
        """Commit the group's offsets up to what is written: the positions now, once every row queued
        before them is committed (a new owner never skips an unwritten event). Without ``wait`` the
        commit happens at a later call, when the writer has got that far: parsing never stalls."""
        nonlocal moved, last_commit
        write()
        pending.append((put, {tp: OffsetAndMetadata(consumer.position(tp), "", -1) for tp in consumer.assignment()}))
        moved, last_commit = False, time.monotonic()
        if wait and writer is not None:
            writer.drain()
        release()

    def release() -> None:
        """Commit the last checkpoint whose rows are all written. One a rebalance refused stays
        pending: dropped, this worker's finished partitions (paused at their ends, nothing more to
        read) would never be committed and the coordinator would wait for them until it gave up."""
        done = writer.batches if writer is not None else put
        ready = [p for p in pending if p[0] <= done]
        if ready and time.monotonic() >= retry_commit_at and commit(ready[-1][1]):
            del pending[: len(ready)]

    def work_left(dealt: set[TopicPartition]) -> bool:
        try:
            return any(consumer.position(tp) < ends.get(tp, 0) for tp in dealt)
        except Exception:
            return True

    last_fetch = time.monotonic()
    try:
        while not stop.is_set():
            if not joined and (
                deal.members_dealt >= spec.workers or _all_joined(admin, spec) or time.perf_counter() - began > 60
            ):
                joined = True
                tally.joined_s = round(time.perf_counter() - began, 2)
                log.info(
                    "rebuild.worker_joined",
                    worker=spec.index,
                    seconds=tally.joined_s,
                    partitions=len(consumer.assignment()),
                )
                admin.close()
                consumer.resume(*(tp for tp in consumer.assignment() if consumer.position(tp) < ends.get(tp, 0)))
            polled = consumer.poll(timeout_ms=200 if joined else 100, max_records=spec.batch_size if joined else 1)
            dealt = consumer.assignment()  # read once a poll: the poll may have rebalanced the group
            if not joined:  # a new share arrives unpaused: hold it until every worker is in the group
                consumer.pause(*dealt)
            elif dealt and dealt != share and (not share or work_left(dealt)):
                # A member left and came back (or stalled): shares moved. Not a share of the work:
                # what a rebalance deals once everything is read, e.g. when the other worker, told to
                # stop a moment earlier, leaves the group and this one gets its finished partitions.
                tally.rebalances += bool(share)
                share = set(dealt)
            if polled:
                last_fetch = time.monotonic()
                tally.replay_s = round(time.perf_counter() - began - tally.joined_s, 2)
            elif joined and time.monotonic() - last_fetch > 20 and (not dealt or work_left(dealt)):
                # Seen once on a loaded machine: a member that rejoined fetched nothing and sent no
                # heartbeat again. Join anew; the new member starts from the committed offsets.
                log.warning("rebuild.member_stuck", group=spec.group, worker=spec.index)
                with contextlib.suppress(Exception):
                    consumer.close(autocommit=False)
                consumer, last_fetch = member(), time.monotonic()
                pending.clear()
                continue
            else:
                stop.wait(0.05)  # every partition done (paused): poll would return at once
            for tp, records in polled.items():
                end = ends.get(tp, 0)
                for record in records:
                    if record.offset >= end:
                        continue  # after the rebuild's start: the switch's catch-up (or the live consumer) has it
                    tally.events += 1
                    try:
                        project(rows, from_record(record.headers or (), record.value))
                    except Exception as exc:  # a poison event: the live consumer dead-letters it, so we skip it too
                        tally.skipped += 1
                        if len(tally.errors) < 20:
                            tally.errors.append(f"{record.topic}/{record.partition}@{record.offset}: {exc!r}")
                if records:
                    moved = True
                    if records[-1].offset >= end:
                        consumer.seek(tp, end)
                        consumer.pause(tp)  # done with it; resumed by the next rebalance, if any
            if rows.count >= flush_rows:
                write()
            if moved and (not polled or time.monotonic() - last_commit >= 1.0):
                checkpoint(wait=not polled)  # idle: everything read is written and committed now
            elif pending:
                release()
        if rows.count or moved or pending:
            checkpoint(wait=True)
    finally:
        if not joined:
            admin.close()
        if writer is not None:
            writer.close()
            tally.rows_written += writer.written
        consumer.close(autocommit=False)
    tally.partitions = sorted(f"{tp.topic}/{tp.partition}" for tp in share)
    return tally


def _all_joined(admin: KafkaAdminClient, spec: WorkerSpec) -> bool:
    """Whether the group is stable with every worker in it."""
    try:
        group = admin.describe_groups([spec.group])[spec.group]
    except Exception:
        return False
    return group.get("group_state") == "Stable" and len(group.get("members") or ()) >= spec.workers


def worker_main(engine: Engine, bootstrap_servers: str, stdin: IO[str], stdout: TextIO) -> int:
    """``python -m services.reporting rebuild-worker``: the spec on the first line of standard input;
    end of input (the coordinator closing the pipe) means stop; the tally is printed last."""
    spec = WorkerSpec.from_json(stdin.readline())
    map_large_blocks()  # a process of its own, holding fetch buffers as the one-process rebuild does
    stop = threading.Event()

    def wait_for_stop() -> None:
        stdin.read()
        stop.set()

    threading.Thread(target=wait_for_stop, name="rebuild-worker-stdin", daemon=True).start()
    tally = run_worker(engine, bootstrap_servers, spec, stop)
    stdout.write(RESULT_PREFIX + json.dumps(tally.__dict__) + "\n")
    stdout.flush()
    return 0


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
        rm.drop_generations(conn, ("retired", "building"))
        gen = rm.new_generation(conn, clock.now())
    report = RebuildReport(generation=gen)
    consumer = _consumer(bootstrap_servers, batch_size)
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
        replayer = _Replayer(consumer, partitions, report, bar, batch_size)

        def write_committed(rows: rm.Rows) -> int:
            with engine.begin() as conn:
                return rm.bulk_write(conn, rows, gen)

        for _ in range(5):
            ends = consumer.end_offsets(partitions)
            if replayer.lag(ends) <= batch_size:
                break
            replayer.run(ends, write_committed)
        _verify_and_switch(engine, consumer, partitions, replayer, report, bar, clock, switch, before_switch)
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
        _drop_replaced(engine, grace_seconds)
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
