"""Statistics from a generated dataset equal its known counts; exports open in openpyxl; blue-green reads."""

from __future__ import annotations

import csv
import io
import random
import threading
from collections import Counter
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from services.reporting import handlers
from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.generations import active_generation, count_rows, generation_states
from services.reporting.charts import table_figure, table_png
from services.reporting.exports import to_csv, to_xlsx
from services.reporting.rebuild import rebuild
from shared.reference import load_code_lists
from tests.integration.reporting.builders import (
    T0,
    History,
    loan_contact,
    loan_issues,
    loan_opened,
    loan_response,
)
from tests.integration.reporting.conftest import Reporting

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def generated(n: int = 150, seed: int = 7) -> tuple[list, Counter, Counter, Counter, Counter]:
    codes = load_code_lists()
    funds = sorted(codes.code_set("loan_fund_types"))
    kinds = sorted(codes.code_set("loan_consultation_kinds"))
    cats = sorted(codes.code_set("household_issue_categories"))
    responses = sorted(codes.code_set("responses"))
    rnd = random.Random(seed)
    h = History()
    t1: Counter = Counter()
    initial: Counter = Counter()
    t2: Counter = Counter()
    t3: Counter = Counter()
    for i in range(n):
        cid, hh = f"lc-{i}", f"H{i}"
        fund, kind, first = rnd.choice(funds), rnd.choice(kinds), rnd.random() < 0.7
        at = T0 + timedelta(hours=i)
        opened_issues = tuple(rnd.sample(cats, rnd.randint(0, 2)))
        h.add("loans", cid, hh, loan_opened(cid, hh, at, fund=fund, kind=kind, initial=first, issues=opened_issues), at)
        t1[(fund, kind)] += 1
        later = tuple(c for c in rnd.sample(cats, rnd.randint(0, 2)) if c not in opened_issues)
        if later:
            h.add("loans", cid, hh, loan_issues(cid, hh, at + timedelta(minutes=5), later), at + timedelta(minutes=5))
        for j in range(rnd.randint(0, 3)):
            contact_kind = rnd.choice(kinds)
            moment = at + timedelta(minutes=10 + j)
            h.add("loans", cid, hh, loan_contact(cid, f"c{j}", hh, moment, fund=fund, kind=contact_kind), moment)
            t1[(fund, contact_kind)] += 1
        picked = rnd.sample(responses, rnd.randint(0, 2))
        for j, response in enumerate(picked):
            moment = at + timedelta(minutes=20 + j)
            h.add("loans", cid, hh, loan_response(cid, f"r{j}", hh, moment, response), moment)
        if first:
            initial[fund] += 1
            for c in {*opened_issues, *later}:
                t2[(fund, c)] += 1
            for r in picked:
                t3[(fund, r)] += 1
    return h.envelopes, t1, initial, t2, t3


def test_statistics_equal_known_counts_and_exports_open(reporting: Reporting) -> None:
    envelopes, t1, initial, t2, t3 = generated()
    reporting.publish(envelopes)
    reporting.consume()
    start, end = (T0 - timedelta(days=1)).date(), (T0 + timedelta(days=30)).date()
    table1, table2, table3 = handlers.statistics_tables(reporting.kit, start, end)
    codes = load_code_lists()
    for fund in codes.code_set("loan_fund_types"):
        assert table2.value(fund, "initial_consultations") == initial[fund]
        for kind in codes.code_set("loan_consultation_kinds"):
            assert table1.value(fund, kind) == t1[(fund, kind)]
        for cat in codes.code_set("household_issue_categories"):
            assert table2.value(fund, cat) == t2[(fund, cat)]
        for resp in codes.code_set("responses"):
            assert table3.value(fund, resp) == t3[(fund, resp)]
    assert table1.total == sum(t1.values())
    # table 3's columns follow the seed's groups
    groups = [c.group for c in table3.columns]
    assert groups == sorted(groups, key=[g.code for g in codes.codes("response_groups")].index)

    rows = list(csv.reader(io.StringIO(to_csv(table1).decode("utf-8-sig"))))
    assert rows[0][0] == "資金種類" and rows[-1][0] == "合計" and int(rows[-1][-1]) == sum(t1.values())

    wb = load_workbook(io.BytesIO(to_xlsx([table1, table2, table3])))
    assert wb.sheetnames == ["表1", "表2", "表3"]
    ws1 = wb["表1"]
    assert len(ws1._charts) == 1
    values = {r[0]: r[1:] for r in ws1.iter_rows(min_row=4, values_only=True)}
    emergency = codes.label("loan_fund_types", "emergency_small")
    kinds = [c.code for c in table1.columns]
    assert list(values[emergency][: len(kinds)]) == [t1[("emergency_small", k)] for k in kinds]
    assert values["合計"][-1] == sum(t1.values())
    # 表1 as a bar chart image: one stacked bar per fund type whose segments add up to its row.
    figure = table_figure(table1)
    [ax] = figure.axes
    bar_totals: dict[float, float] = {}
    for patch in ax.patches:
        bar_totals[round(patch.get_y(), 3)] = bar_totals.get(round(patch.get_y(), 3), 0) + patch.get_width()
    assert sorted(bar_totals.values()) == sorted(float(table1.row_total(code)) for code, _, _ in table1.rows)
    assert [t.get_text() for t in ax.get_yticklabels()] == [label for _, label, _ in table1.rows]
    assert "IPAex" in ax.get_yticklabels()[0].get_fontname()  # Japanese labels render, not as empty boxes
    png = table_png(table1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    ws2 = wb["表2"]
    totals2 = {r[0]: r[1:] for r in ws2.iter_rows(min_row=4, values_only=True)}["合計"]
    assert totals2[0] == sum(initial.values())
    ws3 = wb["表3"]
    assert "社協での対応" in [c.value for c in ws3[3]]
    totals3 = {r[0]: r[1:] for r in ws3.iter_rows(min_row=5, values_only=True)}["合計"]
    assert totals3[-1] == sum(t3.values())
    # a period that excludes the data
    empty = handlers.statistics_tables(reporting.kit, (T0 - timedelta(days=9)).date(), (T0 - timedelta(days=2)).date())
    assert all(t.total == 0 for t in empty)


def test_blue_green_switch_under_concurrent_reads(reporting: Reporting) -> None:
    envelopes, t1, *_ = generated(60, seed=3)
    reporting.publish(envelopes)
    reporting.consume()
    start, end = (T0 - timedelta(days=1)).date(), (T0 + timedelta(days=30)).date()
    full = sum(t1.values())
    with reporting.kit.engine.begin() as conn:  # an old model that lost rows (e.g. an old bug)
        gen = active_generation(conn)
        conn.execute(
            rm.loan_contacts.delete().where(
                rm.loan_contacts.c.gen == gen, rm.loan_contacts.c.consultation_id.like("lc-1%")
            )
        )
    stale = handlers.statistics_tables(reporting.kit, start, end)[0].total
    assert stale < full

    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                seen.append(handlers.statistics_tables(reporting.kit, start, end)[0].total)
                handlers.case_view(reporting.kit, "H5", handlers_actor(), "check")
            except BaseException as exc:  # any failure of a read fails the test
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()

    def before_switch(new_gen: int) -> None:
        with reporting.kit.engine.connect() as conn:
            assert count_rows(conn, rm.loan_contacts, new_gen) == full
        answer = handlers.statistics_tables(reporting.kit, start, end)[0].total
        assert answer == stale  # built, verified, not yet switched: readers still on the old model

    try:
        report = rebuild(
            reporting.kit.engine,
            reporting.bootstrap_servers,
            list(reporting.topics.values()),
            progress=None,
            before_switch=before_switch,
            grace_seconds=0.2,
        )
        after = handlers.statistics_tables(reporting.kit, start, end)[0].total
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:3]
    assert report.switched and after == full
    assert set(seen) <= {stale, full} and stale in seen
    with reporting.kit.engine.connect() as conn:
        assert generation_states(conn) == {report.generation: "active"}


