"""The seed's loan-desk stories played by clicking as the loan desk's staff would (story 1 and the
denial's automatic referral are in test_loans_desk.py), each ending on the household's case view."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.browser.harness import WebPlatform, new_page, shoot, sign_in
from tests.browser.test_loans_desk import case_view_shows


def test_story_3_a_single_mother_household_gets_continuing_budget_support_by_clicking(
    web: WebPlatform, browser: Browser
) -> None:
    """事例3: a single mother, her son in a special-needs class; listening, a budget around the
    allowances paid every four months, coordination with the city; the consultation stays open."""
    page = sign_in(new_page(browser), web, "loans-worker", "/loans/consultations/new")
    expect(page.get_by_role("heading", name="貸付相談の受付")).to_be_visible()

    # Mother and son, registered together as one household (世帯).
    register = page.get_by_role("form", name="世帯を登録する")
    register.get_by_label("本人の氏名").fill("三浦 由美")
    register.get_by_label("同居の世帯員の氏名（任意）").fill("三浦 翔")
    register.get_by_label("本人との続柄").fill("長男")
    register.get_by_role("button", name="世帯を登録する").click()
    expect(register).to_have_count(0)
    household = page.locator("input[name=household_id]").input_value()
    assert household

    page.get_by_role("combobox", name="資金種類").select_option(value="education_support")
    page.get_by_role("combobox", name="相談の種類").select_option(label="新規～貸付決定前までの相談")
    page.get_by_role("combobox", name="相談方法").select_option(label="面談")
    page.get_by_role("combobox", name="相談者").select_option(label="本人")
    issues = page.get_by_role("group", name="世帯の課題と思われる内容")
    issues.get_by_label("子育て・進学・学費").check()
    issues.get_by_label("家計管理").check()
    page.get_by_label("相談内容", exact=True).fill("ひとり親。子は特別支援学級。手当支給月の間の生活費が苦しい。")
    page.get_by_role("button", name="受け付ける").click()
    expect(page.get_by_role("heading", name=re.compile("貸付相談の記録"))).to_be_visible()
    expect(page.locator("[data-field=issues]")).to_have_text("子育て・進学・学費、家計管理")

    # Listening over several interviews: a budget around the allowance months, the city's desk.
    contact = page.get_by_role("form", name="相談対応を記録する", exact=True)
    for n, note in enumerate(("手当の支給月に合わせた家計表を一緒に作成", "市の子育て支援課と調整"), start=2):
        contact.get_by_role("combobox", name="相談方法").select_option(label="面談")
        contact.get_by_label("メモ").fill(note)
        contact.get_by_role("button", name="対応を記録する").click()
        expect(page.locator("[data-field=contact_count]")).to_have_text(str(n))
    timeline = page.get_by_role("list", name="対応の経過")
    expect(timeline.get_by_role("listitem")).to_have_count(3)

    response = page.get_by_role("form", name="対応を記録する（つなぎ先・制度）")
    for value, shown in (("budget_consultation", "家計相談"), ("single_parent_fund", "家計相談、母子父子寡婦福祉資金")):
        response.get_by_role("combobox", name="対応").select_option(value=value)
        response.get_by_role("button", name="対応を記録する").click()
        expect(page.locator("[data-field=responses]")).to_have_text(shown)
    # Support continues: the consultation stays open.
    expect(page.get_by_role("form", name="相談を終結する")).to_be_visible()
    shoot(page, "loans-story3-consultation")

    page.goto(f"{web.url}/loans/households/{household}")
    expect(page.get_by_role("heading", name=re.compile("世帯の貸付履歴"))).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("家計相談")
    page.get_by_role("link", name="ケースの全体像を開く").click()
    page.wait_for_url(re.compile(rf".*/cases/{re.escape(household)}$"))
    case_view_shows(
        page, "世帯員の加入", "貸付相談の受付", "教育支援資金", "子育て・進学・学費", "母子父子寡婦福祉資金"
    )
    expect(page.get_by_text("世帯員の加入")).to_have_count(2)  # mother and son
    shoot(page, "loans-story3-case-view")
    page.context.close()
