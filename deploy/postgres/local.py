"""A throwaway local PostgreSQL server for development, tests and CI (no Docker needed).

Uses the Debian ``postgresql`` package binaries (``/usr/lib/postgresql/<ver>/bin``),
installing them with apt-get when absent.  PostgreSQL refuses to run as root, so when
this process is root the server runs as the ``postgres`` system user via ``runuser``.

Layout of ``data_dir`` (default ``var/postgres``, relative to the repository root)::

    pgdata/        the cluster (initdb)
    run/           unix socket directory
    postgres.log   server log
    server.json    recorded port, so a later ``start`` or ``stop`` finds the same server

CLI: ``python -m deploy.postgres.local start|stop|status|ensure-installed``.
If ``DATABASE_URL`` is set, that server is used and nothing is started.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from deploy.kafka.tooling import free_ports, resolve_path

DEFAULT_DATA_DIR = "var/postgres"
PG_USER = "postgres"
INSTALL_HINT = "apt-get update && apt-get install -y postgresql"

# Settings for a disposable test/dev server.  fsync, synchronous_commit and
# full_page_writes off trade crash safety for speed: acceptable ONLY because this
# server's data is throwaway (a host crash may corrupt it; `start --fresh` rebuilds it).
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "128MB",
    "log_min_messages": "warning",
    "log_line_prefix": "'%m [%p] %d '",
}


class PostgresError(RuntimeError):
    """The local PostgreSQL could not be provisioned; the message is meant for a human."""


@dataclass(frozen=True)
class Settings:
    """Process environment relevant to this module (read in one place only)."""

    database_url: str | None
    is_root: bool


def settings() -> Settings:
    """Read the environment: ``DATABASE_URL`` points at an existing server."""
    value = os.environ.get("DATABASE_URL", "").strip()
    return Settings(database_url=value or None, is_root=os.geteuid() == 0)


# --------------------------------------------------------------------------- install


def _version_key(path: str) -> tuple[int, ...]:
    match = re.search(r"/postgresql/([\d.]+)/bin/", path)
    return tuple(int(p) for p in match.group(1).split(".")) if match else (0,)


def find_bin_dir() -> Path | None:
    """Directory holding initdb/pg_ctl: the newest /usr/lib/postgresql/*/bin, else PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def _privileged(cmd: list[str]) -> list[str]:
    if settings().is_root:
        return cmd
    if shutil.which("sudo") is None:
        raise PostgresError(f"PostgreSQL is not installed and we are not root; run: {INSTALL_HINT}")
    return ["sudo", "-n", *cmd]


def ensure_installed() -> Path:
    """Return the PostgreSQL bin directory, apt-installing ``postgresql`` if initdb is absent."""
    bin_dir = find_bin_dir()
    if bin_dir is not None:
        return bin_dir
    if shutil.which("apt-get") is None:
        raise PostgresError(f"initdb not found and apt-get unavailable; install PostgreSQL ({INSTALL_HINT})")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        result = subprocess.run(_privileged(cmd), env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
            raise PostgresError(f"`{' '.join(cmd)}` failed:\n{tail}")
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresError("apt-get installed postgresql but no initdb was found")
    return bin_dir


# --------------------------------------------------------------------------- helpers


def _ensure_system_user() -> None:
    """Create the ``postgres`` system user if missing (the Debian package normally does)."""
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
            check=True,
        )


def _as_server_user(cmd: list[str]) -> list[str]:
    """Run ``cmd`` as the postgres user when we are root (the server refuses root)."""
    return ["runuser", "-u", PG_USER, "--", *cmd] if settings().is_root else cmd


def _run(cmd: list[str], what: str, log_file: Path | None = None) -> None:
    result = subprocess.run(_as_server_user(cmd), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stdout + result.stderr).strip()
        if log_file is not None and log_file.exists():
            detail += "\n--- " + str(log_file) + ":\n" + "\n".join(log_file.read_text().splitlines()[-30:])
        raise PostgresError(f"{what} failed:\n{detail}")


def _give_to_server_user(data_dir: Path) -> None:
    if not settings().is_root:
        return
    _ensure_system_user()
    user = pwd.getpwnam(PG_USER)
    for path in [data_dir, *data_dir.rglob("*")]:
        os.chown(path, user.pw_uid, user.pw_gid)
    # The server user must be able to reach data_dir through its parents; pytest's
    # /tmp/pytest-of-root (mode 0700) is a typical trap, so say so instead of failing later.
    probe = subprocess.run(_as_server_user(["test", "-w", str(data_dir)]), check=False)
    if probe.returncode != 0:
        raise PostgresError(
            f"user {PG_USER!r} cannot write {data_dir}: a parent directory is not traversable; "
            "use a data dir under the repository or tempfile.mkdtemp()"
        )


# --------------------------------------------------------------------------- handle


class PgHandle:
    """A running PostgreSQL server (local, or external from ``DATABASE_URL``)."""

    def __init__(
        self,
        port: int | None = None,
        data_dir: Path | None = None,
        bin_dir: Path | None = None,
        external_url: str | None = None,
    ) -> None:
        self.port = port
        self.data_dir = data_dir
        self.bin_dir = bin_dir
        self.external_url = external_url

    @property
    def external(self) -> bool:
        """True when nothing was started here; ``stop`` is then a no-op."""
        return self.external_url is not None

    def url(self, dbname: str = "postgres") -> str:
        """SQLAlchemy URL for ``dbname`` on this server (psycopg 3 driver for local servers)."""
        if self.external_url is not None:
            return make_url(self.external_url).set(database=dbname).render_as_string(hide_password=False)
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> None:
        """Create ``name`` unless it exists (idempotent)."""
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).scalar()
                if not exists:
                    quoted = engine.dialect.identifier_preparer.quote_identifier(name)
                    conn.execute(text(f"CREATE DATABASE {quoted}"))
        finally:
            engine.dispose()

    def drop_database(self, name: str) -> None:
        """Drop ``name`` if it exists, disconnecting its sessions (PostgreSQL 13+)."""
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                quoted = engine.dialect.identifier_preparer.quote_identifier(name)
                conn.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        finally:
            engine.dispose()

    def stop(self, *, remove_data: bool = False, timeout: float = 30.0) -> None:
        """Stop the local server (fast shutdown, immediate if that times out)."""
        if self.external or self.data_dir is None or self.bin_dir is None:
            return
        pgdata = self.data_dir / "pgdata"
        if (pgdata / "postmaster.pid").exists():
            pg_ctl = str(self.bin_dir / "pg_ctl")
            base = [pg_ctl, "-D", str(pgdata), "-w", "-t", str(int(timeout)), "stop"]
            try:
                _run([*base, "-m", "fast"], "pg_ctl stop")
            except PostgresError:
                _run([*base, "-m", "immediate"], "pg_ctl stop -m immediate")
        if remove_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> PgHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"PgHandle({self.url()!r}, data_dir={self.data_dir})"


# --------------------------------------------------------------------------- start


def _initdb(bin_dir: Path, root: Path, port: int) -> None:
    pgdata, run_dir = root / "pgdata", root / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    _give_to_server_user(root)
    _run(
        [
            str(bin_dir / "initdb"),
            "-D", str(pgdata),
            "-U", PG_USER,
            "-A", "trust",  # pg_hba: trust for local socket and 127.0.0.1/::1 only
            "-E", "UTF8",
            "--no-locale",
            "--no-sync",  # throwaway cluster: skip the final fsync of every file
            "--no-instructions",
        ],
        "initdb",
    )  # fmt: skip
    conf = {**SERVER_SETTINGS, "port": str(port), "unix_socket_directories": f"'{run_dir}'"}
    with (pgdata / "postgresql.conf").open("a") as f:
        f.write("\n# Added by deploy/postgres/local.py\n")
        f.writelines(f"{key} = {value}\n" for key, value in conf.items())
    (root / "server.json").write_text(json.dumps({"port": port}) + "\n")


def _recorded_port(root: Path) -> int | None:
    try:
        return int(json.loads((root / "server.json").read_text())["port"])
    except (OSError, ValueError, KeyError):
        return None


def is_running(bin_dir: Path, root: Path) -> bool:
    pgdata = root / "pgdata"
    if not (pgdata / "PG_VERSION").exists():
        return False
    status = subprocess.run(
        _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(pgdata), "status"]),
        capture_output=True,
        check=False,
    )
    return status.returncode == 0


def start(
    data_dir: str | Path = DEFAULT_DATA_DIR,
    port: int | None = None,
    *,
    fresh: bool = True,
    timeout: float = 60.0,
) -> PgHandle:
    """Start a local server and wait until it accepts connections.

    ``port=None`` picks a free port.  ``fresh=True`` (the default, for tests) wipes
    ``data_dir`` first; with ``fresh=False`` an existing cluster is reused and, if it is
    already running, simply returned.  When ``DATABASE_URL`` is set nothing is started.
    """
    env = settings()
    if env.database_url:
        return PgHandle(external_url=env.database_url)
    bin_dir = ensure_installed()
    root = resolve_path(data_dir)
    if is_running(bin_dir, root):
        if not fresh:
            return PgHandle(_recorded_port(root), root, bin_dir)
        # Its data is about to be wiped anyway: typically a leftover of an interrupted test run.
        PgHandle(_recorded_port(root), root, bin_dir).stop()
    recorded = None if fresh else _recorded_port(root)
    if recorded is None or not (root / "pgdata" / "PG_VERSION").exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        recorded = port or free_ports(1)[0]
        _initdb(bin_dir, root, recorded)
    elif port not in (None, recorded):
        raise PostgresError(f"{root} was initialised for port {recorded}; use fresh=True to change it")
    log_file = root / "postgres.log"
    _give_to_server_user(root)
    _run(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(root / "pgdata"),
            "-l",
            str(log_file),
            "-w",
            "-t",
            str(int(timeout)),
            "start",
        ],
        "pg_ctl start",
        log_file,
    )
    return PgHandle(recorded, root, bin_dir)


def attach(data_dir: str | Path = DEFAULT_DATA_DIR) -> PgHandle | None:
    """Handle for a server initialised in ``data_dir`` (running or not), or None."""
    root = resolve_path(data_dir)
    port = _recorded_port(root)
    bin_dir = find_bin_dir()
    if port is None or bin_dir is None:
        return None
    return PgHandle(port, root, bin_dir)


# --------------------------------------------------------------------------- CLI


def _cmd_start(args: argparse.Namespace) -> None:
    began = time.monotonic()
    handle = start(args.data_dir, args.port, fresh=args.fresh)
    if args.db != "postgres":
        handle.create_database(args.db)
    print(f"postgres ready in {time.monotonic() - began:.1f}s: DATABASE_URL={handle.url(args.db)}")


def discover(root: str | Path = "var") -> list[PgHandle]:
    """Every server directory (holding ``server.json``) under ``root``, e.g. test leftovers."""
    found = (attach(p.parent) for p in sorted(resolve_path(root).glob("**/server.json")))
    return [handle for handle in found if handle is not None]


