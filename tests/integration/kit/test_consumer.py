"""The consumer runner against a real broker, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import Column, Connection, MetaData, String, Table, select

from shared.consumer import ConsumerRunner, processed_table
from shared.deadletters import replay_dead_letters
from shared.envelope import Envelope, from_kafka, to_kafka
from shared.eventstore import EventStore
from shared.kafka import make_consumer, make_producer
from shared.relay import OutboxRelay
from tests.support import T0, WORKER, Noted, effect_ids, effects, effects_engine, new_event, publish, read_topic


@pytest.fixture
def engine(db_url):
    yield from effects_engine(db_url)


def record_effect(conn: Connection, env: Envelope) -> None:
    if env.data.get("text") == "poison":
        raise ValueError("cannot handle this event")
    conn.execute(effects.insert().values(event_id=env.id, n=env.data["n"]))


def runner(engine, kafka, topic: str, name: str, handler=record_effect) -> ConsumerRunner:
    return ConsumerRunner(
        name=name,
        engine=engine,
        handler=handler,
        topics=[topic],
        bootstrap_servers=kafka.bootstrap_servers,
        dead_letter_topic=topic + ".dlq",
        producer=make_producer(kafka.bootstrap_servers),
    )


def count_commits(made: ConsumerRunner) -> dict[str, int]:
    """Counts the offset commits of ``made``'s group member from now on (``["n"]``)."""
    commits = {"n": 0}
    real_commit = made.consumer.commit

    def counted() -> None:
        commits["n"] += 1
        real_commit()

    made.consumer.commit = counted  # type: ignore[method-assign]
    return commits


def marks(engine, consumer: str) -> list[str]:
    """The event ids a consumer marked as processed (its dedupe marks)."""
    with engine.connect() as conn:
        query = select(processed_table.c.event_id).where(processed_table.c.consumer == consumer)
        return sorted(r[0] for r in conn.execute(query))


def test_consumer_killed_after_its_effect_and_before_its_offset_commit_does_not_double_the_effect(
    engine, kafka, new_topic
):
    topic = new_topic("dedupe")
    publish(engine, kafka.bootstrap_servers, topic, [(f"e{i}", "ok") for i in range(10)])
    crashing = runner(engine, kafka, topic, "dedupe-group")
    # Effects and dedupe marks commit; the offsets never do; the process "dies".
    assert crashing.run_until_idle(commit_offsets=False) == 10
    crashing.consumer.close(autocommit=False)
    assert effect_ids(engine) == [f"e{i}" for i in range(10)]
    # The group restarts from the last committed offset (none) and is handed all ten again.
    restarted = runner(engine, kafka, topic, "dedupe-group")
    assert restarted.run_until_idle() == 10
    assert effect_ids(engine) == [f"e{i}" for i in range(10)]  # still one effect per event
    restarted.consumer.close()
    # And now that offsets are committed, a third start is handed nothing.
    third = runner(engine, kafka, topic, "dedupe-group")
    assert third.run_until_idle(idle_polls=2) == 0
    third.consumer.close()


def test_a_backlog_commits_offsets_once_per_interval_and_a_crash_redelivers_without_double_effects(
    engine, kafka, new_topic
):
    """Offsets of batches wait for the commit interval; a crash then redelivers those batches,
    whose dedupe marks keep one effect per event; a runner that has gone idle commits."""
    topic = new_topic("interval")
    publish(engine, kafka.bootstrap_servers, topic, [(f"i{i}", "ok") for i in range(9)])
    first = runner(engine, kafka, topic, "interval-group")
    first.batch_size, first.commit_interval = 2, 3600.0
    commits = count_commits(first)
    # Batches of up to two, stopping short of the end: none of them commits its offsets.
    seen = 0
    while seen < 7:
        seen += first.poll_once()
    assert commits["n"] == 0 and first._uncommitted
    first.consumer.close(autocommit=False)  # the process dies before any commit
    assert len(effect_ids(engine)) == seen  # from three partitions: which ones is up to the broker
    # The restarted member is handed everything again; each event still has one effect, and once
    # it is idle its offsets are committed.
    again = runner(engine, kafka, topic, "interval-group")
    assert again.run_until_idle() == 9
    assert effect_ids(engine) == sorted(f"i{i}" for i in range(9))
    again.consumer.close()
    third = runner(engine, kafka, topic, "interval-group")
    assert third.run_until_idle(idle_polls=2) == 0
    third.consumer.close()


