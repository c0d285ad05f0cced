"""The event store: each service's source of truth, append-only and hash-chained.

- :meth:`EventStore.append` writes events to one stream with optimistic concurrency: the caller
  names the stream version it decided on; if the stream moved on, :class:`ConcurrencyConflict`
  is raised and nothing is written (never a lost update).
- Positions are gap-free in commit order. On PostgreSQL a sequence can commit out of order (a
  transaction holding position 7 may commit after one holding 8), and a relay reading
  "position > last" would then skip 7 forever. Appends therefore take a transaction-scoped
  advisory lock before they draw positions, so positions become visible in order. Every append
  of the service waits for that lock until its holder commits, so a command takes it as late as
  it can: after its read rows are written (:func:`shared.commands.execute_in`) and its rows are
  built, for the insert, the ``NOTIFY`` and the commit alone. SQLite
  serialises writers already (``BEGIN IMMEDIATE`` in :mod:`shared.db`).
- Every stored event carries the hash of its predecessor in the stream and its own hash over
  its canonical content, so :meth:`EventStore.verify_stream` proves that nothing was altered,
  removed or reordered.
- An event whose Kafka record would be larger than ``max_event_bytes`` (the topic's
  ``max.message.bytes`` less framing) is refused with :class:`InvalidCommand` naming its largest
  field, before anything is written: stored, it could never be published.

The store never commits: the unit of work that owns the connection does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError

from shared.envelope import Actor, Envelope, kafka_record_from_store
from shared.errors import ConcurrencyConflict, InvalidCommand

__all__ = [
    "DEFAULT_MAX_EVENT_BYTES",
    "GENESIS_HASH",
    "ChainReport",
    "EventStore",
    "NewEvent",
    "event_hash",
    "events_table",
    "verify_chain",
    "verify_envelopes",
]

GENESIS_HASH = "0" * 64
DEFAULT_MAX_EVENT_BYTES = 1_048_588 - 16 * 1024
"""Kafka's default ``max.message.bytes`` (1,048,588) less 16 KiB for the record batch framing."""
# Any constant works; it names "the event store's append lock" for pg_advisory_xact_lock.
_APPEND_LOCK_KEY = 0x7473756E61677531

