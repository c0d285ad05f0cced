"""The local Kafka launcher (deploy/kafka/cluster.py) against real brokers.

Single node: start, idempotent topic creation, a record with headers round-trips, and the
pid-file based ``stop`` from another process (what ``make stop`` does).
Cluster: three KRaft nodes keep accepting ``acks=all`` writes and serving reads after the
partition leader is SIGKILLed, and the killed node can rejoin.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType
from kafka.errors import KafkaConnectionError

from deploy.kafka.cluster import (
    ClusterHandle,
    KafkaHandle,
    admin_client,
    create_topics,
    start_cluster,
    start_single,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaHandle]:
    handle = start_single(tmp_path_factory.mktemp("kafka-single"))
    try:
        yield handle
    finally:
        handle.stop(remove_data=True)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterHandle]:
    handle = start_cluster(3, tmp_path_factory.mktemp("kafka-cluster"))
    try:
        yield handle
    finally:
        handle.stop(remove_data=True)


def _produce(bootstrap: str, topic: str, values: list[bytes], **headers: bytes) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap.split(","), acks="all", request_timeout_ms=10_000)
    try:
        futures = [producer.send(topic, key=b"case-1", value=v, headers=list(headers.items()) or None) for v in values]
        for future in futures:
            future.get(timeout=60)
    finally:
        producer.close()


def _consume(bootstrap: str, topic: str, expect: int, timeout: float = 30.0) -> list[Any]:
    """Every record of ``topic`` from the beginning (no consumer group: nothing to rebalance)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
                break
            except KafkaConnectionError:
                # right after a broker is killed the survivors' metadata may still name it, and
                # kafka-python's metadata refresh can pick it: a refused connection, not lost data
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        records: list[Any] = []
        while len(records) < expect and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def _partitions(bootstrap: str, topic: str, expect: int = 3, timeout: float = 30.0) -> list[dict[str, Any]]:
    """The topic's partitions once the cluster's metadata knows all ``expect`` of them with a leader
    (right after creation a broker may still describe the topic with none)."""
    deadline = time.monotonic() + timeout
    while True:
        with admin_client(bootstrap) as admin:
            (described,) = admin.describe_topics([topic])
        partitions = list(described["partitions"])
        if len(partitions) == expect and all(int(p["leader_id"]) >= 0 for p in partitions):
            return partitions
        if time.monotonic() > deadline:
            raise AssertionError(f"{topic}: {len(partitions)} of {expect} partitions have a leader after {timeout}s")
        time.sleep(0.5)


def _config(bootstrap: str, kind: ConfigResourceType, name: str, key: str) -> str:
    with admin_client(bootstrap) as admin:
        result = admin.describe_configs([ConfigResource(kind, name)], config_filter="all")
    return str(result[kind.name.lower()][name][key]["value"])


# --------------------------------------------------------------------------- single node


def test_single_node_answers_metadata(broker: KafkaHandle) -> None:
    with admin_client(broker.bootstrap_servers) as admin:
        assert admin.describe_cluster()["brokers"]


def test_create_topics_is_idempotent(broker: KafkaHandle) -> None:
    services = (f"svc{uuid.uuid4().hex[:6]}", f"svc{uuid.uuid4().hex[:6]}")
    expected = [f"{s}.events{suffix}" for s in services for suffix in ("", ".dlq")]

    first = create_topics(broker.bootstrap_servers, services, partitions=2)
    second = create_topics(broker.bootstrap_servers, services, partitions=2)

    assert sorted(first) == sorted(expected)
    assert second == []
    with admin_client(broker.bootstrap_servers) as admin:
        assert set(expected) <= set(admin.list_topics())
    assert len(_partitions(broker.bootstrap_servers, expected[0], expect=2)) == 2
    # Event topics are the system of record: never expire them.
    for topic in expected:
        assert _config(broker.bootstrap_servers, ConfigResourceType.TOPIC, topic, "retention.ms") == "-1"


def test_create_topics_accepts_explicit_names(broker: KafkaHandle) -> None:
    name = f"adhoc-{uuid.uuid4().hex[:8]}"
    assert create_topics(broker.bootstrap_servers, topics=[name], partitions=1) == [name]
    assert create_topics(broker.bootstrap_servers, topics=[name], partitions=1) == []


def test_auto_topic_creation_is_disabled(broker: KafkaHandle) -> None:
    if broker.external:
        return  # an external cluster's settings are not ours to assert
    value = _config(broker.bootstrap_servers, ConfigResourceType.BROKER, "1", "auto.create.topics.enable")
    assert value == "false"


def test_record_with_headers_round_trips(broker: KafkaHandle) -> None:
    (topic,) = create_topics(broker.bootstrap_servers, topics=[f"rt-{uuid.uuid4().hex[:8]}"])

    _produce(broker.bootstrap_servers, topic, [b'{"n": 1}'], event_type=b"CaseOpened", event_id=b"e-1")
    (record,) = _consume(broker.bootstrap_servers, topic, expect=1)

    assert record.key == b"case-1"
    assert record.value == b'{"n": 1}'
    assert dict(record.headers) == {"event_type": b"CaseOpened", "event_id": b"e-1"}


