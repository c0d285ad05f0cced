"""Dead letters, the operator's side: list, show and replay what a service's consumers set aside.

A consumer runner (:mod:`shared.consumer`) sends an event its handler cannot take to the service's
dead-letter topic ``<service>.events.dlq`` with the error, marks it ``dead`` and goes on; the alert
``TsunaguConsumerDeadLetters`` fires. Once the cause is fixed (the handler's bug, a missing code in a
code list, a contract) an operator replays them through the same handlers, with the service's own
settings, while the service runs::

    python -m services.loans dead-letters list                 # what waits for a fix (--all: replayed too)
    python -m services.loans dead-letters show 0:12            # one dead letter: partition:offset
    python -m services.loans dead-letters replay               # every consumer's (--consumer NAME: one)

A replay reads the whole dead-letter topic from its start every time (the topic is small and kept
forever), so a dead letter that still fails is tried again by the next replay, after the next fix.
An event replayed once is marked ``done`` in the same transaction as its effects, so a second
replay, or the same event dead-lettered twice, never applies it twice. A record that is no
CloudEvent at all cannot be replayed; it is listed as ``undecodable`` and stays.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import structlog
from kafka import KafkaConsumer, TopicPartition
from pydantic import ValidationError
from sqlalchemy import Engine, delete, select

from shared.consumer import ConsumerRunner, processed_table
from shared.db import reading
from shared.envelope import EnvelopeError, from_kafka
from shared.kafka import BrokerUnavailable, reachable

if TYPE_CHECKING:
    from shared.service import ServiceKit

__all__ = ["DeadLetter", "main", "read_dead_letters", "replay_dead_letters", "statuses"]

log = structlog.get_logger(__name__)

Outcome = Literal["fixed", "failing", "replayed_before"]


@dataclass(frozen=True)
class DeadLetter:
    """One record of a dead-letter topic, with what the runner that sent it there wrote on it."""

    partition: int
    offset: int
    consumer: str
    """The consumer group whose handler refused it (``dlq_consumer``)."""
    error: str
    origin: str
    """Where it was read from: ``topic/partition@offset``."""
    event_id: str | None
    """``None`` when the record carries no event id (it is no CloudEvent)."""
    event_type: str | None
    key: bytes | None
    headers: list[tuple[str, bytes]]
    value: bytes | None

    @property
    def at(self) -> str:
        """The dead letter's own address on its topic: ``partition:offset``."""
        return f"{self.partition}:{self.offset}"


def _letter(record: Any) -> DeadLetter:
    text: dict[str, str] = {}
    for name, raw in record.headers or ():
        try:
            text[name] = raw.decode()
        except (UnicodeDecodeError, AttributeError):
            continue
    return DeadLetter(
        partition=record.partition,
        offset=record.offset,
        consumer=text.get("dlq_consumer", ""),
        error=text.get("dlq_error", ""),
        origin=f"{text.get('dlq_topic', '?')}/{text.get('dlq_partition', '?')}@{text.get('dlq_offset', '?')}",
        event_id=text.get("ce_id"),
        event_type=text.get("ce_type"),
        key=record.key,
        headers=list(record.headers or ()),
        value=record.value,
    )


def read_dead_letters(
    bootstrap_servers: str, topic: str, *, consumer: str | None = None, timeout: float = 30.0
) -> list[DeadLetter]:
    """Every record of the dead-letter topic up to its end as of now, in partition and offset order;
    only those of ``consumer`` when given. Reads without a group: nothing is committed, so every
    call sees the whole topic."""
    reachable(bootstrap_servers, min(timeout, 5.0))
    reader = KafkaConsumer(
        bootstrap_servers=bootstrap_servers.split(","),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id="tsunagu-dead-letters",
    )
    try:
        tps = [TopicPartition(topic, p) for p in sorted(reader.partitions_for_topic(topic) or ())]
        if not tps:
            return []
        reader.assign(tps)
        reader.seek_to_beginning(*tps)
        ends: dict[TopicPartition, int] = reader.end_offsets(tps)
        letters: list[DeadLetter] = []
        deadline = time.monotonic() + timeout
        while any(reader.position(tp) < ends[tp] for tp in tps):
            if time.monotonic() > deadline:
                raise TimeoutError(f"read {len(letters)} dead letters of {topic} in {timeout:.0f} s, not all")
            for tp, records in reader.poll(timeout_ms=500).items():
                letters += [_letter(r) for r in records if r.offset < ends[tp]]
    finally:
        reader.close(autocommit=False)
    letters.sort(key=lambda d: (d.partition, d.offset))
    return [d for d in letters if consumer is None or d.consumer == consumer]


def statuses(engine: Engine, letters: Sequence[DeadLetter]) -> dict[tuple[str, str], str]:
    """The dedupe mark of each letter's (consumer, event id): ``dead`` while it waits, ``done`` once
    replayed (or handled by a later delivery)."""
    wanted: dict[str, list[str]] = {}
    for d in letters:
        if d.event_id is not None:
            wanted.setdefault(d.consumer, []).append(d.event_id)
    found: dict[tuple[str, str], str] = {}
    with reading(engine) as conn:
        for consumer, ids in wanted.items():
            rows = conn.execute(
                select(processed_table.c.event_id, processed_table.c.status).where(
                    processed_table.c.consumer == consumer, processed_table.c.event_id.in_(ids)
                )
            )
            found.update({(consumer, event_id): status for event_id, status in rows})
    return found


