"""``python -m bench backbone --rounds N``: the median of each round's own ratio, and its range."""

from __future__ import annotations

import pytest

from bench.backbone import main
from bench.backbone_report import BackboneResult, Figure, format_summary, summarize


def _round(raw_seconds: float, relay_seconds: float) -> BackboneResult:
    raw = Figure(name="raw producer", kind="raw-producer", db=None, events=1000, seconds=raw_seconds)
    other = Figure(name="raw producer (other records)", kind="raw-producer", db=None, events=1000, seconds=1.0)
    relay = Figure(name="relay (sqlite)", kind="relay", db="sqlite", events=1000, seconds=relay_seconds)
    relay.baseline, relay.goal = raw.name, 0.9
    relay.ratio = relay.events_per_s / raw.events_per_s
    return BackboneResult(1000, 512, 3, "127.0.0.1:9092", [raw, other, relay], "2026-12-04T00:00:00+00:00", {})


def test_the_summary_takes_the_median_of_the_rounds_own_ratios_not_a_ratio_of_medians() -> None:
    # Ratios 50 %, 100 %, 80 %: the second round's machine was slow for both figures alike.
    rounds = [_round(1.0, 2.0), _round(4.0, 4.0), _round(1.0, 1.25)]
    raw, other, relay = summarize(rounds)
    assert raw["ratio_median"] is None and raw["rounds"] == 3
    assert other["rounds"] == 3  # a figure of the same kind is summarized on its own, not pooled
    assert raw["events_per_s_median"] == 1000.0
    assert relay["ratio_median"] == 0.8
    assert (relay["ratio_low"], relay["ratio_high"]) == (0.5, 1.0)
    assert relay["met"] is False  # 80 % against the relay's aim of 90 %
    table = format_summary([raw, relay])
    assert "80.0% (50.0%–100.0%)" in table and "NO" in table


def test_rounds_below_one_are_refused_with_the_option_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["backbone", "--rounds", "0"])
    assert exit_.value.code == 2
    assert "--rounds must be 1 or more" in capsys.readouterr().err
