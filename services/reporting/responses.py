"""What reporting's statistics reads answer as JSON, as documented models: the web client's types
are generated from them.

The tables are laid out by :mod:`services.reporting.domain.statistics` (``StatTable.as_dict``);
these models only document (and check) that shape. The same routes also answer CSV, Excel and PNG.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.views import View

__all__ = ["StatColumnView", "StatRowView", "StatTableView"]


class StatColumnView(View):
    """One value column: a code of the table's code list and its label (表3: grouped as the seed groups them)."""

    code: str
    label: str
    group: str | None = None
    group_label: str | None = None
    in_row_total: bool = Field(
        default=True, description="false for 表2's 初期相談件数(実数), which is not part of the row's 延件数 total"
    )


class StatRowView(View):
    """One row: a fund type (資金種類) with its value per column code and its total (延件数)."""

    code: str
    label: str
    values: dict[str, int]
    total: int


class StatTableView(View):
    """統計表 (表1–表3) for a period: rows × columns as the seed prints them, with totals."""

    key: Literal["table1", "table2", "table3"]
    title: str
    row_header: str
    period: list[str] = Field(description="[first day, last day] of the period (JST), inclusive, as YYYY-MM-DD")
    columns: list[StatColumnView]
    rows: list[StatRowView]
    column_totals: dict[str, int]
    total: int
