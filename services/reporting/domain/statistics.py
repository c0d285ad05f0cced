"""The seed's statistics tables (横須賀市社協), laid out from counts and the versioned code lists.

Counts come from the read model (:mod:`services.reporting.adapters.queries`); labels, row and
column order and the response groups come from :mod:`shared.reference`, so a council's new code
list version changes the tables without code changes.

- 表1 資金種類別相談延件数: contacts (延件数) per fund type, one column per consultation kind (stacked)
- 表2 初期相談(実数)と世帯の課題: initial consultations per fund type, and 延件数 per issue category
- 表3 初期相談の対応状況: responses per fund type, columns grouped as the seed groups them
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from shared.reference import CodeLists

__all__ = ["Column", "StatTable", "table1", "table2", "table3"]


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    group: str | None = None
    group_label: str | None = None


@dataclass(frozen=True)
class StatTable:
    """A table as the seed prints it: labelled rows × columns, with a total row and column."""

    key: str
    title: str
    period: tuple[date, date]
    row_header: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, str, tuple[int, ...]], ...]  # (code, label, values)
    lead: Column | None = None  # a first value column that is not part of the row total (表2 実数)
    lead_values: Mapping[str, int] = field(default_factory=dict)

    def value(self, row: str, column: str) -> int:
        if self.lead is not None and column == self.lead.code:
            return int(self.lead_values.get(row, 0))
        idx = [c.code for c in self.columns].index(column)
        return next(values[idx] for code, _, values in self.rows if code == row)

    def row_total(self, row: str) -> int:
        return sum(next(values for code, _, values in self.rows if code == row))

    def column_total(self, column: str) -> int:
        if self.lead is not None and column == self.lead.code:
            return sum(self.lead_values.values())
        idx = [c.code for c in self.columns].index(column)
        return sum(values[idx] for _, _, values in self.rows)

    @property
    def total(self) -> int:
        return sum(sum(values) for _, _, values in self.rows)

    def as_dict(self) -> dict[str, object]:
        lead = [self.lead] if self.lead is not None else []
        return {
            "key": self.key,
            "title": self.title,
            "row_header": self.row_header,
            "period": [self.period[0].isoformat(), self.period[1].isoformat()],
            "columns": [
                {
                    "code": c.code,
                    "label": c.label,
                    "group": c.group,
                    "group_label": c.group_label,
                    "in_row_total": c is not self.lead,
                }
                for c in [*lead, *self.columns]
            ],
            "rows": [
                {
                    "code": code,
                    "label": label,
                    "values": {
                        **({self.lead.code: int(self.lead_values.get(code, 0))} if self.lead else {}),
                        **{c.code: v for c, v in zip(self.columns, values, strict=True)},
                    },
                    "total": sum(values),
                }
                for code, label, values in self.rows
            ],
            "column_totals": {c.code: self.column_total(c.code) for c in [*lead, *self.columns]},
            "total": self.total,
        }


def _rows(
    codes: CodeLists, columns: tuple[Column, ...], counts: Mapping[tuple[str, str], int]
) -> tuple[tuple[str, str, tuple[int, ...]], ...]:
    return tuple(
        (ft.code, ft.label, tuple(int(counts.get((ft.code, c.code), 0)) for c in columns))
        for ft in codes.codes("loan_fund_types")
    )


def table1(codes: CodeLists, period: tuple[date, date], counts: Mapping[tuple[str, str], int]) -> StatTable:
    """``counts[(fund_type, kind)]`` = contacts (opened + contact recorded) in the period."""
    columns = tuple(Column(c.code, c.label) for c in codes.codes("loan_consultation_kinds"))
    return StatTable("table1", "資金種類別相談延件数", period, "資金種類", columns, _rows(codes, columns, counts))


def table2(
    codes: CodeLists,
    period: tuple[date, date],
    initial: Mapping[str, int],
    counts: Mapping[tuple[str, str], int],
) -> StatTable:
    """``initial[fund_type]`` = initial consultations (実数); ``counts[(fund_type, issue)]`` = 延件数."""
    columns = tuple(Column(c.code, c.label) for c in codes.codes("household_issue_categories"))
    return StatTable(
        "table2",
        "資金種類別初期相談件数(実数)と相談内容(世帯の課題と思われる内容・延件数)",
        period,
        "資金種類",
        columns,
        _rows(codes, columns, counts),
        lead=Column("initial_consultations", "初期相談件数(実数)"),
        lead_values=dict(initial),
    )


def table3(codes: CodeLists, period: tuple[date, date], counts: Mapping[tuple[str, str], int]) -> StatTable:
    """``counts[(fund_type, response)]`` = responses recorded on initial consultations; grouped columns."""
    group_labels = {g.code: g.label for g in codes.codes("response_groups")}
    order = list(group_labels)
    responses = sorted(codes.codes("responses"), key=lambda r: order.index(r.group) if r.group in order else len(order))
    columns = tuple(Column(r.code, r.label, r.group, group_labels.get(r.group or "", r.group)) for r in responses)
    return StatTable("table3", "初期相談の対応状況", period, "資金種類", columns, _rows(codes, columns, counts))
