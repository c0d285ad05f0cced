from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.harness import Platform


@pytest.fixture(scope="session")
def platform(kafka: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """All services on real HTTP ports, SQLite files, the session's real Kafka broker."""
    running = Platform(kafka.bootstrap_servers, tmp_path_factory.mktemp("platform-var")).start()
    try:
        yield running
    finally:
        running.stop()