def test_a_trickle_of_events_commits_offsets_once_per_interval_and_an_idle_poll_commits_the_rest(
    engine, kafka, new_topic
):
    """One event at a time, each handled as it comes: not one offset commit per event (a round trip
    and a write to the group's offsets topic each) but at most one per interval; the poll that comes
    up empty after the interval commits the last ones, so a restart is handed nothing."""
    topic = new_topic("trickle")
    c = runner(engine, kafka, topic, "trickle-group")
    c.commit_interval = 0.5
    assert c.run_until_idle(idle_polls=1) == 0  # in the group, nothing yet
    commits = count_commits(c)
    began = time.monotonic()
    for i in range(8):
        publish(engine, kafka.bootstrap_servers, topic, [(f"t{i}", "ok")])
        deadline = time.monotonic() + 10
        while c.poll_once() == 0:
            assert time.monotonic() < deadline
    took = time.monotonic() - began
    assert effect_ids(engine) == [f"t{i}" for i in range(8)]
    assert commits["n"] <= 1 + took / 0.5, (commits["n"], took)  # not one per event
    time.sleep(0.5)
    c.poll_once()  # nothing comes: the interval is up, so what was handled is committed
    assert not c._uncommitted and commits["n"] >= 1
    c.consumer.close(autocommit=False)
    again = runner(engine, kafka, topic, "trickle-group")
    assert again.run_until_idle(idle_polls=2) == 0
    again.consumer.close()


def test_a_redelivered_event_within_one_consumer_has_one_effect(engine, kafka, new_topic):
    topic = new_topic("redeliver")
    publish(engine, kafka.bootstrap_servers, topic, [("e1", "ok"), ("e2", "ok")])
    # The relay sends the same events a second time (at-least-once delivery).
    store = EventStore("intake")
    producer = make_producer(kafka.bootstrap_servers)
    relay = OutboxRelay(engine, store, producer, topic, name="second-relay")
    relay.drain()
    c = runner(engine, kafka, topic, "redeliver-group")
    c.run_until_idle()
    assert effect_ids(engine) == ["e1", "e2"]
    assert len(read_topic(kafka.bootstrap_servers, topic, expect=4)) == 4
    c.consumer.close()
    producer.close()


