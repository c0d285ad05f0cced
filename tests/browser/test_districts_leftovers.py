"""Issue 13's district leftovers in the browser, by clicking: a district issue added to a recorded
network meeting (and the meeting's reading in the case's access log, 閲覧記録), a resource's detail page
(Mr. T's men's cooking class with his instructor role) edited with its version, and the 局長's
activity-record statistics screen and escalations."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Browser, expect

from shared.dates import JST
from tests.browser.harness import WebPlatform, axe_violations, describe, new_page, shoot, sign_in
from tests.browser.test_districts_network import menu


def _shared_meeting(web: WebPlatform) -> tuple[str, str]:
    """A demo network meeting that shared a case by its id (Mrs. A's district), and that case."""
    with web.api("districts", "districts-worker") as api:
        for m in api.get("/network-meetings", params={"limit": 50}).json()["items"]:
            if m["cases_discussed"]:
                detail = api.get(f"/network-meetings/{m['meeting_id']}").json()
                named = [c["case_id"] for c in detail["cases"] if c["case_id"]]
                if named:
                    return str(m["meeting_id"]), str(named[0])
    raise AssertionError("the demo has no network meeting that shares a case by its id")


def _access_log(web: WebPlatform, case_id: str, route: str) -> list[dict[str, Any]]:
    """The case's access log entries of ``route`` as reporting's auditor reads them, once consumed."""
    deadline = time.monotonic() + 40
    with web.api("reporting", "reporting-auditor") as reporting:
        while True:
            log = reporting.get(f"/cases/{case_id}/access-log")
            assert log.status_code == 200, log.text
            found = [r for r in log.json() if r.get("route") == route and r.get("service") == "districts"]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(1)


def test_an_issue_added_later_the_meeting_read_in_the_access_log_and_a_resource_edited(
    web: WebPlatform, browser: Browser
) -> None:
    stamp = datetime.now(UTC).strftime("%H%M%S")
    meeting_id, case_id = _shared_meeting(web)

    # 会議後の地域課題の追加: on the meeting's page, beside its issues.
    page = sign_in(new_page(browser), web, "districts-worker", f"/districts/network-meetings/{meeting_id}")
    form = page.get_by_role("form", name="会議後に地域課題を追加する")
    form.get_by_label("課題の分類").select_option(label="孤立・閉じこもり")
    form.get_by_label("挙がった課題（個人が特定される内容は書かない）").fill(
        f"会議後に民生委員から: 団地の孤立 {stamp}"
    )
    form.get_by_role("button", name="地域課題を追加する").click()
    issues = page.get_by_role("list", name="地域課題")
    expect(issues).to_contain_text(f"団地の孤立 {stamp}")
    with web.api("districts", "districts-worker") as api:
        shown = api.get(f"/network-meetings/{meeting_id}").json()["issues"]
    assert [i.get("raised_on") for i in shown if str(i["description"]).endswith(stamp)] == [
        datetime.now(UTC).astimezone(JST).date().isoformat()
    ], shown
    expect(issues).to_contain_text("追加")
    shoot(page, "leftovers-01-issue-added-after-the-meeting")
    assert not (found := axe_violations(page)), describe(found)

    # 閲覧記録: the auditor sees that the district worker read the case at this meeting.
    reads = _access_log(web, case_id, "/network-meetings/{meeting_id}")
    assert reads, f"no access-log entry for the meeting's read of {case_id}"
    assert {r["viewer_department"] for r in reads} == {"districts"}
    assert any(r.get("viewer_name") for r in reads)

    # 地域資源の詳細: Mr. T's men's cooking class, his instructor role, edited on its version.
    menu(page, "地域資源")
    page.get_by_role("link", name="男の料理教室").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("男の料理教室")
    roles = page.get_by_role("table", name="この資源での担い手の役割")
    expect(roles).to_contain_text("講師")
    edit = page.get_by_role("form", name="地域資源の情報を変更する")
    edit.get_by_label("場所・住所").fill(f"一色会館 調理室 {stamp}")
    edit.get_by_role("button", name="変更を保存する").click()
    expect(page.get_by_test_id("resource-facts")).to_contain_text(f"一色会館 調理室 {stamp}")
    expect(page.get_by_test_id("resource-history").locator("tr[data-step=changed]").last).to_contain_text("場所・住所")
    shoot(page, "leftovers-02-resource-detail-edited")
    assert not (found := axe_violations(page)), describe(found)
    page.context.close()

    # 局長: the activity-record statistics from the menu; the escalations a manager reads.
    with web.api("districts", "districts-director") as director_api:
        assert director_api.get("/referrals/escalations").status_code == 200
        assert director_api.get("/schedule/escalations").status_code == 200
    director = sign_in(new_page(browser), web, "districts-director", "/")
    menu(director, "活動記録の承認状況")
    counts = director.get_by_test_id("activity-counts")
    expect(counts.locator("td[data-status=returned]")).to_have_text("1")
    expect(director.get_by_role("table", name="職員ごとの記録")).to_contain_text("差し戻し")
    shoot(director, "leftovers-03-activity-record-statistics")
    assert not (found := axe_violations(director)), describe(found)
    director.context.close()
