"""The district support network and the district desk in the browser, by clicking: a district's
support team (地区支援チーム) changed with its version, a network meeting (地区支援ネットワーク会議)
that shares a case (refused beside the field without a basis, then recorded on the person's
consent) and raises a district issue, and a consultation at the district desk (福祉なんでも相談窓口)
that arrives in intake's referral inbox (総合相談窓口's worker signs in and sees it)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import Browser, Page, expect

from tests.browser.harness import WebPlatform, axe_violations, describe, new_page, shoot, sign_in
from tests.browser.test_loans_desk import case_view_shows

DISTRICT = "hayama-isshiki"


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="業務メニュー").get_by_role("link", name=name, exact=True).click()


def test_a_team_a_network_meeting_and_a_desk_consultation_that_reaches_intakes_inbox(
    web: WebPlatform, browser: Browser
) -> None:
    stamp = datetime.now(UTC).strftime("%H%M%S")
    with web.api("districts", "districts-worker") as districts_api:
        cases = districts_api.get("/cases", params={"district_id": DISTRICT}).json()["items"]
    case_id = str(cases[0]["case_id"])  # Mr. T's case, as the demo stories made it

    # 地区支援チーム: the demo's team of his district, changed (a new 民生委員 after the election).
    page = sign_in(new_page(browser), web, "districts-worker", "/")
    menu(page, "地区支援チーム")
    page.get_by_label("地区", exact=True).select_option(value=DISTRICT)
    team = page.get_by_role("table", name="地区支援チーム")
    expect(team.locator("tr[data-kind=csw]")).to_contain_text("住民福祉センター職員")
    form = page.get_by_role("form", name="チームを変更する")
    commissioner = form.get_by_role("group", name="構成員 2", exact=True)
    expect(commissioner.get_by_label("役割")).to_have_value("welfare_commissioner")
    commissioner.get_by_label("氏名").fill(f"一色 新任民生委員 {stamp}")
    form.get_by_label("変更の理由・メモ").fill("民生委員の改選")
    form.get_by_role("button", name="保存する").click()
    expect(team.locator("tr[data-kind=welfare_commissioner]")).to_contain_text(f"新任民生委員 {stamp}")
    expect(page.get_by_text(re.compile(r"第\d+版"))).to_contain_text("民生委員の改選")
    shoot(page, "network-01-support-team-changed")
    assert not (found := axe_violations(page)), describe(found)

    # 地区支援ネットワーク会議: the team with the 包括; a case named without a basis is refused beside
    # the field, then shared on the person's consent; a district issue is raised.
    menu(page, "地区支援ネットワーク会議")
    form = page.get_by_role("form", name="会議を記録する")
    form.get_by_label("地区").select_option(value=DISTRICT)
    rows = (
        ("住民福祉センター職員", "CSW（地区担当）", "町社協"),
        (f"一色 新任民生委員 {stamp}", "民生委員・児童委員", ""),
        ("包括 職員", "地域包括支援センター", "地域包括支援センター"),
    )
    for n, (name, kind, organisation) in enumerate(rows, start=1):
        if n > 1:
            form.get_by_role("button", name="出席者を追加").click()
        row = form.get_by_role("group", name=f"出席者 {n}", exact=True)
        row.get_by_label("氏名").fill(name)
        row.get_by_label("区分").select_option(label=kind)
        row.get_by_label("所属").fill(organisation)
    form.get_by_role("button", name="ケースを追加").click()
    shared = form.get_by_role("group", name="ケース 1", exact=True)
    shared.get_by_label("ケースID").fill(case_id)
    shared.get_by_label("内容", exact=True).fill(f"サロンに定期参加、料理教室の講師に {stamp}")
    shared.get_by_label("今後の対応").fill("講師の負担にならないよう見守る")
    form.get_by_role("button", name="地域課題を追加").click()
    issue = form.get_by_role("group", name="地域課題 1", exact=True)
    issue.get_by_label("地域課題の区分").select_option(label="買い物・移動の困難")
    issue.get_by_label("課題の内容").fill(f"商店の閉店で買い物に困る高齢者が増えた {stamp}")
    form.get_by_role("button", name="記録する", exact=True).click()
    basis_error = shared.locator(".field-error")
    expect(basis_error).to_have_text("外部の参加者がいるため、ケースIDで共有するには本人同意が必要です")
    shoot(page, "network-02-case-without-a-basis-refused")
    shared.get_by_label("共有の根拠").select_option(label="本人同意")
    shared.get_by_label("根拠の記録（同意ID・会議名）").fill(f"同意書 {stamp}")
    form.get_by_role("button", name="記録する", exact=True).click()
    expect(form.get_by_role("status")).to_contain_text("会議を記録しました")
    meetings = page.get_by_role("table", name="地区支援ネットワーク会議")
    expect(meetings).to_contain_text(f"商店の閉店で買い物に困る高齢者が増えた {stamp}")
    shoot(page, "network-03-meeting-recorded")
    assert not (found := axe_violations(page)), describe(found)
    form.get_by_role("link", name="会議の記録を見る").click()
    page.wait_for_url(re.compile(r".*/districts/network-meetings/[^/]+$"))
    expect(page.get_by_role("list", name="地域課題")).to_contain_text("買い物・移動の困難")
    discussed = page.get_by_role("table", name="共有・検討したケース")
    expect(discussed).to_contain_text(case_id)
    expect(discussed).to_contain_text(f"本人同意（同意書 {stamp}）")
    expect(discussed).to_contain_text(f"料理教室の講師に {stamp}")
    shoot(page, "network-04-meeting-record")
    assert not (found := axe_violations(page)), describe(found)

    # 福祉なんでも相談窓口: a neighbour's consultation, on the person's consent, goes to 総合相談窓口.
    menu(page, "福祉なんでも相談窓口")
    desk = page.get_by_role("form", name="相談を受け付ける")
    desk.get_by_label("地区").select_option(value=DISTRICT)
    desk.get_by_label("受付の方法").select_option(label="面談")
    desk.get_by_label("相談者").fill("近隣住民")
    summary = f"隣の一人暮らしの男性が最近外に出てこない {stamp}"
    desk.get_by_label("内容").fill(summary)
    desk.get_by_label("地域課題の区分").select_option(label="孤立・閉じこもり")
    desk.get_by_label("総合相談窓口への情報提供に本人が同意").check()
    desk.get_by_role("button", name="受け付けて総合相談窓口へつなぐ").click()
    sent = desk.get_by_role("status")
    expect(sent).to_contain_text("総合相談窓口へ紹介しました")
    referral_id = sent.get_attribute("data-referral")
    assert referral_id
    expect(page.get_by_role("table", name="受け付けた相談")).to_contain_text(summary)
    shoot(page, "network-05-desk-consultation-taken")
    assert not (found := axe_violations(page)), describe(found)
    # His case view shows the meeting that discussed his case, with its words for the district team.
    page.goto(f"{web.url}/cases/{case_id}")
    case_view_shows(page, "ネットワーク会議でのケース検討", f"料理教室の講師に {stamp}")
    shoot(page, "network-05b-case-view-network-meeting")
    page.context.close()

    # 総合相談窓口: the consultation is a referral in intake's inbox, with its words (the person agreed).
    intake = sign_in(new_page(browser), web, "intake-worker", "/referrals")
    row = intake.locator(f"tr[data-referral='{referral_id}']")
    expect(row).to_have_count(1, timeout=30_000)
    expect(row).to_contain_text("地区の福祉なんでも相談窓口からの相談")
    expect(row).to_contain_text(summary)
    expect(row).to_contain_text("地区")
    shoot(intake, "network-06-desk-consultation-in-intakes-inbox")
    assert not (found := axe_violations(intake)), describe(found)
    # The consultation's case view at intake: the entry is there, its words withheld (no consent on record there).
    row.get_by_role("link", name=re.compile(r"^district-desk-")).click()
    case_view_shows(intake, "福祉なんでも相談窓口での相談")
    expect(intake.locator("[data-type='districts.DeskConsultationTaken']")).to_contain_text("非開示")
    shoot(intake, "network-07-desk-consultation-case-view-at-intake")
    intake.context.close()