def _cmd_stop(args: argparse.Namespace) -> None:
    # --all also reaches benches and test leftovers, possibly another session's.
    handles = discover() if args.all else [h for h in [attach(args.data_dir)] if h]
    for handle in handles:
        handle.stop(remove_data=args.remove_data)
    print(f"postgres stopped ({len(handles)} data dirs checked)")


def _cmd_status(args: argparse.Namespace) -> None:
    handle = attach(args.data_dir)
    if handle is None or handle.bin_dir is None or handle.data_dir is None:
        print("no local PostgreSQL has been initialised")
        return
    state = "running" if is_running(handle.bin_dir, handle.data_dir) else "stopped"
    print(f"{state}: {handle.url()} ({handle.data_dir})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.postgres.local", description=__doc__)
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    sub = parser.add_subparsers(dest="command", required=True)
    start_p = sub.add_parser("start", help="start (or keep) the local server")
    start_p.add_argument("--port", type=int, default=None, help="default: recorded or a free port")
    start_p.add_argument("--fresh", action="store_true", help="wipe the data dir first")
    start_p.add_argument("--db", default="postgres", help="database to create and print the URL of")
    start_p.set_defaults(func=_cmd_start)
    stop_p = sub.add_parser("stop", help="stop the local server")
    stop_p.add_argument("--remove-data", action="store_true")
    stop_p.add_argument("--all", action="store_true", help="every server dir under var/ (benches, test leftovers)")
    stop_p.set_defaults(func=_cmd_stop)
    sub.add_parser("status", help="show the local server").set_defaults(func=_cmd_status)
    install = sub.add_parser("ensure-installed", help="apt-get install postgresql if initdb is absent")
    install.set_defaults(func=lambda _args: print(f"postgresql binaries in {ensure_installed()}"))
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except PostgresError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
