"""A consumer whose group join completes while no poll waits for it still takes up its share.

kafka-python 3.0.12 runs JoinGroup/SyncGroup as a task that outlives a short ``poll``. When the
rejoin was asked for only by a metadata change (here: a partition added to a topic the leader
dealt), the leader's own assignment clears that reason mid-join; the next ``poll`` then sees
nothing to rejoin and never takes the finished join's result: no partitions, no heartbeats, and the
whole group waits on a member that will never answer (see :mod:`shared.kafka`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient, NewPartitions

import shared.kafka  # noqa: F401  (the mend is applied on import)

pytestmark = pytest.mark.kafka


def _member(bootstrap: str, group: str, topics: list[str], name: str) -> KafkaConsumer:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap.split(","),
        group_id=group,
        client_id=name,
        enable_auto_commit=False,
        heartbeat_interval_ms=300,
        metadata_max_age_ms=500,  # sees the added partition at once
    )
    consumer.subscribe(topics)
    return consumer


def _poll_until(members: list[KafkaConsumer], done: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for m in members:
            m.poll(timeout_ms=1)  # shorter than a join: the join task finishes while no poll waits
        if done():
            return True
    return False


def test_a_member_whose_join_ends_between_polls_takes_its_share_and_answers_a_rebalance(
    kafka: Any, new_topic: Callable[..., str]
) -> None:
    topics = [new_topic("join"), new_topic("join")]
    every = {TopicPartition(t, p) for t in topics for p in range(3)}
    group = f"join-{uuid.uuid4().hex[:8]}"
    first = _member(kafka.bootstrap_servers, group, topics, "first")
    second = None
    try:
        assert _poll_until([first], lambda: first.assignment() == every, 20), (
            f"the only member holds {sorted(map(str, first.assignment()))}, not all 6 partitions"
        )
        # A partition more: the leader's metadata no longer matches what it dealt, so it rejoins
        # for that reason alone, and its own new deal clears the reason while the join runs.
        admin = KafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers.split(","))
        try:
            admin.create_partitions({topics[0]: NewPartitions(total_count=4)})
        finally:
            admin.close()
        every.add(TopicPartition(topics[0], 3))
        assert _poll_until([first], lambda: first.assignment() == every, 30), (
            f"after a partition was added the only member holds {sorted(map(str, first.assignment()))}"
        )
        second = _member(kafka.bootstrap_servers, group, topics, "second")
        members = [first, second]

        def shared_out() -> bool:
            a, b = first.assignment(), second.assignment()
            return bool(a) and bool(b) and a | b == every and not a & b

        assert _poll_until(members, shared_out, 30), (
            f"after a second member joined: {sorted(map(str, first.assignment()))} and "
            f"{sorted(map(str, second.assignment()))}"
        )
    finally:
        first.close(autocommit=False)
        if second is not None:
            second.close(autocommit=False)
