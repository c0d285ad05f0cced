"""The reporting desk (記録と共有) in the browser: a manager reads 表1 for a 年度 as a table and a chart
(the figures those of the API's JSON), downloads it as CSV and the three tables as Excel, reads the
referral flow, the issues per district and the 要フォロー list and opens a case from it; an auditor
sees the case's access log with their own read and the chain verified; a worker is refused plainly."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import WebPlatform, axe_violations, describe, new_page, shoot, sign_in


def fiscal_year(now: datetime | None = None) -> int:
    jst = (now or datetime.now(UTC)) + timedelta(hours=9)
    return jst.year if jst.month >= 4 else jst.year - 1


def api_json(web: WebPlatform, user: str, path: str, **params: str) -> Any:
    with web.api("reporting", user) as reporting:
        response = reporting.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()


def table_in_page(page: Page, key: str) -> dict[str, dict[str, int]]:
    """The figures of the table on the screen: {row code: {column code (or "total"): value}}."""
    table = page.get_by_test_id(f"stat-{key}")
    expect(table).to_be_visible()
    return page.evaluate(
        """(key) => Object.fromEntries([...document.querySelectorAll(`[data-testid=stat-${key}] tr[data-row]`)].map(
            (tr) => [tr.dataset.row, Object.fromEntries([...tr.querySelectorAll('td[data-code]')].map(
                (td) => [td.dataset.code, Number(td.textContent)]))]))""",
        key,
    )


def expected_figures(body: dict[str, Any]) -> dict[str, dict[str, int]]:
    figures = {r["code"]: {**r["values"], "total": r["total"]} for r in body["rows"]}
    figures["total"] = {**body["column_totals"], "total": body["total"]}
    return figures


def no_serious_violations(page: Page, where: str) -> None:
    found = axe_violations(page)
    assert not found, f"{where}: {describe(found)}"


def test_a_manager_reads_table_1_for_a_fiscal_year_downloads_it_and_follows_up_cases(
    web: WebPlatform, browser: Browser
) -> None:
    fy = fiscal_year()
    period = {"from": f"{fy}-04-01", "to": f"{fy + 1}-03-31"}
    page = sign_in(new_page(browser), web, "reporting-manager")
    menu = page.get_by_role("navigation", name="業務メニュー")
    menu.get_by_role("link", name="統計表").click()
    expect(page.get_by_role("heading", level=1, name="統計表（表1～表3）")).to_be_visible()

    # An earlier 年度 first (nothing recorded then), then this one: the picker sets the API's period.
    page.get_by_role("combobox", name="年度").select_option(label=f"{fy - 1}年度")
    expect(page.get_by_test_id("period")).to_have_text(f"期間: {fy - 1}/04/01 ～ {fy}/03/31")
    expect(page.get_by_test_id("stat-table1").locator("tr[data-row=total] td[data-code=total]")).to_have_text("0")
    page.get_by_role("combobox", name="年度").select_option(label=f"{fy}年度")
    expect(page.get_by_test_id("period")).to_have_text(f"期間: {fy}/04/01 ～ {fy + 1}/03/31")
    assert f"fy={fy}" in page.url

    # The figures on the screen are the API's (reporting reads the stories from Kafka: wait until settled).
    for _ in range(30):
        body = api_json(web, "reporting-manager", "/statistics/table1", **period)
        page.reload()
        shown = table_in_page(page, "table1")
        if body["total"] > 0 and shown == expected_figures(body):
            break
        page.wait_for_timeout(1000)
    assert body["total"] > 0, "the seed's loan consultations are not counted in this 年度"
    assert shown == expected_figures(body)
    table = page.get_by_test_id("stat-table1")
    expect(table.locator("caption")).to_contain_text("資金種類別相談延件数")
    for column in body["columns"]:
        expect(table.get_by_role("columnheader", name=column["label"])).to_be_visible()
    busiest = max(body["rows"], key=lambda r: r["total"])
    expect(table.get_by_role("rowheader", name=busiest["label"], exact=True)).to_be_visible()

    # The chart: one bar per fund type with counts, its total as the table's; named for screen readers.
    chart = page.get_by_role("img", name=re.compile("資金種類別相談延件数"))
    expect(chart).to_be_visible()
    bars = {
        g.get_attribute("data-row"): int(g.get_attribute("data-total") or -1)
        for g in page.get_by_test_id("bar-chart").locator("g[data-row]").all()
    }
    assert bars == {r["code"]: r["total"] for r in body["rows"] if r["total"] > 0}
    for kind in body["columns"]:
        expect(page.locator("ul.legend")).to_contain_text(kind["label"])
    shoot(page, "statistics-01-table1")
    no_serious_violations(page, "統計表")

    # CSV of this table, Excel of all three: their contents are the same figures.
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="CSVでダウンロード").click()
    assert csv_download.value.suggested_filename == f"table1_{period['from']}_{period['to']}.csv"
    rows = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["資金種類", *[c["label"] for c in body["columns"]], "合計"]
    assert rows[-1] == ["合計", *[str(body["column_totals"][c["code"]]) for c in body["columns"]], str(body["total"])]
    by_label = {r[0]: r for r in rows[1:-1]}
    assert by_label[busiest["label"]][-1] == str(busiest["total"])
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name=re.compile("Excelでダウンロード")).click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    assert workbook.sheetnames == ["表1", "表2", "表3"]
    sheet = {r[0]: r[1:] for r in workbook["表1"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert sheet["合計"][len(body["columns"])] == body["total"]
    assert sheet[busiest["label"]][len(body["columns"])] == busiest["total"]

    # 表3: grouped columns, labels not codes.
    page.get_by_role("combobox", name="表", exact=True).select_option(label="表3 初期相談の対応状況")
    expect(page.get_by_test_id("stat-table3").get_by_role("columnheader", name="社協での対応")).to_be_visible()
    shoot(page, "statistics-02-table3")
    no_serious_violations(page, "表3")
    # 表2: 初期相談件数(実数) first, outside the row's total; figures as the API counts them.
    page.get_by_role("combobox", name="表", exact=True).select_option(label="表2 初期相談件数（実数）と世帯の課題")
    table2 = api_json(web, "reporting-manager", "/statistics/table2", **period)
    assert table_in_page(page, "table2") == expected_figures(table2)
    lead = page.get_by_test_id("stat-table2").get_by_role("columnheader", name=re.compile("初期相談件数"))
    expect(lead).to_contain_text("合計に含めない")
    shoot(page, "statistics-02b-table2")

    # 紹介の流れ: one row per department pair, as the API counts them.
    menu.get_by_role("link", name="紹介の流れ").click()
    expect(page.get_by_role("heading", level=1, name="紹介の流れ")).to_be_visible()
    flow = api_json(web, "reporting-manager", "/referral-flow", **period)
    assert flow, "the seed's referrals are not in the flow"
    flow_table = page.get_by_test_id("referral-flow")
    expect(flow_table.locator("tbody tr")).to_have_count(len(flow))
    expect(flow_table).to_contain_text("総合相談窓口")
    expect(flow_table).not_to_contain_text("intake")
    made = sum(r["made"] for r in flow)
    assert sum(int(t) for t in flow_table.locator("td[data-code=made]").all_inner_texts()) == made
    shoot(page, "statistics-03-referral-flow")
    no_serious_violations(page, "紹介の流れ")

    # 地区ごとの課題: the seed's districts, the months in Japanese, the categories by their labels.
    menu.get_by_role("link", name="地区ごとの課題").click()
    expect(page.get_by_role("heading", level=1, name="地区ごとの課題")).to_be_visible()
    issues = api_json(web, "reporting-manager", "/district-issues", **period)
    if issues:
        district_table = page.get_by_test_id("district-issues")
        expect(district_table.locator("tbody tr")).to_have_count(len(issues))
        expect(district_table).to_contain_text("月")
        for code in {c for r in issues for c in r["counts"]}:
            expect(district_table).not_to_contain_text(code)
        # Districts by the names their areas (圏域) give them, not by their codes.
        assert any(r["district_id"] == "yamato-3chome" for r in issues), issues
        row_head = district_table.locator("tr[data-district=yamato-3chome] th").first
        expect(row_head).to_have_text("大和三丁目地区社協")
    else:
        expect(page.get_by_text("この期間に記録された課題はありません。")).to_be_visible()
    shoot(page, "statistics-04-district-issues")
    no_serious_violations(page, "地区ごとの課題")

    # 要フォロー: every item links to its case view.
    menu.get_by_role("link", name="要フォロー").click()
    expect(page.get_by_role("heading", level=1, name="要フォロー")).to_be_visible()
    items = api_json(web, "reporting-manager", "/follow-ups")
    assert items, "the seed's stories leave no case on 要フォロー"
    follow = page.get_by_test_id("follow-ups")
    expect(follow.locator("tbody tr")).to_have_count(len(items))
    for item in items:
        expect(follow).not_to_contain_text(item["reason"])
    shoot(page, "statistics-05-follow-ups")
    no_serious_violations(page, "要フォロー")
    first = items[0]["case_id"]
    follow.get_by_role("link", name=re.compile(re.escape(first))).first.click()
    page.wait_for_url(re.compile(rf".*/cases/{re.escape(first)}.*"))
    expect(page.get_by_role("heading", level=1, name=re.compile("ケースの全体像"))).to_be_visible()
    expect(page.get_by_role("list", name="経過（全部署）").get_by_role("listitem").first).to_be_visible()
    shoot(page, "statistics-06-case-from-follow-ups")


def test_an_auditor_sees_the_access_log_with_their_own_read_and_the_chain_verified(
    web: WebPlatform, browser: Browser
) -> None:
    story = web.story(7)
    page = sign_in(new_page(browser), web, "reporting-auditor", f"/cases/{story.case_id}?purpose=audit")
    expect(page.get_by_role("heading", level=1, name=re.compile("ケースの全体像"))).to_be_visible()
    page.get_by_role("link", name="閲覧記録と改ざん検知を見る").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("閲覧記録と改ざん検知"))).to_be_visible()
    expect(page.get_by_test_id("chain-result")).to_contain_text("確認済み: 改ざんはありません")
    log = page.get_by_test_id("access-log")
    mine = log.locator("tr.mine")
    expect(mine.first).to_be_visible()
    expect(mine.filter(has_text="監査").first).to_contain_text("（あなた）")
    expect(mine.filter(has_text="監査").first).to_contain_text("記録と共有")
    shoot(page, "statistics-07-audit")
    no_serious_violations(page, "閲覧記録と改ざん検知")


def test_a_worker_is_refused_the_access_log_plainly_and_sees_referral_reasons_by_label(
    web: WebPlatform, browser: Browser
) -> None:
    story = web.story(7)
    page = sign_in(new_page(browser), web, "intake-worker", f"/reporting/cases/{story.case_id}/audit")
    expect(page.get_by_role("heading", level=1, name="閲覧記録と改ざん検知を見る権限がありません")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("管理職と監査担当だけが見られます")
    # The service's answer in the staff member's words, the role by its label (not "role 'worker'").
    expect(page.get_by_role("alert")).to_contain_text("サービスの回答: 役割「担当者」ではこの操作・閲覧はできません")
    expect(page.get_by_role("alert")).not_to_contain_text("may")
    expect(page.get_by_test_id("access-log")).to_have_count(0)
    shoot(page, "statistics-08-refused")
    no_serious_violations(page, "refusal")
    # The menu offers a worker no audit or managers' figures.
    menu = page.get_by_role("navigation", name="業務メニュー")
    expect(menu.get_by_role("link", name="統計表")).to_have_count(0)

    # Referral reasons by their labels (story 4's automatic referral: 家計管理), never the raw code.
    page.goto(web.url + "/referrals")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("cell", name=re.compile("家計管理")).first).to_be_visible()
    expect(page.get_by_text("household_budget")).to_have_count(0)
    shoot(page, "statistics-09-referral-reasons")
