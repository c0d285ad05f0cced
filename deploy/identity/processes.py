"""The local Keycloak's process: is a pid still our server, signalling its group, loopback ports."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def is_keycloak(pid: int, data_dir: Path) -> bool:
    """The pid is alive and is the Keycloak of ``data_dir`` (not a reused pid, not a zombie)."""
    with contextlib.suppress(ChildProcessError, OSError):
        done, _ = os.waitpid(pid, os.WNOHANG)  # reap our own exited child
        if done:
            return False
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    if "State:\tZ" in status:
        return False
    return f"-Dkc.home.dir={data_dir / 'home'}" in cmdline(pid)


def signal_group(pid: int, sig: signal.Signals) -> None:
    """Signal Keycloak's own process group (kc.sh and its JVM), which it leads since it was started here."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
