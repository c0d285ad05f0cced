"""``bench reporting``'s verdicts: the rebuild's share of the raw rate and flat memory, on the last step."""

from __future__ import annotations

from bench.reporting import goals

VIEW = {"model_p95_ms": 5.7}


def _step(events: int, share: float, rss: float) -> dict[str, float]:
    return {"events": events, "rebuild_share_of_raw": share, "peak_rss_mb": rss}


def test_a_rebuild_at_60_percent_with_memory_within_a_tenth_meets_both_aims() -> None:
    verdict = goals([_step(250_000, 0.4, 200.0), _step(1_000_000, 0.6, 219.0)], VIEW)
    assert verdict == {"rebuild_ge_60pct_raw": True, "peak_rss_flat_within_10pct": True, "case_view_p95_le_20ms": True}


def test_growing_memory_or_a_slow_last_step_fails_even_when_the_first_step_was_fine() -> None:
    verdict = goals([_step(250_000, 0.9, 200.0), _step(1_000_000, 0.59, 230.0)], {"model_p95_ms": 21.0})
    assert verdict == {
        "rebuild_ge_60pct_raw": False,
        "peak_rss_flat_within_10pct": False,
        "case_view_p95_le_20ms": False,
    }


def _parallel(workers: int, rate: float, raw: float = 47_000.0) -> dict[str, float]:
    return {"workers": workers, "events_per_s": rate, "share_of_raw": round(rate / raw, 3)}


def test_the_parallel_rebuild_is_judged_by_its_best_n_and_by_growing_with_n() -> None:
    steps = [_step(250_000, 0.35, 260.0), _step(1_000_000, 0.39, 270.0)]
    verdict = goals(steps, VIEW, [_parallel(2, 30_100.0), _parallel(1, 18_200.0)])
    assert verdict["rebuild_ge_60pct_raw"] is False  # the one process is judged on its own
    assert verdict["parallel_rebuild_ge_60pct_raw"] is True
    assert verdict["parallel_rate_grows_with_n"] is True


def test_a_parallel_rebuild_that_does_not_grow_or_stays_under_60_percent_fails() -> None:
    steps = [_step(250_000, 0.35, 260.0), _step(1_000_000, 0.39, 270.0)]
    verdict = goals(steps, VIEW, [_parallel(1, 18_200.0), _parallel(2, 17_000.0)])
    assert verdict["parallel_rebuild_ge_60pct_raw"] is False
    assert verdict["parallel_rate_grows_with_n"] is False
    assert "parallel_rebuild_ge_60pct_raw" not in goals(steps, VIEW)  # not asked for, not judged