def test_poison_event_goes_to_dead_letter_topic_while_later_events_still_flow(engine, kafka, new_topic):
    topic = new_topic("poison")
    items = [("e0", "ok"), ("e1", "poison"), ("e2", "ok"), ("e3", "ok")]
    publish(engine, kafka.bootstrap_servers, topic, items)
    producer = make_producer(kafka.bootstrap_servers)
    producer.send(topic, key=b"case-0", value=b"not a cloudevent")  # a record from a broken producer
    producer.flush()
    c = runner(engine, kafka, topic, "poison-group")
    c.run_until_idle()
    assert effect_ids(engine) == ["e0", "e2", "e3"]
    dead = read_topic(kafka.bootstrap_servers, topic + ".dlq", expect=2)
    errors = sorted(dict(r.headers)["dlq_error"].decode() for r in dead)
    assert len(errors) == 2
    assert errors[0].startswith("EnvelopeError") and errors[1] == "ValueError: cannot handle this event"
    # Redelivery does not dead-letter the same event again.
    rewound = make_consumer(kafka.bootstrap_servers, group_id="poison-group-rewound", topics=[topic])
    c2 = ConsumerRunner(
        name="poison-group",
        engine=engine,
        handler=record_effect,
        topics=[topic],
        bootstrap_servers=kafka.bootstrap_servers,
        dead_letter_topic=topic + ".dlq",
        producer=producer,
        consumer=rewound,
    )
    assert c2.run_until_idle() == 5
    assert (
        len(read_topic(kafka.bootstrap_servers, topic + ".dlq", expect=3, timeout=3)) == 3
    )  # only the non-CloudEvent again
    # After a fix, the dead letter is replayed into the handler once.
    c.handler = lambda conn, env: conn.execute(effects.insert().values(event_id=env.id, n=-1))
    fixed, failing = replay_dead_letters(c)
    # The poison event is fixed; the non-CloudEvent (dead-lettered twice, once per delivery) stays dead.
    assert (fixed, failing) == (1, 2)
    assert effect_ids(engine) == ["e0", "e1", "e2", "e3"]
    # Again: the fixed event is passed over (nothing twice); the non-CloudEvents still fail, and say so.
    assert replay_dead_letters(c) == (0, 2)
    assert effect_ids(engine) == ["e0", "e1", "e2", "e3"]
    c.consumer.close()
    c2.consumer.close()
    producer.close()


def test_a_batch_handler_writes_a_batch_at_once_and_a_poison_event_still_goes_alone_to_the_dead_letters(
    engine, kafka, new_topic
):
    topic = new_topic("batch")
    publish(engine, kafka.bootstrap_servers, topic, [("e0", "ok"), ("e1", "poison"), ("e2", "ok")])
    calls: list[int] = []

    def batch(conn, envs):
        calls.append(len(envs))
        if any(e.data.get("text") == "poison" for e in envs):
            raise ValueError("cannot handle this event")
        conn.execute(effects.insert(), [{"event_id": e.id, "n": e.data["n"]} for e in envs])

    c = ConsumerRunner(
        name="batch-group",
        engine=engine,
        batch_handler=batch,
        topics=[topic],
        bootstrap_servers=kafka.bootstrap_servers,
        dead_letter_topic=topic + ".dlq",
        producer=make_producer(kafka.bootstrap_servers),
    )
    c.run_until_idle()
    assert effect_ids(engine) == ["e0", "e2"]
    assert max(calls) > 1 and calls.count(1) >= 3  # a batch call, then one call per event
    [dead] = read_topic(kafka.bootstrap_servers, topic + ".dlq", expect=1)
    assert dict(dead.headers)["dlq_error"] == b"ValueError: cannot handle this event"
    c.consumer.close()


claims_md = MetaData()
claims = Table("claims", claims_md, Column("name", String(32), primary_key=True), Column("event_id", String(64)))


def test_an_insert_the_database_refuses_late_dead_letters_only_its_event_and_the_batch_reads_its_own_writes(
    engine, kafka, new_topic
):
    """On PostgreSQL the fast path sends a handler's plain INSERTs without waiting (shared.db.pipelined):
    a key refused there surfaces at a later event's read or at the batch's end, not at its own
    execute. The batch must still land whole but for that one event, and each handler's read must
    see the writes of the events before it."""
    claims_md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(claims.insert(), {"name": "taken", "event_id": "before"})
    topic = new_topic("refused")
    # e0 and e2 share a partition (their case): e2's read must see e0's claim
    items = [("e0", "free-0"), ("e1", "taken"), ("e2", "free-0"), ("e3", "free-3")]
    publish(engine, kafka.bootstrap_servers, topic, items)

    def claim(conn: Connection, env: Envelope) -> None:
        name = env.data["text"]
        # "taken" is not looked up on purpose: only the database's key refuses it
        if name != "taken" and conn.execute(select(claims.c.name).where(claims.c.name == name)).first():
            conn.execute(effects.insert(), {"event_id": env.id, "n": -1})
            return
        conn.execute(claims.insert(), {"name": name, "event_id": env.id})
        conn.execute(effects.insert(), {"event_id": env.id, "n": env.data["n"]})

    c = runner(engine, kafka, topic, "refused-group", handler=claim)
    c.run_until_idle()
    assert effect_ids(engine) == ["e0", "e2", "e3"]
    with engine.connect() as conn:
        assert sorted(tuple(r) for r in conn.execute(select(claims))) == [
            ("free-0", "e0"),
            ("free-3", "e3"),
            ("taken", "before"),
        ]
        assert conn.execute(select(effects.c.n).where(effects.c.event_id == "e2")).scalar_one() == -1
    [dead] = read_topic(kafka.bootstrap_servers, topic + ".dlq", expect=1)
    assert dict(dead.headers)["dlq_error"].decode().startswith("IntegrityError")
    assert dict(dead.headers)["ce_id"] == b"e1"
    assert marks(engine, "refused-group") == ["e0", "e1", "e2", "e3"]
    c.consumer.close()


