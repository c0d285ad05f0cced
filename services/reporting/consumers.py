"""Reporting's consumer: archive every department's event and project it into the active read model."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from services.reporting.adapters import archive
from services.reporting.adapters.readmodel import Rows, active_generation
from services.reporting.projection import Fact, link_edge, project
from shared.envelope import Envelope


def archive_event(conn: Connection, env: Envelope) -> None:
    """記録と共有: keep the event for per-case replay and audit (hash chain), with its case links."""
    if not archive.store(conn, env):
        return
    edge = link_edge(env.type, env.data)
    if edge is not None:
        archive.link(conn, env, edge)


def project_event(conn: Connection, env: Envelope) -> None:
    """Archive, then write the event's rows into the active generation (a rebuild's switch waits for us)."""
    project_events(conn, [env])


def project_events(conn: Connection, envs: Sequence[Envelope]) -> None:
    """A batch at once: one archive statement, the new events' case links, every event's rows in one
    flush per table. The same rows as :func:`project_event` one by one (rows are a pure function of
    each event, written ignoring keys that exist); the runner falls back to one event at a time
    when any of them fails."""
    gen = active_generation(conn, for_write=True)  # first: the switch waits for this transaction
    new = archive.store_many(conn, envs)
    edges = [(env, edge) for env in envs if env.id in new and (edge := link_edge(env.type, env.data)) is not None]
    archive.link_many(conn, edges)
    rows = Rows()
    for env in envs:
        project(rows, Fact.of(env))
    rows.flush(conn, gen)
