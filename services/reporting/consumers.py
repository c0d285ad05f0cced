"""Reporting's consumer: archive every department's event and project it into the active read model."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from services.reporting.adapters import archive
from services.reporting.adapters.generations import active_generation
from services.reporting.adapters.rows import Rows
from services.reporting.facts import Fact
from services.reporting.projection import link_edge, project
from shared.envelope import Envelope


def project_events(conn: Connection, envs: Sequence[Envelope]) -> None:
    """記録と共有: archive a polled batch (per-case replay and audit) with the new events' case links in
    one statement each, then write every event's rows into the active generation, one flush per table
    (rows are a pure function of each event, written ignoring keys that exist). The runner calls it
    with one event at a time when any of a batch fails."""
    gen = active_generation(conn, for_write=True)  # first: the switch waits for this transaction
    new = archive.store_many(conn, envs)
    edges = [(env, edge) for env in envs if env.id in new and (edge := link_edge(env.type, env.data)) is not None]
    archive.link_many(conn, edges)
    rows = Rows()
    for env in envs:
        project(rows, Fact.of(env))
    rows.flush(conn, gen)
