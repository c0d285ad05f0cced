"""Intake's consumers: people and households other services registered first (本人・世帯の登録).

Any desk may meet a person first (the loans desk often does) and emits the generic ``registry.*``
events on its own topic. Intake folds them into its search index, so a search at the
comprehensive desk finds everyone the council knows, and linking a duplicate works across
services. The runner dedupes by event id; registrations are also idempotent by id.
"""

from __future__ import annotations

from sqlalchemy import Connection

from services.intake.adapters import registry
from shared.envelope import Envelope
from shared.registry.events import REGISTRY_EVENTS

__all__ = ["index_registry_event"]


def index_registry_event(conn: Connection, env: Envelope) -> None:
    """Put another service's person or household into intake's search index."""
    if env.source == "intake" or not REGISTRY_EVENTS.knows(env.type):
        return  # intake's own registrations are indexed in the transaction that records them
    event = REGISTRY_EVENTS.parse(env.type, env.schemaversion, env.data)
    registry.project(conn, event, service=env.source, at=env.time)
