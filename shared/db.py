"""Database engines and migrations for SQLite (embedded default) and PostgreSQL.

SQLite: WAL journal, a busy timeout, and ``BEGIN IMMEDIATE`` for every transaction, so writers
queue instead of failing with "database is locked" when a read transaction tries to upgrade.
Within one process the transactions on one database file queue on a Python lock before
``BEGIN IMMEDIATE`` (:class:`_WriterLock`): SQLite's own busy handler polls a held lock with sleeps
of up to 100 ms, so under load a freed database sat idle while its waiters slept (one loans process
saturated at ~60 commands/s, most of a command's latency spent asleep). The busy timeout still
queues writers of other processes (a relay or a second service on the same file).
PostgreSQL: psycopg 3, pre-ping. Schemas are owned by Alembic: :func:`migrate` runs the kit's
revisions (event store, relay checkpoints, consumer dedupe) and then the service's own.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine.interfaces import DBAPICursor, ExecutionContext
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Insert

from shared.lease import lock_key

__all__ = ["KIT_MIGRATIONS", "is_postgres", "make_engine", "migrate", "pipelined"]

KIT_MIGRATIONS = Path(__file__).parent / "migrations"
# Replicas started together (a cluster's Deployment) migrate one database in turn, not at once.
MIGRATE_LOCK_KEY = lock_key("migrate")


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


_SQLITE_TIMEOUT = 60.0
_writer_locks: dict[str, threading.Lock] = {}
_writer_locks_guard = threading.Lock()


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection of its own for a read: whatever the block began is rolled back at its end (a
    query writes nothing). Every service's queries read so: ``with reading(kit.engine) as conn:``."""
    with engine.connect() as conn:
        yield conn
        conn.rollback()


_PIPELINE = "tsunagu.pipeline"
"""The key, in a connection's ``info``, of the psycopg pipeline :func:`pipelined` holds open."""


@contextmanager
def pipelined(conn: Connection) -> Iterator[None]:
    """Send the block's plain ``INSERT`` statements without waiting for each one's answer.

    On PostgreSQL with psycopg the block runs in the driver's pipeline mode: a plain ``INSERT``
    (SQLAlchemy's ``table.insert()`` without ``RETURNING``) is sent and the block goes on; every
    other statement (a ``SELECT``, an ``UPDATE``, an upsert, anything with ``RETURNING``, driver SQL)
    is answered before :meth:`Connection.execute` returns (see :func:`_answer_now`), so reads see
    the writes before them and row counts are right. A consumer's handlers that append events and
    rows for each event so pay one round trip per read, not one per statement. What such an
    ``INSERT`` refuses (a unique key, a check) is raised later: by the next statement that waits
    for its answer or at the end of the block, as SQLAlchemy's :class:`DBAPIError`; the caller rolls
    the transaction back (as :class:`shared.consumer.ConsumerRunner` does, then reruns the batch one
    savepoint per event outside a pipeline). An ``INSERT`` whose count is wanted says so with
    SQLAlchemy's ``preserve_rowcount`` execution option and is answered at once. Elsewhere (SQLite)
    the block runs as it is.
    """
    if conn.dialect.name != "postgresql" or conn.dialect.driver != "psycopg":
        yield
        return
    if not event.contains(conn.engine, "after_cursor_execute", _answer_now):
        event.listen(conn.engine, "after_cursor_execute", _answer_now)
    driver = conn.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    try:
        with driver.pipeline() as pipeline:
            conn.info[_PIPELINE] = pipeline
            try:
                yield
            finally:
                conn.info.pop(_PIPELINE, None)
    except psycopg.Error as exc:  # an INSERT's refusal that arrived with the block's last answers
        raise DBAPIError.instance(None, None, exc, psycopg.Error) from exc


def _answer_now(
    conn: Connection,
    _cursor: DBAPICursor,
    _statement: str,
    _parameters: Any,
    context: ExecutionContext | None,
    _executemany: bool,
) -> None:
    """In a :func:`pipelined` block, wait for the answer of every statement but a plain ``INSERT``."""
    pipeline = conn.info.get(_PIPELINE)
    if pipeline is None:
        return
    compiled = getattr(context, "compiled", None)
    plain_insert = (
        compiled is not None
        and type(compiled.statement) is Insert  # the dialects' upsert constructs are subclasses
        and not getattr(compiled, "effective_returning", None)
        and not (context is not None and context.execution_options.get("preserve_rowcount"))
    )
    if not plain_insert:
        pipeline.sync()


def _writer_lock(key: str) -> threading.Lock:
    with _writer_locks_guard:
        return _writer_locks.setdefault(key, threading.Lock())


class _WriterLock(sqlite3.Connection):
    """A pysqlite connection that holds its database file's in-process lock from ``BEGIN
    IMMEDIATE`` (taken in the engine's "begin" hook) until the transaction ends, here or on close.

    A thread waiting on a :class:`threading.Lock` wakes the moment it is released; one waiting in
    SQLite's busy handler wakes only after its next sleep (1, 2, 5 ... 100 ms)."""

    writer_lock: threading.Lock
    holds_writer_lock = False

    def acquire_writer_lock(self) -> None:
        if self.holds_writer_lock:  # BEGIN inside a transaction: SQLite's own error, at once
            return
        # Bounded like the busy timeout: past it, BEGIN IMMEDIATE answers "database is locked" as before.
        self.holds_writer_lock = self.writer_lock.acquire(timeout=_SQLITE_TIMEOUT)

    def release_writer_lock(self) -> None:
        if self.holds_writer_lock:
            self.holds_writer_lock = False
            self.writer_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self.release_writer_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.release_writer_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release_writer_lock()


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": _SQLITE_TIMEOUT, "check_same_thread": False, "factory": _WriterLock},
            **kwargs,
        )
        database = engine.url.database or ""
        in_memory = database in ("", ":memory:") or "mode=memory" in str(engine.url)
        lock = _writer_lock(f"engine:{id(engine)}" if in_memory else str(Path(database).resolve()))

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, decide when transactions begin (see the "begin" hook).
            dbapi_conn.isolation_level = None
            dbapi_conn.writer_lock = lock
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            dbapi_conn = conn.connection.dbapi_connection
            dbapi_conn.acquire_writer_lock()
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                dbapi_conn.release_writer_lock()
                raise

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
