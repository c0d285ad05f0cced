"""The local launchers' processes (Kafka, Keycloak, the web front, the services): whether a pid still
runs, its command line, signals to the process group it leads, and waiting for it to be gone.

The launchers start each server with ``start_new_session=True``, so it leads a process group of its
own (a script such as ``kc.sh`` with its JVM): signalling the group stops them together. A child of
this process that exited stays a zombie until it is reaped; :func:`alive` reaps it, so a stopped
server is never taken for a running one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = ["alive", "cmdline", "signal_group", "wait_gone"]


def alive(pid: int) -> bool:
    """True while ``pid`` runs: it exists and is no zombie (a child of ours that exited is reaped here)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: it exists
    with contextlib.suppress(ChildProcessError, OSError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return False
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        return True  # no procfs to ask: trust kill(0)


def cmdline(pid: int) -> str:
    """The process's command line, arguments joined by spaces ('' once it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def signal_group(pid: int, sig: signal.Signals) -> None:
    """Signal the process group ``pid`` leads (the process alone if it leads none); nothing if it is gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)


def wait_gone(pids: Iterable[int], timeout: float, *, every: float = 0.05) -> list[int]:
    """Wait up to ``timeout`` seconds for the processes to end; the pids still running then."""
    deadline = time.monotonic() + timeout
    while (left := [p for p in pids if alive(p)]) and time.monotonic() < deadline:
        time.sleep(every)
    return left
