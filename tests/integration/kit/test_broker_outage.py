"""A broker killed (SIGKILL) under HTTP load loses nothing and doubles nothing downstream.

A service takes a steady stream of commands while its broker is killed and, seconds later,
restarted on the same data. Every command is accepted (the store is the outbox), every stored
event reaches the topic (the relay may publish one twice around the kill: at-least-once), and a
consumer runner that was polling the whole time applies each event exactly once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Column, Connection, MetaData, String, Table, select

from deploy.kafka.cluster import create_topics, start_single
from deploy.kafka.tooling import free_ports
from services.intake.bootstrap import build
from services.intake.config import Settings
from shared.auth import mint_token
from shared.consumer import ConsumerRunner
from shared.db import make_engine, migrate
from shared.envelope import Envelope
from shared.eventstore import events_table
from shared.kafka import make_producer
from shared.settings import DEV_JWT_SECRET
from tests.support import envelopes, read_topic

AUTH = {"Authorization": "Bearer " + mint_token(DEV_JWT_SECRET, "s-1", "intake", "worker")}
effects_md = MetaData()
effects = Table("outage_effects", effects_md, Column("event_id", String(64)))


def _apply(conn: Connection, env: Envelope) -> None:
    conn.execute(effects.insert().values(event_id=env.id))


def test_a_broker_killed_under_load_loses_no_command_and_no_event_and_doubles_no_effect(tmp_path: Path) -> None:
    [port] = free_ports(1)
    kafka = start_single(tmp_path / "kafka", port=port, fresh=True)
    create_topics(kafka.bootstrap_servers, services=["intake"])
    settings = Settings(
        var_dir=tmp_path / "intake",
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        kafka_connect_timeout_seconds=1,
        kafka_ready_seconds=1,
        log_json=False,
    )
    app, kit = build(settings)
    downstream = make_engine(f"sqlite:///{tmp_path / 'downstream.db'}")
    migrate(downstream)
    effects_md.create_all(downstream)
    runner = ConsumerRunner(
        name="outage-downstream",
        engine=downstream,
        handler=_apply,
        topics=["intake.events"],
        bootstrap_servers=kafka.bootstrap_servers,
        dead_letter_topic="intake.events.dlq",
        producer=make_producer(kafka.bootstrap_servers),
    )
    consuming = threading.Thread(target=runner.run, daemon=True)
    consuming.start()

    statuses: Counter[int] = Counter()
    stop = threading.Event()
    phases: dict[str, int] = {}

    def load(client: TestClient) -> None:
        i = 0
        while not stop.is_set():
            statuses[client.post("/people", json={"name_kanji": f"負荷 {i}"}, headers=AUTH).status_code] += 1
            i += 1

    try:
        with TestClient(app) as client:
            writer = threading.Thread(target=load, args=(client,), daemon=True)
            writer.start()
            time.sleep(3)
            phases["before_kill"] = sum(statuses.values())
            assert kafka.node is not None
            kafka.node.stop(kill=True)  # SIGKILL: no clean shutdown, in-flight requests die
            time.sleep(6)
            phases["during_outage"] = sum(statuses.values()) - phases["before_kill"]
            kafka = start_single(tmp_path / "kafka", port=port, fresh=False)
            time.sleep(4)
            stop.set()
            writer.join(timeout=30)

            with kit.engine.connect() as conn:
                stored = {r[0] for r in conn.execute(select(events_table.c.event_id))}
            on_topic = [e.id for e in envelopes(read_topic(kafka.bootstrap_servers, "intake.events", len(stored), 120))]
        deadline = time.monotonic() + 120
        applied: Counter[str] = Counter()
        while time.monotonic() < deadline and set(applied) != stored:
            time.sleep(1)
            with downstream.connect() as conn:
                applied = Counter(r[0] for r in conn.execute(select(effects.c.event_id)))
    finally:
        stop.set()
        runner.stop()
        consuming.join(timeout=30)
        kit.close()
        kafka.stop(remove_data=True)

    print(
        f"\noutage: {dict(statuses)} responses, phases {phases}, {len(stored)} events stored, "
        f"{len(on_topic)} records on the topic ({len(on_topic) - len(set(on_topic))} published twice)"
    )
    assert set(statuses) == {201}, statuses  # every command was taken, during the outage too
    assert phases["during_outage"] > 0, "the service took no command while the broker was down"
    assert len(stored) == sum(statuses.values())
    assert set(on_topic) == stored  # nothing lost between the store and the topic
    assert set(applied) == stored  # every event applied downstream
    assert max(applied.values()) == 1, [e for e, n in applied.items() if n > 1][:5]  # and none twice
