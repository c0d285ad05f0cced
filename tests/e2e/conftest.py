from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.harness import Platform


@pytest.fixture(scope="package")
def platform(kafka: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """All services on real HTTP ports, SQLite files, the session's real Kafka broker.

    Package-scoped: the platform stops when the e2e tests are done, so its consumers and its
    referral expiry sweeps (on the real clock) never act on events other tests publish to the
    same topics later in the session.
    """
    running = Platform(kafka.bootstrap_servers, tmp_path_factory.mktemp("platform-var")).start()
    try:
        yield running
    finally:
        running.stop()
