"""表1 as a bar chart image (PNG): contacts (延件数) per fund type, stacked by consultation kind.

Councils paste this figure into their reports. Labels are the seed's Japanese; the IPAex Gothic
font comes with ``matplotlib-fontja`` so the image renders the same on any machine (no system
fonts needed). The figure is drawn with matplotlib's object API on the Agg canvas: no pyplot,
no global backend, safe in a server thread.
"""

from __future__ import annotations

import io

import matplotlib_fontja  # noqa: F401  (registers the Japanese font and makes it the default)
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from services.reporting.domain.statistics import StatTable

__all__ = ["table_figure", "table_png"]


def table_png(table: StatTable) -> bytes:
    """:func:`table_figure` rendered as PNG bytes."""
    buf = io.BytesIO()
    table_figure(table).savefig(buf, format="png")
    return buf.getvalue()


def table_figure(table: StatTable) -> Figure:
    """A horizontal stacked bar per row of ``table`` (one segment per column)."""
    labels = [label for _, label, _ in table.rows]
    fig = Figure(figsize=(10, 0.35 * len(labels) + 2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    left = [0] * len(labels)
    for i, column in enumerate(table.columns):
        widths = [values[i] for _, _, values in table.rows]
        ax.barh(labels, widths, left=left, label=column.label)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.invert_yaxis()  # the seed lists fund types from the top
    ax.set_xlabel("延件数")
    ax.set_title(f"{table.title}（{table.period[0].isoformat()}～{table.period[1].isoformat()}）")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=len(table.columns), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
