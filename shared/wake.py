"""The outbox relay woken by commits made in another process: a ``web`` process beside a ``worker``.

In one process a unit of work nudges the relay after it commits (:meth:`OutboxRelay.nudge`). When a
service's HTTP runs in one process and its relay in another (``<PREFIX>PROCESS``, see
:mod:`shared.settings`), the relay learns of the other process's commits from the store:

- **PostgreSQL**: the web process's unit of work runs ``NOTIFY <channel>`` (:func:`notify_statement`)
  in the transaction that commits its events; PostgreSQL delivers it at commit, drops it on
  rollback, and folds the notifications of one transaction into one. The worker's
  :class:`NotifyListener` holds one dedicated psycopg connection (outside the engine's pool) that
  ``LISTEN``s and blocks on its socket, and nudges the relay for each notification: nothing polls.
  A lost connection is made again after a pause; every (re)connection nudges the relay once, so a
  commit made while it was away waits no poll.
- **SQLite**: there is no notification. :class:`DataVersionWatch` reads ``PRAGMA data_version`` on a
  connection of its own every 15 ms while the relay waits for work (a relay that is publishing reads
  nothing); the value changes when another connection has committed. The cost, honestly: about 65
  wake-ups and reads a second while idle (a read takes about 4 µs; measured 0.6 % of a core for an
  idle relay, most of it the wake-ups), up to 15 ms before a commit is seen, and one empty read of
  the store after each of the relay's own checkpoint commits (which change the value too).

Only a ``worker`` process watches; in ``all`` the in-process nudge is enough and nothing here runs.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from typing import Protocol

import structlog
from sqlalchemy import Engine, TextClause, text

__all__ = [
    "DataVersionWatch",
    "NotifyListener",
    "StoreWatch",
    "notify_statement",
    "outbox_channel",
    "store_watch",
]

log = structlog.get_logger(__name__)

DATA_VERSION_INTERVAL = 0.015
"""Seconds between two reads of SQLite's ``data_version`` while a worker's relay waits."""


def outbox_channel(service: str) -> str:
    """The PostgreSQL notification channel of a service's store, e.g. ``tsunagu_outbox_loans``: a
    plain lower-case identifier (no quoting needed), at most 63 characters."""
    return ("tsunagu_outbox_" + re.sub(r"[^a-z0-9_]", "_", service.lower()))[:63]


def notify_statement(channel: str) -> TextClause:
    """``NOTIFY <channel>``, run by a unit of work before it commits events (PostgreSQL only)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", channel):
        raise ValueError(f"not a plain channel name: {channel!r}")
    return text(f"NOTIFY {channel}")


class StoreWatch(Protocol):
    """Another process's commits to the store, seen by a relay while it waits for work."""

    def start(self, wake: threading.Event) -> None:
        """Begin watching (before the relay's first read): commits from now on set ``wake``."""

    def wait(self, wake: threading.Event, seconds: float) -> bool:
        """Wait until ``wake`` is set (a nudge, or a commit seen) or ``seconds`` pass; True if woken."""

    def close(self) -> None:
        """Stop watching and let go of the watch's connection."""


class NotifyListener:
    """``LISTEN`` on a service's channel on a dedicated psycopg connection, in a thread of its own."""

    def __init__(self, engine: Engine, channel: str, *, reconnect_seconds: float = 1.0) -> None:
        self.channel = channel
        self.reconnect_seconds = reconnect_seconds
        self._dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()
        """Set while the ``LISTEN`` stands (tests wait for it)."""

    def start(self, wake: threading.Event) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(wake,), name=f"listen:{self.channel}", daemon=True)
        self._thread.start()

    def wait(self, wake: threading.Event, seconds: float) -> bool:
        return wake.wait(seconds)

    def close(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=5)

    def _run(self, wake: threading.Event) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True, application_name=f"{self.channel}-listen") as conn:
                    conn.execute(f"LISTEN {self.channel}")
                    self.listening.set()
                    wake.set()  # commits made before the LISTEN stood are not left to the poll
                    log.info("relay.listening", channel=self.channel)
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5):
                            wake.set()
            except Exception as exc:  # the database is away: listen again after a pause; the poll still runs
                pause = self.reconnect_seconds
                log.warning("relay.listen_failed", channel=self.channel, error=str(exc), retry_in=pause)
            finally:
                self.listening.clear()
            self._stop.wait(self.reconnect_seconds)


class DataVersionWatch:
    """Reads SQLite's ``PRAGMA data_version`` on a connection of its own while the relay waits."""

    def __init__(self, database: str, *, interval: float = DATA_VERSION_INTERVAL) -> None:
        self.database = database
        self.interval = interval
        self._conn: sqlite3.Connection | None = None
        self._seen: int | None = None

    def start(self, wake: threading.Event) -> None:
        self._changed()  # the value commits are compared with

    def wait(self, wake: threading.Event, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if wake.wait(min(self.interval, left)) or self._changed():
                return True
        return False

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _changed(self) -> bool:
        """Whether another connection committed since the last read (False the first time, or on error)."""
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(self.database, isolation_level=None, check_same_thread=False)
            version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:  # the file is away or locked: the poll still runs
            log.debug("relay.data_version_failed", database=self.database, error=str(exc))
            self.close()
            self._seen = None
            return False
        changed = self._seen is not None and version != self._seen
        self._seen = version
        return changed


def store_watch(engine: Engine, service: str) -> StoreWatch | None:
    """The watch for a worker's relay on this store: LISTEN on PostgreSQL, data_version on an SQLite
    file, none for an in-memory database (no other process can write it)."""
    if engine.dialect.name == "postgresql":
        return NotifyListener(engine, outbox_channel(service))
    database = engine.url.database or ""
    if engine.dialect.name == "sqlite" and database not in ("", ":memory:") and "mode=memory" not in str(engine.url):
        return DataVersionWatch(database)
    return None
