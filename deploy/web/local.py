"""Serve the staff screens locally: build the client, run Debian's nginx in front of the services.

One origin for the browser: ``/`` is the built client (``frontend/dist``), ``/api/<service>/`` is
proxied to that service, ``/config.json`` carries this run's sign-in settings (issuer, client id).
So the client needs no CORS and calls only the services' public APIs. ``make run`` starts it on
port 8100 and prints its URL first::

    python -m deploy.web.local build            # npm ci (when needed) and npm run build
    python -m deploy.web.local ensure-installed  # apt-get install nginx-light when absent

nginx runs in the foreground of its own process group (``daemon off``), its files under
``<var>/web``; :meth:`WebFront.stop` ends it by its pid file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from deploy.processes import alive, signal_group, wait_gone

REPO = Path(__file__).resolve().parents[2]
FRONTEND = REPO / "frontend"
DIST = FRONTEND / "dist"
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
WEB_CLIENT = "tsunagu-web"
INSTALL_HINT = "apt-get update && apt-get install -y nginx-light"
MIME_TYPES = Path("/etc/nginx/mime.types")


class WebError(RuntimeError):
    """The front could not be built or served; the message says what to install or fix."""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def ensure_installed() -> str:
    """nginx from Debian's packages (nginx-light), installed when absent."""
    found = nginx_binary()
    if found:
        return found
    if shutil.which("apt-get") is None:
        raise WebError(f"nginx not found and apt-get unavailable; install it ({INSTALL_HINT})")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "nginx-light"]):
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    found = nginx_binary()
    if not found:
        raise WebError("apt-get installed nginx-light but no nginx binary was found")
    return found


def _newest(paths: Sequence[Path]) -> float:
    stamps = [
        p.stat().st_mtime for root in paths if root.exists() for p in ([root] if root.is_file() else root.rglob("*"))
    ]
    return max(stamps, default=0.0)


def needs_install(frontend: Path = FRONTEND, force: bool = False) -> bool:
    """Whether ``npm ci`` should run: node_modules absent, or older than the lock file (or forced).

    Never when ``node_modules`` is a symbolic link: a git worktree shares the main checkout's
    tree that way, and ``npm ci`` would first empty that shared tree for every checkout using it.
    """
    modules = frontend / "node_modules"
    if modules.is_symlink():
        return False
    lock = frontend / "package-lock.json"
    return force or not modules.exists() or lock.stat().st_mtime > modules.stat().st_mtime


def build(force: bool = False, frontend: Path = FRONTEND) -> Path:
    """``npm ci`` when the lock file is newer than node_modules (never through a symlinked
    node_modules, see :func:`needs_install`), ``npm run build`` when a source is newer than the
    last build (the build regenerates the API types and type-checks first)."""
    npm = shutil.which("npm")
    if npm is None:
        raise WebError("npm not found: install Node.js 20+ (apt-get install -y nodejs npm)")
    if needs_install(frontend, force):
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=frontend, check=True)
        (frontend / "node_modules").touch()
    sources = [frontend / n for n in ("src", "openapi", "scripts", "index.html", "package.json", "vite.config.ts")]
    dist = frontend / "dist"
    built = dist / "index.html"
    if force or not built.exists() or _newest(sources) > built.stat().st_mtime:
        subprocess.run([npm, "run", "build"], cwd=frontend, check=True)
    return dist


@dataclass
class WebFront:
    """A running nginx in front of the services (or the record of one, from its pid file)."""

    var: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.var / "nginx.pid"

    def pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError):
            return int(self.pid_file.read_text().strip())
        return None

    def stop(self, timeout: float = 10.0) -> None:
        pid = self.pid()
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGQUIT)  # graceful: finish the requests in flight
        if wait_gone([pid], timeout):
            signal_group(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)


def render_config(
    var: Path,
    port: int,
    upstreams: Mapping[str, str],
    issuer: str,
    client_id: str = WEB_CLIENT,
    dist: Path = DIST,
    *,
    listen: str | None = None,
    mime_types: Path = MIME_TYPES,
    error_log: str | None = None,
    access_log: str | None = None,
) -> str:
    """The nginx configuration: the client, /config.json, and one proxied location per service.

    By default nginx listens on loopback and logs under ``var``; the cluster's front
    (``deploy/k8s``) listens on every address and logs to the container's standard streams."""
    config_json = json.dumps({"issuer": issuer, "clientId": client_id})
    if "'" in config_json or "\\" in config_json:
        raise WebError(f"the issuer {issuer!r} cannot be written into the nginx configuration")
    locations = "\n".join(
        f"    location /api/{name}/ {{\n"
        f"      proxy_pass {url.rstrip('/')}/;\n"
        "      proxy_set_header Host $host;\n"
        "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "      proxy_set_header X-Forwarded-Proto $scheme;\n"
        "      proxy_read_timeout 120s;\n"
        "    }"
        for name, url in upstreams.items()
    )
    parts = urlsplit(issuer)
    return TEMPLATE.read_text().format(
        var=var,
        listen=listen or f"127.0.0.1:{port}",
        error_log=error_log or f"{var}/error.log",
        access_log=access_log or f"{var}/access.log",
        dist=dist,
        mime_types=mime_types,
        issuer_origin=f"{parts.scheme}://{parts.netloc}",
        api_locations=locations,
        config_json=config_json,
    )


def start(
    var: Path,
    upstreams: Mapping[str, str],
    issuer: str,
    *,
    port: int,
    client_id: str = WEB_CLIENT,
    timeout: float = 15.0,
) -> WebFront:
    """Write the configuration and /config.json under ``var``, start nginx, wait until it answers."""
    nginx = ensure_installed()
    if not (DIST / "index.html").exists():
        raise WebError(f"{DIST} has no build; run `python -m deploy.web.local build` (make run does)")
    front = WebFront(var, port)
    front.stop()  # a run that died may have left one
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (var / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        (var / "tmp" / sub).chmod(0o1777)  # nginx's workers drop to nobody when started as root
    conf = var / "nginx.conf"
    conf.write_text(render_config(var, port, upstreams, issuer, client_id))
    check = subprocess.run([nginx, "-t", "-q", "-p", str(var), "-c", str(conf)], capture_output=True, text=True)
    if check.returncode != 0:
        raise WebError(f"nginx refused its configuration {conf}: {check.stderr.strip()}")
    log = (var / "nginx.out").open("ab")
    proc = subprocess.Popen(
        [nginx, "-p", str(var), "-c", str(conf)], stdout=log, stderr=log, start_new_session=True, cwd=var
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise WebError(f"nginx exited with {proc.returncode}; see {var / 'error.log'}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(front.url + "/config.json", timeout=1).status_code == 200:
                return front
        time.sleep(0.1)
    front.stop()
    raise WebError(f"nginx did not answer on {front.url} within {timeout:.0f} s; see {var / 'error.log'}")


def attach(var: Path) -> WebFront | None:
    """The front a run left under ``var`` (for ``make stop``), if its nginx is still alive."""
    front = WebFront(var, 0)
    pid = front.pid()
    return front if pid is not None and alive(pid) else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.web.local", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="npm ci (when needed) and npm run build in frontend/")
    b.add_argument("--force", action="store_true")
    sub.add_parser("ensure-installed", help="apt-get install nginx-light when nginx is absent")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            print(build(force=args.force))
        else:
            print(ensure_installed())
    except (WebError, subprocess.CalledProcessError) as exc:
        print(f"deploy.web: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
