"""The broker JVMs as processes: alive, their command line, signals to their process group."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from deploy.kafka.tooling import (
    log,
)

# --------------------------------------------------------------------------- processes


def process_alive(pid: int) -> bool:
    """True when ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no procfs: trust kill(0)
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def signal_group(pid: int, sig: signal.Signals) -> None:
    # The JVM is started with start_new_session=True, so its pgid is its pid.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def wait_gone(pid: int, proc: subprocess.Popen[bytes] | None, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None:
            if proc.poll() is not None:
                return True
        elif not process_alive(pid):
            return True
        time.sleep(0.05)
    return False


def terminate(pid: int, proc: subprocess.Popen[bytes] | None = None, timeout: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL it if it is still there after ``timeout``."""
    signal_group(pid, signal.SIGTERM)
    if wait_gone(pid, proc, timeout):
        return
    log.warning("pid %s ignored SIGTERM for %.0fs; sending SIGKILL", pid, timeout)
    signal_group(pid, signal.SIGKILL)
    wait_gone(pid, proc, 5.0)
