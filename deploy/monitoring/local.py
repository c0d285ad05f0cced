"""Debian's Prometheus on this machine, scraping the services with Tsunagu's alert rules.

The rules (``alerts.yml``) are the ones a council's Prometheus loads; this launcher only gives them a
server to run in locally and in the tests::

    python -m deploy.monitoring.local check      # promtool check rules + promtool test rules (alerts.test.yml)
    python -m deploy.monitoring.local start      # scrape make run's five services (ports 8101-8105) on :9090

The ``prometheus`` package (which brings ``promtool``) is installed with apt-get when absent; its
files live under ``<var>/prometheus`` and it runs in its own process group until :meth:`Prometheus.stop`.
"""

from __future__ import annotations

import argparse
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
from typing import Any
from urllib.parse import urlsplit

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
RULES = HERE / "alerts.yml"
RULE_TESTS = HERE / "alerts.test.yml"
INSTALL_HINT = "apt-get update && apt-get install -y --no-install-recommends prometheus"
MAKE_RUN_TARGETS = {name: f"http://127.0.0.1:{port}" for name, port in (
    ("intake", 8101), ("loans", 8102), ("districts", 8103), ("conferences", 8104), ("reporting", 8105)
)}  # fmt: skip


class MonitoringError(RuntimeError):
    pass


def ensure_installed() -> tuple[str, str]:
    """The paths of ``prometheus`` and ``promtool`` (Debian's ``prometheus`` package), installed when absent."""
    found = shutil.which("prometheus"), shutil.which("promtool")
    if all(found):
        return found[0] or "", found[1] or ""
    if shutil.which("apt-get") is None:
        raise MonitoringError(f"prometheus not found and apt-get unavailable; install it ({INSTALL_HINT})")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "prometheus"],
    ):
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    prometheus, promtool = shutil.which("prometheus"), shutil.which("promtool")
    if not prometheus or not promtool:
        raise MonitoringError("apt-get installed prometheus but its binaries were not found")
    return prometheus, promtool


def check_rules() -> str:
    """``promtool check rules`` and ``promtool test rules``; raises with promtool's words on a failure."""
    _, promtool = ensure_installed()
    out = []
    for args in (["check", "rules", str(RULES)], ["test", "rules", str(RULE_TESTS)]):
        done = subprocess.run([promtool, *args], capture_output=True, text=True, cwd=HERE)
        out.append(done.stdout + done.stderr)
        if done.returncode != 0:
            raise MonitoringError(f"promtool {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return "".join(out)


def render_config(targets: Mapping[str, str], scrape_seconds: float) -> str:
    """A Prometheus configuration (JSON is YAML) scraping ``targets`` (service name → base URL)."""
    hosts = [urlsplit(url).netloc for url in targets.values()]
    config = {
        "global": {"scrape_interval": f"{scrape_seconds}s", "evaluation_interval": f"{scrape_seconds}s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [{"job_name": "tsunagu", "metrics_path": "/metrics", "static_configs": [{"targets": hosts}]}],
    }
    return json.dumps(config, indent=2)


@dataclass
class Prometheus:
    var: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def query(self, expr: str) -> list[dict[str, Any]]:
        """An instant query's result vector (each item's ``metric`` labels and ``value``)."""
        r = httpx.get(self.url + "/api/v1/query", params={"query": expr}, timeout=10)
        r.raise_for_status()
        body = r.json()
        if body.get("status") != "success":
            raise MonitoringError(f"query {expr!r} failed: {body}")
        return list(body["data"]["result"])

    def rule(self, name: str) -> dict[str, Any]:
        """The loaded alerting rule ``name`` with its state and active alerts (``/api/v1/rules``)."""
        r = httpx.get(self.url + "/api/v1/rules", params={"type": "alert"}, timeout=10)
        r.raise_for_status()
        for group in r.json()["data"]["groups"]:
            for rule in group["rules"]:
                if rule["name"] == name:
                    return dict(rule)
        raise MonitoringError(f"no alerting rule {name} loaded")

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def start(var: Path, targets: Mapping[str, str], port: int = 9090, scrape_seconds: float = 15) -> Prometheus:
    """Prometheus scraping ``targets`` with the alert rules, ready when this returns."""
    prometheus, _ = ensure_installed()
    home = var / "prometheus"
    (home / "data").mkdir(parents=True, exist_ok=True)
    conf = home / "prometheus.yml"
    conf.write_text(render_config(targets, scrape_seconds))
    log = (home / "prometheus.log").open("ab")
    process = subprocess.Popen(
        [
            prometheus,
            f"--config.file={conf}",
            f"--storage.tsdb.path={home / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--web.enable-lifecycle",
        ],
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    server = Prometheus(home, port, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise MonitoringError(f"prometheus exited with {process.returncode}; see {home / 'prometheus.log'}")
        try:
            if httpx.get(server.url + "/-/ready", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise MonitoringError(f"prometheus did not become ready in 60 s; see {home / 'prometheus.log'}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.monitoring.local", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("check", "start", "ensure-installed"))
    parser.add_argument("--var", type=Path, default=REPO / "var")
    parser.add_argument("--port", type=int, default=9090)
    args = parser.parse_args(argv)
    try:
        if args.command == "ensure-installed":
            print(" ".join(ensure_installed()))
        elif args.command == "check":
            print(check_rules(), end="")
        else:
            server = start(args.var, MAKE_RUN_TARGETS, port=args.port)
            print(f"prometheus on {server.url} (alerts: {server.url}/alerts); Ctrl-C stops it", flush=True)
            try:
                server.process.wait()
            except KeyboardInterrupt:
                server.stop()
    except MonitoringError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
