"""The districts app on a fixed clock, on SQLite (``app``) or on a fresh PostgreSQL database
(``on_postgresql``, which plays a scenario written against ``app`` once more there)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.districts.bootstrap import build
from services.districts.config import Settings
from shared.clock import FixedClock
from tests.integration.districts.test_district_records_http import T0

App = tuple[TestClient, Any]


@contextmanager
def _districts(settings: Settings) -> Iterator[App]:
    built, kit = build(settings, kafka=False, clock=FixedClock(T0))
    try:
        yield TestClient(built), kit
    finally:
        kit.close()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    with _districts(Settings(var_dir=tmp_path)) as built:
        yield built


@pytest.fixture
def on_postgresql(pg_url: str, tmp_path: Path) -> Callable[[Callable[[App], None]], None]:
    """Plays ``scenario(app)`` on the districts app over a fresh PostgreSQL database."""

    def play(scenario: Callable[[App], None]) -> None:
        with _districts(Settings(var_dir=tmp_path, database_url=pg_url)) as built:
            scenario(built)

    return play
