"""The outbox relay against a real broker, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import text

from shared.db import make_engine, migrate
from shared.eventstore import EventStore
from shared.kafka import LazyProducer, make_producer
from shared.parked import parked_events
from shared.relay import OutboxRelay, load_checkpoint
from tests.support import envelopes, new_event, read_topic

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


def test_relay_publishes_in_store_order_keyed_by_case_and_remembers_how_far_it_got(engine, kafka, new_topic):
    topic = new_topic("relay")
    store = EventStore("intake")
    with engine.begin() as conn:
        for i in range(20):
            store.append(conn, f"s-{i % 4}", i // 4, [new_event(f"e{i:02d}", case_id=f"case-{i % 4}", n=i)])
    producer = make_producer(kafka.bootstrap_servers)
    relay = OutboxRelay(engine, store, producer, topic, batch_size=7)
    assert relay.drain() == 20
    assert relay.drain() == 0  # nothing sent twice once the checkpoint moved
    got = envelopes(read_topic(kafka.bootstrap_servers, topic, expect=20))
    assert sorted(e.id for e in got) == [f"e{i:02d}" for i in range(20)]
    by_case = defaultdict(list)
    for e in got:
        by_case[e.caseid].append(e.streamversion)
    assert all(versions == sorted(versions) for versions in by_case.values())
    with engine.connect() as conn:
        assert load_checkpoint(conn, relay.name) == store.head_position(conn)
    producer.close()


@pytest.mark.postgres
def test_relay_skips_no_event_while_concurrent_writers_commit_out_of_order(pg_url, kafka, new_topic):
    """Writers hold their transactions open for random times; the relay tails all along."""
    engine = make_engine(pg_url, pool_size=12)
    migrate(engine)
    topic = new_topic("gaps")
    store = EventStore("intake")
    producer = make_producer(kafka.bootstrap_servers)
    relay = OutboxRelay(engine, store, producer, topic, batch_size=50, poll_seconds=0.01)
    relay_thread = threading.Thread(target=relay.run)
    relay_thread.start()
    per_writer = 25

    def writer(w: int) -> None:
        rng = random.Random(w)
        for i in range(per_writer):
            with engine.begin() as conn:
                store.append(conn, f"w{w}-s{i}", 0, [new_event(f"w{w}-{i}", case_id=f"case-{w}")])
                # Hold the transaction open after drawing a position: without the append lock a
                # later position could commit first and the relay would move past this one.
                time.sleep(rng.random() * 0.01)

    writers = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    deadline = time.monotonic() + 30
    while relay.backlog() and time.monotonic() < deadline:
        time.sleep(0.1)
    relay.stop()
    relay_thread.join()
    total = 8 * per_writer
    got = envelopes(read_topic(kafka.bootstrap_servers, topic, expect=total))
    assert len({e.id for e in got}) == total
    positions_per_partition = defaultdict(list)
    for e in got:
        positions_per_partition[e.caseid].append(e.position)
    assert all(p == sorted(p) for p in positions_per_partition.values())
    producer.close()
    engine.dispose()


_CRASHING_RELAY = """
import os, signal, sys
from shared.db import make_engine
from shared.eventstore import EventStore
from shared.kafka import make_producer
from shared import relay as relay_module

url, bootstrap, topic = sys.argv[1:4]
engine = make_engine(url)
relay = relay_module.OutboxRelay(engine, EventStore("intake"), make_producer(bootstrap), topic, batch_size=10)
original = relay_module.save_checkpoint
def crash_after_publish(conn, name, position):
    # Kafka has acknowledged the batch; die like `kill -9` before the checkpoint is stored.
    os.kill(os.getpid(), signal.SIGKILL)
