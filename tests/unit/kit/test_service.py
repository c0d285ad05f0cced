"""shared.service: how a service process starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

DUMPS_ON_SIGUSR1 = """
import os, signal
from shared.service import run_service

def build():
    os.kill(os.getpid(), signal.SIGUSR1)  # an operator asking a stuck process where it waits
    print("still running", flush=True)
    raise SystemExit(0)

run_service(build, "probe")
"""


def test_sigusr1_prints_every_threads_stack_and_the_service_goes_on():
    done = subprocess.run(
        [sys.executable, "-c", DUMPS_ON_SIGUSR1], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "still running" in done.stdout
    assert "Current thread" in done.stderr
    assert "in build" in done.stderr and "run_service" in done.stderr
