"""Dead letters, the operator's side (``shared.deadletters``), on a real broker and both stores:
what the runners set aside is listed per consumer with its state, a replay after a fix applies it
once, one that still fails is tried again by the next replay, and a real service's command line
(``python -m services.loans dead-letters ...``) lists, shows and replays its consumers' own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from deploy.kafka.cluster import create_topics
from shared.consumer import ConsumerRunner
from shared.db import make_engine
from shared.deadletters import main, read_dead_letters, replay_dead_letters, statuses
from shared.envelope import Envelope, to_kafka
from shared.kafka import make_producer
from shared.service import ConsumerSpec, build_kit
from shared.settings import ServiceSettings
from tests.support import T0, WORKER, effect_ids, effects, effects_engine, publish


@pytest.fixture
def engine(db_url):
    yield from effects_engine(db_url)


class Handler:
    """A handler whose refusals a test fixes step by step: it refuses events whose text it lists."""

    def __init__(self, *refused: str) -> None:
        self.refused = set(refused)

    def __call__(self, conn: Connection, env: Envelope) -> None:
        if env.data.get("text") in self.refused:
            raise ValueError(f"cannot handle {env.data['text']}")
        conn.execute(effects.insert().values(event_id=env.id, n=env.data["n"]))


def runner(engine, bootstrap: str, topic: str, name: str, handler: Handler) -> ConsumerRunner:
    return ConsumerRunner(
        name=name,
        engine=engine,
        handler=handler,
        topics=[topic],
        bootstrap_servers=bootstrap,
        dead_letter_topic=topic + ".dlq",
        producer=make_producer(bootstrap),
    )


def table(out: str) -> list[str]:
    """The command's own lines (tab-separated): the kit's log lines may share stdout in a test."""
    return [line for line in out.splitlines() if "\t" in line]


def test_a_dead_letter_that_still_fails_is_tried_again_by_the_next_replay_and_applied_once(engine, kafka, new_topic):
    bootstrap = kafka.bootstrap_servers
    topic = new_topic("replay")
    publish(engine, bootstrap, topic, [("r0", "ok"), ("r1", "bug-a"), ("r2", "bug-b"), ("r3", "ok")])
    handler = Handler("bug-a", "bug-b")
    c = runner(engine, bootstrap, topic, "replay-group", handler)
    c.run_until_idle()
    assert effect_ids(engine) == ["r0", "r3"]
    letters = read_dead_letters(bootstrap, topic + ".dlq")
    assert sorted(d.event_id or "" for d in letters) == ["r1", "r2"]
    assert all(d.consumer == "replay-group" and d.error.startswith("ValueError: cannot handle") for d in letters)
    assert {statuses(engine, letters)[("replay-group", d.event_id or "")] for d in letters} == {"dead"}

    handler.refused = {"bug-b"}  # the first fix mends one of the two causes
    assert replay_dead_letters(c) == (1, 1)
    assert effect_ids(engine) == ["r0", "r1", "r3"]
    handler.refused = set()  # the second fix: the one still failing is tried again, not passed over
    assert replay_dead_letters(c) == (1, 0)
    assert effect_ids(engine) == ["r0", "r1", "r2", "r3"]
    assert replay_dead_letters(c) == (0, 0)  # all replayed: nothing applied twice
    assert effect_ids(engine) == ["r0", "r1", "r2", "r3"]
    assert {statuses(engine, letters)[("replay-group", d.event_id or "")] for d in letters} == {"done"}
    c.consumer.close()


def test_the_list_command_shows_each_consumers_own_letters_with_their_state(engine, db_url, kafka, tmp_path, capsys):
    """Two consumers of one service dead-letter into its one topic; the command names each letter's
    consumer and state, filters by consumer, refuses a consumer the service does not have, and
    replays only the chosen consumer's."""
    bootstrap = kafka.bootstrap_servers
    service = f"dl{uuid.uuid4().hex[:8]}"
    create_topics(bootstrap, topics=[f"{service}.events", f"{service}.events.dlq"], partitions=2)
    source = f"{service}-in.events"
    create_topics(bootstrap, topics=[source], partitions=2)
    publish(engine, bootstrap, source, [("a0", "ok"), ("a1", "bug"), ("a2", "ok")])
    handlers = {"first": Handler("bug"), "second": Handler("bug")}

    def build() -> tuple[Any, Any]:
        settings = ServiceSettings(service=service, database_url=db_url, kafka_bootstrap_servers=bootstrap)
        kit = build_kit(settings, engine=make_engine(db_url))
        for name, handler in handlers.items():
            kit.add_consumer(ConsumerSpec(name, [source], handler))
        return None, kit

    _, kit = build()
    for c in kit.consumers:
        c.run_until_idle()
    kit.close()
    assert capsys.readouterr()

    assert main(["list"], build, service) == 0
    out, err = capsys.readouterr()
    rows = [line.split("\t") for line in table(out)]
    assert sorted((r[1], r[2], r[4]) for r in rows) == [("first", "a1", "dead"), ("second", "a1", "dead")]
    assert all(r[3] == "test.Noted" and r[5] == "ValueError: cannot handle bug" for r in rows)
    assert "2 dead letters not replayed, of 2" in err

    assert main(["list", "--consumer", "nobody"], build, service) == 2
    assert "has no consumer 'nobody'; its consumers: first, second" in capsys.readouterr().err

    at = next(r[0] for r in rows if r[1] == "second")
    assert main(["show", at], build, service) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["consumer"] == "second" and shown["event_id"] == "a1" and shown["data"]["text"] == "bug"
    assert shown["from"].startswith(source + "/") and shown["state"] == "dead"
    assert main(["show", "9:999"], build, service) == 1
    assert "no dead letter at 9:999" in capsys.readouterr().err

    handlers["first"].refused = set()
    assert main(["replay", "--consumer", "first"], build, service) == 0
    assert table(capsys.readouterr().out) == ["first\tfixed 1\tstill failing 0"]
    assert main(["list"], build, service) == 0
    out, err = capsys.readouterr()
    assert [line.split("\t")[1:5] for line in table(out)] == [["second", "a1", "test.Noted", "dead"]]
    assert main(["list", "--all"], build, service) == 0
    states = sorted((r.split("\t")[1], r.split("\t")[4]) for r in table(capsys.readouterr().out))
    assert states == [("first", "replayed"), ("second", "dead")]
    assert main(["replay"], build, service) == 1  # the second consumer's handler is not fixed yet
    assert table(capsys.readouterr().out) == ["first\tfixed 0\tstill failing 0", "second\tfixed 0\tstill failing 1"]
    assert effect_ids(engine) == ["a0", "a0", "a1", "a2", "a2"]  # a1 once: by the fixed consumer


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_services_command_line_lists_shows_and_replays_its_consumers_dead_letters(db_url, kafka, tmp_path):
    """As an operator runs it: ``python -m services.loans dead-letters ...`` with the service's own
    settings. A referral event whose data is broken reaches loans' referral projection, which
    dead-letters it; the command finds it under that consumer, shows it, and a replay reports it
    still failing (exit 1): broken data needs a fixed event, not a replay."""
    bootstrap = kafka.bootstrap_servers
    prefix = f"t{uuid.uuid4().hex[:6]}."
    env = {
        **os.environ,
        "LOANS_DATABASE_URL": db_url,
        "LOANS_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "LOANS_CONSUMER_GROUP_PREFIX": prefix,
        "LOANS_LOG_JSON": "false",
    }
    broken = Envelope(
        id=f"broken-{uuid.uuid4().hex[:8]}",
        source="intake",
        type="referral.ReferralMade",
        time=T0,
        subject="referral-x",
        caseid="case-x",
        actor=WORKER,
        streamversion=1,
        data={"not": "a referral"},
    )
    producer = make_producer(bootstrap)
    key, headers, value = to_kafka(broken)
    producer.send("intake.events", key=key, value=value, headers=headers).get(timeout=30)
    producer.close()

    from services.loans.bootstrap import build
    from services.loans.config import Settings

    _, kit = build(Settings(database_url=db_url, kafka_bootstrap_servers=bootstrap, consumer_group_prefix=prefix))
    projection = next(c for c in kit.consumers if c.name == f"{prefix}loans.referral-projection")
    projection.run_until_idle(idle_polls=2, timeout=60)
    kit.close()

    def cli(*args: str, **changes: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "services.loans", "dead-letters", *args]
        run_env = {**env, **changes}
        return subprocess.run(command, env=run_env, capture_output=True, text=True, timeout=120, cwd=Path.cwd())

    listed = cli("list", "--consumer", projection.name)
    assert listed.returncode == 0, listed.stderr
    mine = [line.split("\t") for line in listed.stdout.splitlines() if broken.id in line]
    assert len(mine) == 1 and mine[0][1:5] == [projection.name, broken.id, "referral.ReferralMade", "dead"], mine
    shown = cli("show", mine[0][0])
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["data"] == {"not": "a referral"}
    replayed = cli("replay", "--consumer", projection.name)
    assert replayed.returncode == 1, replayed.stderr
    assert replayed.stdout.strip() == f"{projection.name}\tfixed 0\tstill failing 1"
    away = cli("list", LOANS_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1")  # the broker away: said, no traceback
    assert away.returncode == 1 and "the dead letters of loans cannot be read now" in away.stderr, away.stderr
    assert "Traceback" not in away.stderr
    misspelt = subprocess.run(
        [sys.executable, "-m", "services.loans", "dead-letter", "list"], env=env, capture_output=True, text=True
    )
    assert misspelt.returncode == 2 and "usage: python -m services.loans" in misspelt.stderr  # starts no service


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_reporting_takes_the_dead_letters_command_beside_its_own(db_url, kafka):
    """Reporting has commands of its own (rebuild, case, ...); ``dead-letters`` reaches its projection's."""
    prefix = f"t{uuid.uuid4().hex[:6]}."
    env = {
        **os.environ,
        "REPORTING_DATABASE_URL": db_url,
        "REPORTING_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "REPORTING_CONSUMER_GROUP_PREFIX": prefix,
    }
    command = [sys.executable, "-m", "services.reporting", "dead-letters", "list", "--consumer", "nobody"]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert f"reporting has no consumer 'nobody'; its consumers: {prefix}reporting.projection" in run.stderr
    command[-1] = f"{prefix}reporting.projection"
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout == "", run.stderr
    assert "0 dead letters not replayed" in run.stderr