class FailingDeadLetters:
    """A producer whose sends fail while ``down`` (a dead-letter topic away), then a real one."""

    def __init__(self, real) -> None:
        self.real = real
        self.down = True
        self.failed = 0

    def send(self, topic, **kwargs):
        if self.down:
            self.failed += 1
            from kafka.errors import KafkaTimeoutError

            raise KafkaTimeoutError(f"Failed to update metadata for {topic}")
        return self.real.send(topic, **kwargs)

    def flush(self, timeout=None):
        self.real.flush(timeout)


def test_a_failed_dead_letter_send_never_lets_the_offsets_move_past_unhandled_events(engine, kafka, new_topic):
    topic = new_topic("dlq-down")
    items = [(f"e{i:02d}", "poison" if i % 2 else "ok") for i in range(20)]
    publish(engine, kafka.bootstrap_servers, topic, items)
    producer = FailingDeadLetters(make_producer(kafka.bootstrap_servers))
    c = ConsumerRunner(
        name="dlq-down-group",
        engine=engine,
        handler=record_effect,
        topics=[topic],
        bootstrap_servers=kafka.bootstrap_servers,
        dead_letter_topic=topic + ".dlq",
        producer=producer,
        batch_size=4,
    )
    # While the dead-letter topic is away every batch with a poison event fails; the runner keeps
    # polling (as its run loop does) and more events arrive meanwhile.
    failures = 0
    for _ in range(12):
        try:
            c.poll_once()
        except Exception:
            failures += 1
    publish(engine, kafka.bootstrap_servers, topic, [(f"late{i}", "ok") for i in range(3)])
    for _ in range(6):
        try:
            c.poll_once()
        except Exception:
            failures += 1
    assert failures > 0 and producer.failed > 0
    # The dead-letter topic comes back: every event is applied or dead-lettered, none lost.
    producer.down = False
    c.run_until_idle(idle_polls=3)
    ok = sorted([e for e, text in items if text == "ok"] + [f"late{i}" for i in range(3)])
    assert effect_ids(engine) == ok
    dead = read_topic(kafka.bootstrap_servers, topic + ".dlq", expect=10)
    assert sorted({r.value for r in dead}) == sorted(
        {r.value for r in read_topic(kafka.bootstrap_servers, topic, expect=23) if b"poison" in r.value}
    )
    assert len({dict(r.headers)["ce_id"] for r in dead}) == 10
    c.consumer.close()
    # And the group's committed offsets are at the end: a restart is handed nothing.
    again = runner(engine, kafka, topic, "dlq-down-group")
    assert again.run_until_idle(idle_polls=2) == 0
    again.consumer.close()


