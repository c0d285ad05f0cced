"""The backbone benchmark runs end to end on a tiny workload (no timing thresholds)."""

from __future__ import annotations

from sqlalchemy import func, select

from bench.backbone import effects_table, format_table, run_backbone
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
        ("raw-producer", None),
        ("relay", "sqlite"),
        ("raw-consumer", None),
        ("runner", "sqlite"),
        ("runner-batch", "sqlite"),
    ]
    for figure in result.figures:
        assert figure.events == N
        assert figure.seconds > 0 and figure.events_per_s > 0
    for kind in ("relay", "runner", "runner-batch"):
        assert result.figure(kind, "sqlite").ratio > 0
    for kind in ("runner", "runner-batch"):
        runner = result.figure(kind, "sqlite")
        assert runner.extra["rows"] == N and runner.extra["dedupe_marks"] == N
    engine = make_engine(runner_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(effects_table)).scalar_one() == N
    engine.dispose()
    assert "consumer runner, per-event handler (sqlite)" in format_table(result)
    assert "consumer runner, batch handler (sqlite)" in format_table(result)
    assert result.as_json()["figures"][1]["events_per_s"] > 0
