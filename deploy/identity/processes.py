"""The local Keycloak's process: whether a pid is still our server (the process helpers themselves are
:mod:`deploy.processes`)."""

from __future__ import annotations

from pathlib import Path

from deploy.processes import alive, cmdline


def is_keycloak(pid: int, data_dir: Path) -> bool:
    """The pid is alive and is the Keycloak of ``data_dir`` (not a reused pid, not a zombie)."""
    return alive(pid) and f"-Dkc.home.dir={data_dir / 'home'}" in cmdline(pid)