def test_a_commit_refused_during_a_rebalance_is_no_failure_and_the_batch_stays_applied_once(
    engine, kafka, new_topic, monkeypatch
):
    """A group rebalancing refuses the offset commit; the batch's effects and marks are committed,
    so the runner goes on (no backoff) and the redelivered records change nothing."""
    from kafka.errors import RebalanceInProgressError

    topic = new_topic("rebalance")
    publish(engine, kafka.bootstrap_servers, topic, [(f"r{i}", "ok") for i in range(4)])
    c = runner(engine, kafka, topic, "rebalance-group")
    refused = {"n": 0}

    def refuse() -> None:
        refused["n"] += 1
        raise RebalanceInProgressError("rebalancing")

    monkeypatch.setattr(c.consumer, "commit", refuse)
    assert c.run_until_idle() == 4  # raised nothing
    assert refused["n"] >= 1 and effect_ids(engine) == [f"r{i}" for i in range(4)]
    c.consumer.close(autocommit=False)
    again = runner(engine, kafka, topic, "rebalance-group")  # offsets never committed: all four again
    assert again.run_until_idle() == 4
    assert effect_ids(engine) == [f"r{i}" for i in range(4)]
    again.consumer.close()


def test_an_idle_commit_refused_by_a_rebalance_is_made_once_the_group_has_settled(
    engine, kafka, new_topic, monkeypatch
):
    """Seen in CI: the idle commit met a rebalance (a member that had left was still being dropped),
    and the next member was handed every record again. The runner now polls and commits again."""
    from kafka.errors import RebalanceInProgressError

    topic = new_topic("settle")
    publish(engine, kafka.bootstrap_servers, topic, [(f"s{i}", "ok") for i in range(4)])
    c = runner(engine, kafka, topic, "settle-group")
    c.commit_interval = 3600.0  # only the idle commit
    real_commit, calls = c.consumer.commit, {"n": 0}

    def refuse_once() -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RebalanceInProgressError("rebalancing")
        real_commit()

    monkeypatch.setattr(c.consumer, "commit", refuse_once)
    assert c.run_until_idle() == 4
    assert calls["n"] == 2 and not c._uncommitted
    c.consumer.close(autocommit=False)
    after = runner(engine, kafka, topic, "settle-group")
    assert after.run_until_idle(idle_polls=2) == 0  # the offsets were committed: nothing again
    after.consumer.close()


def _poison_records() -> dict[str, tuple[list[tuple[str, bytes]], bytes | None]]:
    """One record of each kind a broken or hostile producer can put on a topic: (headers, value)."""
    good = Envelope(
        id="poison-base",
        source="intake",
        type="test.Noted",
        time=T0,
        subject="s-1",
        caseid="case-0",
        actor=WORKER,
        streamversion=1,
        data={"text": "ok", "n": 0},
    )
    _key, headers, value = to_kafka(good)

    def with_header(name: str, raw: bytes) -> list[tuple[str, bytes]]:
        return [(n, raw if n == name else v) for n, v in headers]

    def renamed(event_id: str) -> list[tuple[str, bytes]]:
        return with_header("ce_id", event_id.encode())

    return {
        "no CloudEvents headers": ([], b'{"text": "ok"}'),
        "a tombstone (no value)": (renamed("p-tombstone"), None),
        "a value that is not JSON": (renamed("p-bytes"), b"\xff\xfe\x00garbage"),
        "a JSON array": (renamed("p-array"), b"[1, 2, 3]"),
        "a header that is not UTF-8": (with_header("ce_subject", b"\xff\xfe"), value),
        "a naive time": (
            [(n, b"2026-10-01T09:00:00" if n == "ce_time" else v) for n, v in renamed("p-naive")],
            value,
        ),
        "a stream version that is not a number": (
            [(n, b"two" if n == "ce_streamversion" else v) for n, v in renamed("p-version")],
            value,
        ),
        "an event the handler refuses": (renamed("p-refused"), json.dumps({"text": "poison", "n": 9}).encode()),
    }


