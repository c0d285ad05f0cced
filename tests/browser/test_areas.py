"""Areas (圏域) in the browser: a district worker reads the figures per area (圏域別の集計) — Mrs. A and
Mr. T of the demo stories counted in their district councils, the same figures as the API, no
address on the screen — and switches to the daily-life areas; intake's worker sees in Mrs. A's case
view the areas she lives in, by name."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from deploy.demo.districts_stories import MR_T_DISTRICT, MRS_A_DISTRICT
from tests.browser.harness import WebPlatform, axe_violations, describe, new_page, shoot, sign_in

FIELDS = ("people", "households", "open_cases", "open_consultations", "resources", "helpers")


def api_figures(web: WebPlatform, kind: str) -> dict[str, list[int]]:
    with web.api("reporting", "districts-worker") as reporting:
        response = reporting.get("/statistics/areas", params={"kind": kind})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
    out = {str(a["area_id"]): [int(a[f]) for f in FIELDS] for a in body["areas"]}
    out["unmapped"] = [int(body["unmapped"][f]) for f in FIELDS]
    return out


def screen_figures(page: Page) -> dict[str, list[int]]:
    expect(page.get_by_test_id("area-statistics")).to_be_visible()
    found: dict[str, list[int]] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-testid=area-statistics] tbody tr')].map(
            (tr) => [tr.dataset.area, [...tr.querySelectorAll('td.num')].map((td) => Number(td.textContent))]))"""
    )
    return found


def test_a_district_worker_reads_people_and_resources_per_area_and_the_case_view_names_her_areas(
    web: WebPlatform, browser: Browser
) -> None:
    page = sign_in(new_page(browser), web, "districts-worker")
    page.get_by_role("navigation", name="業務メニュー").get_by_role("link", name="圏域別の集計").click()
    expect(page.get_by_role("heading", level=1, name="圏域別の集計")).to_be_visible()
    expect(page.get_by_role("combobox", name="圏域の種類")).to_have_value("district_council")

    # Reporting reads the stories from Kafka: wait until Mrs. A and Mr. T are counted and the screen agrees.
    shown: dict[str, list[int]] = {}
    for _ in range(30):
        expected = api_figures(web, "district_council")
        page.reload()
        shown = screen_figures(page)
        if expected.get(MRS_A_DISTRICT, [0])[0] >= 1 and expected.get(MR_T_DISTRICT, [0])[0] >= 1 and shown == expected:
            break
        page.wait_for_timeout(1000)
    assert shown == expected, (shown, expected)
    mrs_a = page.locator(f"tr[data-area='{MRS_A_DISTRICT}']")
    expect(mrs_a.get_by_role("rowheader")).to_have_text("大和三丁目地区社協")
    expect(mrs_a.locator("td").first).to_have_text("北部圏域")
    assert shown[MRS_A_DISTRICT][0] >= 1  # Mrs. A, registered before her area was defined
    assert shown[MR_T_DISTRICT][0] >= 1 and shown[MR_T_DISTRICT][1] >= 1  # Mr. T and his household
    assert shown[MR_T_DISTRICT][4] >= 2  # his salon and the cooking class
    expect(page.get_by_role("rowheader", name="住所が圏域に当たらない")).to_be_visible()
    table_text = page.get_by_test_id("area-statistics").inner_text()
    assert "大和３丁目" not in table_text and "4-5" not in table_text  # no address on the screen
    found = axe_violations(page)
    assert not found, describe(found)
    shoot(page, "areas-01-district-councils")

    page.get_by_role("combobox", name="圏域の種類").select_option(label="日常生活圏域")
    expect(page.get_by_role("caption")).to_have_text("日常生活圏域ごとの人数・件数")
    north = page.locator("tr[data-area='north']")
    expect(north.get_by_role("rowheader")).to_have_text("北部圏域")
    assert "kind=daily_life" in page.url
    assert screen_figures(page) == api_figures(web, "daily_life")
    shoot(page, "areas-02-daily-life")
    page.context.close()

    # Intake registered Mrs. A: its worker sees her address, so the areas it places her in, by name.
    story = web.story(7)
    intake = sign_in(new_page(browser), web, "intake-worker", f"/cases/{story.case_id}?purpose=support_coordination")
    areas = intake.get_by_test_id("case-areas")
    expect(areas.locator(f"li[data-area='{MRS_A_DISTRICT}']")).to_have_text("地区社協の圏域: 大和三丁目地区社協")
    expect(areas.locator("li[data-area='north']")).to_have_text("日常生活圏域: 北部圏域")
    expect(areas.locator("li[data-area='hokatsu-north']")).to_contain_text("北部地域包括支援センター圏域")
    shoot(intake, "areas-03-case-view")
    intake.context.close()
