"""The parallel rebuild's worker knows from its own share when every worker is in the group."""

from __future__ import annotations

from kafka import TopicPartition

from services.reporting.rebuild_parallel import _dealt_to_all


def share(n: int) -> set[TopicPartition]:
    return {TopicPartition("t", p) for p in range(n)}


def test_a_share_no_bigger_than_an_even_deal_means_everyone_joined() -> None:
    assert _dealt_to_all(share(5), partitions=9, workers=2)
    assert _dealt_to_all(share(4), partitions=9, workers=2)
    assert _dealt_to_all(share(3), partitions=9, workers=3)
    assert _dealt_to_all(share(9), partitions=9, workers=1)


def test_a_member_alone_or_in_a_rebalance_waits() -> None:
    assert not _dealt_to_all(share(9), partitions=9, workers=2)  # alone: the first to join
    assert not _dealt_to_all(share(5), partitions=9, workers=3)  # two of three
    assert not _dealt_to_all(set(), partitions=9, workers=2)  # mid-rebalance: nothing assigned


def test_more_workers_than_partitions_falls_back_to_the_group_description() -> None:
    assert not _dealt_to_all(share(1), partitions=2, workers=3)
