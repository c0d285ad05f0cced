"""The alert rules (deploy/monitoring/alerts.yml) on Debian's Prometheus, with real metrics.

promtool checks and unit-tests every rule on synthetic series; then a real consumer whose handler
hangs, scraped by a real Prometheus beside a healthy one, raises the stall alert's own expression,
and only for itself, and clears it once the handler returns.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import yaml
from prometheus_client import start_http_server
from sqlalchemy import Connection

from deploy.kafka.tooling import free_ports
from deploy.monitoring.local import RULES, check_rules
from deploy.monitoring.local import start as start_prometheus
from shared.consumer import ConsumerRunner
from shared.db import make_engine, migrate
from shared.envelope import Envelope
from shared.eventstore import EventStore
from shared.kafka import make_producer
from shared.relay import OutboxRelay
from tests.support import new_event


def alert_expr(name: str) -> str:
    for group in yaml.safe_load(RULES.read_text())["groups"]:
        for rule in group["rules"]:
            if rule.get("alert") == name:
                return str(rule["expr"])
    raise AssertionError(f"no alert {name} in {RULES}")


def test_every_rule_is_valid_and_fires_on_its_series_and_not_on_healthy_ones() -> None:
    out = check_rules()
    assert "SUCCESS: 7 rules found" in out
    assert out.count("SUCCESS") == 2  # check rules, and the unit tests of alerts.test.yml


def stalled(prometheus: Any) -> set[str]:
    return {r["metric"]["consumer"] for r in prometheus.query(alert_expr("TsunaguConsumerStalled"))}


def test_a_consumer_whose_handler_hangs_raises_the_stall_alert_and_a_healthy_one_does_not(
    kafka: Any, new_topic: Any, tmp_path: Any
) -> None:
    topic = new_topic("stall")
    engine = make_engine(f"sqlite:///{tmp_path / 'stall.db'}")
    migrate(engine)
    store = EventStore("intake")
    with engine.begin() as conn:
        store.append(conn, "s-stall", 0, [new_event("stall-1")])
    producer = make_producer(kafka.bootstrap_servers)
    OutboxRelay(engine, store, producer, topic).drain()
    other_engine = make_engine(f"sqlite:///{tmp_path / 'healthy.db'}")
    migrate(other_engine)

    release, handled = threading.Event(), []

    def hang(conn: Connection, env: Envelope) -> None:
        release.wait(300)  # a handler stuck on something outside (a lock, a dead socket)
        handled.append(("stuck", env.id))

    def healthy(conn: Connection, env: Envelope) -> None:
        handled.append(("healthy", env.id))

    runners = [
        ConsumerRunner(
            name=name,
            engine=own_engine,
            handler=handler,
            topics=[topic],
            bootstrap_servers=kafka.bootstrap_servers,
            dead_letter_topic=topic + ".dlq",
            producer=producer,
        )
        for name, handler, own_engine in (
            (f"stuck-{topic}", hang, engine),
            (f"healthy-{topic}", healthy, other_engine),  # its own service's database, as in production
        )
    ]
    threads = [threading.Thread(target=r.run, daemon=True) for r in runners]
    for t in threads:
        t.start()
    port = free_ports(1)[0]
    metrics_server, _ = start_http_server(port, addr="127.0.0.1")
    target = {"test": f"http://127.0.0.1:{port}"}
    prometheus = start_prometheus(tmp_path, target, port=free_ports(1)[0], scrape_seconds=1)
    try:
        stuck, ok = runners[0].name, runners[1].name
        deadline = time.monotonic() + 150
        while stuck not in stalled(prometheus):
            assert time.monotonic() < deadline, "the stall alert's expression never named the stuck consumer"
            time.sleep(2)
        assert ok not in stalled(prometheus)  # the healthy consumer, polling all along, is not named
        assert ("healthy", "stall-1") in handled and ("stuck", "stall-1") not in handled
        # The rule itself (for: 1m) now holds an alert for the stuck consumer, pending or firing.
        deadline = time.monotonic() + 30
        while stuck not in {a["labels"].get("consumer") for a in prometheus.rule("TsunaguConsumerStalled")["alerts"]}:
            assert time.monotonic() < deadline, "the rule never took up the stuck consumer"
            time.sleep(1)
        # The handler returns: the consumer goes round again and the expression clears.
        release.set()
        deadline = time.monotonic() + 30
        while stuck in stalled(prometheus):
            assert time.monotonic() < deadline, "the stall alert's expression did not clear after the consumer resumed"
            time.sleep(1)
        assert handled.count(("stuck", "stall-1")) == 1
    finally:
        release.set()
        for r in runners:
            r.stop()
        for t in threads:
            t.join(timeout=15)
        prometheus.stop()
        metrics_server.shutdown()
        producer.close()
        engine.dispose()
        other_engine.dispose()
