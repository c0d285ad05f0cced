"""``deploy.web.local.build``: when it installs the npm packages, and when it must not."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from deploy.web import local


def _frontend(tmp_path: Path) -> Path:
    """A frontend/ whose lock file is newer than its node_modules and with a current build."""
    frontend = tmp_path / "frontend"
    (frontend / "src").mkdir(parents=True)
    (frontend / "src" / "main.tsx").write_text("")
    (frontend / "dist").mkdir()
    (frontend / "dist" / "index.html").write_text("")
    (frontend / "package-lock.json").write_text("{}")
    old = (frontend / "dist" / "index.html").stat().st_mtime - 100
    os.utime(frontend / "src" / "main.tsx", (old, old))
    return frontend


@pytest.fixture
def npm_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []

    def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(cmd[1:])
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(local.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(local.subprocess, "run", run)
    return calls


def _age(path: Path, seconds: float) -> None:
    stamp = path.lstat().st_mtime - seconds
    os.utime(path, (stamp, stamp), follow_symlinks=False)


def test_a_real_node_modules_older_than_the_lock_file_is_reinstalled(
    tmp_path: Path, npm_calls: list[list[str]]
) -> None:
    frontend = _frontend(tmp_path)
    (frontend / "node_modules").mkdir()
    _age(frontend / "node_modules", 60)

    local.build(frontend=frontend)

    assert npm_calls == [["ci", "--no-audit", "--no-fund"]]


def test_an_absent_node_modules_is_installed(tmp_path: Path, npm_calls: list[list[str]]) -> None:
    local.build(frontend=_frontend(tmp_path))

    assert npm_calls == [["ci", "--no-audit", "--no-fund"]]


@pytest.mark.parametrize("force", [False, True])
def test_a_symlinked_node_modules_is_never_reinstalled(tmp_path: Path, npm_calls: list[list[str]], force: bool) -> None:
    """A worktree links the main checkout's node_modules: ``npm ci`` would wipe the shared tree."""
    shared = tmp_path / "main" / "node_modules"
    (shared / "react").mkdir(parents=True)
    _age(shared, 60)
    frontend = _frontend(tmp_path)
    (frontend / "node_modules").symlink_to(shared)
    before = shared.stat().st_mtime

    assert not local.needs_install(frontend, force=force)
    local.build(force=force, frontend=frontend)

    assert ["ci", "--no-audit", "--no-fund"] not in npm_calls
    assert npm_calls == ([["run", "build"]] if force else [])
    assert (shared / "react").is_dir()
    assert shared.stat().st_mtime == before


def test_a_current_node_modules_and_build_run_nothing(tmp_path: Path, npm_calls: list[list[str]]) -> None:
    frontend = _frontend(tmp_path)
    _age(frontend / "package-lock.json", 60)
    (frontend / "node_modules").mkdir()

    local.build(frontend=frontend)

    assert npm_calls == []
