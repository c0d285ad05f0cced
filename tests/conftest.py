"""Session fixtures: the real Kafka broker and the real PostgreSQL server, started by the suite.

Nothing here skips. A test that asks for ``kafka`` gets a KRaft broker started from the
project's own jars (or the cluster named by ``KAFKA_BOOTSTRAP_SERVERS``); a test that asks for
``postgres`` gets a throwaway server from Debian's package (or ``DATABASE_URL``'s server); a test
that asks for ``keycloak`` gets the identity provider with the realm kept as code.
``db_url`` runs a test once on SQLite and once on PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
# The suite builds services as the tests say (HS256 development tokens unless a test asks for the
# provider), whatever the shell running it exported for a platform of its own.
for _name in ("TSUNAGU_AUTH", "TSUNAGU_ENVIRONMENT", "TSUNAGU_OIDC_ISSUER", "TSUNAGU_JWT_SECRET"):
    os.environ.pop(_name, None)
# Per test session, so that two runs on one checkout (a developer and a helper, say) never
# stop each other's broker or database.
SESSION_VAR = REPO / "var" / f"test-{os.getpid()}"


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``make test`` runs two workers (pytest-xdist): a module's tests go to one worker together, and so
    do the browser and end-to-end packages, so that each module's and package's platform is set up
    once. (xdist's own ``loadgroup`` marks do not reach pytest 9's node ids, hence this scheduler.)
    The fast unit modules come last and fill the gaps at the end."""
    from xdist.scheduler import LoadScopeScheduling

    # Scopes in collection order (browser, e2e, integration, then the many fast unit modules), not
    # xdist's default of most tests first, which queued the single-test modules that take minutes
    # (Keycloak on PostgreSQL, the broker outage, `make stop`) last, where one worker ran them alone.
    config.option.loadscopereorder = False

    class ByModuleAndPlatformPackage(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            parts = path.split("/")
            return "/".join(parts[:2]) if len(parts) > 2 and parts[1] in ("browser", "e2e") else path

    return ByModuleAndPlatformPackage(config, log)


@pytest.fixture(scope="session")
def kafka() -> Iterator[Any]:
    from deploy.kafka.cluster import create_topics, start_single

    handle = start_single(SESSION_VAR / "kafka", fresh=True)
    create_topics(handle.bootstrap_servers, partitions=3)
    try:
        yield handle
    finally:
        handle.stop(remove_data=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    from deploy.postgres.local import start

    handle = start(SESSION_VAR / "postgres")
    try:
        yield handle
    finally:
        handle.stop(remove_data=True)


@pytest.fixture(scope="session")
def keycloak() -> Iterator[Any]:
    """The identity provider: Keycloak started once per session on a free port, the realm imported."""
    from deploy.identity.local import start

    handle = start(SESSION_VAR / "identity", port=None, fresh=True)
    print(f"\nkeycloak: started in {handle.started_in:.1f} s on {handle.base_url}")
    try:
        yield handle
    finally:
        handle.stop(remove_data=True)


@pytest.fixture
def pg_url(postgres: Any) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    name = "t_" + uuid.uuid4().hex[:12]
    postgres.create_database(name)
    return str(postgres.url(name))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on both stores: an SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def new_topic(kafka: Any) -> Any:
    """Makes uniquely named topics (and their dead-letter twin) for one test."""
    from deploy.kafka.cluster import create_topics

    def make(prefix: str = "t", partitions: int = 3) -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:8]}.events"
        create_topics(kafka.bootstrap_servers, topics=[name, name + ".dlq"], partitions=partitions)
        return name

    return make


@pytest.fixture(scope="session", autouse=True)
def _clean_session_var() -> Iterator[None]:
    yield
    import shutil

    shutil.rmtree(SESSION_VAR, ignore_errors=True)
