"""The monthly activity records (地区活動記録) in the browser, by clicking: a district worker writes
and submits a month's record; the 地域福祉課長 (districts-manager) returns it with a comment; the
worker sees the comment, reworks and resubmits it; the 課長 and then the 局長 (districts-director)
approve; the staff meeting's month view (職員会議) shows it approved with its remarks."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from playwright.sync_api import Browser, Page, expect

from deploy.demo.districts_stories import MRS_A_DISTRICT
from tests.browser.harness import WebPlatform, axe_violations, describe, new_page, shoot, sign_in

JST = timezone(timedelta(hours=9))


def months_ago(n: int) -> str:
    """YYYY-MM of ``n`` months before this month in Japan (the demo fills this month and the last)."""
    day = datetime.now(UTC).astimezone(JST).date().replace(day=1)
    for _ in range(n):
        day = (day - timedelta(days=1)).replace(day=1)
    return day.strftime("%Y-%m")


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="業務メニュー").get_by_role("link", name=name, exact=True).click()


def no_violations(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    assert not (found := axe_violations(page)), describe(found)


def open_from_queue(page: Page, record_id: str) -> None:
    menu(page, "活動記録の承認待ち")
    row = page.locator(f"tr[data-record='{record_id}']")
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    page.wait_for_url(re.compile(rf".*/districts/activity-records/{re.escape(record_id)}$"))


def test_a_record_is_returned_reworked_and_approved_by_the_manager_and_the_director(
    web: WebPlatform, browser: Browser
) -> None:
    month = months_ago(2)
    status = "[data-testid=activity-status]"

    # 記録者: a new month's record with one involvement, submitted.
    worker = sign_in(new_page(browser), web, "districts-worker")
    menu(worker, "自分の地区活動記録")
    expect(worker.get_by_role("heading", level=1)).to_have_text("自分の地区活動記録")
    new = worker.get_by_role("form", name="月の活動記録を作成する")
    new.get_by_label("月").fill(month)
    new.get_by_role("button", name="作成する").click()
    worker.wait_for_url(re.compile(r".*/districts/activity-records/ar-.+$"))
    record_id = worker.url.rsplit("/", 1)[1]
    editor = worker.get_by_role("form", name="活動の記録")
    editor.get_by_role("button", name="記録を追加").click()
    entry = editor.locator("fieldset[data-entry='0']")
    entry.get_by_label("日付").fill(f"{month}-10")
    entry.get_by_label("地区").select_option(MRS_A_DISTRICT)
    entry.get_by_label("関わりの目的").fill("地区社協定例会で見守りの課題を共有する")
    entry.get_by_label("実施内容").fill("見守り対象の増加を報告し、民生委員と訪問の分担を決めた")
    entry.get_by_label("所感").fill("近隣の気づきが早い")
    shoot(worker, "activity-01-worker-writes-the-record")
    no_violations(worker)
    editor.get_by_role("button", name="提出する").click()
    expect(worker.locator(status)).to_contain_text("課長の承認待ち")

    # 地域福祉課長: the record waits in the queue; returned with the reason.
    manager = sign_in(new_page(browser), web, "districts-manager")
    open_from_queue(manager, record_id)
    approval = manager.get_by_role("form", name="地域福祉課長としての承認")
    expect(manager.get_by_role("table", name="活動の記録")).to_contain_text("民生委員と訪問の分担を決めた")
    # Returning without a reason is refused beside the field.
    approval.get_by_role("button", name="差し戻す").click()
    expect(approval.locator(".field-error")).to_have_text("入力してください")
    approval.get_by_label("コメント・差し戻しの理由").fill("所感を具体的に（次の関わりの方針も）書いてください")
    shoot(manager, "activity-02-manager-returns-with-a-comment")
    no_violations(manager)
    approval.get_by_role("button", name="差し戻す").click()
    expect(manager.locator(status)).to_contain_text("差し戻し")

    # 記録者: the comment is shown; the record is reworked and submitted again.
    worker.reload()
    remarks = worker.get_by_role("list", name="コメント")
    expect(remarks).to_contain_text("所感を具体的に（次の関わりの方針も）書いてください")
    expect(remarks.locator("[data-kind=returned]")).to_contain_text("地域福祉課長 差し戻し")
    rework = worker.get_by_role("form", name="差し戻された記録の修正")
    rework.locator("fieldset[data-entry='0']").get_by_label("所感").fill(
        "近隣の気づきが早い。民生委員の負担が大きいため、次回は自治会とも分担を話し合う"
    )
    shoot(worker, "activity-03-worker-sees-the-comment-and-reworks")
    no_violations(worker)
    rework.get_by_role("button", name="再提出する").click()
    expect(worker.locator(status)).to_contain_text("課長の承認待ち")

    # 地域福祉課長, then 局長: approved in two steps.
    open_from_queue(manager, record_id)
    manager.get_by_role("form", name="地域福祉課長としての承認").get_by_label("コメント・差し戻しの理由").fill(
        "分担の方針が明確になりました"
    )
    manager.get_by_role("form", name="地域福祉課長としての承認").get_by_role("button", name="承認する").click()
    expect(manager.locator(status)).to_contain_text("局長の承認待ち")
    director = sign_in(new_page(browser), web, "districts-director")
    expect(director.get_by_role("button", name="サインアウト")).to_be_visible()
    open_from_queue(director, record_id)
    shoot(director, "activity-04-director-approves")
    no_violations(director)
    director.get_by_role("form", name="局長としての承認").get_by_role("button", name="承認する").click()
    expect(director.locator(status)).to_contain_text("承認済み")

    # 職員会議: the month's records, this one approved, with its remarks.
    menu(director, "職員会議（活動記録）")
    director.get_by_label("月").fill(month)
    row = director.locator(f"tr[data-record='{record_id}']")
    expect(row).to_have_attribute("data-status", "approved")
    expect(row).to_contain_text("承認済み")
    expect(row).to_contain_text("差し戻し")
    expect(row).to_contain_text("分担の方針が明確になりました")
    counts = director.get_by_role("list", name="状態ごとの件数")
    expect(counts.locator("[data-status=approved] .count")).to_have_text("1")
    shoot(director, "activity-05-staff-meeting-shows-it-approved")
    no_violations(director)

    # The worker's own list shows it approved too; the demo's returned record of this month is there.
    menu(worker, "自分の地区活動記録")
    expect(worker.locator(f"tr[data-record='{record_id}']")).to_have_attribute("data-status", "approved")
    expect(worker.locator("tr[data-status=returned]")).to_have_count(1)
    shoot(worker, "activity-06-my-records")
