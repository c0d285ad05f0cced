"""The back-off benchmark runs end to end with a short pause (no timing thresholds)."""

from __future__ import annotations

from pathlib import Path

from bench.backoff import CASES, run
from shared.db import make_engine, migrate


def test_backoff_benchmark_measures_each_case_and_every_replica_gets_its_partitions(kafka, tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'runner.db'}")
    migrate(engine)
    result = run(kafka.bootstrap_servers, engine, pause=4.0, rounds=1)
    engine.dispose()
    assert list(result["seconds"]) == list(CASES)
    for case in CASES:
        [waited] = result["seconds"][case]
        assert 0 < waited < 4.0 + 30  # the replica was assigned partitions, not timed out
    # The baseline for the runner as it was: the replica cannot get partitions before the sleeper wakes.
    assert result["seconds"]["sleeping"][0] >= 4.0 * 0.9
    assert result["median_seconds"]["sleeping"] == round(result["seconds"]["sleeping"][0], 2)
