"""Parked events, the operator's side: list, show and release what the outbox relay set aside.

The relay (:mod:`shared.relay`) parks an event Kafka will never take, in ``parked_events``, and goes
on; once the cause is fixed (the topic's limit raised, say) an operator releases it::

    python -m shared.relay parked list --service loans
    python -m shared.relay parked show 42 --service loans
    python -m shared.relay parked release 42 --service loans     # or --all

A released event reaches its topic after the events that followed it in the store; one Kafka still
refuses stays parked.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import Connection, select

from shared.db import make_engine, reading
from shared.envelope import kafka_record_from_store
from shared.eventstore import EventStore, events_table
from shared.kafka import LazyProducer
from shared.relay import OutboxRelay, parked_table

__all__ = ["main", "parked_events", "release_parked"]

log = structlog.get_logger(__name__)


def parked_events(conn: Connection, relay: str, *, include_released: bool = False) -> list[dict[str, Any]]:
    query = select(parked_table).where(parked_table.c.relay == relay).order_by(parked_table.c.position)
    if not include_released:
        query = query.where(parked_table.c.released_at.is_(None))
    return [dict(r) for r in conn.execute(query).mappings()]


def release_parked(relay: OutboxRelay, position: int) -> None:
    """Publish one parked event now and mark it released; raises (and keeps it parked) if Kafka
    still refuses it."""
    with reading(relay.engine) as conn:
        parked = conn.execute(
            select(parked_table).where(parked_table.c.relay == relay.name, parked_table.c.position == position)
        ).first()
        row = conn.execute(select(events_table).where(events_table.c.position == position)).mappings().first()
    if parked is None or row is None:
        raise LookupError(f"no parked event at position {position} for {relay.name}")
    key, headers, value = kafka_record_from_store(relay.store.source, dict(row))
    relay.producer.send(relay.topic, key=key, value=value, headers=headers).get(timeout=60)
    with relay.engine.begin() as conn:
        conn.execute(
            parked_table.update()
            .where(parked_table.c.relay == relay.name, parked_table.c.position == position)
            .values(released_at=datetime.now(UTC).isoformat())
        )
    log.info("relay.released", topic=relay.topic, relay=relay.name, position=position, event_id=row["event_id"])
    relay.parked_count()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m shared.relay parked list|show POSITION|release POSITION|--all --service NAME``."""
    from shared.settings import settings_for

    parser = argparse.ArgumentParser(prog="python -m shared.relay", description="The outbox relay's parked events")
    sub = parser.add_subparsers(dest="group", required=True).add_parser("parked", help="events set aside")
    parser_actions = sub.add_subparsers(dest="action", required=True)
    for action in ("list", "show", "release"):
        p = parser_actions.add_parser(action)
        p.add_argument("--service", required=True, help="whose store: intake, loans, districts, ...")
        p.add_argument("--topic", help="publish to this topic instead of the service's own")
        if action == "list":
            p.add_argument("--all", action="store_true", help="released ones too")
        if action == "show":
            p.add_argument("position", type=int)
        if action == "release":
            p.add_argument("position", type=int, nargs="?")
            p.add_argument("--all", action="store_true", help="every parked event of the service")
    args = parser.parse_args(argv)
    settings = settings_for(args.service)
    engine = make_engine(settings.resolved_database_url())
    name = f"relay:{settings.service}"
    try:
        with reading(engine) as conn:
            rows = parked_events(conn, name, include_released=args.action == "list" and args.all)
        if args.action == "list":
            for r in rows:
                state = f"released {r['released_at']}" if r["released_at"] else "parked"
                print(f"{r['position']}\t{r['event_id']}\t{r['event_type']}\t{r['parked_at']}\t{state}\t{r['error']}")
            print(f"{sum(1 for r in rows if not r['released_at'])} parked", file=sys.stderr)
            return 0
        if args.action == "show":
            found = [r for r in rows if r["position"] == args.position]
            if not found:
                print(f"no parked event at position {args.position} of {settings.service}", file=sys.stderr)
                return 1
            with reading(engine) as conn:
                query = select(events_table).where(events_table.c.position == args.position)
                row = conn.execute(query).mappings().one()
            shown = {**found[0], "bytes": len(row["data"].encode("utf-8")), "data": json.loads(row["data"])}
            print(json.dumps(shown, ensure_ascii=False, indent=2))
            return 0
        positions = [r["position"] for r in rows] if args.all else [args.position]
        if positions == [None]:
            parser.error("give a POSITION or --all")
        producer = LazyProducer(settings.kafka_bootstrap_servers, client_id=f"{settings.service}-release")
        relay = OutboxRelay(engine, EventStore(settings.service), producer, args.topic or settings.topic, name=name)
        failed = 0
        for position in positions:
            try:
                release_parked(relay, position)
                print(f"released {position}")
            except Exception as exc:
                failed += 1
                print(f"still parked {position}: {type(exc).__name__}: {exc}", file=sys.stderr)
        producer.close(timeout=5)
        return 1 if failed else 0
    finally:
        engine.dispose()
