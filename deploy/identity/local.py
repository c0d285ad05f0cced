"""A local Keycloak for development, tests and ``make run``: ``kc.sh start-dev`` as a process.

Storage is ``dev-file`` (an H2 file in the data directory), HTTP on a loopback port (8180 unless told),
and the realm kept as code (``deploy/identity/tsunagu-realm.json``) is imported on the first start.
Layout of ``data_dir`` (default ``var/identity/local``, relative to the repository root)::

    home/          this instance's Keycloak home: data/ (H2 files, import/), providers/, themes/ (empty);
                   the program itself stays in the shared distribution (var/identity/dist)
    keycloak.log   the server's output
    keycloak.pid   the pid of the running server (kc.sh, leading the process group of its JVM)
    keycloak.json  pid, port, version and the realm file's digest, so ``stop`` and ``status`` find it

Startup is kept short (:mod:`deploy.identity.caches`): Quarkus' build step runs once per distribution,
unused features are disabled, the JVM maps a class-data archive, and a fresh data directory starts from
the database as it stood right after the realm's import instead of importing again.

CLI::

    python -m deploy.identity.local start [--port 8180] [--fresh]   # returns once the realm answers
    python -m deploy.identity.local status | stop [--remove-data] | ensure-installed

API (tests, ``deploy/run.py``)::

    with start("var/test/identity", port=None, fresh=True) as kc:
        kc.issuer, kc.jwks_uri, kc.token_url, kc.admin_token()
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import make_url

from deploy.identity.caches import (
    BUILD_OPTIONS,
    CLASS_DUMP,
    POSTGRES_BUILD_OPTIONS,
    build_lock,
    class_archive,
    copy_seed,
    is_built,
    publish_class_archive,
    save_seed,
    seed_dir,
)
from deploy.identity.processes import is_keycloak
from deploy.identity.tooling import (
    REALM_FILE,
    REPO_ROOT,
    IdentityError,
    ensure_dist,
    ensure_java,
    ensure_postgres_dist,
    keycloak_version,
    settings,
)
from deploy.kafka.tooling import free_ports, port_is_free, resolve_path
from deploy.postgres.local import PgHandle
from deploy.processes import signal_group

DEFAULT_DATA_DIR = "var/identity/local"
DEFAULT_PORT = 8180
REALM = "tsunagu"

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- handle


@dataclass
class KeycloakHandle:
    """A local Keycloak (running or not) and the URLs of its ``tsunagu`` realm."""

    port: int
    data_dir: Path
    pid: int | None = None
    admin_username: str = "admin"
    admin_password: str = ""
    started_in: float | None = None  # seconds from launch to the realm answering, when started here
    _proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        """The ``iss`` of every token of the realm (fixed by ``--hostname``, whatever URL a client used)."""
        return f"{self.base_url}/realms/{REALM}"

    @property
    def well_known_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/token"

    @property
    def admin_url(self) -> str:
        """The realm's admin REST API (``Authorization: Bearer`` + :meth:`admin_token`)."""
        return f"{self.base_url}/admin/realms/{REALM}"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "keycloak.log"

    def answers(self, timeout: float = 2.0) -> bool:
        """True when the realm's discovery document is served."""
        try:
            return httpx.get(self.well_known_url, timeout=timeout).status_code == 200
        except httpx.HTTPError:
            return False

    def is_running(self) -> bool:
        return self.pid is not None and is_keycloak(self.pid, self.data_dir)

    def admin_token(self) -> str:
        """An access token of the master realm's bootstrap admin (for the admin REST API)."""
        response = httpx.post(
            f"{self.base_url}/realms/master/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": "admin-cli",
                "username": self.admin_username,
                "password": self.admin_password,
            },
            timeout=10,
        )
        if response.status_code != 200:
            raise IdentityError(
                f"the Keycloak admin {self.admin_username!r} could not sign in ({response.status_code}): "
                "the admin is created on the first start only, with the KC_BOOTSTRAP_ADMIN_* of that start"
            )
        return str(response.json()["access_token"])

    def stop(self, *, remove_data: bool = False, timeout: float = 20.0) -> None:
        """Stop the server (SIGTERM to its process group, SIGKILL after ``timeout``)."""
        killed = False
        if self.pid is not None and is_keycloak(self.pid, self.data_dir):
            signal_group(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while is_keycloak(self.pid, self.data_dir) and time.monotonic() < deadline:
                if self._proc is not None and self._proc.poll() is not None:
                    break
                time.sleep(0.1)
            if is_keycloak(self.pid, self.data_dir):
                log.warning("Keycloak (pid %s) did not stop in %.0f s: killing it", self.pid, timeout)
                signal_group(self.pid, signal.SIGKILL)
                killed = True
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
        self.pid = None
        state = _read_state(self.data_dir)
        _write_state(self.data_dir, {**state, "pid": None})
        (self.data_dir / "keycloak.pid").unlink(missing_ok=True)
        if not killed:
            publish_class_archive(self.data_dir, state.get("class_archive"))
        if remove_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> KeycloakHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------- state and layout


def _read_state(data_dir: Path) -> dict[str, object]:
    try:
        state = json.loads((data_dir / "keycloak.json").read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(data_dir: Path, state: dict[str, object]) -> None:
    if data_dir.is_dir():
        (data_dir / "keycloak.json").write_text(json.dumps(state, indent=2) + "\n")


def realm_digest() -> str:
    return hashlib.sha256(REALM_FILE.read_bytes()).hexdigest()


def _prepare_home(data_dir: Path) -> Path:
    home = data_dir / "home"
    for sub in ("providers", "themes", "data/import"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REALM_FILE, home / "data" / "import" / REALM_FILE.name)
    return home


@dataclass(frozen=True)
class Database:
    """A PostgreSQL database for Keycloak instead of its dev-file storage (JDBC URL and credentials)."""

    jdbc_url: str
    username: str
    password: str = "unused-on-a-trust-local-server"

    @classmethod
    def on(cls, server: PgHandle, name: str = "keycloak") -> Database:
        """Database ``name`` on a server of ``deploy.postgres`` (created if missing)."""
        server.create_database(name)
        url = make_url(server.url(name))
        return cls(f"jdbc:postgresql://{url.host}:{url.port}/{name}", url.username or "postgres", url.password or "x")

    @property
    def options(self) -> dict[str, str]:
        return POSTGRES_BUILD_OPTIONS


def _command(dist: Path, home: Path, port: int, *, built: bool, database: Database | None = None) -> list[str]:
    options = database.options if database is not None else BUILD_OPTIONS
    db_args = (
        [f"--db-url={database.jdbc_url}", f"--db-username={database.username}", f"--db-password={database.password}"]
        if database is not None
        else []
    )
    return [
        str(dist / "bin" / "kc.sh"),
        f"-Dkc.home.dir={home}",  # a later -D wins over kc.sh's own: data stays in this instance
        *(["-Dkc.config.built=true"] if built else []),
        "start-dev",
        "--http-host=127.0.0.1",
        f"--http-port={port}",
        f"--hostname=http://127.0.0.1:{port}",  # one issuer, whichever address a client used
        "--import-realm",
        *(f"--{key.removeprefix('kc.')}={value}" for key, value in options.items() if key != "kc.profile"),
        *db_args,
    ]


def _environment(java_home: Path, dist: Path, data_dir: Path) -> dict[str, str]:
    env = settings()
    archive = class_archive(java_home, dist)
    java_opts = [
        # Java 24+ refuses Quarkus' thread-local reset without it (an exception at every stop).
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        # Class-data sharing: the first clean stop writes the archive (into the data dir; published
        # by stop() with an atomic rename, so concurrent instances never read a half-written one);
        # later starts map the classes from it.
        f"-XX:SharedArchiveFile={archive}" if archive.exists() else f"-XX:ArchiveClassesAtExit={data_dir / CLASS_DUMP}",
        "-Xlog:cds=off",
        "-Xlog:cds+dynamic=off",
    ]
    return {
        **os.environ,
        "JAVA_HOME": str(java_home),
        "JAVA_OPTS_APPEND": " ".join(java_opts),
        "KC_BOOTSTRAP_ADMIN_USERNAME": env.admin_username,
        "KC_BOOTSTRAP_ADMIN_PASSWORD": env.admin_password,
    }


# --------------------------------------------------------------------------- start


def attach(data_dir: str | Path = DEFAULT_DATA_DIR) -> KeycloakHandle | None:
    """A handle for the Keycloak recorded in ``data_dir`` (running or not), or None."""
    root = resolve_path(data_dir)
    state = _read_state(root)
    port = state.get("port")
    if not isinstance(port, int):
        return None
    pid = state.get("pid")
    env = settings()
    return KeycloakHandle(
        port=port,
        data_dir=root,
        pid=pid if isinstance(pid, int) else None,
        admin_username=env.admin_username,
        admin_password=env.admin_password,
    )


def start(
    data_dir: str | Path = DEFAULT_DATA_DIR,
    port: int | None = DEFAULT_PORT,
    *,
    fresh: bool = False,
    timeout: float = 240.0,
    database: Database | None = None,
) -> KeycloakHandle:
    """Start Keycloak and return once the ``tsunagu`` realm answers.

    ``port=None`` picks a free port. An instance already running in ``data_dir`` is returned as it is
    (unless ``fresh``, which stops it and wipes its data so the realm file is imported anew).
    ``database``: keep the realm in PostgreSQL (:meth:`Database.on` a server of ``deploy.postgres``)
    instead of the dev-file storage under ``data_dir``.
    """
    root = resolve_path(data_dir)
    running = attach(root)
    if running is not None and running.is_running():
        if not fresh and port in (None, running.port) and running.answers():
            return running
        running.stop()
    if fresh:
        shutil.rmtree(root, ignore_errors=True)
    dist = ensure_postgres_dist() if database is not None else ensure_dist()
    java_home = ensure_java()
    port = port or free_ports(1)[0]
    if not port_is_free(port):
        raise IdentityError(
            f"port {port} on 127.0.0.1 is in use (another Keycloak? `python -m deploy.identity.local status`); "
            "pass --port"
        )
    state = _read_state(root)
    if state.get("realm_sha256") not in (None, realm_digest()):
        log.warning("%s changed since %s was created: start with --fresh to import it", REALM_FILE.name, root)
        print(f"note: {REALM_FILE.name} changed since {root} was created; `start --fresh` imports it", file=sys.stderr)
    root.mkdir(parents=True, exist_ok=True)
    home = _prepare_home(root)
    # The seed is an H2 copy: an instance on PostgreSQL imports into its database instead.
    new_data = database is None and not (home / "data" / "h2").exists()
    seed = seed_dir(dist)
    seeded = new_data and copy_seed(seed, home)
    _write_state(
        root,
        {
            "pid": None,
            "port": port,
            "version": keycloak_version(),
            "java_home": str(java_home),
            "realm_sha256": state.get("realm_sha256") or realm_digest(),
            "database": database.jdbc_url if database is not None else "dev-file",
        },
    )
    began = time.monotonic()
    with build_lock(dist):
        handle = _launch(root, home, port, dist, java_home, timeout, database)
    if new_data and not seeded:
        # Creating the schema and importing the realm is most of a first start: keep the result, so
        # that the next fresh start (every test session) begins from it. Stopped first: H2 files are
        # only consistent when closed.
        handle.stop()
        save_seed(home, seed)
        handle = _launch(root, home, port, dist, java_home, timeout)
    handle.started_in = time.monotonic() - began
    log.info("Keycloak ready in %.1f s on %s (seeded: %s)", handle.started_in, handle.base_url, seeded)
    return handle


def _launch(
    root: Path, home: Path, port: int, dist: Path, java_home: Path, timeout: float, database: Database | None = None
) -> KeycloakHandle:
    env = settings()
    options = POSTGRES_BUILD_OPTIONS if database is not None else BUILD_OPTIONS
    with (root / "keycloak.log").open("ab") as out:
        proc = subprocess.Popen(
            _command(dist, home, port, built=is_built(dist, options), database=database),
            cwd=root,
            env=_environment(java_home, dist, root),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    handle = KeycloakHandle(port, root, proc.pid, env.admin_username, env.admin_password, _proc=proc)
    archive = class_archive(java_home, dist)
    _write_state(root, {**_read_state(root), "pid": proc.pid, "class_archive": str(archive)})
    (root / "keycloak.pid").write_text(f"{proc.pid}\n")
    try:
        _wait_until_answering(handle, proc, timeout)
    except BaseException:
        handle.stop()
        raise
    return handle


def _wait_until_answering(handle: KeycloakHandle, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not handle.answers(timeout=1.0):
        if proc.poll() is not None:
            raise IdentityError(f"Keycloak exited with {proc.returncode} while starting:\n{_log_tail(handle)}")
        if time.monotonic() > deadline:
            raise IdentityError(
                f"Keycloak did not answer on {handle.well_known_url} in {timeout:.0f} s:\n{_log_tail(handle)}"
            )
        time.sleep(0.2)


def _log_tail(handle: KeycloakHandle, lines: int = 30) -> str:
    try:
        text = handle.log_file.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    interesting = [line for line in text if not line.startswith(("WARNING:", "\tat "))]
    return f"--- {handle.log_file}:\n" + "\n".join(interesting[-lines:])


def discover(root: str | Path = "var") -> list[KeycloakHandle]:
    """Every Keycloak data directory (holding ``keycloak.json``) under ``root``, e.g. test leftovers."""
    found = (attach(p.parent) for p in sorted(resolve_path(root).glob("**/keycloak.json")))
    return [handle for handle in found if handle is not None]


# --------------------------------------------------------------------------- CLI


def _cmd_start(args: argparse.Namespace) -> None:
    database = None
    if args.postgres:
        from deploy.postgres.local import start as start_postgres

        database = Database.on(start_postgres(REPO_ROOT / "var" / "postgres", fresh=False))
    handle = start(args.data_dir, args.port, fresh=args.fresh, database=database)
    took = f"started in {handle.started_in:.1f} s" if handle.started_in is not None else "already running"
    print(f"keycloak {took}: {handle.base_url} (pid {handle.pid}, log {handle.log_file})")
    print(f"  issuer   {handle.issuer}")
    print(f"  admin    {handle.base_url}/admin/ ({handle.admin_username} / {handle.admin_password})")
    print("  a token  python -m shared.oidc token --user intake-worker  (demo staff: see README)")


def _cmd_stop(args: argparse.Namespace) -> None:
    handles = discover() if args.all else [h for h in [attach(args.data_dir)] if h]
    for handle in handles:
        handle.stop(remove_data=args.remove_data)
    print(f"keycloak stopped ({len(handles)} data dirs checked)")


def _cmd_status(args: argparse.Namespace) -> int:
    handle = attach(args.data_dir)
    if handle is None:
        print(f"no local Keycloak has been started in {resolve_path(args.data_dir)}")
        return 1
    if not handle.is_running():
        print(f"stopped: {handle.base_url} ({handle.data_dir})")
        return 1
    state = "answering" if handle.answers() else "starting (the realm does not answer yet)"
    print(f"running, {state}: {handle.issuer} (pid {handle.pid}, {handle.data_dir})")
    return 0


def _cmd_ensure_installed(_args: argparse.Namespace) -> None:
    dist = ensure_dist()
    print(f"keycloak {keycloak_version()}: {dist}; java: {ensure_java()}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.identity.local",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    sub = parser.add_subparsers(dest="command", required=True)
    start_p = sub.add_parser("start", help="start (or keep) the local Keycloak and wait for the realm")
    start_p.add_argument("--port", type=int, default=DEFAULT_PORT)
    start_p.add_argument("--fresh", action="store_true", help="wipe the data dir first (imports the realm anew)")
    start_p.add_argument(
        "--postgres",
        action="store_true",
        help="keep the realm in PostgreSQL (deploy.postgres' server under var/postgres, database keycloak) "
        "instead of dev-file storage",
    )
    start_p.set_defaults(func=_cmd_start)
    stop_p = sub.add_parser("stop", help="stop the local Keycloak")
    stop_p.add_argument("--remove-data", action="store_true")
    stop_p.add_argument("--all", action="store_true", help="every data dir under var/ (test leftovers too)")
    stop_p.set_defaults(func=_cmd_stop)
    sub.add_parser("status", help="is it running and answering?").set_defaults(func=_cmd_status)
    sub.add_parser("ensure-installed", help="fetch the distribution, check for Java 21+").set_defaults(
        func=_cmd_ensure_installed
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    try:
        result = args.func(args)
    except IdentityError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return int(result or 0)


if __name__ == "__main__":
    raise SystemExit(main())
