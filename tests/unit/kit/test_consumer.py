"""The consumer runner's pause after a failed batch, on a stand-in group member (no broker).

The real-Kafka side (a replica joins while a member is backing off) is in
``tests/integration/kit/test_consumer.py``."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from kafka import TopicPartition
from kafka.errors import KafkaTimeoutError
from sqlalchemy import create_engine

from shared.consumer import CLOSE_COMMIT_SECONDS, ConsumerRunner
from shared.kafka import retry_pause

Record = namedtuple("Record", "topic partition offset")
A, B = TopicPartition("t", 0), TopicPartition("t", 1)


class Member:
    """A group member whose polls hand out what the test lines up; it notes pauses and seeks."""

    def __init__(self, polls: list[dict[TopicPartition, list[Any]]], assignment: set[TopicPartition]) -> None:
        self.polls = polls
        self._assignment = assignment
        self._paused: set[TopicPartition] = set()
        self.seeks: list[tuple[TopicPartition, int]] = []
        self.paused_at_poll: list[set[TopicPartition]] = []

    def assignment(self) -> set[TopicPartition]:
        return set(self._assignment)

    def pause(self, *tps: TopicPartition) -> None:
        self._paused |= set(tps)

    def paused(self) -> set[TopicPartition]:
        return set(self._paused)

    def resume(self, *tps: TopicPartition) -> None:
        self._paused -= set(tps)

    def poll(self, timeout_ms: int, **_: Any) -> dict[TopicPartition, list[Any]]:
        assert timeout_ms >= 1
        self.paused_at_poll.append(set(self._paused))
        return self.polls.pop(0) if self.polls else {}

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks.append((tp, offset))

    commit_error: Exception | None = None
    commits: list[int | None]
    closed = False

    def commit(self, timeout_ms: int | None = None) -> None:
        self.commits = [*getattr(self, "commits", []), timeout_ms]
        if self.commit_error is not None:
            raise self.commit_error

    def close(self, autocommit: bool = True) -> None:
        assert not autocommit  # the runner commits itself, within its own bound
        self.closed = True


def make_runner(member: Member | None) -> ConsumerRunner:
    return ConsumerRunner(
        name="unit",
        engine=create_engine("sqlite://"),
        handler=lambda conn, env: None,
        topics=["t"],
        bootstrap_servers="127.0.0.1:1",
        dead_letter_topic="t.dlq",
        producer=None,  # type: ignore[arg-type]
        poll_ms=5,
        consumer=member,  # type: ignore[arg-type]
    )


def test_the_pause_grows_with_each_failure_up_to_thirty_seconds() -> None:
    """The consumer runner's and the relay's pause (one schedule, :func:`shared.kafka.retry_pause`)."""
    assert [retry_pause(n) for n in (1, 2, 3, 6, 20)] == [1.0, 2.0, 4.0, 30.0, 30.0]


def test_a_backing_off_member_polls_with_its_partitions_paused_and_resumes_them_after() -> None:
    member = Member(polls=[], assignment={A, B})
    make_runner(member)._back_off(0.05)
    assert len(member.paused_at_poll) >= 2  # it kept polling through the pause ...
    assert all(paused == {A, B} for paused in member.paused_at_poll)  # ... with nothing to fetch
    assert member.paused() == set() and member.seeks == []


def test_records_a_rebalance_hands_out_during_the_pause_are_put_back_for_after_it() -> None:
    """A rebalance's new assignment is not paused: what a poll then brings is not handled (the pause
    is for the failed batch) but sought back, so it comes again once the pause is over."""
    member = Member(polls=[{}, {B: [Record("t", 1, 7), Record("t", 1, 8)]}], assignment={A, B})
    make_runner(member)._back_off(0.05)
    assert member.seeks == [(B, 7)]


def test_without_a_member_yet_the_pause_is_a_plain_wait_that_stop_ends() -> None:
    runner = make_runner(None)
    runner.stop()
    runner._back_off(60.0)  # returns at once: the runner was stopped


def test_a_poll_that_fails_during_the_pause_waits_out_the_rest_and_leaves_nothing_paused() -> None:
    class Away(Member):
        def poll(self, timeout_ms: int, **_: Any) -> dict[TopicPartition, list[Any]]:
            raise ConnectionError("broker away")

    member = Away(polls=[], assignment={A})
    make_runner(member)._back_off(0.02)
    assert member.paused() == set()


def test_closing_while_the_broker_is_gone_leaves_the_group_without_the_owed_commit_and_raises_nothing() -> None:
    """The platform stopping after Kafka went away: the last commit times out (the stand-in raises
    what kafka-python raises), the member is still closed, and a second close does nothing."""
    member = Member(polls=[], assignment={A})
    member.commit_error = KafkaTimeoutError()
    runner = make_runner(member)
    runner._uncommitted = True
    runner.close()
    assert member.commits == [int(CLOSE_COMMIT_SECONDS * 1000)]  # tried once, within the bound
    assert member.closed
    runner.close()
    assert member.commits == [int(CLOSE_COMMIT_SECONDS * 1000)]


def test_closing_commits_what_is_owed_and_only_then() -> None:
    owed, settled = Member(polls=[], assignment={A}), Member(polls=[], assignment={A})
    runner = make_runner(owed)
    runner._uncommitted = True
    runner.close()
    assert owed.commits == [int(CLOSE_COMMIT_SECONDS * 1000)] and owed.closed and not runner._uncommitted
    make_runner(settled).close()
    assert getattr(settled, "commits", []) == [] and settled.closed