def replay_dead_letters(
    runner: ConsumerRunner, letters: Sequence[DeadLetter] | None = None, timeout: float = 30.0
) -> tuple[int, int]:
    """Run ``runner``'s dead letters through its handler again; returns (fixed, still failing).

    ``letters``: the dead-letter topic as already read (the others' letters are passed over);
    ``None`` reads it now. Those replayed before are passed over (not counted); those that fail
    again stay ``dead`` and are tried by the next replay."""
    fixed = failing = 0
    if letters is None:
        letters = read_dead_letters(runner.bootstrap_servers, runner.dead_letter_topic, timeout=timeout)
    for letter in letters:
        if letter.consumer != runner.name:
            continue
        outcome = _replay_one(runner, letter)
        fixed += outcome == "fixed"
        failing += outcome == "failing"
    log.info("consumer.dead_letters_replayed", consumer=runner.name, fixed=fixed, failing=failing)
    return fixed, failing


def _replay_one(runner: ConsumerRunner, letter: DeadLetter) -> Outcome:
    try:
        env = from_kafka(letter.key, letter.headers, letter.value)
    except EnvelopeError:
        return "failing"
    if runner.validate is not None and (problem := runner.validate(env)) is not None:
        log.warning("consumer.replay_invalid", consumer=runner.name, event_id=env.id, error=problem)
        return "failing"
    with runner.engine.connect() as conn:
        conn.begin()
        if runner.status_of(conn, env.id) == "done":
            conn.rollback()
            return "replayed_before"
        conn.execute(
            delete(processed_table).where(
                processed_table.c.consumer == runner.name, processed_table.c.event_id == env.id
            )
        )
        try:
            with conn.begin_nested():
                runner.handler(conn, env)
            runner.mark(conn, env.id, "done")
            conn.commit()
        except Exception:
            log.exception("consumer.replay_failed", consumer=runner.name, event_id=env.id)
            conn.rollback()
            return "failing"
    if runner.on_commit is not None:
        runner.on_commit()
    return "fixed"


# -- the operator's commands ---------------------------------------------------------------------


def _state(letter: DeadLetter, marks: dict[tuple[str, str], str]) -> str:
    if letter.event_id is None:
        return "undecodable"
    mark = marks.get((letter.consumer, letter.event_id))
    return {"done": "replayed", "dead": "dead"}.get(mark or "", "unmarked")


def main(argv: Sequence[str], build: Callable[[], tuple[Any, ServiceKit]], service: str) -> int:
    """``python -m services.<service> dead-letters list|show P:O|replay``, with the service's settings."""
    parser = argparse.ArgumentParser(
        prog=f"python -m services.{service} dead-letters",
        description=f"The dead letters of the {service} service's consumers ({service}.events.dlq)",
    )
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="dead letters waiting for a fix and a replay")
    listing.add_argument("--all", action="store_true", help="those replayed too")
    listing.add_argument("--consumer", help="only this consumer's")
    show = actions.add_parser("show", help="one dead letter, its error, headers and data")
    show.add_argument("at", metavar="PARTITION:OFFSET")
    replay = actions.add_parser("replay", help="run them through the consumers' handlers again, after a fix")
    replay.add_argument("--consumer", help="only this consumer's")
    args = parser.parse_args(argv)
    try:
        _app, kit = build()
    except ValidationError as exc:
        from shared.settings import refused_settings

        print(f"{service} cannot start: {refused_settings(exc)}", file=sys.stderr)
        return 2
    try:
        runners = {c.name: c for c in kit.consumers}
        chosen = getattr(args, "consumer", None)
        if chosen is not None and chosen not in runners:
            names = ", ".join(sorted(runners)) or "none"
            print(f"{service} has no consumer {chosen!r}; its consumers: {names}", file=sys.stderr)
            return 2
        return _run(args, kit, runners, chosen)
    except (BrokerUnavailable, TimeoutError) as exc:
        print(f"the dead letters of {service} cannot be read now: {exc}", file=sys.stderr)
        return 1
    finally:
        kit.close()


def _run(args: argparse.Namespace, kit: ServiceKit, runners: dict[str, ConsumerRunner], chosen: str | None) -> int:
    topic = kit.settings.dead_letter_topic
    letters = read_dead_letters(kit.settings.kafka_bootstrap_servers, topic, consumer=chosen)  # once for all
    if args.action == "replay":
        failing = 0
        for name, runner in sorted(runners.items()):
            if chosen in (None, name):
                fixed, still = replay_dead_letters(runner, letters)
                failing += still
                print(f"{name}\tfixed {fixed}\tstill failing {still}")
        return 1 if failing else 0
    marks = statuses(kit.engine, letters)
    states = [(d, _state(d, marks)) for d in letters]
    if args.action == "show":
        found = [(d, state) for d, state in states if d.at == args.at]
        if not found:
            print(f"no dead letter at {args.at} (partition:offset) of {topic}", file=sys.stderr)
            return 1
        return _show(*found[0])
    for d, state in states:
        if args.all or state != "replayed":
            print(f"{d.at}\t{d.consumer}\t{d.event_id or '-'}\t{d.event_type or '-'}\t{state}\t{d.error}")
    waiting = sum(1 for _, state in states if state != "replayed")
    print(f"{waiting} dead letters not replayed, of {len(letters)} on {topic}", file=sys.stderr)
    return 0


def _show(letter: DeadLetter, state: str) -> int:
    try:
        data: Any = json.loads(letter.value or b"")
    except ValueError:
        data = (letter.value or b"").decode("utf-8", "replace")
    shown = {
        "at": letter.at,
        "consumer": letter.consumer,
        "state": state,
        "error": letter.error,
        "from": letter.origin,
        "event_id": letter.event_id,
        "event_type": letter.event_type,
        "key": (letter.key or b"").decode("utf-8", "replace"),
        "headers": {name: raw.decode("utf-8", "replace") for name, raw in letter.headers},
        "data": data,
    }
    print(json.dumps(shown, ensure_ascii=False, indent=2))
    return 0
