"""A service starts, serves commands and becomes ready on its own, whatever the broker is doing.

The store is the outbox: while no broker answers, commands are accepted into the store and
``/ready`` says Kafka is away; when a broker comes up on the configured address the relay
delivers what was accepted and ``/ready`` answers 200; when it goes away again ``/ready`` says
so; and the service still stops, its last offset commits failing without the broker.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from deploy.kafka.cluster import create_topics, start_single
from deploy.kafka.tooling import free_ports
from services.intake.bootstrap import build
from services.intake.config import Settings
from shared.auth import mint_token
from shared.kafka import LazyProducer
from shared.settings import DEV_JWT_SECRET
from tests.support import envelopes, read_topic

AUTH = {"Authorization": "Bearer " + mint_token(DEV_JWT_SECRET, "s-1", "intake", "worker")}


def _wait_for(client: TestClient, status: int, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while (ready := client.get("/ready")).status_code != status and time.monotonic() < deadline:
        time.sleep(0.5)
    return ready


def test_a_service_starts_without_the_broker_takes_commands_and_delivers_them_when_it_comes(tmp_path: Path):
    [port] = free_ports(1)
    settings = Settings(
        var_dir=tmp_path,
        kafka_bootstrap_servers=f"127.0.0.1:{port}",
        kafka_connect_timeout_seconds=1,
        kafka_ready_seconds=1,
        log_json=False,
    )
    app, kit = build(settings)  # no broker listens on the port: nothing may fail here
    for runner in kit.consumers:  # what they handle stays owed to the group's offsets until they stop
        runner.commit_interval = float("inf")
    with TestClient(app) as client:  # leaving it stops the service after the broker went away
        down = client.get("/ready")
        assert down.status_code == 503 and "kafka" in down.json()["problems"][0]
        assert client.get("/health").status_code == 200
        people = [
            client.post("/people", json={"name_kanji": f"山田 花子{i}"}, headers=AUTH).json()["person_id"]
            for i in range(3)
        ]
        kafka = start_single(tmp_path / "kafka", port=port, fresh=True)
        try:
            create_topics(kafka.bootstrap_servers, services=["intake"])
            assert _wait_for(client, 200).json() == {"status": "ready"}
            later = client.post("/people", json={"name_kanji": "山田 太郎"}, headers=AUTH).json()["person_id"]
            got = envelopes(read_topic(kafka.bootstrap_servers, "intake.events", expect=4, timeout=90))
            registered = {e.data["person_id"] for e in got if e.type == "registry.PersonRegistered"}
            assert registered == {*people, later}
            kafka.stop()
            gone = _wait_for(client, 503, timeout=30)
            assert gone.status_code == 503 and "kafka" in gone.json()["problems"][0]
        finally:
            kafka.stop(remove_data=True)
    kit.close()


def test_ready_answers_200_on_a_healthy_platform(kafka, tmp_path: Path):
    settings = Settings(var_dir=tmp_path, kafka_bootstrap_servers=kafka.bootstrap_servers, log_json=False)
    app, kit = build(settings)
    with TestClient(app) as client:
        ready = _wait_for(client, 200, timeout=20)
        assert ready.status_code == 200 and ready.json() == {"status": "ready"}
    kit.close()


def test_the_producer_closes_when_the_broker_went_away_with_a_record_unacknowledged(tmp_path: Path):
    """kafka-python's own close raises here and leaves its sender thread running; the service's
    producer drops the record (its future fails: the relay would send it again from the store)."""
    kafka = start_single(tmp_path / "kafka", fresh=True)
    try:
        create_topics(kafka.bootstrap_servers, topics=["gone.events"], partitions=1)
        producer = LazyProducer(kafka.bootstrap_servers, connect_timeout=1)
        producer.send("gone.events", value=b"delivered").get(timeout=30)
        sender = producer.get()._sender
        kafka.stop()
        pending = producer.send("gone.events", value=b"never acknowledged")
        producer.close(timeout=1)
        assert not producer.made
        assert pending.is_done and pending.failed()  # dropped, and its sender says so
        sender.join(timeout=10)
        assert not sender.is_alive()
    finally:
        kafka.stop(remove_data=True)
