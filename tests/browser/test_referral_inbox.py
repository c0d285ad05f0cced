"""The referral desk in the browser: an automatic referral reaches the target desk's open inbox
without a reload, and its staff answer it there (decline needs a reason)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.harness import WebPlatform, new_page, shoot, sign_in


def test_a_neighbours_concern_opened_at_intake_appears_in_the_districts_inbox_without_a_reload(
    web: WebPlatform, browser: Browser
) -> None:
    districts = sign_in(new_page(browser), web, "districts-worker", "/referrals")
    expect(districts.get_by_role("heading", name="紹介（受付箱・紹介した案件）")).to_be_visible()

    # Intake staff open the consultation a neighbour brought, by clicking.
    intake = sign_in(new_page(browser), web, "intake-worker", "/intake/consultations/new")
    intake.get_by_role("combobox", name="相談経路", exact=True).select_option(label="近隣住民")
    intake.get_by_role("combobox", name="相談方法", exact=True).select_option(label="電話")
    intake.get_by_role("group", name="相談内容（世帯の課題）").get_by_label("家族・人間関係").check()
    intake.get_by_label("本人の言葉").fill("隣の方をしばらく見かけない。新聞がたまっている。")
    intake.get_by_label("対象者（未特定）").fill("隣家の高齢の男性（一人暮らし）")
    intake.get_by_label("社会的に孤立している").check()
    intake.get_by_role("button", name="受け付ける").click()
    expect(intake.get_by_role("heading", name="相談記録")).to_be_visible()
    shoot(intake, "inbox-01-intake-consultation-opened")
    # Nobody identified yet: the case is the consultation's own.
    case_id = intake.url.rsplit("/", 1)[-1]

    # The districts page, untouched, shows the automatic referral once it has travelled through Kafka.
    row = districts.locator("tr[data-referral]").filter(has=districts.get_by_role("link", name=case_id, exact=True))
    expect(row).to_have_count(1, timeout=30_000)
    expect(row).to_contain_text("自動つなぎ")
    expect(row).to_contain_text("総合相談窓口")
    expect(row).to_contain_text("孤立・アウトリーチと見守り")
    expect(row).to_contain_text("未回答")
    shoot(districts, "inbox-02-districts-inbox-with-automatic-referral")

    # Declining needs a reason: the browser refuses an empty one, the desk records a given one.
    row.get_by_role("button", name="受理しない").click()
    form = districts.get_by_role("form", name="受理しない")
    form.get_by_role("button", name="受理しない").click()
    reason = form.get_by_label("理由（相手部署が読みます）")
    assert reason.evaluate("el => el.validity.valueMissing") is True
    form.get_by_role("button", name="やめる").click()

    row.get_by_role("button", name="受理する").click()
    districts.get_by_role("form", name="受理する").get_by_role("button", name="受理する").click()
    expect(row).to_contain_text("受理")
    expect(row.get_by_role("button", name="対応完了")).to_be_visible()
    shoot(districts, "inbox-03-accepted")
    intake.context.close()
    districts.context.close()
