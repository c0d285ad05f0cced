"""The backbone benchmark's results and their printing: the figures of a run, the table of one
round, and the median and range of each figure's ratio across rounds."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["GOALS", "BackboneResult", "Figure", "format_summary", "format_table", "summarize"]

GOALS = {"relay": 0.90, "runner": 0.60}


# --------------------------------------------------------------------------- results


@dataclass
class Figure:
    """One measured figure: ``events`` in ``seconds``, optionally against a baseline."""

    name: str
    kind: str  # java-producer | raw-producer | relay | java-consumer | raw-consumer | runner[-batch|-projection]
    db: str | None
    events: int
    seconds: float
    baseline: str | None = None
    ratio: float | None = None
    goal: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    ceiling: str | None = None
    """The broker's own ceiling for this direction (Kafka's Java perf tool, same broker and size)."""
    ceiling_ratio: float | None = None

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0

    @property
    def met(self) -> bool | None:
        if self.goal is None or self.ratio is None:
            return None
        return self.ratio >= self.goal

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["events_per_s"] = round(self.events_per_s, 1)
        out["met"] = self.met
        return out


@dataclass
class BackboneResult:
    events: int
    size: int
    partitions: int
    bootstrap_servers: str
    figures: list[Figure]
    started_at: str
    environment: dict[str, Any]

    def figure(self, kind: str, db: str | None = None) -> Figure:
        return next(f for f in self.figures if f.kind == kind and f.db == db)

    def as_json(self) -> dict[str, Any]:
        return {
            "benchmark": "backbone",
            "events": self.events,
            "size_bytes": self.size,
            "partitions": self.partitions,
            "bootstrap_servers": self.bootstrap_servers,
            "started_at": self.started_at,
            "environment": self.environment,
            "goals": GOALS,
            "figures": [f.as_json() for f in self.figures],
        }


# --------------------------------------------------------------------------- output


def _ceiling_cell(f: Figure) -> str:
    if f.kind.startswith("java-"):
        return "ceiling"
    return "" if f.ceiling_ratio is None else f"{f.ceiling_ratio:.1%}"


def format_table(result: BackboneResult) -> str:
    head = ("figure", "events/s", "seconds", "ratio to baseline", "goal", "met", "of the broker's ceiling (Java)")
    rows = []
    for f in result.figures:
        rows.append(
            (
                f.name,
                f"{f.events_per_s:,.0f}",
                f"{f.seconds:.3f}",
                "baseline" if f.ratio is None else f"{f.ratio:.1%}",
                "" if f.goal is None else f"≥ {f.goal:.0%} of {f.baseline}",
                {None: "", True: "yes", False: "NO"}[f.met],
                _ceiling_cell(f),
            )
        )
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    aligns = ["<", ">", ">", ">", "<", "<", ">"]

    def line(cells: Sequence[str]) -> str:
        return " | ".join(f"{c:{a}{w}}" for c, a, w in zip(cells, aligns, widths, strict=True)).rstrip()

    sep = "-+-".join("-" * w for w in widths)
    title = (
        f"Backbone benchmark: {result.events:,} events of {result.size} bytes, "
        f"{result.partitions} partitions, broker {result.bootstrap_servers}"
    )
    return "\n".join([title, "", line(head), sep, *(line(r) for r in rows)])


def summarize(rounds: Sequence[BackboneResult]) -> list[dict[str, Any]]:
    """Per figure (by name, in the first round's order): the median events/s and ratio of the rounds, and the
    ratio's lowest and highest. Each ratio was taken within its own round (baseline and figure on the
    same broker moments apart), so the median of ratios, not a ratio of medians."""
    out: list[dict[str, Any]] = []
    for first in rounds[0].figures:
        same = [f for r in rounds for f in r.figures if f.name == first.name]  # two raw consumers share a kind
        ratios = [f.ratio for f in same if f.ratio is not None]
        out.append(
            {
                "name": first.name,
                "kind": first.kind,
                "db": first.db,
                "rounds": len(same),
                "events_per_s_median": round(statistics.median(f.events_per_s for f in same), 1),
                "ratio_median": round(statistics.median(ratios), 4) if ratios else None,
                "ratio_low": round(min(ratios), 4) if ratios else None,
                "ratio_high": round(max(ratios), 4) if ratios else None,
                "goal": first.goal,
                "met": None if first.goal is None or not ratios else statistics.median(ratios) >= first.goal,
            }
        )
    return out


def format_summary(summary: Sequence[dict[str, Any]]) -> str:
    lines = ["figure | rounds | events/s (median) | ratio: median (low–high) | goal | met"]
    for row in summary:
        ratio = (
            "baseline"
            if row["ratio_median"] is None
            else f"{row['ratio_median']:.1%} ({row['ratio_low']:.1%}–{row['ratio_high']:.1%})"
        )
        goal = "" if row["goal"] is None else f"≥ {row['goal']:.0%}"
        met = {None: "", True: "yes", False: "NO"}[row["met"]]
        lines.append(f"{row['name']} | {row['rounds']} | {row['events_per_s_median']:,.0f} | {ratio} | {goal} | {met}")
    return "\n".join(lines)
