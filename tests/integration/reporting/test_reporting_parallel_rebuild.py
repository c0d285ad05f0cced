"""The partition-parallel rebuild: two processes in one consumer group build the same read model as one.

Real Kafka (three source topics of three partitions) and PostgreSQL, where the two workers write at
once. The history is the reporting benchmark's synthetic one (consultations, issues, responses,
applications, referrals over many households), so every partition holds events.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from bench.reporting import produce
from services.reporting.adapters import readmodel as rm
from services.reporting.bootstrap import MIGRATIONS
from services.reporting.config import Settings
from services.reporting.rebuild import RebuildError, rebuild
from services.reporting.rebuild_parallel import rebuild_parallel
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
            by_one = rm.checksums(conn, one.generation)
        two, tallies = rebuild_parallel(
            kit.engine, kafka.bootstrap_servers, sources, workers=2, progress=None, grace_seconds=0, drop_old=False
        )
        with kit.engine.connect() as conn:
            assert rm.active_generation(conn) == two.generation != one.generation
            by_two = rm.checksums(conn, two.generation)
            assert rm.count_rows(conn, rm.timeline, two.generation) > 0
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


def _partition_sizes(bootstrap: str, topics: list[str]) -> dict[str, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), group_id=None)
    try:
        tps = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        ends, begins = consumer.end_offsets(tps), consumer.beginning_offsets(tps)
    finally:
        consumer.close()
    return {f"{tp.topic}/{tp.partition}": ends[tp] - begins[tp] for tp in tps}


def test_a_worker_that_fails_fails_the_rebuild_and_readers_stay_on_the_old_generation(
    kafka: Any, pg_url: str, new_topic: Callable[..., str]
) -> None:
    topic = new_topic("loans")
    produce(kafka.bootstrap_servers, {"intake": topic, "loans": topic, "districts": topic}, 0, 200, 20)
    settings = Settings(database_url=pg_url, kafka_bootstrap_servers=kafka.bootstrap_servers, log_json=False)
    kit = build_kit(settings, [MIGRATIONS], kafka=False)
    try:
        with kit.engine.connect() as conn:
            before = rm.active_generation(conn)
        with pytest.raises(RebuildError, match="exited with 3"):
            rebuild_parallel(
                kit.engine,
                kafka.bootstrap_servers,
                [topic],
                workers=2,
                progress=None,
                worker_command=[sys.executable, "-c", "import sys; sys.exit(3)"],
            )
        with kit.engine.connect() as conn:
            assert rm.active_generation(conn) == before
    finally:
        kit.close()
