"""Replicas that start together on one empty PostgreSQL database migrate it once, without failing.

A cluster starts a service's two replicas at the same moment (deploy/k8s); each runs
:func:`shared.db.migrate` before it serves. The migrations of one database are serialized by a
transaction-scoped advisory lock, so the second replica waits and then finds every revision applied.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect

from shared.db import make_engine, migrate

SERVICES = Path(__file__).resolve().parents[3] / "services"


@pytest.mark.postgres
def test_four_replicas_migrating_one_empty_database_at_once_all_start(pg_url: str) -> None:
    engines = [make_engine(pg_url, pool_size=2) for _ in range(4)]
    barrier = threading.Barrier(len(engines))
    failures: list[BaseException] = []

    def start(engine: object) -> None:
        barrier.wait()
        try:
            migrate(engine, SERVICES / "loans" / "migrations")  # type: ignore[arg-type]
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Without the lock they block one another on the half-created tables (seen: none finished in 2 min).
    assert not [t for t in threads if t.is_alive()], "a replica's migration did not finish"
    assert failures == []
    tables = set(inspect(engines[0]).get_table_names())
    assert {"alembic_version_kit", "alembic_version_loans", "events"} <= tables
    for engine in engines:
        engine.dispose()
