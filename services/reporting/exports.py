"""Exports of the statistics tables: CSV (UTF-8 with BOM, opens in Excel) and an Excel workbook.

The workbook has one sheet per table laid out like the seed: a title row, the period, a header
(表3: two header rows, the response groups merged over their responses), one row per fund type,
a 合計 row and column. Sheet 表1 carries a native stacked bar chart of table 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from services.reporting.domain.statistics import StatTable
from shared.reference import CodeLists
from shared.referrals.codes import referral_code_lists

__all__ = ["evaluation_xlsx", "to_csv", "to_xlsx"]

TOTAL = "合計"


def _header(table: StatTable) -> list[str]:
    lead = [table.lead.label] if table.lead else []
    return [table.row_header, *lead, *[c.label for c in table.columns], TOTAL]


def _body(table: StatTable) -> list[list[object]]:
    out: list[list[object]] = []
    for code, label, values in table.rows:
        lead = [int(table.lead_values.get(code, 0))] if table.lead else []
        out.append([label, *lead, *values, sum(values)])
    lead_total = [table.column_total(table.lead.code)] if table.lead else []
    out.append([TOTAL, *lead_total, *[table.column_total(c.code) for c in table.columns], table.total])
    return out


def to_csv(table: StatTable) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if any(c.group for c in table.columns):
        lead = [""] if table.lead else []
        writer.writerow(["", *lead, *[c.group_label or "" for c in table.columns], ""])
    writer.writerow(_header(table))
    writer.writerows(_body(table))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _sheet(wb: Workbook, table: StatTable, name: str) -> None:
    ws = wb.create_sheet(name)
    ws.append([table.title])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([f"期間: {table.period[0].isoformat()} ～ {table.period[1].isoformat()}"])
    first = 3
    offset = 1 + (1 if table.lead else 0)  # columns before the first value column
    if any(c.group for c in table.columns):
        ws.append([])
        start = 0
        while start < len(table.columns):
            end = start
            while end + 1 < len(table.columns) and table.columns[end + 1].group == table.columns[start].group:
                end += 1
            c1, c2 = offset + start + 1, offset + end + 1
            ws.cell(row=first, column=c1, value=table.columns[start].group_label)
            if c2 > c1:
                ws.merge_cells(start_row=first, start_column=c1, end_row=first, end_column=c2)
            ws.cell(row=first, column=c1).alignment = Alignment(horizontal="center")
            start = end + 1
        first += 1
    ws.append(_header(table))
    for cell in ws[first]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in _body(table):
        ws.append(row)
    ws[f"A{ws.max_row}"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 34
    for col in range(2, len(_header(table)) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    ws.freeze_panes = ws.cell(row=first + 1, column=2)
    if table.key == "table1":
        _chart(ws, table, header_row=first)


def _chart(ws: object, table: StatTable, header_row: int) -> None:
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = table.title
    chart.y_axis.title = "延件数"
    n = len(table.rows)
    data = Reference(ws, min_col=2, max_col=1 + len(table.columns), min_row=header_row, max_row=header_row + n)
    cats = Reference(ws, min_col=1, min_row=header_row + 1, max_row=header_row + n)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.height, chart.width = 14, 24
    ws.add_chart(chart, f"{get_column_letter(len(_header(table)) + 2)}3")  # type: ignore[attr-defined]


def to_xlsx(tables: Sequence[StatTable]) -> bytes:
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    for table in tables:
        _sheet(wb, table, "表" + table.key.removeprefix("table"))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- the yearly district evaluation (地区の年度評価) ------------------------------------------------


def _label(codes: CodeLists, code_list: str, code: str) -> str:
    for c in codes.codes(code_list):
        if c.code == code:
            return str(c.label)
    return code


def evaluation_xlsx(evaluation: Any, codes: CodeLists) -> bytes:
    """Four sheets: 地区ファイル (CSW, goal, evaluation), 地域資源 (counts by kind), 地域事業 (per month:
    events held, handled, uncovered, escalated, then handled / declined per department) and ケースの積み上げ
    (per month: network-meeting issues, desk consultations, then counts per district issue category)."""
    file, resources, months = evaluation.file, evaluation.resources, evaluation.months
    wb = Workbook()
    ws = wb.active
    ws.title = "地区ファイル"
    ws.append([f"地区の年度評価 {file.district_id} {file.fiscal_year}年度"])
    ws["A1"].font = Font(bold=True, size=12)
    for label, value in (
        ("地区", file.district_id),
        ("年度", file.fiscal_year),
        ("地区担当", file.csw_id or ""),
        ("年度目標", file.goal or ""),
        ("評価", file.evaluation or ""),
    ):
        ws.append([label, value])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        ws.cell(row=ws.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 80

    rs = wb.create_sheet("地域資源")
    rs.append(["区分", "種類", "件数"])
    for cell in rs[1]:
        cell.font = Font(bold=True)
    for title, code_list, counts, total in (
        ("地域資源", "local_resource_kinds", resources.resources, resources.resource_total),
        ("担い手", "helper_kinds", resources.helpers, resources.helper_total),
    ):
        for code, n in counts.items():
            rs.append([title, _label(codes, code_list, code), n])
        rs.append([title, TOTAL, total])
        rs.cell(row=rs.max_row, column=2).font = Font(bold=True)
    rs.column_dimensions["A"].width, rs.column_dimensions["B"].width = 12, 28

    ss = wb.create_sheet("地域事業")
    departments = sorted({d.department for m in months for row in m.districts for d in row.departments})
    ss.append(
        [
            "月",
            "事業数",
            "対応あり",
            "対応なし",
            "他課調整",
            *[f"{_label(referral_code_lists(), 'departments', d)} 対応する" for d in departments],
            *[f"{_label(referral_code_lists(), 'departments', d)} 対応しない" for d in departments],
        ]
    )
    for cell in ss[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sums = [0] * (4 + 2 * len(departments))
    for m in months:
        by_dept = {d.department: d for row in m.districts for d in row.departments}
        values = [
            m.scheduled,
            m.handled,
            m.uncovered,
            m.escalated,
            *[by_dept[d].handled if d in by_dept else 0 for d in departments],
            *[by_dept[d].declined if d in by_dept else 0 for d in departments],
        ]
        sums = [a + b for a, b in zip(sums, values, strict=True)]
        ss.append([m.month, *values])
    ss.append([TOTAL, *sums])
    ss.cell(row=ss.max_row, column=1).font = Font(bold=True)
    ss.column_dimensions["A"].width = 10
    ss.freeze_panes = "B2"

    issues = evaluation.issues
    by_month = {m.month: m for m in issues.months}
    categories = sorted(issues.by_category)
    ks = wb.create_sheet("ケースの積み上げ")
    ks.append(
        [
            "月",
            "ネットワーク会議の地域課題",
            "相談窓口の相談",
            "計",
            *[_label(codes, "district_issue_categories", c) for c in categories],
        ]
    )
    for cell in ks[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for m in months:
        row = by_month.get(m.month)
        counts = row.by_category if row is not None else {}
        ks.append(
            [
                m.month,
                row.meeting_issues if row is not None else 0,
                row.desk_consultations if row is not None else 0,
                row.total if row is not None else 0,
                *[counts.get(c, 0) for c in categories],
            ]
        )
    ks.append(
        [
            TOTAL,
            issues.meeting_issues,
            issues.desk_consultations,
            issues.total,
            *[issues.by_category[c] for c in categories],
        ]
    )
    ks.cell(row=ks.max_row, column=1).font = Font(bold=True)
    ks.column_dimensions["A"].width = 10
    ks.freeze_panes = "B2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
