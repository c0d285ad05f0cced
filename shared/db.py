"""Database engines and migrations for SQLite (embedded default) and PostgreSQL.

SQLite: WAL journal, a busy timeout, and ``BEGIN IMMEDIATE`` for every transaction, so writers
queue instead of failing with "database is locked" when a read transaction tries to upgrade.
PostgreSQL: psycopg 3, pre-ping. Schemas are owned by Alembic: :func:`migrate` runs the kit's
revisions (event store, relay checkpoints, consumer dedupe) and then the service's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text

from shared.lease import lock_key

__all__ = ["KIT_MIGRATIONS", "is_postgres", "make_engine", "migrate"]

KIT_MIGRATIONS = Path(__file__).parent / "migrations"
# Replicas started together (a cluster's Deployment) migrate one database in turn, not at once.
MIGRATE_LOCK_KEY = lock_key("migrate")


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False}, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, decide when transactions begin (see the "begin" hook).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_engine(url, **kwargs)


def migrate(engine: Engine, *service_migrations: Path) -> None:
    """Upgrade the kit's tables, then each service's revisions, each line with its own version table.

    A service keeps only its revision files (``services/<name>/migrations/*.py``); the
    environment and template are the kit's (``shared/migrations``), so five services do not
    carry five copies of Alembic plumbing. On PostgreSQL each line runs under a transaction-scoped
    advisory lock, so replicas that start together on an empty database migrate it one after the
    other: the later ones wait and then find the revisions applied.
    """
    for versions in (KIT_MIGRATIONS / "versions", *service_migrations):
        cfg = Config()
        cfg.set_main_option("script_location", str(KIT_MIGRATIONS))
        cfg.set_main_option("path_separator", "os")
        cfg.set_main_option("version_locations", str(versions))
        owner = "kit" if versions == KIT_MIGRATIONS / "versions" else versions.parent.name
        cfg.attributes["version_table"] = f"alembic_version_{owner}"
        with engine.begin() as conn:
            if is_postgres(engine):
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATE_LOCK_KEY})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "heads")
