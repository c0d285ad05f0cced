"""``make run``: the whole platform on one machine, with the demo stories loaded.

Starts the identity provider (Keycloak with the realm kept as code, ``var/identity``, on port
8180), a single-node Kafka (KRaft, from the project's Maven Central jars) under ``var/kafka``,
creates the topics, starts the five services as processes on loopback (SQLite files under
``var/run``) taking only the provider's RS256 tokens, loads the seed's demo stories through the
services' HTTP APIs once (signed in as demo staff), prints the URLs, each of the seed's eight
stories with the case id and the case-view URL to open it, and the demo staff member for every
department and role the stories need (:func:`demo_staff`), and stays up until Ctrl-C (or
``make stop``). ``--auth hs256`` runs without the provider on development tokens.

Data persists between runs; ``make run FRESH=1`` (``--fresh``) starts from nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from deploy.kafka.cluster import attach_single, create_topics, start_single
from deploy.processes import alive, signal_group, wait_gone

if TYPE_CHECKING:
    from deploy.demo.kit import StoryResult
    from deploy.web.local import WebFront

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var"
STOP_TIMEOUT = 10.0  # seconds a service gets to close its kit before it is killed


@dataclass(frozen=True)
class ServiceProc:
    """One service process: ``process`` is its ``<SERVICE>_PROCESS`` role (``all``: HTTP and the
    background work; ``web`` or ``worker`` for a service split in two processes on one store)."""

    name: str
    port: int
    process: str = "all"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_name(self) -> str:
        """``loans.log``, or ``loans-worker.log`` for a split service's worker."""
        return f"{self.name}.log" if self.process == "all" else f"{self.name}-{self.process}.log"

    def split(self, worker_port: int) -> list[ServiceProc]:
        """This service as two processes on one store: ``web`` on its own port, ``worker`` on another."""
        return [replace(self, process="web"), ServiceProc(self.name, worker_port, "worker")]


SERVICES = (
    ServiceProc("intake", 8101),
    ServiceProc("loans", 8102),
    ServiceProc("districts", 8103),
    ServiceProc("conferences", 8104),
    ServiceProc("reporting", 8105),
)


@dataclass(frozen=True)
class Layout:
    """Where one platform keeps its files: ``var/`` for ``make run`` (a test uses its own)."""

    var: Path

    @property
    def run_dir(self) -> Path:
        return self.var / "run"

    @property
    def services_pid(self) -> Path:
        return self.run_dir / "services.pid"

    @property
    def platform_pid(self) -> Path:
        """The pid of the foreground ``make run``: ``make stop`` asks it to stop everything."""
        return self.run_dir / "platform.pid"

    @property
    def web_dir(self) -> Path:
        """The staff screens' nginx (configuration, pid, logs)."""
        return self.var / "web"

    @property
    def demo_mark(self) -> Path:
        return self.run_dir / "demo-loaded"


def available_services(port_base: int = 8101) -> list[ServiceProc]:
    """The services whose package exists, on ``port_base`` and the ports after it."""
    present = [s for s in SERVICES if (REPO / "services" / s.name / "__main__.py").exists()]
    return [ServiceProc(s.name, port_base + (s.port - 8101)) for s in present]


def start_services(
    layout: Layout, bootstrap: str, services: list[ServiceProc], auth_env: dict[str, str] | None = None
) -> list[subprocess.Popen[bytes]]:
    procs = []
    layout.run_dir.mkdir(parents=True, exist_ok=True)
    for svc in services:
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "TSUNAGU_VAR_DIR": str(layout.run_dir),
            f"{svc.name.upper()}_PORT": str(svc.port),
            f"{svc.name.upper()}_PROCESS": svc.process,
            "PYTHONPATH": str(REPO),
            **(auth_env or {}),
        }
        log = (layout.run_dir / svc.log_name).open("ab")
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", f"services.{svc.name}"],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        )
    layout.services_pid.write_text("\n".join(str(p.pid) for p in procs))
    return procs


