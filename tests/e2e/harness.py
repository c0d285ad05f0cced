"""The platform for end-to-end tests: every service as a real HTTP server on a loopback port.

Each service is built by its own ``bootstrap.build`` with settings pointing at the session's
Kafka broker and a temporary ``var`` folder (SQLite files), and served by uvicorn in a thread,
so its relay and consumers run exactly as in production. Tests talk to it over real HTTP::

    def test_x(platform):
        intake = platform.client("intake", department="intake", role="worker")
        r = intake.post("/consultations", json={...})
        platform.eventually(lambda: platform.client("reporting", ...).get(f"/cases/{cid}").status_code == 200)
"""

from __future__ import annotations

import importlib
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from shared.auth import mint_token
from shared.settings import DEV_JWT_SECRET

SERVICE_NAMES = ("intake", "loans", "districts", "conferences", "reporting")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Platform:
    def __init__(self, bootstrap_servers: str, var_dir: Path, database_urls: dict[str, str] | None = None) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.var_dir = var_dir
        self.database_urls = database_urls or {}
        self.urls: dict[str, str] = {}
        self.kits: dict[str, Any] = {}
        self._servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(self, services: tuple[str, ...] = SERVICE_NAMES) -> Platform:
        for name in services:
            try:
                bootstrap = importlib.import_module(f"services.{name}.bootstrap")
                config = importlib.import_module(f"services.{name}.config")
            except ModuleNotFoundError:
                continue  # a service not built yet
            port = free_port()
            settings = config.Settings(
                port=port,
                var_dir=self.var_dir,
                kafka_bootstrap_servers=self.bootstrap_servers,
                database_url=self.database_urls.get(name),
                relay_poll_seconds=0.05,
                log_json=False,
            )
            app, kit = bootstrap.build(settings)
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
            thread = threading.Thread(target=server.run, name=f"http-{name}", daemon=True)
            thread.start()
            self._servers.append((server, thread))
            self.urls[name] = f"http://127.0.0.1:{port}"
            self.kits[name] = kit
        for name, url in self.urls.items():
            self.eventually(lambda url=url: httpx.get(url + "/health").status_code == 200, what=f"{name} /health")
        return self

    def stop(self) -> None:
        for server, _ in self._servers:
            server.should_exit = True
        for _, thread in self._servers:
            thread.join(timeout=15)
        self._servers.clear()

    def token(self, department: str, role: str = "worker", staff_id: str | None = None) -> str:
        return mint_token(DEV_JWT_SECRET, staff_id or f"{department}-{role}-1", department, role)

    def client(self, service: str, department: str, role: str = "worker", staff_id: str | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=self.urls[service],
            headers={"Authorization": f"Bearer {self.token(department, role, staff_id)}"},
            timeout=30,
        )

    def consumers_report(self) -> str:
        """Each consumer's assignment and lag: what a timed-out wait prints, to say where events stopped."""
        lines = []
        for name, kit in self.kits.items():
            for runner in kit.consumers:
                try:
                    assigned = sorted(f"{tp.topic}:{tp.partition}" for tp in runner.consumer.assignment())
                    state = f"assigned={assigned} lag={runner.lag()}"
                except Exception as exc:  # diagnostics only
                    state = f"unavailable ({exc})"
                lines.append(f"  {name}/{runner.name}: {state}")
        return "\n".join(lines)

    def eventually(self, check: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
        """Poll ``check`` until it returns something truthy (events travel through Kafka)."""
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                result = check()
                if result:
                    return result
            except (httpx.HTTPError, AssertionError, KeyError) as exc:
                last_error = exc
            time.sleep(0.1)
        raise AssertionError(
            f"timed out waiting for {what}"
            + (f" (last error: {last_error})" if last_error else "")
            + "\nconsumers:\n"
            + self.consumers_report()
        )
