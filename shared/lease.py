"""One outbox relay per store, however many replicas of a service run: a lease held as a
PostgreSQL session advisory lock.

Every replica runs a relay; only the one holding the lease publishes, the others stand by and try
again every second. The lock lives as long as the holder's database session, so a replica that is
killed (or loses its connection) frees it at once and a stand-by takes over within about a second;
the new leader goes on from the shared checkpoint. The holder checks its session every
``check_every`` seconds and stops publishing as soon as that fails, so two leaders overlap at most
that long — and a batch sent twice is what consumers already dedupe by event id.

SQLite serves one process on one machine: there the lease is always held.
"""

from __future__ import annotations

import hashlib
import time

import structlog
from sqlalchemy import Connection, Engine, func, select, text

__all__ = ["StoreLease"]

log = structlog.get_logger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock`` from the lease's name."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


class StoreLease:
    """Leader election for one named task on one store (e.g. ``relay:loans``)."""

    def __init__(self, engine: Engine, name: str, *, check_every: float = 2.0) -> None:
        self.engine = engine
        self.name = name
        self.key = lock_key(name)
        self.check_every = check_every
        self._conn: Connection | None = None
        self._checked = 0.0

    @property
    def shared(self) -> bool:
        """Whether other processes can reach this store (PostgreSQL), so a lease is needed at all."""
        return self.engine.dialect.name == "postgresql"

    def held(self) -> bool:
        """Hold the lease (taking it if free); ``False`` while another holder has it or the store is away."""
        if not self.shared:
            return True
        now = time.monotonic()
        if self._conn is not None:
            if now - self._checked < self.check_every:
                return True
            try:
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
            except Exception:
                log.warning("lease.lost", lease=self.name)
                self._drop()
                return False
            self._checked = now
            return True
        try:
            conn = self.engine.connect()
        except Exception:
            return False
        try:
            got = bool(conn.execute(select(func.pg_try_advisory_lock(self.key))).scalar())
            conn.commit()
        except Exception:
            conn.invalidate()
            conn.close()
            return False
        if not got:
            conn.close()
            return False
        self._conn, self._checked = conn, now
        log.info("lease.acquired", lease=self.name)
        return True

    def release(self) -> None:
        """Give the lease up (a stopping replica), so a stand-by takes over without waiting."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute(select(func.pg_advisory_unlock(self.key)))
            conn.commit()
            conn.close()
        except Exception:
            self._invalidate(conn)
        log.info("lease.released", lease=self.name)

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            self._invalidate(conn)

    @staticmethod
    def _invalidate(conn: Connection) -> None:
        """Discard a session that may still hold the lock: never hand it back to the pool."""
        try:
            conn.invalidate()
            conn.close()
        except Exception:
            log.debug("lease.close_failed")
