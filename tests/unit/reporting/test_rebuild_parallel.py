"""The parallel rebuild's deal: partitions by the events they hold, and a share that says who was in."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from kafka import TopicPartition
from kafka.protocol.consumer.metadata import ConsumerProtocolSubscription

from services.reporting.rebuild_worker import SizedAssignor, WorkerSpec


class _Cluster:
    def __init__(self, partitions: dict[str, int]) -> None:
        self.counts = partitions

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        return set(range(self.counts[topic])) if topic in self.counts else None


def _members(*ids: str, topics: tuple[str, ...] = ("intake", "loans")) -> list[Any]:
    return [SimpleNamespace(member_id=i, metadata=ConsumerProtocolSubscription(0, list(topics), b"")) for i in ids]


# the bench's 1M events: three partitions of each topic, as unequal as murmur2 left them
SIZES = {
    TopicPartition("intake", 0): 80_000,
    TopicPartition("intake", 1): 120_000,
    TopicPartition("intake", 2): 100_000,
    TopicPartition("loans", 0): 260_000,
    TopicPartition("loans", 1): 213_000,
    TopicPartition("loans", 2): 227_000,
}


def _loads(deal: dict[str, Any], sizes: dict[TopicPartition, int]) -> dict[str, int]:
    return {member: sum(sizes[tp] for tp in a.partitions()) for member, a in deal.items()}


def test_two_workers_get_near_equal_events_where_turns_would_not() -> None:
    deal = SizedAssignor(SIZES).assign(_Cluster({"intake": 3, "loans": 3}), _members("m-b", "m-a"))
    loads = _loads(deal, SIZES)
    assert sorted(loads.values()) == [480_000, 520_000]  # largest first, each to the lighter share
    # every partition dealt once
    dealt = [tp for a in deal.values() for tp in a.partitions()]
    assert sorted(dealt) == sorted(SIZES)
    # a round-robin deal of the same partitions (sorted, in turn) gives 393k and 607k
    turns = sorted(SIZES)
    assert sorted([sum(SIZES[tp] for tp in turns[0::2]), sum(SIZES[tp] for tp in turns[1::2])]) == [393_000, 607_000]


def test_the_deal_names_how_many_members_it_was_made_for() -> None:
    assignor = SizedAssignor(SIZES)
    deal = assignor.assign(_Cluster({"intake": 3, "loans": 3}), _members("m-a", "m-b", "m-c"))
    assert {a.user_data for a in deal.values()} == {b"3"}
    assignor.on_assignment(deal["m-a"], generation=1)
    assert assignor.members_dealt == 3
    alone = SizedAssignor(SIZES)
    alone.on_assignment(alone.assign(_Cluster({"intake": 3, "loans": 3}), _members("m-a"))["m-a"], generation=1)
    assert alone.members_dealt == 1  # the first to join holds everything and knows it is alone


def test_more_workers_than_partitions_leaves_some_without_a_share_and_all_know_it() -> None:
    sizes = {TopicPartition("intake", 0): 10, TopicPartition("intake", 1): 5}
    deal = SizedAssignor(sizes).assign(_Cluster({"intake": 2}), _members("a", "b", "c", topics=("intake",)))
    assert sorted(len(a.partitions()) for a in deal.values()) == [0, 1, 1]
    assert {a.user_data for a in deal.values()} == {b"3"}


def test_a_member_gets_only_the_topics_it_subscribed_to() -> None:
    members = [*_members("a", topics=("intake",)), *_members("b", topics=("intake", "loans"))]
    deal = SizedAssignor(SIZES).assign(_Cluster({"intake": 3, "loans": 3}), members)
    assert {tp.topic for tp in deal["a"].partitions()} <= {"intake"}
    assert {tp.topic for tp in deal["b"].partitions()} >= {"loans"}


def test_a_spec_gives_each_partition_its_events_from_its_first_offset() -> None:
    spec = WorkerSpec(1, "g", ["intake"], ends=[("intake", 0, 120), ("intake", 1, 50)], starts=[("intake", 0, 20)])
    again = WorkerSpec.from_json(spec.to_json())
    assert again == spec
    assert again.sizes() == {TopicPartition("intake", 0): 100, TopicPartition("intake", 1): 50}
