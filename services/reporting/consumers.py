"""Reporting's consumer: archive every department's event and project it into the active read model."""

from __future__ import annotations

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
    gen = active_generation(conn, for_write=True)  # first: the switch waits for this transaction
    archive_event(conn, env)
    rows = Rows()
    project(rows, Fact.of(env))
    rows.flush(conn, gen)