def wait_healthy(layout: Layout, services: list[ServiceProc], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    for svc in services:
        while True:
            try:
                if httpx.get(svc.url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{svc.name} did not answer on {svc.url}; see {layout.run_dir / svc.log_name}")
            time.sleep(0.3)


def stop_services(layout: Layout) -> None:
    """SIGTERM every service (each closes its kit: relay, consumers, producer), wait for them, and
    kill what is left after :data:`STOP_TIMEOUT`. Services stop before the broker they talk to."""
    if not layout.services_pid.exists():
        return
    pids = [int(line) for line in layout.services_pid.read_text().split()]
    for pid in pids:
        signal_group(pid, signal.SIGTERM)
    for pid in wait_gone(pids, STOP_TIMEOUT):
        print(f"service pid {pid} did not stop in {STOP_TIMEOUT:.0f}s; killing it", file=sys.stderr)
        signal_group(pid, signal.SIGKILL)
    layout.services_pid.unlink(missing_ok=True)


WEB_PORT = 8100  # the staff screens of `make run` (one below intake's port)


def start_web(layout: Layout, services: list[ServiceProc], issuer: str, port_base: int) -> WebFront:
    """Build the staff screens when their sources changed and serve them, with /api/<service>/
    routed to each service, on :data:`WEB_PORT` (a free port when the services are moved)."""
    from deploy.kafka.tooling import free_ports
    from deploy.web.local import build
    from deploy.web.local import start as start_front

    began = time.monotonic()
    build()
    port = WEB_PORT if port_base == 8101 else free_ports(1)[0]
    front = start_front(layout.web_dir, {s.name: s.url for s in services}, issuer, port=port)
    print(f"staff screens ready in {time.monotonic() - began:.1f} s: {front.url}/", flush=True)
    return front


def stop_platform(layout: Layout) -> None:
    """``make stop``: ask the foreground ``make run`` to stop (it stops services, then Kafka, and
    exits 0); then stop whatever a run that died left behind."""
    if layout.platform_pid.exists():
        pid = int(layout.platform_pid.read_text().strip() or 0)
        if pid and alive(pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGTERM)
            if wait_gone([pid], STOP_TIMEOUT + 20):
                print(f"the platform (pid {pid}) did not stop; stopping its parts", file=sys.stderr)
        layout.platform_pid.unlink(missing_ok=True)
    from deploy.web.local import attach as attach_web

    front = attach_web(layout.web_dir)
    if front is not None:
        front.stop()
    stop_services(layout)
    # Only the platform's own broker: test and benchmark brokers under var/ belong to other runs.
    platform_kafka = attach_single(layout.var / "kafka")
    if platform_kafka is not None:
        platform_kafka.stop()
    from deploy.identity.local import attach

    identity = attach(layout.var / "identity")
    if identity is not None and identity.is_running():
        identity.stop()


class _Stop(Exception):
    """SIGTERM (from ``make stop``) in the foreground run."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    raise _Stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.run", description=__doc__)
    parser.add_argument("--fresh", action="store_true", help="wipe var/run and var/kafka first")
    parser.add_argument("--stop", action="store_true", help="stop a platform started by another `make run`")
    parser.add_argument("--no-wait", action="store_true", help="start, load, print, and return (for tests)")
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo stories")
    parser.add_argument("--var", type=Path, default=VAR, help="where the platform keeps its files (default var/)")
    parser.add_argument("--port-base", type=int, default=8101, help="intake's port; the others follow it")
    parser.add_argument(
        "--auth",
        choices=("oidc", "hs256"),
        default="oidc",
        help="oidc (default): staff sign in at the local Keycloak and services take only its RS256 tokens; "
        "hs256: development tokens minted with the source's secret (no provider started)",
    )
    args = parser.parse_args(argv)
    layout = Layout(args.var.resolve())
    if args.stop:
        stop_platform(layout)
        return 0
    fresh = args.fresh or os.environ.get("FRESH") == "1"
    if fresh:
        stop_platform(layout)
        shutil.rmtree(layout.run_dir, ignore_errors=True)
    kafka_dir = layout.var / "kafka"
    kafka = start_single(kafka_dir, port=None, fresh=fresh or not (kafka_dir / "node.json").exists())
    create_topics(kafka.bootstrap_servers)
    services = available_services(args.port_base)
    identity = None
    auth_env = {"TSUNAGU_AUTH": "hs256"}
    token: Callable[[str, str], str] | None = None
    credentials: Callable[[Iterable[tuple[str, str]]], list[str]] = role_credentials
    if args.auth == "oidc":
        from deploy.identity.local import start as start_identity

        began = time.monotonic()
        port = IDENTITY_PORT if args.port_base == 8101 else None
        identity = start_identity(layout.var / "identity", port=port, fresh=fresh)
        print(f"identity provider ready in {time.monotonic() - began:.1f} s: {identity.issuer}", flush=True)
        auth_env = {"TSUNAGU_AUTH": "oidc", "TSUNAGU_OIDC_ISSUER": identity.issuer}
        token = ProviderTokens(identity.issuer)
        credentials = demo_staff(identity.issuer, identity.base_url)
    if not args.no_wait:
        signal.signal(signal.SIGTERM, _on_sigterm)
        layout.run_dir.mkdir(parents=True, exist_ok=True)
        layout.platform_pid.write_text(str(os.getpid()))
    procs = start_services(layout, kafka.bootstrap_servers, services, auth_env)
    web = None
    try:
        wait_healthy(layout, services)
        if identity is not None:
            web = start_web(layout, services, identity.issuer, args.port_base)
        stories = [] if args.no_demo else load_demo(layout, {s.name: s.url for s in services}, token)
        print(
            format_banner(services, kafka.bootstrap_servers, stories, credentials, web_url=web.url if web else None),
            flush=True,
        )
        if args.no_wait:
            return 0
        while all(p.poll() is None for p in procs):
            time.sleep(0.2)
        print(f"a service stopped; see {layout.run_dir}/*.log", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, _Stop):
        print("stopping the platform", flush=True)
        return 0
    finally:
        if not args.no_wait:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second `make stop` must not cut this short
            if web is not None:
                web.stop()
            stop_services(layout)
            kafka.stop()
            if identity is not None:
                identity.stop()
            layout.platform_pid.unlink(missing_ok=True)


def load_demo(
    layout: Layout, urls: dict[str, str], token: Callable[[str, str], str] | None = None
) -> list[StoryResult]:
    """Load the seed stories once (data persists), signed in as demo staff when ``token`` is the
    provider's; later runs read back what was loaded."""
    from deploy.demo.stories import SEED_STORIES, load_all, read_loaded, write_loaded

    if layout.demo_mark.exists():
        stories = read_loaded(layout.demo_mark)
        if not stories:
            print("demo data was loaded by an older version; `make run FRESH=1` reloads it and lists its stories")
        return stories
    stories = load_all(urls, token) if token is not None else load_all(urls)
    write_loaded(layout.demo_mark, stories)
    records = sum(len(s.ids) for s in stories)
    print(
        f"demo data loaded: {len(stories)} of the seed's {SEED_STORIES} stories, {records} records "
        f"(ids in {layout.demo_mark})",
        flush=True,
    )
    return stories


# Every department's worker, and intake's manager, whatever the stories need.
BASE_ROLES = (
    *((d, "worker") for d in ("intake", "loans", "districts", "conferences", "reporting")),
    ("intake", "manager"),
)
CASE_PURPOSE = "support_coordination"


IDENTITY_PORT = 8180  # the local Keycloak of `make run` (OidcSettings' default issuer)


class ProviderTokens:
    """``token(department, role)`` for the demo loader: the demo staff member ``<department>-<role>``
    signs in at the provider (password grant); a token is reused for a minute (they live minutes)."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self._cache: dict[str, tuple[str, float]] = {}

    def __call__(self, department: str, role: str = "worker") -> str:
        return self.of(f"{department}-{role}")

    def of(self, user: str) -> str:
        """The token of the demo staff member ``user`` (``<department>-<role>``)."""
        from shared.oidc import DEMO_PASSWORD, password_grant

        cached = self._cache.get(user)
        if cached is None or time.monotonic() - cached[1] > 60:
            response = password_grant(self.issuer, "tsunagu-cli", user, DEMO_PASSWORD)
            cached = (str(response["access_token"]), time.monotonic())
            self._cache[user] = cached
        return cached[0]


def demo_staff(issuer: str, console: str) -> Callable[[Iterable[tuple[str, str]]], list[str]]:
    """The banner's credentials under sign-in: the demo staff member of each role, and how to get a token."""
    from shared.oidc import DEMO_PASSWORD

    def credentials(roles: Iterable[tuple[str, str]]) -> list[str]:
        lines = [f"Demo staff (sign in at {issuer}; password {DEMO_PASSWORD!r}, for the demo only):"]
        lines += [f"  {dept:<13}{role:<9}{dept}-{role}" for dept, role in roles]
        lines += [
            "A token for scripts: python -m shared.oidc token --user intake-worker",
            f"Users, groups and roles: {console}/admin (the realm kept as code: deploy/identity/tsunagu-realm.json)",
        ]
        return lines

    return credentials


def role_credentials(roles: Iterable[tuple[str, str]]) -> list[str]:
    """How to act as each (department, role): the one place to change when sign-in replaces the
    development tokens (then: the demo user of each role)."""
    from deploy.demo.stories import dev_token

    lines = ["Development tokens (Authorization: Bearer ...):"]
    for dept, role in roles:
        lines.append(f"  {dept:<13}{role:<9}{dev_token(dept, role)}")
    return lines


def format_banner(
    services: list[ServiceProc],
    bootstrap: str,
    stories: Sequence[StoryResult] = (),
    credentials: Callable[[Iterable[tuple[str, str]]], list[str]] = role_credentials,
    web_url: str | None = None,
) -> str:
    """The banner ``make run`` prints: the staff screens' URL first, the services' URLs, each seed
    story with its case id and the URL of its case view, and the credentials of every role the
    stories need."""
    lines = ["", "Tsunagu つなぐ is running (Ctrl-C or `make stop` to stop)"]
    if web_url:
        lines += [f"  Staff screens (sign in as a demo staff member below): {web_url}/", ""]
    lines += [f"  {'Kafka':<13}{bootstrap}"]
    lines += [f"  {svc.name:<13}{svc.url}/docs" for svc in services]
    reporting = next((svc.url for svc in services if svc.name == "reporting"), None)
    if stories:
        from deploy.demo.stories import SEED_STORIES

        lines += [
            "",
            f"Seed stories ({len(stories)} of {SEED_STORIES}): open each case with a token of a role it names",
        ]
        for story in stories:
            roles = ", ".join(f"{d}/{r}" for d, r in story.roles)
            lines.append(f"  {story.number}. {story.title_ja}")
            lines.append(f"     {story.title_en}")
            where = f"  {reporting}/cases/{story.case_id}?purpose={CASE_PURPOSE}" if reporting else ""
            if web_url:
                where = f"  {web_url}/cases/{story.case_id}"
            lines.append(f"     case {story.case_id}{where}")
            lines.append(f"     roles: {roles}")
        if reporting:
            example = stories[0]
            lines.append(
                f'  e.g. curl -H "Authorization: Bearer $TOKEN" '
                f"'{reporting}/cases/{example.case_id}?purpose={CASE_PURPOSE}'"
            )
    needed = sorted({*BASE_ROLES, *(role for story in stories for role in story.roles)})
    lines += ["", *credentials(needed)]
    return "\n".join(lines)


def print_banner(services: list[ServiceProc], bootstrap: str, stories: Sequence[StoryResult] = ()) -> None:
    print(format_banner(services, bootstrap, stories), flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
