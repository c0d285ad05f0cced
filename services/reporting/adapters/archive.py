"""The archive: every event reporting consumed, as received, indexed by case and by stream.

Kafka has no per-key index, so per-case replay (the case view, "as of" audits, chain checks)
reads here. Rows are never updated; a redelivered event is ignored by its unique id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import BigInteger, Column, Connection, Integer, MetaData, String, Table, Text, select
from sqlalchemy.exc import IntegrityError

from shared.envelope import Envelope

metadata = MetaData()
archive = Table(
    "archive",
    metadata,
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("source", String(64), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("case_id", String(128), nullable=False),
    Column("subject", String(128), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("occurred_at", String(40), nullable=False),
    Column("envelope", Text, nullable=False),
)
case_links = Table(
    "case_links",
    metadata,
    Column("case_id", String(128), primary_key=True),
    Column("canonical_id", String(128), nullable=False),
)


def store(conn: Connection, env: Envelope) -> bool:
    """Archive one event; False when it was archived before (redelivery)."""
    try:
        with conn.begin_nested():
            conn.execute(
                archive.insert().values(
                    event_id=env.id,
                    source=env.source,
                    event_type=env.type,
                    case_id=env.caseid,
                    subject=env.subject,
                    stream_version=env.streamversion,
                    occurred_at=env.time.isoformat(),
                    envelope=env.model_dump_json(),
                )
            )
    except IntegrityError:
        return False
    return True


def case_group(conn: Connection, case_id: str) -> list[str]:
    """The case ids folded into one case with ``case_id`` (linked duplicate records)."""
    canonical = conn.execute(select(case_links.c.canonical_id).where(case_links.c.case_id == case_id)).scalar()
    root = canonical or case_id
    members = conn.execute(select(case_links.c.case_id).where(case_links.c.canonical_id == root)).scalars()
    return sorted({root, case_id, *members})


def link(conn: Connection, kept: str, duplicate: str) -> None:
    """Fold ``duplicate``'s case (and everything already folded into it) into ``kept``'s case."""
    root = conn.execute(select(case_links.c.canonical_id).where(case_links.c.case_id == kept)).scalar() or kept
    moved = [
        duplicate,
        *conn.execute(select(case_links.c.case_id).where(case_links.c.canonical_id == duplicate)).scalars(),
    ]
    for case_id in moved:
        if case_id == root:
            continue
        conn.execute(case_links.delete().where(case_links.c.case_id == case_id))
        conn.execute(case_links.insert().values(case_id=case_id, canonical_id=root))


def events_for_cases(conn: Connection, case_ids: Sequence[str], until: str | None = None) -> list[Envelope]:
    query = select(archive.c.envelope).where(archive.c.case_id.in_(case_ids))
    if until is not None:
        query = query.where(archive.c.occurred_at <= until)
    rows = conn.execute(query.order_by(archive.c.occurred_at, archive.c.seq)).scalars()
    return _parse(rows)


def events_for_subject(conn: Connection, subject: str) -> list[Envelope]:
    rows = conn.execute(
        select(archive.c.envelope).where(archive.c.subject == subject).order_by(archive.c.stream_version)
    ).scalars()
    return _parse(rows)


def _parse(rows: Iterable[str]) -> list[Envelope]:
    return [Envelope.model_validate_json(r) for r in rows]
