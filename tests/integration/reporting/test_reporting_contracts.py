"""Reporting acts only on events that keep their published contract (schemas/events).

An event with a naive time (in its data or in ``ce_time``) or without its required fields goes to
the dead-letter topic with the reason; the projection handler never sees it, so the case view
cannot answer 500 over an event it could not use.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from sqlalchemy import select

from services.reporting.bootstrap import build
from services.reporting.config import Settings
from shared.consumer import processed_table
from shared.envelope import Envelope, to_kafka
from shared.kafka import make_producer, send_envelope
from tests.integration.reporting.builders import T0, History, intake_opened
from tests.support import read_topic


def _with_data(env: Envelope, **changes: Any) -> Envelope:
    data = {k: v for k, v in env.data.items() if changes.get(k, ...) is not None}
    data.update({k: v for k, v in changes.items() if v is not None})
    return env.model_copy(update={"data": data, "id": env.id + "-bad-" + "-".join(changes)})


def test_events_breaking_their_contract_are_dead_lettered_and_the_projection_never_sees_them(
    kafka, new_topic, tmp_path
):
    topic = new_topic("intake")
    settings = Settings(
        var_dir=tmp_path,
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        topics=[topic],
        consumer_group_prefix=f"contracts-{uuid.uuid4().hex[:8]}-",
        log_json=False,
    )
    _app, kit = build(settings)
    [runner] = kit.consumers
    seen: list[str] = []
    batch = runner.batch_handler  # reporting projects a whole batch at once
    assert batch is not None
    runner.batch_handler = lambda conn, envs: (seen.extend(e.id for e in envs), batch(conn, envs))[-1]

    history = History()
    good = history.add("intake", "consultation-c1", "person-1", intake_opened("c1", "person-1", T0), T0)
    naive_in_data = _with_data(good, opened_at="2026-10-01T09:00:00")
    missing_fields = _with_data(good, issues=None, opened_by=None)
    producer = make_producer(kafka.bootstrap_servers)
    for env in (good, naive_in_data, missing_fields):
        send_envelope(producer, topic, env)
    # A producer that wrote ce_time without its offset: the envelope itself refuses it.
    key, headers, value = to_kafka(good.model_copy(update={"id": good.id + "-naive-ce-time"}))
    headers = [(k, b"2026-10-01T09:00:00" if k == "ce_time" else v) for k, v in headers]
    producer.send(topic, key=key, value=value, headers=headers)
    producer.flush()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (runner.consumer.assignment() and runner.lag() == 0 and seen):
        runner.run_until_idle(idle_polls=2, timeout=10)

    assert seen == [good.id]
    dead = [
        r
        for r in read_topic(kafka.bootstrap_servers, settings.dead_letter_topic, expect=1)
        if dict(r.headers)["dlq_consumer"] == runner.name.encode()
    ]
    errors = sorted(dict(r.headers)["dlq_error"].decode() for r in dead)
    assert len(errors) == 3, errors
    assert errors[0].startswith("ContractViolation: intake.ConsultationOpened v1: ")
    assert any("opened_at" in e and "date-time" in e for e in errors), errors
    assert any("'issues' is a required property" in e or "'opened_by' is a required property" in e for e in errors)
    assert any(e.startswith("EnvelopeError") and "timezone" in e for e in errors), errors
    with kit.engine.connect() as conn:
        statuses = dict(
            conn.execute(
                select(processed_table.c.event_id, processed_table.c.status).where(
                    processed_table.c.consumer == runner.name
                )
            ).all()
        )
    assert statuses == {good.id: "done", naive_in_data.id: "dead", missing_fields.id: "dead"}
    producer.close()
    kit.close()
