"""``make stop`` stops a running ``make run`` within seconds, and the foreground run exits 0.

The platform runs from its own directory and ports here (``--var``, ``--port-base``), so the test
never touches a developer's ``make run``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from deploy.identity.local import attach
from deploy.kafka.cluster import attach_single, port_is_free

REPO = Path(__file__).resolve().parents[2]


def _five_free_ports() -> int:
    for base in range(18101, 19000, 10):
        if all(port_is_free(base + i) for i in range(5)):
            return base
    raise RuntimeError("no five free ports in 18101-19000")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "zombie" in status.read_text())


def test_make_stop_stops_the_platform_within_seconds_and_make_run_exits_0(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)  # the platform's own broker, under tmp_path
    base = _five_free_ports()
    var = tmp_path / "var"
    run = subprocess.Popen(
        [sys.executable, "-m", "deploy.run", "--var", str(var), "--port-base", str(base), "--no-demo"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        seen = []
        deadline = time.monotonic() + 240
        assert run.stdout is not None
        while time.monotonic() < deadline:
            line = run.stdout.readline()
            seen.append(line)
            if "is running" in line or not line:
                break
        assert any("is running" in line for line in seen), "".join(seen)
        services = [int(p) for p in (var / "run" / "services.pid").read_text().split()]
        assert len(services) == 5 and all(_alive(p) for p in services)
        assert attach_single(var / "kafka") is not None
        identity = attach(var / "identity")
        assert identity is not None and identity.is_running() and identity.answers()

        began = time.monotonic()
        stop = subprocess.run(
            [sys.executable, "-m", "deploy.run", "--stop", "--var", str(var)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        took = time.monotonic() - began
        assert stop.returncode == 0, stop.stderr
        assert run.wait(timeout=30) == 0, run.stdout.read()
        assert took < 20, f"make stop took {took:.1f}s"
        assert not [p for p in services if _alive(p)]
        assert attach_single(var / "kafka") is None
        assert not identity.is_running()  # the identity provider stopped with the platform
    finally:
        if run.poll() is None:
            run.kill()
            subprocess.run([sys.executable, "-m", "deploy.run", "--stop", "--var", str(var)], cwd=REPO, env=env)