def test_a_poison_record_of_each_kind_is_dead_lettered_with_its_reason_and_the_good_ones_flow(engine, kafka, new_topic):
    topic = new_topic("poison-kinds", partitions=1)
    poison = _poison_records()
    producer = make_producer(kafka.bootstrap_servers)
    publish(engine, kafka.bootstrap_servers, topic, [("g0", "ok")])
    for headers, value in poison.values():
        producer.send(topic, key=b"case-0", value=value, headers=headers)
    producer.flush()
    publish(engine, kafka.bootstrap_servers, topic, [("g1", "ok"), ("g2", "ok")])
    c = runner(engine, kafka, topic, "poison-kinds-group")
    c.run_until_idle()
    assert effect_ids(engine) == ["g0", "g1", "g2"]  # the good records on either side flowed
    dead = read_topic(kafka.bootstrap_servers, topic + ".dlq", expect=len(poison))
    reasons = [dict(r.headers)["dlq_error"].decode() for r in dead]
    assert len(reasons) == len(poison), reasons
    for needle in ("lacks CloudEvents headers", "must be a JSON object", "not JSON", "not UTF-8", "cannot handle"):
        assert any(needle in r for r in reasons), (needle, reasons)
    assert sum("invalid CloudEvents attribute" in r for r in reasons) == 2, reasons  # naive time, version
    # Each dead letter keeps the original record's bytes for an operator to inspect.
    assert {r.value for r in dead} >= {b"\xff\xfe\x00garbage", b"[1, 2, 3]"}
    c.consumer.close()
    producer.close()


def test_events_a_handler_records_leave_when_its_batch_commits_not_at_the_relays_next_poll(engine, kafka, new_topic):
    """An automatic referral crosses Kafka twice: the second hop starts when the consumer's batch
    commits (the runner wakes the service's relay), not after the relay's poll interval."""
    source, out = new_topic("nudge-in"), new_topic("nudge-out")
    publish(engine, kafka.bootstrap_servers, source, [(f"n{i}", "ok") for i in range(3)])
    store = EventStore("intake")
    producer = make_producer(kafka.bootstrap_servers)
    relay = OutboxRelay(engine, store, producer, out, name="nudged-relay", poll_seconds=120)
    relay.drain()  # the three source events: the relay is now idle, asleep for two minutes

    def reply(conn: Connection, env: Envelope) -> None:
        store.append(conn, f"reply-{env.id}", 0, [new_event(f"reply-{env.id}")])

    thread = threading.Thread(target=relay.run, daemon=True)
    thread.start()
    try:
        c = ConsumerRunner(
            name="nudge-group",
            engine=engine,
            handler=reply,
            topics=[source],
            bootstrap_servers=kafka.bootstrap_servers,
            dead_letter_topic=source + ".dlq",
            producer=producer,
            on_commit=relay.nudge,
        )
        assert c.run_until_idle() == 3
        began = time.monotonic()
        records = read_topic(kafka.bootstrap_servers, out, expect=6, timeout=20)
        ids = sorted(from_kafka(r.key, r.headers, r.value).id for r in records)
        assert ids == ["n0", "n1", "n2", "reply-n0", "reply-n1", "reply-n2"]
        assert time.monotonic() - began < 20  # far below the relay's 120 s poll
        c.consumer.close()
    finally:
        relay.stop()
        thread.join(timeout=10)
        producer.close()