def handlers_actor():  # type: ignore[no-untyped-def]
    from shared.envelope import Actor

    return Actor(staff_id="w", department="loans", role="worker")


def test_statistics_json_over_http_has_the_documented_shape_and_the_counts(reporting: Reporting) -> None:
    from fastapi.testclient import TestClient

    from shared.auth import mint_token
    from shared.settings import DEV_JWT_SECRET

    envelopes, t1, initial, t2, t3 = generated(80, seed=11)
    reporting.publish(envelopes)
    reporting.consume()
    client = TestClient(reporting.app)
    headers = {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 's-1', 'loans', 'manager')}"}
    start, end = (T0 - timedelta(days=1)).date().isoformat(), (T0 + timedelta(days=30)).date().isoformat()
    codes = load_code_lists()
    funds = [c.code for c in codes.codes("loan_fund_types")]
    expected = {"table1": t1, "table2": t2, "table3": t3}
    lists = {"table1": "loan_consultation_kinds", "table2": "household_issue_categories", "table3": "responses"}
    for key, counts in expected.items():
        response = client.get(f"/statistics/{key}", params={"from": start, "to": end}, headers=headers)
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        body = response.json()
        assert set(body) == {"key", "title", "row_header", "period", "columns", "rows", "column_totals", "total"}
        assert body["key"] == key and body["row_header"] == "資金種類" and body["period"] == [start, end]
        column_codes = [c["code"] for c in body["columns"] if c["in_row_total"]]
        assert sorted(column_codes) == sorted(codes.code_set(lists[key]))
        for column in body["columns"]:
            assert set(column) == {"code", "label", "group", "group_label", "in_row_total"}
        assert [r["code"] for r in body["rows"]] == funds
        assert [r["label"] for r in body["rows"]] == [c.label for c in codes.codes("loan_fund_types")]
        for row in body["rows"]:
            assert set(row) == {"code", "label", "values", "total"}
            for column in column_codes:
                assert row["values"][column] == counts[(row["code"], column)]
            assert row["total"] == sum(row["values"][c] for c in column_codes)
        assert body["total"] == sum(counts.values())
        assert body["column_totals"] == {
            c["code"]: sum(r["values"][c["code"]] for r in body["rows"]) for c in body["columns"]
        }
        if key == "table2":
            lead = body["columns"][0]
            assert lead == {**lead, "code": "initial_consultations", "in_row_total": False}
            assert {r["code"]: r["values"]["initial_consultations"] for r in body["rows"]} == {
                f: initial[f] for f in funds
            }
        if key == "table3":
            groups = {c["group"]: c["group_label"] for c in body["columns"]}
            assert groups["handled_by_council"] == "社協での対応"
    # the other formats of the same route, and a period that ends before it starts refused with a message
    csv_response = client.get("/statistics/table1", params={"from": start, "to": end, "format": "csv"}, headers=headers)
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert int(list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))[-1][-1]) == sum(t1.values())
    refused = client.get("/statistics/table1", params={"from": end, "to": start}, headers=headers)
    assert refused.status_code == 422 and refused.json()["field"] == "to"
    assert "before it starts" in refused.json()["message"]
    documented = reporting.app.openapi()["paths"]["/statistics/{table}"]["get"]["responses"]["200"]["content"]
    assert documented["application/json"]["schema"] == {"$ref": "#/components/schemas/StatTableView"}
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert {"text/csv", "image/png", xlsx} <= set(documented)
