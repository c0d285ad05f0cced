"""One worker process of the partition-parallel rebuild (再構築): a member of the rebuild's group.

``python -m services.reporting rebuild-worker``, started by
:func:`~services.reporting.rebuild_parallel.rebuild_parallel`, reads its :class:`WorkerSpec` on the
first line of its standard input, projects the partitions the group deals it
(:class:`SizedAssignor`: by the events they hold) up to their end offsets into the new generation,
commits the group's offsets after each written batch, and prints its :class:`WorkerTally` last when
its input closes. The coordinator, the switch, and what the workers' offsets mean for it are in
:mod:`services.reporting.rebuild_parallel`.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from typing import IO, Any, TextIO

import structlog
from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.cluster import ClusterMetadata
from kafka.coordinator.assignors.abstract import AbstractPartitionAssignor
from kafka.errors import CommitFailedError, RebalanceInProgressError
from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment, ConsumerProtocolSubscription
from sqlalchemy import Engine

from services.reporting.adapters.rows import Rows, bulk_write
from services.reporting.facts import Fact
from services.reporting.projection import project
from services.reporting.rebuild import FETCH, RebuildWriter, map_large_blocks
from shared.kafka import make_consumer

__all__ = ["RESULT_PREFIX", "SizedAssignor", "WorkerSpec", "WorkerTally", "run_worker", "worker_main"]

log = structlog.get_logger(__name__)

RESULT_PREFIX = "rebuild-worker-result "
"""The line a worker prints last on its standard output: its tally as JSON."""


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
    rows = Rows()
    from_record = Fact.from_record
    flush_rows = max(spec.batch_size * 2, 1)
    moved = False  # positions advanced since the last commit
    last_commit = time.monotonic()
    # PostgreSQL: COPY in a writer thread while this one fetches and parses, as the one-process rebuild
    writer = RebuildWriter(engine, spec.generation) if engine.dialect.name == "postgresql" else None

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
                    tally.rows_written += bulk_write(conn, rows, spec.generation)
            rows = Rows()

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
