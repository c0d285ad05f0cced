"""Backup and restore of the one-machine platform (``deploy/backup.py``), on real SQLite files and
real brokers.

- A backup taken while services write is one cut across the stores: an effect is never in it
  without its cause (a writer commits a cause in one store, then its effect in another, without pause).
- A damaged backup, or a platform still running, is refused before anything in ``var/run`` moves.
- The whole drill: the platform on one broker runs story 4 (a denied loan refers the household to
  intake by itself); a backup; one more consultation after it; the platform stops; the backup is
  restored and the platform starts on a new, empty broker. The consultation opened after the
  backup is gone; every stored event is published again once; no consumer applies an event twice
  (the case view is the one from before); the desks go on where they were.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert

from deploy.backup import BackupError, create, main, restore, verify
from deploy.demo.loans_stories import story_4_multiple_debts
from deploy.demo.stories import dev_token
from deploy.kafka.cluster import create_topics, start_single
from shared.consumer import processed_table
from shared.db import make_engine
from shared.relay import checkpoints_table
from tests.e2e.harness import Platform
from tests.support import envelopes, read_topic

_md = MetaData()
causes = Table("causes", _md, Column("n", Integer, primary_key=True))
effects = Table("effects", _md, Column("n", Integer, primary_key=True), Column("cause", Integer, nullable=False))


def _stores(run_dir: Path) -> tuple[Any, Any]:
    """Two services' stores on the services' own SQLite engines (WAL, BEGIN IMMEDIATE): the cause
    store is the first the backup locks and copies, the effect store the last (as intake and
    reporting), the order in which copying the files one by one would lose causes."""
    run_dir.mkdir(parents=True)
    producer = make_engine(f"sqlite:///{run_dir / 'intake.db'}")
    consumer = make_engine(f"sqlite:///{run_dir / 'reporting.db'}")
    _md.create_all(producer, tables=[causes])
    _md.create_all(consumer, tables=[effects])
    return producer, consumer


def test_a_backup_taken_while_services_write_never_holds_an_effect_without_its_cause(tmp_path: Path) -> None:
    producer, consumer = _stores(tmp_path / "run")
    stop = threading.Event()
    written: list[int] = []
    failures: list[BaseException] = []

    def write() -> None:
        n = 0
        try:
            while not stop.is_set():
                n += 1
                with producer.begin() as conn:
                    conn.execute(insert(causes).values(n=n))
                with consumer.begin() as conn:
                    conn.execute(insert(effects).values(n=n, cause=n))
                written.append(n)
        except BaseException as exc:  # a write the backup made fail would be a lost command
            failures.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    taken = []
    try:
        while len(written) < 50:
            threading.Event().wait(0.01)
        at_start = len(written)
        for _ in range(25):
            taken.append(create(tmp_path / "run", tmp_path / "backups"))
        during = len(written) - at_start
    finally:
        stop.set()
        writer.join()
    assert not failures, failures
    assert during > 0  # the writer went on while the backups were taken
    sizes = []
    for backup in taken:
        verify(backup)
        with sqlite3.connect(backup / "intake.db") as a, sqlite3.connect(backup / "reporting.db") as b:
            have = {n for (n,) in a.execute("SELECT n FROM causes")}
            effects_of = [cause for (cause,) in b.execute("SELECT cause FROM effects")]
        assert set(effects_of) <= have, f"{backup.name}: effects without their cause {sorted(set(effects_of) - have)}"
        # Effects trail their causes by at most the one write in between (the cut is one moment).
        assert len(have) - len(effects_of) in (0, 1), (len(have), len(effects_of))
        sizes.append(len(have))
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]  # later backups hold more
    assert not list((tmp_path / "backups").glob("*.partial"))


def test_a_damaged_backup_or_a_running_platform_is_refused_and_var_run_stays(tmp_path: Path) -> None:
    producer, consumer = _stores(tmp_path / "var" / "run")
    with producer.begin() as conn:
        conn.execute(insert(causes).values(n=1))
    producer.dispose()
    consumer.dispose()
    backup = create(tmp_path / "var" / "run", tmp_path / "backups")
    before = {p.name: p.read_bytes() for p in (tmp_path / "var" / "run").iterdir()}

    # Still running: make run's pid file names a live process (this one).
    (tmp_path / "var" / "run" / "platform.pid").write_text(str(os.getpid()))
    with pytest.raises(BackupError, match=r"still runs \(platform.pid: pid \d+\): stop it first \(make stop\)"):
        restore(backup, tmp_path / "var")
    (tmp_path / "var" / "run" / "platform.pid").unlink()

    damaged = bytearray((backup / "intake.db").read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (backup / "intake.db").write_bytes(bytes(damaged))
    with pytest.raises(BackupError, match=r"intake: .* does not match the SHA-256 its manifest recorded"):
        restore(backup, tmp_path / "var")
    assert {p.name: p.read_bytes() for p in (tmp_path / "var" / "run").iterdir()} == before
    assert not (tmp_path / "var" / "replaced").exists()

    # The command says what to do, in one line, and exits 1.
    argv = ["--var", str(tmp_path / "var"), "--to", str(tmp_path / "backups")]
    assert main([*argv, "verify", backup.name]) == 1
    assert main([*argv, "restore", "no-such-backup"]) == 1
    assert main([*argv, "restore", backup.name]) == 1
    assert main(["--var", str(tmp_path / "empty"), "create"]) == 1


def _case_view(platform: Platform, case_id: str) -> dict[str, Any]:
    reporting = platform.client("reporting", "intake")
    response = reporting.get(f"/cases/{case_id}", params={"purpose": "support_coordination"})
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    return view


def _settled(platform: Platform) -> bool:
    """Every relay has published its store, and every consumer has read to the end of its topics."""
    kits = platform.kits.values()
    return all(k.relay is None or k.relay.backlog() == 0 for k in kits) and all(
        runner.lag() == 0 for k in kits for runner in k.consumers
    )


def _consultation_of(person_id: str, own_words: str) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "source": "self",
        "channel": "phone",
        "issues": ["household_budget"],
        "own_words": own_words,
    }


def _event_ids(store: Path) -> set[str]:
    with sqlite3.connect(store) as conn:
        return {event_id for (event_id,) in conn.execute("SELECT event_id FROM events")}


@pytest.mark.kafka
def test_a_restored_platform_on_a_new_broker_has_the_backup_and_goes_on(kafka: Any, tmp_path: Path) -> None:
    first = Platform(kafka.bootstrap_servers, tmp_path / "a" / "run").start()
    try:
        story = story_4_multiple_debts(first.urls, dev_token)
        first.eventually(lambda: _settled(first), timeout=60, what="the first platform settled")
        before = _case_view(first, story.case_id)
        backup = create(tmp_path / "a" / "run", tmp_path / "backups")
        late = first.client("intake", "intake").post(
            "/consultations",
            json=_consultation_of(story.ids["person_id"], "バックアップの後の相談"),
        )
        assert late.status_code == 201, late.text
        late_id = late.json()["consultation_id"]
    finally:
        first.stop()

    broker = start_single(tmp_path / "kafka", port=None, fresh=True)
    second = None
    try:
        create_topics(broker.bootstrap_servers, partitions=3)
        aside = restore(backup, tmp_path / "a")
        # Nothing is deleted: the replaced store, with the consultation opened after the backup, is kept.
        assert aside is not None and aside.parent == tmp_path / "a" / "replaced"
        with sqlite3.connect(aside / "run" / "intake.db") as replaced:
            assert (
                replaced.execute("SELECT count(*) FROM events WHERE stream_id LIKE ?", (f"%{late_id}",)).fetchone()[0]
                == 1
            )
        second = Platform(broker.bootstrap_servers, tmp_path / "a" / "run").start()
        intake = second.client("intake", "intake")
        assert intake.get(f"/consultations/{late_id}").status_code == 404

        # Every event of every store is published again, once, on the new broker.
        for name in ("intake", "loans"):
            stored = _event_ids(tmp_path / "a" / "run" / f"{name}.db")
            on_topic = [e.id for e in envelopes(read_topic(broker.bootstrap_servers, f"{name}.events", len(stored)))]
            assert sorted(on_topic) == sorted(stored), name
        second.eventually(lambda: _settled(second), timeout=60, what="the restored platform settled")
        # Consumers read every topic from the start and applied nothing twice: the case is as it was.
        after = _case_view(second, story.case_id)
        assert after == before
        referrals = intake.get("/referrals/inbox", params={"case_id": story.case_id, "limit": 200})
        assert referrals.status_code == 200, referrals.text
        automatic = [r for r in referrals.json()["items"] if r["rule_id"] == "loans.denied_to_budget_consultation"]
        assert [r["referral_id"] for r in automatic] == [story.ids["referral_to_intake"]]

        # The desks go on: a new consultation for the person is taken and reporting shows it.
        opened = intake.post("/consultations", json=_consultation_of(story.ids["person_id"], "復元の後の相談"))
        assert opened.status_code == 201, opened.text
        second.eventually(
            lambda: len(_case_view(second, story.case_id)["timeline"]) > len(before["timeline"]),
            what="reporting shows the consultation opened after the restore",
        )
    finally:
        if second is not None:
            second.stop()
        broker.stop(remove_data=True)


def test_a_restore_sends_every_relay_back_to_the_start_and_tries_dead_events_again(tmp_path: Path) -> None:
    run_dir = tmp_path / "var" / "run"
    run_dir.mkdir(parents=True)
    engine = make_engine(f"sqlite:///{run_dir / 'loans.db'}")
    checkpoints_table.metadata.create_all(engine, tables=[checkpoints_table])
    processed_table.metadata.create_all(engine, tables=[processed_table])
    with engine.begin() as conn:
        conn.execute(insert(checkpoints_table).values(name="loans", position=71))
        for event_id, status in (("e-1", "done"), ("e-2", "dead"), ("e-3", "done")):
            conn.execute(
                insert(processed_table).values(consumer="loans.x", event_id=event_id, status=status, processed_at="t")
            )
    engine.dispose()
    backup = create(run_dir, tmp_path / "backups")
    assert restore(backup, tmp_path / "var") is not None
    with sqlite3.connect(run_dir / "loans.db") as conn:
        assert conn.execute("SELECT name, position FROM relay_checkpoints").fetchall() == [("loans", 0)]
        assert conn.execute("SELECT event_id, status FROM processed_events ORDER BY event_id").fetchall() == [
            ("e-1", "done"),
            ("e-3", "done"),
        ]


def test_the_command_lists_and_keeps_the_newest(tmp_path: Path) -> None:
    producer, consumer = _stores(tmp_path / "var" / "run")
    producer.dispose()
    consumer.dispose()
    argv = ["--var", str(tmp_path / "var")]
    for _ in range(3):
        assert main([*argv, "create", "--keep", "2"]) == 0
    kept = sorted(p.name for p in (tmp_path / "var" / "backups").iterdir())
    assert len(kept) == 2
    assert main([*argv, "list"]) == 0
    assert main([*argv, "verify", kept[-1]]) == 0