relay_module.save_checkpoint = crash_after_publish
relay.publish_once()
"""


def test_relay_killed_after_publish_and_before_checkpoint_loses_nothing(engine, kafka, new_topic, tmp_path):
    topic = new_topic("crash")
    store = EventStore("intake")
    with engine.begin() as conn:
        for i in range(25):
            store.append(conn, f"s-{i}", 0, [new_event(f"e{i:02d}", case_id=f"case-{i % 3}")])
    url = str(engine.url.render_as_string(hide_password=False))
    proc = subprocess.run(
        [sys.executable, "-c", _CRASHING_RELAY, url, kafka.bootstrap_servers, topic],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    with engine.connect() as conn:
        assert load_checkpoint(conn, "relay:" + topic) == 0  # the crash came before the checkpoint
    # A fresh relay resumes from the stored checkpoint and publishes everything.
    producer = make_producer(kafka.bootstrap_servers)
    OutboxRelay(engine, store, producer, topic, batch_size=10).drain()
    got = envelopes(read_topic(kafka.bootstrap_servers, topic, expect=35))
    ids = [e.id for e in got]
    assert set(ids) == {f"e{i:02d}" for i in range(25)}  # nothing lost
    assert len(ids) == 35  # the first batch of 10 went out twice: at least once, deduped downstream
    producer.close()


def test_relay_keeps_its_checkpoint_when_kafka_is_unreachable(engine):
    from kafka.errors import KafkaTimeoutError

    store = EventStore("intake")
    with engine.begin() as conn:
        store.append(conn, "s-1", 0, [new_event("e1")])
    # A producer pointed at a closed port: sends cannot complete.
    producer = make_producer("127.0.0.1:1", max_block_ms=500, request_timeout_ms=500, api_version=(3, 0))
    relay = OutboxRelay(engine, store, producer, "nowhere.events")
    with pytest.raises(KafkaTimeoutError):
        relay.publish_once()
    with engine.connect() as conn:
        assert load_checkpoint(conn, relay.name) == 0
        assert conn.execute(text("SELECT count(*) FROM events")).scalar() == 1


def _counter(name: str, topic: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value(name, {"topic": topic}) or 0.0


def test_an_event_the_topic_can_never_take_is_parked_and_the_stream_goes_on_past_it(engine, kafka, tmp_path):
    from kafka.admin import ConfigResource

    from deploy.kafka.cluster import admin_client, create_topics

    topic = f"small-{os.urandom(4).hex()}.events"
    create_topics(kafka.bootstrap_servers, topics=[topic], partitions=1, configs={"max.message.bytes": "4096"})
    store = EventStore("intake")
    with engine.begin() as conn:
        for i in range(12):
            text_ = "x" * 20_000 if i == 5 else "ok"
            store.append(conn, f"s-{i}", 0, [new_event(f"e{i:02d}", case_id="case-1", n=i, text=text_)])
    producer = LazyProducer(kafka.bootstrap_servers)
    relay = OutboxRelay(engine, store, producer, topic, name="relay:intake", batch_size=4)
    assert relay.drain() == 12  # 11 published, 1 parked: nothing blocks behind it
    got = envelopes(read_topic(kafka.bootstrap_servers, topic, expect=11))
    ids = [e.id for e in got]
    assert ids == [f"e{i:02d}" for i in range(12) if i != 5]  # in order, each exactly once
    assert relay.backlog() == 0 and _counter("tsunagu_relay_backlog", topic) == 0
    assert relay.parked_count() == 1 and _counter("tsunagu_relay_parked_events", topic) == 1
    with engine.connect() as conn:
        assert load_checkpoint(conn, relay.name) == store.head_position(conn)
        [parked] = parked_events(conn, relay.name)
    assert parked["event_id"] == "e05" and parked["error"].startswith("MessageSizeTooLargeError")

    # The operator finds it, raises the topic's limit, and releases it.
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "INTAKE_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "shared.relay", "parked", *args, "--service", "intake", "--topic", topic],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    listed = cli("list")
    assert listed.returncode == 0 and "e05" in listed.stdout and "MessageSizeTooLargeError" in listed.stdout
    shown = cli("show", str(parked["position"]))
    assert shown.returncode == 0 and '"event_id": "e05"' in shown.stdout
    refused = cli("release", str(parked["position"]))
    assert refused.returncode == 1 and "still parked" in refused.stderr
    with admin_client(kafka.bootstrap_servers) as admin:
        admin.alter_configs([ConfigResource("TOPIC", topic, configs={"max.message.bytes": "1048588"})])
    deadline = time.monotonic() + 30
    while (released := cli("release", "--all")).returncode != 0 and time.monotonic() < deadline:
        time.sleep(1)  # the broker applies the new limit within moments
    assert released.returncode == 0, released.stderr
    got = envelopes(read_topic(kafka.bootstrap_servers, topic, expect=12))
    assert sorted(e.id for e in got) == [f"e{i:02d}" for i in range(12)]
    with engine.connect() as conn:
        assert parked_events(conn, relay.name) == []
    producer.close()


def test_the_backlog_metric_is_the_distance_to_the_head_while_kafka_is_away(engine):
    store = EventStore("intake")
    with engine.begin() as conn:
        for i in range(3):
            store.append(conn, f"s-{i}", 0, [new_event(f"e{i}")])
    producer = make_producer("127.0.0.1:1", max_block_ms=300, request_timeout_ms=300, api_version=(3, 0))
    relay = OutboxRelay(engine, store, producer, "away.events", poll_seconds=0.05)
    thread = threading.Thread(target=relay.run)
    thread.start()
    deadline = time.monotonic() + 20
    while _counter("tsunagu_relay_backlog", "away.events") != 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    relay.stop()
    thread.join(timeout=30)
    assert _counter("tsunagu_relay_backlog", "away.events") == 3
