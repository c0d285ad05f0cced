"""Replicas of one service on one PostgreSQL store: one relay publishes, a killed leader is replaced.

Two relays (two replicas' worth) tail the same store into the same topic. Only the lease holder
publishes; when its database session is killed (as when its process dies), the stand-by takes
over within seconds from the shared checkpoint: every event reaches the topic, and what is sent
twice is no more than one batch, which consumers dedupe by event id.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlalchemy import text

from shared.db import make_engine, migrate
from shared.envelope import from_kafka
from shared.eventstore import EventStore
from shared.kafka import make_producer
from shared.lease import StoreLease
from shared.relay import OutboxRelay
from tests.support import new_event, read_topic


def append(engine, store: EventStore, start: int, n: int) -> None:
    with engine.begin() as conn:
        for i in range(start, start + n):
            store.append(conn, f"s-{i}", 0, [new_event(f"e{i:03d}", case_id=f"case-{i % 5}", n=i)])


def test_only_the_lease_holder_publishes_and_a_killed_leader_is_replaced_within_seconds(pg_url, kafka, new_topic):
    topic = new_topic("lease")
    store = EventStore("loans")
    engines = [make_engine(pg_url) for _ in range(3)]  # replica A, replica B, the operator's session
    migrate(engines[0])
    producers = [make_producer(kafka.bootstrap_servers) for _ in range(2)]
    relays = [
        OutboxRelay(
            engines[i],
            store,
            producers[i],
            topic,
            name="relay:loans",
            poll_seconds=0.05,
            lease=StoreLease(engines[i], "relay:loans", check_every=0.5),
            standby_seconds=0.2,
        )
        for i in range(2)
    ]
    threads = [threading.Thread(target=r.run, daemon=True) for r in relays]
    for t in threads:
        t.start()
    try:
        append(engines[0], store, 0, 40)
        first = read_topic(kafka.bootstrap_servers, topic, expect=40, timeout=30)
        assert len(first) == 40  # one leader: nothing published twice while both replicas run
        holders = [r for r in relays if r.lease is not None and r.lease._conn is not None]
        assert len(holders) == 1
        leader, standby = holders[0], next(r for r in relays if r is not holders[0])

        # The leader's database session dies (its process killed, or its connection cut): it is
        # terminated from the operator's session while the leader's relay thread still runs.
        pid = leader.lease._conn.execute(text("SELECT pg_backend_pid()")).scalar()  # type: ignore[union-attr]
        leader.lease._conn.commit()  # type: ignore[union-attr]
        killed_at = time.monotonic()
        with engines[2].begin() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        while standby.lease is None or standby.lease._conn is None:
            assert time.monotonic() - killed_at < 15, "the stand-by never took the lease over"
            time.sleep(0.05)
        took_over = time.monotonic() - killed_at
        print(f"stand-by took the lease over {took_over * 1000:.0f} ms after the leader's session died")
        append(engines[0], store, 40, 40)
        records = read_topic(kafka.bootstrap_servers, topic, expect=80, timeout=30)
        ids = Counter(from_kafka(r.key, r.headers, r.value).id for r in records)
        assert set(ids) == {f"e{i:03d}" for i in range(80)}  # nothing lost
        assert sum(ids.values()) - len(ids) <= 40  # at most one batch sent twice
        assert leader.lease is not None and leader.lease._conn is None  # the old leader noticed and stands by
        assert took_over < 5, f"the stand-by took {took_over:.1f} s to take over"
    finally:
        for r in relays:
            r.stop()
        for t in threads:
            t.join(timeout=10)
        for p in producers:
            p.close()
        for e in engines:
            e.dispose()


def test_on_sqlite_the_lease_is_always_held(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    assert StoreLease(engine, "relay:intake").held() is True
    engine.dispose()
