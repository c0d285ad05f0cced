"""shared.service: how a service process starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from kafka.errors import KafkaTimeoutError

from shared.service import build_kit, run_service
from shared.settings import ServiceSettings

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


class GoneBroker:
    """A producer still holding records when the broker went away: its flush times out."""

    closed = False

    def flush(self, timeout: float | None = None) -> None:
        raise KafkaTimeoutError("Timeout waiting for future")

    def close(self, timeout: float | None = None) -> None:
        self.closed = True

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"stopping should not call producer.{name}")


def test_a_service_whose_broker_went_away_still_stops_and_closes_everything(tmp_path: Path):
    kit = build_kit(ServiceSettings(service="probe", var_dir=tmp_path, kafka_bootstrap_servers="127.0.0.1:1"))
    producer = kit.producer = GoneBroker()  # type: ignore[assignment]
    kit.close()
    assert producer.closed  # closing went on past the failed flush


def test_a_service_command_line_serves_or_takes_dead_letters_and_refuses_anything_else(monkeypatch, capsys):
    """``python -m services.<name> [serve]`` builds and serves; a misspelt command starts nothing."""
    monkeypatch.setattr("shared.service.faulthandler.register", lambda *args, **kwargs: None)
    built: list[str] = []

    def build():
        built.append("built")
        raise SystemExit(7)  # stands in for serving: the test stops where the service would start

    assert run_service(build, "probe", ("serv",)) == 2
    assert "usage: python -m services.probe [serve | dead-letters list|show|replay]" in capsys.readouterr().err
    assert built == []
    for argv in ((), ("serve",), ["serve"]):
        with pytest.raises(SystemExit) as ended:
            run_service(build, "probe", argv)
        assert ended.value.code == 7
    assert built == ["built"] * 3
