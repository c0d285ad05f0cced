"""Reporting's consumer: archive every department's events and keep case links."""

from __future__ import annotations

from sqlalchemy import Connection

from services.reporting.adapters import archive
from shared.envelope import Envelope

LINK_EVENT = "registry.PersonRecordsLinked"


def archive_event(conn: Connection, env: Envelope) -> None:
    """記録と共有: keep the event for per-case replay; fold linked duplicate records into one case."""
    if not archive.store(conn, env):
        return
    if env.type == LINK_EVENT:
        archive.link(conn, kept=str(env.data["person_id"]), duplicate=str(env.data["duplicate_person_id"]))
