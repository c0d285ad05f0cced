"""The broker JVMs as processes: stopping one (SIGTERM to its process group, then SIGKILL). Whether a
pid runs, its command line and the signals themselves are :mod:`deploy.processes`."""

from __future__ import annotations

import signal

from deploy.kafka.tooling import log
from deploy.processes import signal_group, wait_gone


def terminate(pid: int, timeout: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL it if it is still there after ``timeout``."""
    signal_group(pid, signal.SIGTERM)
    if not wait_gone([pid], timeout):
        return
    log.warning("pid %s ignored SIGTERM for %.0fs; sending SIGKILL", pid, timeout)
    signal_group(pid, signal.SIGKILL)
    wait_gone([pid], 5.0)
