"""``python -m services.loans`` as two processes on one store: ``LOANS_PROCESS=web`` and ``=worker``.

The web process takes the command; the worker (its own port, answering the probes) publishes the
event. Its relay polls only every 5 s, so an event published within 2 s of the command's answer was
published because the web process's commit woke the worker: ``NOTIFY`` on PostgreSQL, ``PRAGMA
data_version`` on SQLite.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.referral import Desk
from deploy.kafka.tooling import free_ports
from deploy.run import Layout, ServiceProc, start_services, stop_services, wait_healthy
from shared.db import make_engine, reading
from shared.eventstore import EventStore
from shared.relay import load_checkpoint
from tests.support import envelopes, read_topic

POLL = 5.0


def relay_leader(url: str) -> str:
    lines = httpx.get(url + "/metrics", timeout=5).text.splitlines()
    return " ".join(line for line in lines if line.startswith('tsunagu_relay_leader{topic="loans.events"}'))


def test_a_web_and_a_worker_process_of_loans_publish_a_command_at_once(db_url: str, kafka: Any, tmp_path: Path):
    web_port, worker_port = free_ports(2)
    procs = [ServiceProc("loans", web_port, "web"), ServiceProc("loans", worker_port, "worker")]
    layout = Layout(tmp_path / "var")
    env = {
        "TSUNAGU_AUTH": "hs256",
        "LOANS_DATABASE_URL": db_url,
        "LOANS_RELAY_POLL_SECONDS": str(POLL),
        "LOANS_CONSUMER_GROUP_PREFIX": f"split-{uuid.uuid4().hex[:8]}-",
    }
    engine, store = make_engine(db_url), EventStore("loans")

    def published() -> tuple[int, int]:
        with reading(engine) as conn:
            return store.head_position(conn), load_checkpoint(conn, "relay:loans")

    start_services(layout, kafka.bootstrap_servers, procs, env)
    try:
        wait_healthy(layout, procs, timeout=120)
        web, worker = procs
        assert relay_leader(web.url) == ""  # the web process runs no relay
        deadline = time.monotonic() + 30
        while relay_leader(worker.url) != 'tsunagu_relay_leader{topic="loans.events"} 1.0':
            assert time.monotonic() < deadline, f"the worker's relay never led: {relay_leader(worker.url)!r}"
            time.sleep(0.1)
        time.sleep(1.0)  # the worker's relay has caught up and waits, up to its 5 s poll

        name = f"分割 {uuid.uuid4().hex[:6]}"
        person = Desk(web.url, "loans").post("/people", {"name_kanji": name})["person_id"]
        answered = time.monotonic()
        head, _ = published()
        while published()[1] < head:
            assert time.monotonic() - answered < POLL + 10, "the worker never published the web process's event"
            time.sleep(0.005)
        took = time.monotonic() - answered
        print(f"web process's answer to the worker's publish: {took * 1000:.0f} ms (poll {POLL:.0f} s)")
        assert took < 2.0, f"the worker's relay waited for its poll ({took:.1f} s): the commit did not wake it"

        records = envelopes(read_topic(kafka.bootstrap_servers, "loans.events", expect=1))
        assert [e.type for e in records if e.data.get("person_id") == person] == ["registry.PersonRegistered"]
    finally:
        stop_services(layout)
        engine.dispose()