def test_stop_from_another_process_uses_the_pid_file(broker: KafkaHandle) -> None:
    """Runs last in this module: ``python -m deploy.kafka.cluster stop`` (``make stop``)."""
    if broker.external:
        broker.stop()  # must be a no-op for a broker we did not start
        return
    assert broker.node is not None and broker.data_dir is not None
    pid = broker.node.running_pid()
    assert pid is not None

    result = subprocess.run(
        [sys.executable, "-m", "deploy.kafka.cluster", "--data-dir", str(broker.data_dir), "stop"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert broker.node.running_pid() is None
    assert not broker.node.pid_file.exists()


# --------------------------------------------------------------------------- cluster


@pytest.mark.slow
def test_cluster_survives_losing_the_partition_leader(cluster: ClusterHandle) -> None:
    bootstrap = cluster.bootstrap_servers
    topic = f"ha-{uuid.uuid4().hex[:8]}"
    create_topics(bootstrap, topics=[topic], partitions=3, replication=3)
    partitions = _partitions(bootstrap, topic)
    assert all(len(p["replica_nodes"]) == 3 for p in partitions)

    _produce(bootstrap, topic, [f"before-{i}".encode() for i in range(20)])
    leader = next(int(p["leader_id"]) for p in partitions if p["partition_index"] == 0)
    cluster.stop_node(leader, kill=True)
    survivors = ",".join(n.address for i, n in cluster.nodes.items() if i != leader)

    # min.insync.replicas=2 with two of three replicas alive: acks=all writes still succeed.
    _produce(survivors, topic, [f"after-{i}".encode() for i in range(20)])
    values = sorted(r.value for r in _consume(survivors, topic, expect=40))

    assert values == sorted([f"before-{i}".encode() for i in range(20)] + [f"after-{i}".encode() for i in range(20)])

    cluster.start_node(leader)
    with admin_client(bootstrap) as admin:
        brokers = admin.describe_cluster()["brokers"]
    assert {b["broker_id"] for b in brokers if not b.get("is_fenced")} == {1, 2, 3}


@pytest.mark.slow
def test_relay_and_consumer_lose_nothing_when_a_broker_dies_under_load(cluster: ClusterHandle, tmp_path: Path) -> None:
    """The outbox relay publishes while the leader of a partition is killed; every event arrives
    and the consumer runner applies each exactly once."""
    import threading

    from sqlalchemy import Column, MetaData, String, Table, func, select

    from shared.consumer import ConsumerRunner
    from shared.db import make_engine, migrate
    from shared.eventstore import EventStore
    from shared.kafka import make_producer
    from shared.relay import OutboxRelay
    from tests.support import new_event

    if any(node.running_pid() is None for node in cluster.nodes.values()):
        for node_id, node in cluster.nodes.items():
            if node.running_pid() is None:
                cluster.start_node(node_id)
    bootstrap = cluster.bootstrap_servers
    topic = f"fault-{uuid.uuid4().hex[:8]}.events"
    create_topics(bootstrap, topics=[topic, topic + ".dlq"], partitions=3, replication=3)
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    migrate(engine)
    md = MetaData()
    effects = Table("effects", md, Column("event_id", String(64), primary_key=True))
    md.create_all(engine)
    store = EventStore("intake")
    total = 3000
    with engine.begin() as conn:
        for i in range(total):
            store.append(conn, f"s-{i}", 0, [new_event(f"e{i:05d}", case_id=f"case-{i % 50}")])

    producer = make_producer(bootstrap, request_timeout_ms=5_000, delivery_timeout_ms=120_000)
    relay = OutboxRelay(engine, store, producer, topic, batch_size=100, poll_seconds=0.05)
    thread = threading.Thread(target=relay.run)
    thread.start()
    while relay.backlog() > total * 0.7:  # a third is out: kill the leader of partition 0 now
        time.sleep(0.05)
    leader = next(int(p["leader_id"]) for p in _partitions(bootstrap, topic) if p["partition_index"] == 0)
    cluster.stop_node(leader, kill=True)
    deadline = time.monotonic() + 120
    while relay.backlog() and time.monotonic() < deadline:
        time.sleep(0.2)
    relay.stop()
    thread.join()
    assert relay.backlog() == 0

    survivors = ",".join(n.address for i, n in cluster.nodes.items() if i != leader)
    runner = ConsumerRunner(
        name=f"fault-{uuid.uuid4().hex[:6]}",
        engine=engine,
        handler=lambda conn, env: conn.execute(effects.insert().values(event_id=env.id)),
        topics=[topic],
        bootstrap_servers=survivors,
        dead_letter_topic=topic + ".dlq",
        producer=make_producer(survivors),
    )
    runner.run_until_idle(idle_polls=5, timeout=120)
    runner.consumer.close()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(effects)).scalar_one() == total
    cluster.start_node(leader)
    producer.close()
