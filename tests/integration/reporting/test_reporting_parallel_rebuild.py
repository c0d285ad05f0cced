"""The partition-parallel rebuild: two processes in one consumer group build the same read model as one.

Real Kafka (three source topics of three partitions) and PostgreSQL, where the two workers write at
once. The history is the reporting benchmark's synthetic one (consultations, issues, responses,
applications, referrals over many households), so every partition holds events.
"""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import RebalanceInProgressError

from bench.reporting import produce
from services.reporting import rebuild_worker as rebuild_worker_module
from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.generations import active_generation, checksums, count_rows, new_generation
from services.reporting.bootstrap import MIGRATIONS
from services.reporting.config import Settings
from services.reporting.rebuild import RebuildError, rebuild
from services.reporting.rebuild_parallel import _committed, rebuild_parallel
from services.reporting.rebuild_worker import WorkerSpec, WorkerTally, run_worker
from shared.kafka import make_consumer
from shared.service import build_kit

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def test_a_two_process_rebuild_equals_the_one_process_rebuild(
    kafka: Any, pg_url: str, new_topic: Callable[..., str]
) -> None:
    topics = {dept: new_topic(dept) for dept in ("intake", "loans", "districts")}
    produce(kafka.bootstrap_servers, topics, 0, 3000, 300)
    settings = Settings(database_url=pg_url, kafka_bootstrap_servers=kafka.bootstrap_servers, log_json=False)
    kit = build_kit(settings, [MIGRATIONS], kafka=False)
    sources = list(topics.values())
    try:
        one = rebuild(kit.engine, kafka.bootstrap_servers, sources, progress=None, grace_seconds=0, drop_old=False)
        with kit.engine.connect() as conn:
            by_one = checksums(conn, one.generation)
        two, tallies = rebuild_parallel(
            kit.engine, kafka.bootstrap_servers, sources, workers=2, progress=None, grace_seconds=0, drop_old=False
        )
        with kit.engine.connect() as conn:
            assert active_generation(conn) == two.generation != one.generation
            by_two = checksums(conn, two.generation)
            assert count_rows(conn, rm.timeline, two.generation) > 0
    finally:
        kit.close()
    assert two.switched and two.replaced == one.generation and two.missing_from_new == 0
    # a record replayed again after a rebalance counts twice (its rows are written once)
    assert two.events >= one.events == 3000 and two.skipped == one.skipped == 0
    assert by_two == by_one
    # both processes were members of the group and each replayed its own share of the partitions
    assert len(tallies) == 2 and all(t.events > 0 and t.partitions for t in tallies)
    shares = [set(t.partitions) for t in tallies]
    assert not shares[0] & shares[1] and len(shares[0] | shares[1]) == 9
    # dealt by the events the partitions hold: the two shares differ by less than the largest partition
    sizes = _partition_sizes(kafka.bootstrap_servers, sources)
    held = sorted(sum(sizes[p] for p in share) for share in shares)
    assert held[1] - held[0] <= max(sizes.values()), (held, sizes)