metadata = MetaData()
events_table = Table(
    "events",
    metadata,
    Column("position", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("stream_id", String(128), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("case_id", String(128), nullable=False),
    Column("occurred_at", String(40), nullable=False),
    Column("actor_id", String(128), nullable=False),
    Column("actor_department", String(64), nullable=False),
    Column("actor_role", String(64), nullable=False),
    Column("actor_name", String(200)),
    Column("correlation_id", String(64)),
    Column("causation_id", String(64)),
    Column("schema_version", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)


# A command's statements, built once: SQLAlchemy memoises a statement object's cache key, so a
# constant statement with bound parameters skips rebuilding and re-keying it on every command.
_STREAM_HEAD = (
    select(events_table.c.stream_version, events_table.c.hash)
    .where(events_table.c.stream_id == bindparam("stream_id"))
    .order_by(events_table.c.stream_version.desc())
    .limit(1)
)
_STREAM_TAIL = (
    select(events_table)
    .where(events_table.c.stream_id == bindparam("stream_id"), events_table.c.stream_version > bindparam("after"))
    .order_by(events_table.c.stream_version)
)
_ROWS_AFTER = (
    select(events_table)
    .where(events_table.c.position > bindparam("after"))
    .order_by(events_table.c.position)
    .limit(bindparam("limit", type_=Integer))
)
_INSERT_EVENTS = events_table.insert().returning(events_table.c.position)
_APPEND_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
_APPEND_SAVEPOINT = "tsunagu_append"


@dataclass(frozen=True)
class NewEvent:
    """An event about to be appended (its stream and version are given to :meth:`append`)."""

    event_id: str
    event_type: str
    case_id: str
    time: datetime
    actor: Actor
    data: dict[str, Any]
    schema_version: int = 1
    correlation_id: str | None = None
    causation_id: str | None = None

    def __post_init__(self) -> None:
        # astimezone() would read a naive time as the server's local time: refuse it instead.
        if self.time.tzinfo is None or self.time.utcoffset() is None:
            raise ValueError(f"event {self.event_id} ({self.event_type}) has a naive time {self.time.isoformat()}")


@dataclass
class ChainReport:
    """Outcome of a hash-chain check of one stream."""

    stream_id: str
    events_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """SHA-256 over the predecessor's hash and every attribute of the event but its position."""
    content = {
        "prev": prev_hash,
        "event_id": row["event_id"],
        "stream_id": row["stream_id"],
        "stream_version": row["stream_version"],
        "event_type": row["event_type"],
        "case_id": row["case_id"],
        "occurred_at": row["occurred_at"],
        # The display name is bound when there is one; events recorded before names (or by
        # automation) hash as they always did.
        "actor": [row["actor_id"], row["actor_department"], row["actor_role"]]
        + ([row["actor_name"]] if row.get("actor_name") else []),
        "correlation_id": row["correlation_id"],
        "causation_id": row["causation_id"],
        "schema_version": row["schema_version"],
        "data": json.loads(row["data"]) if isinstance(row["data"], str) else row["data"],
    }
    return hashlib.sha256(_canonical(content).encode("utf-8")).hexdigest()


class EventStore:
    """Append and read the events of one service (``source``, e.g. ``"intake"``)."""

    def __init__(self, source: str, *, max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES) -> None:
        self.source = source
        self.max_event_bytes = max_event_bytes

    # -- writing ---------------------------------------------------------------------------
    def append(
        self,
        conn: Connection,
        stream_id: str,
        expected_version: int,
        events: Sequence[NewEvent],
        *,
        savepoint: bool = True,
    ) -> list[Envelope]:
        """Append ``events`` after ``expected_version`` of ``stream_id`` on ``conn`` (not committed).

        The append lock (PostgreSQL) is taken after the stream's head is read and the rows are
        built, just before the insert: every command of the service waits for it until the holder
        commits, so it covers as little as it can. Reading the head first loses nothing: a stream
        moved on meanwhile makes the insert break the stream's unique version, a conflict.
        ``savepoint=False``: no savepoint around the insert, for a caller that owns the
        transaction and drops it on a conflict (a command's unit of work); two statements less
        under the lock.
        """
        if not events:
            return []
        last = conn.execute(_STREAM_HEAD, {"stream_id": stream_id}).first()
        current, prev_hash = (last[0], last[1]) if last else (0, GENESIS_HASH)
        if current != expected_version:
            raise ConcurrencyConflict(
                f"stream {stream_id} is at version {current}, not {expected_version}: reload it and retry your change",
                field="expected_version",
            )
        rows = []
        for offset, ev in enumerate(events, start=1):
            row: dict[str, Any] = {
                "event_id": ev.event_id,
                "stream_id": stream_id,
                "stream_version": expected_version + offset,
                "event_type": ev.event_type,
                "case_id": ev.case_id,
                "occurred_at": ev.time.astimezone(UTC).isoformat(),
                "actor_id": ev.actor.staff_id,
                "actor_department": ev.actor.department,
                "actor_role": ev.actor.role,
                "actor_name": ev.actor.name,
                "correlation_id": ev.correlation_id,
                "causation_id": ev.causation_id,
                "schema_version": ev.schema_version,
                "data": _canonical(ev.data),
            }
            row["prev_hash"] = prev_hash
            row["hash"] = prev_hash = event_hash(prev_hash, row)
            self._check_size(row, ev)
            rows.append(row)
        if conn.dialect.name == "postgresql":
            conn.execute(_APPEND_LOCK, {"k": _APPEND_LOCK_KEY})
        # A savepoint, so that a refused insert leaves the caller's transaction usable (PostgreSQL
        # aborts a transaction on an error). Plain statements: SQLAlchemy's begin_nested compiles
        # its SAVEPOINT and RELEASE anew each time (a tenth of a command's CPU).
        if savepoint:
            conn.exec_driver_sql(f"SAVEPOINT {_APPEND_SAVEPOINT}")
        try:
            # One row (most commands) as a single execute, not the executemany path.
            result = conn.execute(_INSERT_EVENTS, rows[0] if len(rows) == 1 else rows)
            positions = [r[0] for r in result]
        except IntegrityError as exc:
            if savepoint:
                conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {_APPEND_SAVEPOINT}")
                conn.exec_driver_sql(f"RELEASE SAVEPOINT {_APPEND_SAVEPOINT}")
            raise ConcurrencyConflict(
                f"stream {stream_id} was changed concurrently (or an event id was reused): reload and retry",
                field="expected_version",
            ) from exc
        if savepoint:
            conn.exec_driver_sql(f"RELEASE SAVEPOINT {_APPEND_SAVEPOINT}")
        return [self._envelope({**row, "position": pos}) for row, pos in zip(rows, positions, strict=True)]

    def _check_size(self, row: dict[str, Any], event: NewEvent) -> None:
        if self.max_event_bytes is None:
            return
        key, headers, value = kafka_record_from_store(self.source, {**row, "position": 2**63 - 1})
        size = len(key) + len(value) + sum(len(name) + len(v) for name, v in headers)
        if size <= self.max_event_bytes:
            return
        sizes = {name: len(_canonical(v).encode("utf-8")) for name, v in event.data.items()}
        largest = max(sizes, key=sizes.__getitem__) if sizes else None
        where = f": {largest!r} holds {sizes[largest]:,} bytes, shorten it" if largest else ""
        raise InvalidCommand(
            f"{event.event_type} would be {size:,} bytes, more than the {self.max_event_bytes:,} bytes "
            f"an event may have{where}",
            field=largest,
            reason="event_too_large",
            ctx={"max": self.max_event_bytes},
        )

    # -- reading ---------------------------------------------------------------------------
    def read_stream(self, conn: Connection, stream_id: str, *, after_version: int = 0) -> list[Envelope]:
        """The stream's events in order; only those after ``after_version`` if given (a snapshot's tail)."""
        rows = conn.execute(_STREAM_TAIL, {"stream_id": stream_id, "after": after_version}).mappings()
        return [self._envelope(dict(r)) for r in rows]

    def read_all(self, conn: Connection, after: int = 0, limit: int = 1000) -> list[Envelope]:
        """Events in store order with ``position > after``."""
        rows = conn.execute(
            select(events_table).where(events_table.c.position > after).order_by(events_table.c.position).limit(limit)
        ).mappings()
        return [self._envelope(dict(r)) for r in rows]

    def read_rows(self, conn: Connection, after: int = 0, limit: int = 1000) -> list[Any]:
        """Raw stored rows with ``position > after`` (the relay's hot path; see ``kafka_record_from_store``)."""
        return list(conn.execute(_ROWS_AFTER, {"after": after, "limit": limit}).mappings())

    def head_position(self, conn: Connection) -> int:
        return int(conn.execute(select(func.coalesce(func.max(events_table.c.position), 0))).scalar_one())

    def stream_ids_for_case(self, conn: Connection, case_id: str) -> list[str]:
        rows = conn.execute(select(events_table.c.stream_id).where(events_table.c.case_id == case_id).distinct())
        return sorted(r[0] for r in rows)

    # -- audit -----------------------------------------------------------------------------
    def verify_stream(self, conn: Connection, stream_id: str) -> ChainReport:
        rows = conn.execute(
            select(events_table).where(events_table.c.stream_id == stream_id).order_by(events_table.c.stream_version)
        ).mappings()
        return verify_chain(stream_id, (dict(r) for r in rows))

    def _envelope(self, row: dict[str, Any]) -> Envelope:
        return Envelope(
            id=row["event_id"],
            source=self.source,
            type=row["event_type"],
            time=datetime.fromisoformat(row["occurred_at"]),
            subject=row["stream_id"],
            caseid=row["case_id"],
            actor=Actor(
                staff_id=row["actor_id"],
                department=row["actor_department"],
                role=row["actor_role"],
                name=row.get("actor_name"),
            ),
            streamversion=row["stream_version"],
            schemaversion=row["schema_version"],
            correlationid=row["correlation_id"],
            causationid=row["causation_id"],
            data=json.loads(row["data"]) if isinstance(row["data"], str) else row["data"],
            position=row.get("position"),
            eventhash=row["hash"],
            prevhash=row["prev_hash"],
        )


def verify_chain(stream_id: str, rows: Iterable[dict[str, Any]]) -> ChainReport:
    """Check versions run 1..n without holes and every hash links to its predecessor."""
    report = ChainReport(stream_id)
    prev = GENESIS_HASH
    expected_version = 1
    for row in rows:
        report.events_checked += 1
        version = row["stream_version"]
        if version != expected_version:
            report.problems.append(f"version {expected_version} is missing (next stored is {version})")
            expected_version = version
        if row["prev_hash"] != prev:
            report.problems.append(f"version {version}: predecessor hash does not match (removed or reordered)")
        if event_hash(row["prev_hash"], row) != row["hash"]:
            report.problems.append(f"version {version}: content does not match its hash (altered)")
        prev = row["hash"]
        expected_version += 1
    return report


def _row_of(env: Envelope) -> dict[str, Any]:
    return {
        "event_id": env.id,
        "stream_id": env.subject,
        "stream_version": env.streamversion,
        "event_type": env.type,
        "case_id": env.caseid,
        "occurred_at": env.time.astimezone(UTC).isoformat(),
        "actor_id": env.actor.staff_id,
        "actor_department": env.actor.department,
        "actor_role": env.actor.role,
        "actor_name": env.actor.name,
        "correlation_id": env.correlationid,
        "causation_id": env.causationid,
        "schema_version": env.schemaversion,
        "data": env.data,
        "prev_hash": env.prevhash,
        "hash": env.eventhash,
    }


def verify_envelopes(stream_id: str, envelopes: Iterable[Envelope]) -> ChainReport:
    """The chain check over envelopes received from Kafka (e.g. reporting's archive)."""
    ordered = sorted(envelopes, key=lambda e: e.streamversion)
    return verify_chain(stream_id, (_row_of(e) for e in ordered))
