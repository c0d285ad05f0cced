"""A service's HTTP and its background work in separate processes on one store (``<PREFIX>PROCESS``).

A ``web`` kit starts no relay, consumer or periodic task: what it commits stays in the store. A
``worker`` kit on the same store publishes it, woken by the web kit's commit across "processes"
(two kits with their own engines and connections, as two processes have): ``NOTIFY``/``LISTEN`` on
PostgreSQL, ``PRAGMA data_version`` on SQLite. Its relay polls only every 5 s, so an event published
within 2 s of its commit was published because the commit woke it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from shared.db import make_engine, reading
from shared.envelope import Actor
from shared.relay import load_checkpoint
from shared.service import ServiceKit, build_kit
from shared.settings import ServiceSettings
from shared.wake import DataVersionWatch, NotifyListener, notify_statement, outbox_channel
from tests.support import Noted, envelopes, read_topic

STAFF = Actor(staff_id="l-w1", department="loans", role="worker")
POLL = 5.0


def kit(db_url: str, kafka: Any, service: str, process: str, var: Path) -> ServiceKit:
    settings = ServiceSettings(
        service=service,
        database_url=db_url,
        var_dir=var,
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        process=process,
        relay_poll_seconds=POLL,
        consumer_group_prefix=f"{service}-",
    )
    made = build_kit(settings)
    made.add_periodic("sweep", 0.05, lambda: None)
    return made


def command(made: ServiceKit, stream: str, text: str) -> None:
    with made.uow(STAFF) as uow:
        uow.record(stream, 0, [Noted(text=text)], case_id="case-1")
        uow.commit()


def checkpoint(made: ServiceKit) -> int:
    with reading(made.engine) as conn:
        return load_checkpoint(conn, f"relay:{made.settings.service}")


def head(made: ServiceKit) -> int:
    with reading(made.engine) as conn:
        return made.store.head_position(conn)


def wait_published(made: ServiceKit, position: int, timeout: float) -> float:
    """Seconds until the relay's checkpoint (moved once Kafka acknowledged) reaches ``position``."""
    began = time.monotonic()
    while checkpoint(made) < position:
        assert time.monotonic() - began < timeout, f"not published within {timeout} s"
        time.sleep(0.005)
    return time.monotonic() - began


def test_the_worker_publishes_at_once_what_the_web_process_committed(db_url, kafka, new_topic, tmp_path):
    topic = new_topic("split")
    service = topic.removesuffix(".events")
    web = kit(db_url, kafka, service, "web", tmp_path)
    worker = kit(db_url, kafka, service, "worker", tmp_path)
    try:
        threads_before = {t.name for t in threading.enumerate()}
        web.start_workers()
        assert web._threads == []
        assert {t.name for t in threading.enumerate()} - threads_before == set()  # no relay, no sweep
        assert web.relay is not None and web.relay.watch is None
        command(web, "s-1", "stored by the web process")
        time.sleep(0.5)
        assert (head(web), checkpoint(web)) == (1, 0)  # stored, and nobody published it

        worker.start_workers()
        assert {t.name for t in worker._threads} == {f"relay:{service}", "sweep"}
        assert worker.relay is not None
        wait_published(worker, 1, timeout=30)  # on start, whatever the poll
        watch = worker.relay.watch
        if isinstance(watch, NotifyListener):
            assert watch.listening.wait(10)
        else:
            assert isinstance(watch, DataVersionWatch)
        time.sleep(0.3)  # the relay is waiting for work now, up to its 5 s poll

        command(web, "s-2", "committed in the web process")
        took = wait_published(worker, 2, timeout=POLL + 5)
        print(f"commit to publish across processes: {took * 1000:.0f} ms (poll {POLL:.0f} s)")
        assert took < 2.0, f"the worker's relay waited for its poll ({took:.1f} s): the commit did not wake it"
        got = envelopes(read_topic(kafka.bootstrap_servers, topic, expect=2))
        assert sorted(e.data["text"] for e in got) == ["committed in the web process", "stored by the web process"]
    finally:
        web.close()
        worker.close()


def test_a_process_doing_all_its_work_watches_no_store_and_notifies_nobody(db_url, kafka, tmp_path):
    made = kit(db_url, kafka, "loans", "all", tmp_path)
    try:
        assert made.relay is not None and made.relay.watch is None
        assert made.uow.notify is None
        assert made.uow.on_commit == made.relay.nudge
    finally:
        made.close()


@pytest.mark.postgres
def test_the_listener_listens_again_when_its_session_is_killed_and_wakes_on_a_notify(pg_url):
    engine = make_engine(pg_url)
    listener, wake = NotifyListener(engine, outbox_channel("loans"), reconnect_seconds=0.2), threading.Event()
    listener.start(wake)
    try:
        assert listener.listening.wait(10)
        assert wake.wait(1)  # listening began: the relay reads once, for a commit made before it
        with engine.begin() as conn:
            killed = (
                conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": f"{listener.channel}-listen"},
                )
                .scalars()
                .all()
            )
        assert killed == [True]
        deadline = time.monotonic() + 10
        while listener.listening.is_set():  # it notices the lost session ...
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert listener.listening.wait(10)  # ... and listens again
        wake.clear()
        with engine.begin() as conn:
            conn.execute(notify_statement(listener.channel))
        assert wake.wait(5)
        wake.clear()
        with engine.begin() as conn:  # rolled back: nobody is told
            conn.execute(notify_statement(listener.channel))
            conn.rollback()
        assert not wake.wait(1)
    finally:
        listener.close()
        engine.dispose()


@pytest.mark.postgres
def test_a_web_unit_of_work_wakes_the_worker_only_when_its_events_commit(pg_url, kafka, tmp_path):
    """The ``NOTIFY`` is sent with the first recorded event, before the append lock; PostgreSQL holds
    it to the commit, so a command that fails after recording wakes nobody."""
    web = kit(pg_url, kafka, "loans", "web", tmp_path)
    assert web.uow.notify is not None
    listener, wake = NotifyListener(web.engine, outbox_channel("loans"), reconnect_seconds=0.2), threading.Event()
    listener.start(wake)
    try:
        assert listener.listening.wait(10)
        assert wake.wait(1)  # the first read after listening
        wake.clear()
        with pytest.raises(RuntimeError), web.uow(STAFF) as uow:
            uow.record("s-failed", 0, [Noted(text="never committed")], case_id="case-1")
            raise RuntimeError("the command fails after recording")
        assert not wake.wait(1)
        command(web, "s-committed", "committed")
        assert wake.wait(5)
    finally:
        listener.close()
        web.close()
