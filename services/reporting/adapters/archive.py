"""The archive: every event reporting consumed, as received, indexed by case and by stream.

Kafka has no per-key index, so per-case replay (the case view, "as of" audits, chain checks)
reads here. Rows are never updated; a redelivered event is ignored by its unique id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import BigInteger, Column, Connection, Integer, MetaData, Table, func, or_, select

from shared.bulk import insert_rows
from shared.columns import columns, table
from shared.envelope import Envelope

metadata = MetaData()
archive = Table(
    "archive",
    metadata,
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    *columns(
        """
        event_id        code   required unique
        source          code   required
        event_type      label  required
        case_id         id     required
        subject         id     required
        stream_version  int    required
        occurred_at     time   required
        envelope        text   required
        """
    ),
)
archive_links = table(
    "archive_links",
    metadata,
    """
    event_id     code   key
    a            id     required index
    b            id     required index
    kind         state  required
    occurred_at  time   required
    """,
)


def store_many(conn: Connection, envs: Sequence[Envelope]) -> set[str]:
    """Archive a batch of events in one statement; returns the ids that were new (the others were
    archived before: a redelivery)."""
    if not envs:
        return set()
    rows = [
        {
            "event_id": env.id,
            "source": env.source,
            "event_type": env.type,
            "case_id": env.caseid,
            "subject": env.subject,
            "stream_version": env.streamversion,
            "occurred_at": env.time.isoformat(),
            "envelope": env.model_dump_json(),
        }
        for env in envs
    ]
    # One statement at the driver level (shared.bulk); the only unique key besides the serial
    # ``seq`` is the event id, so a conflict is a redelivered event, skipped.
    return set(insert_rows(conn, archive, rows, returning="event_id")[1])


def link_many(conn: Connection, links: Sequence[tuple[Envelope, tuple[str, str, str]]]) -> None:
    """Keep the case-identity edges of a batch with their times, so that "as of" views fold only the
    links known then; in one statement."""
    if links:
        rows = [
            {"event_id": env.id, "a": a, "b": b, "kind": kind, "occurred_at": env.time.isoformat()}
            for env, (a, b, kind) in links
        ]
        insert_rows(conn, archive_links, rows, ignore_conflicts=False)


def edges_as_of(conn: Connection, ids: Sequence[str], as_of: datetime | None) -> list[tuple[str, str, str, datetime]]:
    """Edges touching ``ids`` (a, b, kind, time), those recorded after ``as_of`` left out."""
    rows = conn.execute(
        select(archive_links.c.a, archive_links.c.b, archive_links.c.kind, archive_links.c.occurred_at).where(
            or_(archive_links.c.a.in_(ids), archive_links.c.b.in_(ids))
        )
    )
    out = [(a, b, k, datetime.fromisoformat(t)) for a, b, k, t in rows]
    return [e for e in out if as_of is None or e[3] <= as_of]


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(archive)).scalar_one())


def events_for_cases(conn: Connection, case_ids: Sequence[str], until: str | None = None) -> list[Envelope]:
    query = select(archive.c.envelope).where(archive.c.case_id.in_(case_ids))
    if until is not None:
        query = query.where(archive.c.occurred_at <= until)
    rows = conn.execute(query.order_by(archive.c.occurred_at, archive.c.seq)).scalars()
    return _parse(rows)


def cases_of_subjects(conn: Connection, subjects: Sequence[str]) -> list[str]:
    """The case ids the events of these streams were recorded under, in stream order (the last is
    the case the stream belongs to now, e.g. the person once a consultation's subject is known)."""
    rows = conn.execute(
        select(archive.c.case_id, func.max(archive.c.stream_version))
        .where(archive.c.subject.in_(subjects))
        .group_by(archive.c.case_id)
        .order_by(func.max(archive.c.stream_version), archive.c.case_id)
    )
    return [case_id for case_id, _ in rows]


def events_for_subject(conn: Connection, subject: str) -> list[Envelope]:
    rows = conn.execute(
        select(archive.c.envelope).where(archive.c.subject == subject).order_by(archive.c.stream_version)
    ).scalars()
    return _parse(rows)


def _parse(rows: Iterable[str]) -> list[Envelope]:
    return [Envelope.model_validate_json(r) for r in rows]
