"""Two replicas of loans and two of intake under load on a 3-broker cluster and one PostgreSQL; the
relay leader of each SIGKILLed mid-load (the scenario of ``python -m bench scale``, small).

Clients send a command again to the surviving replica when theirs is gone. Asserted: every command
answered 2xx is in the store and its events reach the topic (0 lost); every denial yields exactly
one automatic referral in intake's store (0 double effects); the relay lease moved to the survivor;
the consumer groups' partitions were shared by both replicas before the kill and all held by the
survivor after. No timing threshold is asserted (the figures are printed).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.scale import GROUPS, SERVICES, run_scenario
from deploy.kafka.cluster import create_topics, start_cluster

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Three KRaft nodes (RF 3, min.insync.replicas 2) with the project's topics."""
    handle = start_cluster(3, tmp_path_factory.mktemp("scale-kafka"))
    try:
        create_topics(handle.bootstrap_servers)
        yield handle.bootstrap_servers
    finally:
        handle.stop(remove_data=True, kill=True)  # its data is thrown away


def test_killing_a_replica_of_each_service_under_load_loses_nothing_and_doubles_nothing(
    cluster: str, postgres: Any, tmp_path: Path
) -> None:
    bootstrap, pg = cluster, postgres
    urls = {}
    for svc in SERVICES:
        pg.create_database(f"scale_{svc}")
        urls[svc] = str(pg.url(f"scale_{svc}"))
    outcome = run_scenario(tmp_path / "run", bootstrap, urls, cases=24, workers=3, session_timeout=6)
    print("\n" + outcome.summary())

    assert outcome.load_errors == []
    assert outcome.cases == 24 and outcome.commands >= (24 - outcome.refused) * 5  # 5 or 8 commands a case
    assert outcome.denials >= 12 - outcome.refused
    assert outcome.client_retries > 0  # clients of the killed replicas went on against the survivors
    assert outcome.lost_from_store == 0
    assert outcome.lost_from_topic == 0
    assert outcome.referrals_doubled == 0
    assert outcome.referrals_missing == 0
    assert sorted(outcome.takeover_s) == sorted(SERVICES)  # the survivor of each service holds its relay lease
    for group in GROUPS:
        before, after = outcome.shared_before[group], outcome.held_after[group]
        assert len(before) == 2 and all(before)  # both replicas consumed a share of the partitions
        assert len(after) == 1 and sorted(after[0]) == sorted(
            p for member in before for p in member
        )  # all on the survivor