def test_a_runner_passes_over_the_types_it_does_not_want_without_a_mark_and_still_dead_letters_what_it_cannot_read(
    engine, kafka, new_topic
):
    topic = new_topic("wants")
    publish(engine, kafka.bootstrap_servers, topic, [("e0", "ok"), ("e1", "ok")])
    producer = make_producer(kafka.bootstrap_servers)
    # Another type (and no envelope around it): not this runner's business, so not dead-lettered by it.
    producer.send(topic, key=b"case-0", value=b"{}", headers=[("ce_type", b"other.Thing")])
    # A type header that cannot be read, and no headers at all: the normal path says what is wrong.
    producer.send(topic, key=b"case-0", value=b"{}", headers=[("ce_type", b"\xff\xfe")])
    producer.send(topic, key=b"case-0", value=b"not a cloudevent")
    producer.flush()

    wanting = runner(engine, kafka, topic, "wants-noted")
    wanting.wants = Noted.event_type.__eq__
    assert wanting.run_until_idle() == 5
    assert effect_ids(engine) == ["e0", "e1"]
    dead = read_topic(kafka.bootstrap_servers, topic + ".dlq", expect=2)
    assert sorted(dict(r.headers)["dlq_error"].decode().split(":")[0] for r in dead) == ["EnvelopeError"] * 2

    passing = runner(engine, kafka, topic, "wants-nothing-here")
    passing.wants = "other.Thing".__eq__
    assert passing.run_until_idle() == 5
    # It wants other.Thing, so it reads that record (no envelope around it) and dead-letters it
    # with the two unreadable ones: three more dead letters, and still no effect twice.
    assert len(read_topic(kafka.bootstrap_servers, topic + ".dlq", expect=5)) == 5
    assert marks(engine, "wants-noted") == ["e0", "e1"]
    assert marks(engine, "wants-nothing-here") == []  # passed over: no transaction, no mark
    assert effect_ids(engine) == ["e0", "e1"]
    wanting.consumer.close()
    passing.consumer.close()
    producer.close()


def test_a_member_backing_off_after_a_failed_batch_lets_a_new_replica_join_at_once(
    engine, kafka, new_topic, monkeypatch
):
    """A batch that fails as a whole (the database away) runs again after a pause of up to 30 s. The
    member keeps polling with its partitions paused meanwhile, so a replica started then gets its
    share now, not when the pause ends (the group's join waits for every member's next poll); and
    no event is lost or applied twice."""
    import shared.consumer as consumer_module

    topic = new_topic("backoff")
    items = [(f"b{i:02d}", "ok") for i in range(12)]
    publish(engine, kafka.bootstrap_servers, topic, items)
    monkeypatch.setattr(consumer_module, "retry_pause", lambda failures: 60.0)
    group = f"backoff-group-{topic}"  # one per run: a member one run left behind cannot hold the next
    failing = runner(engine, kafka, topic, group)
    attempts = {"n": 0}

    def database_away(records: object) -> None:
        attempts["n"] += 1
        raise RuntimeError("database away")

    monkeypatch.setattr(failing, "process", database_away)
    thread = threading.Thread(target=failing.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while attempts["n"] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert attempts["n"] == 1  # the first batch failed: the member is in its 60 s pause

    replica = runner(engine, kafka, topic, group)
    try:
        deadline = time.monotonic() + 30
        while not replica.consumer.assignment() and time.monotonic() < deadline:
            replica.poll_once()
        share = replica.consumer.assignment()
        assert share, "the new replica was kept out of the group until the other's pause ended"
        assert attempts["n"] == 1  # the failing member joined the rebalance without running its batch again
        assert len(share) < 3  # and the partitions were shared between the two

        failing.stop()
        thread.join(timeout=10)
        assert not thread.is_alive()  # stopping ends the pause at once
        deadline = time.monotonic() + 30
        while len(replica.consumer.assignment()) < 3 and time.monotonic() < deadline:
            replica.poll_once()  # the member that left hands its partitions over
        # A partition handed over starts from no committed offset: its first records come a few polls
        # later, after its position is looked up (CI once saw three idle polls before they came).
        while len(effect_ids(engine)) < len(items) and time.monotonic() < deadline:
            replica.poll_once()
        replica.run_until_idle(idle_polls=3)  # and nothing comes twice
        assert effect_ids(engine) == [e for e, _ in items]  # every event once, by the replica
    finally:
        failing.stop()
        replica.close()