def _offsets(bootstrap: str, topics: list[str]) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
    """Every partition's first and end offsets."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), group_id=None)
    try:
        tps = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        return consumer.beginning_offsets(tps), consumer.end_offsets(tps)
    finally:
        consumer.close()


def _partition_sizes(bootstrap: str, topics: list[str]) -> dict[str, int]:
    begins, ends = _offsets(bootstrap, topics)
    return {f"{tp.topic}/{tp.partition}": ends[tp] - begins[tp] for tp in ends}


def test_a_worker_that_fails_fails_the_rebuild_and_readers_stay_on_the_old_generation(
    kafka: Any, pg_url: str, new_topic: Callable[..., str]
) -> None:
    topic = new_topic("loans")
    produce(kafka.bootstrap_servers, {"intake": topic, "loans": topic, "districts": topic}, 0, 200, 20)
    settings = Settings(database_url=pg_url, kafka_bootstrap_servers=kafka.bootstrap_servers, log_json=False)
    kit = build_kit(settings, [MIGRATIONS], kafka=False)
    try:
        with kit.engine.connect() as conn:
            before = active_generation(conn)
        with pytest.raises(RebuildError, match="exited with 3") as failed:
            rebuild_parallel(
                kit.engine,
                kafka.bootstrap_servers,
                [topic],
                workers=2,
                progress=None,
                worker_command=[sys.executable, "-c", "import sys; print('the store is away'); sys.exit(3)"],
            )
        assert "the store is away" in str(failed.value)  # what the worker said last (its log) comes with it
        with kit.engine.connect() as conn:
            assert active_generation(conn) == before
    finally:
        kit.close()


def test_a_worker_whose_commit_a_rebalance_refused_commits_it_later(
    kafka: Any, new_topic: Callable[..., str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen in CI: a rebalance refused a worker's commit of its whole share, read to the end in one
    batch; with nothing more to read it never committed again and the coordinator gave up after
    180 s. The owed commit is now kept and tried again (the member here is real, its first commit
    refused as a rebalancing group refuses it)."""
    topic = new_topic("loans")
    produce(kafka.bootstrap_servers, {"intake": topic, "loans": topic, "districts": topic}, 0, 200, 20)
    settings = Settings(var_dir=tmp_path, kafka_bootstrap_servers=kafka.bootstrap_servers, log_json=False)
    kit = build_kit(settings, [MIGRATIONS], kafka=False)
    with kit.engine.begin() as conn:
        generation = new_generation(conn, datetime.now(UTC))
    refused: list[int] = []

    def member(*args: Any, **kwargs: Any) -> KafkaConsumer:
        consumer = make_consumer(*args, **kwargs)
        commit = consumer.commit

        def refuse_the_first(*a: Any, **kw: Any) -> None:
            if not refused:
                refused.append(1)
                raise RebalanceInProgressError("the group is rebalancing")
            commit(*a, **kw)

        consumer.commit = refuse_the_first
        return consumer

    monkeypatch.setattr(rebuild_worker_module, "make_consumer", member)
    _, ends = _offsets(kafka.bootstrap_servers, [topic])
    group = f"rebuild-refused-{uuid.uuid4().hex[:8]}"
    spec = WorkerSpec(generation, group, [topic], [(tp.topic, tp.partition, e) for tp, e in ends.items()], workers=1)
    stop = threading.Event()
    worker = threading.Thread(target=run_worker, args=(kit.engine, kafka.bootstrap_servers, spec, stop))
    worker.start()
    admin = KafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    try:
        deadline, committed = time.monotonic() + 60, {}
        while time.monotonic() < deadline:
            committed = _committed(admin, group)
            if committed == ends:
                break
            time.sleep(0.2)
        assert refused, "the stand-in never refused a commit"
        assert committed == ends  # every partition committed to its end: the coordinator could switch
    finally:
        stop.set()
        worker.join(timeout=30)
        admin.close()
        kit.close()


def test_a_worker_that_finishes_and_leaves_first_does_not_make_the_others_share_its_own(
    kafka: Any, pg_url: str, new_topic: Callable[..., str]
) -> None:
    """Told to stop, one worker leaves the group a moment before the other, whose rebalance then
    deals it every partition, all of them read already. Its tally kept that as its share (1 in 10
    runs of the two-process test); the share is the one it had work in."""
    topic = new_topic("loans", partitions=6)
    produce(kafka.bootstrap_servers, {"intake": topic, "loans": topic, "districts": topic}, 0, 600, 60)
    settings = Settings(database_url=pg_url, kafka_bootstrap_servers=kafka.bootstrap_servers, log_json=False)
    kit = build_kit(settings, [MIGRATIONS], kafka=False)
    with kit.engine.begin() as conn:
        generation = new_generation(conn, datetime.now(UTC))
    _, ends = _offsets(kafka.bootstrap_servers, [topic])
    group = f"rebuild-leaving-{uuid.uuid4().hex[:8]}"
    tallies: dict[int, WorkerTally] = {}
    stops = {0: threading.Event(), 1: threading.Event()}

    def work(index: int) -> None:
        spec = WorkerSpec(
            generation, group, [topic], [(tp.topic, tp.partition, e) for tp, e in ends.items()], index=index, workers=2
        )
        tallies[index] = run_worker(kit.engine, kafka.bootstrap_servers, spec, stops[index])

    threads = {i: threading.Thread(target=work, args=(i,)) for i in (0, 1)}
    for thread in threads.values():
        thread.start()
    admin = KafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    try:
        deadline = time.monotonic() + 60
        while _committed(admin, group) != ends:
            assert time.monotonic() < deadline, "the workers did not commit every partition to its end"
            time.sleep(0.2)
        stops[1].set()  # the first to stop leaves the group
        threads[1].join(timeout=30)
        while not _alone_in(admin, group):
            assert time.monotonic() < deadline + 30, "the group did not settle on the remaining worker"
            time.sleep(0.2)
        time.sleep(1.5)  # the remaining worker polls, and is dealt every partition
    finally:
        stops[0].set()
        threads[0].join(timeout=30)
        admin.close()
        kit.close()
    shares = [set(tallies[i].partitions) for i in (0, 1)]
    assert shares[0] and shares[1] and not shares[0] & shares[1], shares
    assert len(shares[0] | shares[1]) == 6 and tallies[0].rebalances == 0


def _alone_in(admin: KafkaAdminClient, group: str) -> bool:
    described = admin.describe_groups([group])[group]
    return described.get("group_state") == "Stable" and len(described.get("members") or ()) == 1
