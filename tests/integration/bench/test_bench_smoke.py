"""The backbone benchmark runs end to end on a tiny workload (no timing thresholds)."""

from __future__ import annotations

from sqlalchemy import func, select

from bench.backbone import run_backbone
from bench.backbone_measure import effects_table
from bench.backbone_report import format_table
from shared.db import make_engine

N = 300


def test_backbone_benchmark_measures_every_figure_and_the_runner_handles_each_event_once(kafka, tmp_path):
    relay_url = f"sqlite:///{tmp_path / 'relay.db'}"
    runner_url = f"sqlite:///{tmp_path / 'runner.db'}"
    result = run_backbone(
        bootstrap=kafka.bootstrap_servers, db_urls={"sqlite": relay_url, "sqlite-runner": runner_url}, n=N, size=256
    )
    kinds = [(f.kind, f.db) for f in result.figures]
    assert kinds == [
        ("java-producer", None),
        ("raw-producer", None),
        ("relay", "sqlite"),
        ("java-consumer", None),
        ("raw-consumer", None),
        ("runner", "sqlite"),
        ("runner-batch", "sqlite"),
        ("raw-consumer", None),
        ("runner-projection", "sqlite"),
    ]
    for figure in result.figures:
        assert figure.seconds > 0 and figure.events_per_s > 0
    assert all(f.events == N for f in result.figures[:7])
    for kind in ("relay", "runner", "runner-batch", "runner-projection"):
        assert result.figure(kind, "sqlite").ratio > 0
        assert result.figure(kind, "sqlite").ceiling_ratio > 0  # distance to Kafka's own Java tools
    # Reporting's real projection handled every one of the departments' events; none broke its contract.
    projection = result.figure("runner-projection", "sqlite")
    assert projection.events == result.figures[7].events >= N
    assert projection.extra == {"handled": projection.events, "dead_lettered": 0, "batch_size": 500}
    for kind in ("runner", "runner-batch"):
        runner = result.figure(kind, "sqlite")
        assert runner.extra["rows"] == N and runner.extra["dedupe_marks"] == N
    engine = make_engine(runner_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(effects_table)).scalar_one() == N
    engine.dispose()
    assert "consumer runner, per-event handler (sqlite)" in format_table(result)
    assert "consumer runner, batch handler (sqlite)" in format_table(result)
    assert "Kafka's Java ConsumerPerformance" in format_table(result)
    assert result.as_json()["figures"][1]["events_per_s"] > 0
