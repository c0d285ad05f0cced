"""The local PostgreSQL launcher (deploy/postgres/local.py) against a real server."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from deploy.postgres.local import PgHandle, attach, start

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pg() -> Iterator[PgHandle]:
    # Not tmp_path: as root the server runs as `postgres`, which cannot enter the 0700
    # /tmp/pytest-of-root; a mkdtemp directory under /tmp is reachable once chowned.
    handle = start(tempfile.mkdtemp(prefix="tsunagu-pg-test-"))
    try:
        yield handle
    finally:
        handle.stop(remove_data=True)


def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def test_select_one(pg: PgHandle) -> None:
    assert _scalar(pg.url(), "SELECT 1") == 1


def test_create_database_is_idempotent(pg: PgHandle) -> None:
    name = f"t_{uuid.uuid4().hex[:10]}"
    pg.create_database(name)
    pg.create_database(name)

    assert _scalar(pg.url(name), "SELECT current_database()") == name
    if not pg.external:
        assert pg.url(name).startswith("postgresql+psycopg://postgres@127.0.0.1:")
    pg.drop_database(name)


def test_stop_from_another_process(pg: PgHandle) -> None:
    """Runs last in this module: ``python -m deploy.postgres.local stop`` finds the server."""
    if pg.external:
        pg.stop()  # must be a no-op for a server we did not start
        assert _scalar(pg.url(), "SELECT 1") == 1
        return
    assert pg.data_dir is not None
    assert attach(pg.data_dir) is not None

    result = subprocess.run(
        [sys.executable, "-m", "deploy.postgres.local", "--data-dir", str(pg.data_dir), "stop"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert not (pg.data_dir / "pgdata" / "postmaster.pid").exists()
