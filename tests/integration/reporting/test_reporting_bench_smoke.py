"""The reporting benchmark runs end to end on a tiny history (CI never runs the 1M figure)."""

from __future__ import annotations

from typing import Any

import pytest

from bench.reporting import run

pytestmark = [pytest.mark.kafka]


def test_reporting_bench_smoke(kafka: Any) -> None:
    result = run(2000, 200, [1000], "sqlite", kafka.bootstrap_servers, None, samples=20)
    assert [s["events"] for s in result["steps"]] == [1000, 2000]
    assert all(s["skipped"] == 0 and s["events_per_s"] > 0 for s in result["steps"])
    assert result["case_view"]["model_p95_ms"] > 0
