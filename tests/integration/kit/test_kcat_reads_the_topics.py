"""Any Kafka tool can read Tsunagu's topics: kcat shows plain JSON and readable ce_* headers."""

from __future__ import annotations

import json
import subprocess

from shared.db import make_engine, migrate
from shared.eventstore import EventStore
from shared.kafka import make_producer
from shared.relay import OutboxRelay
from tests.support import new_event


def test_kcat_shows_plain_json_bodies_and_cloudevents_headers(kafka, new_topic, tmp_path):
    topic = new_topic("kcat", partitions=1)
    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    migrate(engine)
    store = EventStore("intake")
    with engine.begin() as conn:
        store.append(conn, "s-1", 0, [new_event("e1", case_id="person-7", text="相談を受けた")])
    producer = make_producer(kafka.bootstrap_servers)
    OutboxRelay(engine, store, producer, topic).drain()
    producer.close()
    out = subprocess.run(
        ["kcat", "-C", "-b", kafka.bootstrap_servers, "-t", topic, "-e", "-q", "-f", "%k\\t%h\\t%s\\n"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    key, headers, body = out.split("\t")
    assert key == "person-7"
    assert json.loads(body) == {"text": "相談を受けた", "n": 0}
    header_map = dict(h.split("=", 1) for h in headers.split(","))
    assert header_map["ce_type"] == "test.Noted"
    assert header_map["ce_specversion"] == "1.0"
    assert header_map["ce_actordept"] == "intake"
    assert header_map["content-type"] == "application/json"
