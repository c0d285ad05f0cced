"""The cross-process wake-up of :mod:`shared.wake`, and the kit's ``process`` roles (no broker)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from shared.db import make_engine, migrate
from shared.eventstore import EventStore
from shared.service import build_kit
from shared.settings import ServiceSettings
from shared.uow import UnitOfWorkFactory
from shared.wake import DataVersionWatch, NotifyListener, notify_statement, outbox_channel, store_watch
from tests.support import WORKER, Noted


def test_a_services_channel_is_a_plain_postgres_identifier():
    assert outbox_channel("loans") == "tsunagu_outbox_loans"
    assert outbox_channel("Split-1a.b") == "tsunagu_outbox_split_1a_b"
    assert len(outbox_channel("x" * 100)) == 63
    assert str(notify_statement("tsunagu_outbox_loans")) == "NOTIFY tsunagu_outbox_loans"


@pytest.mark.parametrize("channel", ["loans; DROP TABLE events", "Loans", "", "a" * 64])
def test_notify_refuses_a_channel_that_would_need_quoting(channel):
    with pytest.raises(ValueError, match="not a plain channel name"):
        notify_statement(channel)


def test_the_data_version_watch_wakes_on_another_connections_commit_and_not_otherwise(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    watch, wake = DataVersionWatch(str(tmp_path / "store.db"), interval=0.01), threading.Event()
    watch.start(wake)
    try:
        assert watch.wait(wake, 0.1) is False  # nothing committed: it waits its time out

        def commit_later() -> None:
            time.sleep(0.2)
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO t VALUES (1)"))

        writer = threading.Thread(target=commit_later)
        writer.start()
        began = time.monotonic()
        assert watch.wait(wake, 10) is True
        assert time.monotonic() - began < 5
        writer.join()
        assert watch.wait(wake, 0.1) is False  # seen once

        wake.set()  # an in-process nudge still wakes it at once
        assert watch.wait(wake, 10) is True
    finally:
        watch.close()
        engine.dispose()


def test_each_store_gets_its_watch(tmp_path: Path):
    sqlite = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    assert isinstance(store_watch(sqlite, "loans"), DataVersionWatch)
    assert store_watch(make_engine("sqlite://"), "loans") is None  # in memory: no other process writes it
    pg = make_engine("postgresql+psycopg://u:p@127.0.0.1:1/loans_db")
    listener = store_watch(pg, "loans")
    assert isinstance(listener, NotifyListener)
    assert listener.channel == "tsunagu_outbox_loans"
    assert listener._dsn == "postgresql://u:p@127.0.0.1:1/loans_db"  # psycopg's own URL, password kept


def recorded_statements(engine: Any) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_a: seen.append(statement))
    return seen


def test_the_unit_of_work_notifies_once_with_its_events_and_before_inserting_them(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    migrate(engine)
    marker = text("SELECT 'woken'")  # SQLite has no NOTIFY: any statement shows where it runs
    uows = UnitOfWorkFactory(engine, EventStore("loans"), notify=marker)
    seen = recorded_statements(engine)
    with uows(WORKER) as uow:
        uow.record("s-0", 0, [], case_id="c-1")
        uow.commit()  # nothing recorded: nobody told
    assert "SELECT 'woken'" not in seen
    with uows(WORKER) as uow:
        uow.record("s-1", 0, [Noted(text="x")], case_id="c-1")
        uow.record("s-2", 0, [Noted(text="y")], case_id="c-1")
        uow.commit()
    assert seen.count("SELECT 'woken'") == 1
    inserts = [i for i, statement in enumerate(seen) if statement.startswith("INSERT INTO events")]
    # Sent before the first insert, so that the store's append lock (PostgreSQL) covers the inserts
    # and the commit alone; PostgreSQL delivers it at the commit and drops it on a rollback
    # (tests/integration/kit/test_process_split.py).
    assert len(inserts) == 2 and seen.index("SELECT 'woken'") < inserts[0]
    engine.dispose()


def settings(tmp_path: Path, process: str) -> ServiceSettings:
    return ServiceSettings(service="loans", var_dir=tmp_path, process=process, kafka_bootstrap_servers="127.0.0.1:1")


@pytest.mark.parametrize(("process", "runs"), [("all", True), ("web", False), ("worker", True)])
def test_only_a_web_process_starts_no_background_work(tmp_path: Path, process: str, runs: bool):
    kit = build_kit(settings(tmp_path, process), kafka=False)
    ran = threading.Event()
    kit.add_periodic("sweep", 0.01, ran.set)
    kit.start_workers()
    try:
        assert [t.name for t in kit._threads] == (["sweep"] if runs else [])
        assert ran.wait(2 if runs else 0.2) is runs
    finally:
        kit.close()


ROLES = [("all", False, True), ("web", False, False), ("worker", True, True)]


@pytest.mark.parametrize(("process", "watches", "nudges"), ROLES)
def test_the_kit_wires_the_relay_for_its_role(tmp_path: Path, process: str, watches: bool, nudges: bool):
    kit = build_kit(settings(tmp_path, process))  # nothing connects to the broker while none runs
    try:
        assert kit.relay is not None
        assert isinstance(kit.relay.watch, DataVersionWatch) is watches
        assert (kit.uow.on_commit == kit.relay.nudge) is nudges
        assert kit.uow.notify is None  # NOTIFY is PostgreSQL's: a web process on SQLite has none to send
    finally:
        kit.close()
