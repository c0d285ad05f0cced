"""The seed's loan-desk stories played by clicking as the loan desk's staff would (story 1 and the
denial's automatic referral are in test_loans_desk.py), each ending on the household's case view:
3 (continuing budget support), 4 (multiple debts: denial, scrivener, budget support at intake),
5 (a grace on the loan) and 6 (a referral to the employment office)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from playwright.sync_api import Browser, Page, expect

from deploy.demo.kit import today as japan_today
from tests.browser.harness import WebPlatform, eventually, new_page, shoot, sign_in
from tests.browser.test_loans_desk import case_view_shows


def test_story_3_a_single_mother_household_gets_continuing_budget_support_by_clicking(
    web: WebPlatform, browser: Browser
) -> None:
    """事例3: a single mother, her son in a special-needs class; listening, a budget around the
    allowances paid every four months, coordination with the city; the consultation stays open."""
    page = sign_in(new_page(browser), web, "loans-worker", "/loans/consultations")
    contacts, initial = desk_counts(page)
    page.get_by_role("link", name="貸付相談を受け付ける").click()
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
    # 延件数 counts the three interviews, 実数 the one initial consultation.
    page.get_by_role("navigation", name="業務メニュー").get_by_role("link", name="貸付相談").click()
    expect_counts(page, contacts + 3, initial + 1)

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


def desk_counts(page: Page) -> tuple[int, int]:
    """延件数 and 実数 as the consultation list shows them (all consultations of the desk)."""
    expect(page.get_by_role("heading", name="貸付相談", exact=True)).to_be_visible()
    counts = page.get_by_role("list", name="期間の件数")
    expect(counts).to_be_visible()
    figures = [counts.locator(f"[data-count={k}]").inner_text() for k in ("contacts", "initial")]
    return int(figures[0]), int(figures[1])


def expect_counts(page: Page, contacts: int, initial: int) -> None:
    counts = page.get_by_role("list", name="期間の件数")
    expect(counts.locator("[data-count=contacts]")).to_have_text(str(contacts))
    expect(counts.locator("[data-count=initial]")).to_have_text(str(initial))


def borrowing_household(
    web: WebPlatform, *people: tuple[str, str], fund_type: str, amount: int
) -> tuple[str, list[str], str]:
    """A household that already borrows (registered, its loan approved and disbursed through the loans API,
    as test_loans_desk.py plays by clicking): the story starts when it comes back to the desk."""
    today = japan_today()
    first_due = date(today.year + (today.month // 12), today.month % 12 + 1, 28)
    with web.api("loans", "loans-manager") as loans:
        ids = []
        for name, _ in people:
            person = loans.post("/people", json={"name_kanji": name})
            assert person.status_code == 201, person.text
            ids.append(str(person.json()["person_id"]))
        members = [{"person_id": pid, "relationship": rel} for pid, (_, rel) in zip(ids, people, strict=True)]
        household = loans.post("/households", json={"members": members})
        assert household.status_code == 201, household.text
        hid = str(household.json()["household_id"])
        body = {"household_id": hid, "person_id": ids[0], "fund_type": fund_type, "requested_amount": amount}
        application = loans.post("/applications", json=body)
        assert application.status_code == 201, application.text
        aid = str(application.json()["application_id"])
        for step, payload in (
            ("review", {}),
            ("approve", {"amount": amount, "instalment_count": 20, "first_due_date": first_due.isoformat()}),
            ("disbursement", {"amount": amount, "disbursed_on": today.isoformat()}),
        ):
            answer = loans.post(f"/applications/{aid}/{step}", json=payload)
            assert answer.status_code < 300, answer.text
        return hid, ids, aid


def open_consultation_about_the_loan(page: Page, person: str, fund_type: str, channel: str, counterpart: str) -> str:
    """From the loan's screen, a consultation about it (借受世帯からの相談, not an initial one)."""
    page.get_by_role("link", name="この貸付について相談を受け付ける").click()
    expect(page.get_by_role("heading", name="貸付相談の受付")).to_be_visible()
    expect(page.get_by_role("form", name="世帯を登録する")).to_have_count(0)  # the household is known
    page.get_by_label("本人ID").fill(person)
    page.get_by_role("combobox", name="資金種類").select_option(value=fund_type)
    page.get_by_role("combobox", name="相談の種類").select_option(label="借受世帯からの相談")
    page.get_by_role("combobox", name="相談方法").select_option(value=channel)
    page.get_by_role("combobox", name="相談者").select_option(value=counterpart)
    page.get_by_label("初期相談（実数に数える）").uncheck()
    return page.url


def test_story_6_a_borrowers_unemployed_son_is_referred_to_the_employment_office_by_clicking(
    web: WebPlatform, browser: Browser
) -> None:
    """事例6・7: in a borrowing household the adult son has no work; a response (職業訓練), a referral of
    the son to ハローワーク whose outcome the desk records, and the consultation closes."""
    household, (borrower, son), application = borrowing_household(
        web, ("藤沢 和子", "本人"), ("藤沢 大輔", "長男"), fund_type="comprehensive_support", amount=200_000
    )
    page = sign_in(new_page(browser), web, "loans-worker", "/loans/consultations")
    contacts, initial = desk_counts(page)
    page.goto(f"{web.url}/loans/applications/{application}")
    open_consultation_about_the_loan(page, son, "comprehensive_support", "interview", "family")
    expect(page.get_by_label("借受中の貸付（借入申請ID・任意）")).to_have_value(application)
    page.get_by_role("group", name="世帯の課題と思われる内容").get_by_label("離職・就職・職場関係").check()
    page.get_by_label("相談内容", exact=True).fill("長男が離職後、求職活動をしていない。")
    page.get_by_role("button", name="受け付ける").click()
    expect(page.get_by_role("heading", name=re.compile("貸付相談の記録"))).to_be_visible()
    expect(page.get_by_role("link", name=application)).to_be_visible()

    response = page.get_by_role("form", name="対応を記録する（つなぎ先・制度）")
    response.get_by_role("combobox", name="対応").select_option(value="unemployment_training")
    response.get_by_label("メモ").fill("職業訓練の案内")
    response.get_by_role("button", name="対応を記録する").click()
    expect(page.locator("[data-field=responses]")).to_have_text("失業給付・職業訓練")

    refer = page.get_by_role("form", name="他機関・他部署へつなぐ（紹介）")
    expect(refer.get_by_label("対象の世帯員（本人ID）")).to_have_value(son)
    refer.get_by_role("combobox", name="つなぎ先", exact=True).select_option(label="ハローワーク")
    refer.get_by_role("combobox", name="紹介理由").select_option(value="employment")
    refer.get_by_label("紹介の内容").fill("長男の求職支援")
    refer.get_by_role("button", name="紹介する").click()
    referrals = page.get_by_role("list", name="この世帯の紹介")
    expect(referrals.get_by_role("listitem")).to_have_count(1)
    expect(referrals).to_contain_text("ハローワーク")
    expect(referrals).to_contain_text("離職・就職・職場関係")
    expect(referrals).to_contain_text("未回答")
    referral = referrals.get_by_role("listitem").first.get_attribute("data-referral")
    assert referral

    close = page.get_by_role("form", name="相談を終結する")
    close.get_by_role("combobox", name="相談の結果").select_option(label="他の方法で解決")
    close.get_by_role("button", name="終結する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("終結")
    shoot(page, "loans-story6-consultation")
    # One more contact (延件数); not an initial consultation, so 実数 stays.
    page.get_by_role("navigation", name="業務メニュー").get_by_role("link", name="貸付相談").click()
    expect_counts(page, contacts + 1, initial)
    page.go_back()

    # The employment office's answer, recorded from the referrals the desk made.
    page.get_by_role("link", name="紹介した案件を開く（対応結果の記録）").click()
    page.get_by_role("button", name="紹介した案件").click()
    row = page.locator(f"tr[data-referral='{referral}']")
    row.get_by_role("button", name="外部機関の対応結果").click()
    answer = row.get_by_role("form", name="外部機関の対応結果")
    answer.get_by_role("combobox", name="対応結果").select_option(label="支援開始")
    answer.get_by_role("button", name="外部機関の対応結果").click()
    expect(answer).to_have_count(0)
    expect(row).to_contain_text("対応結果: 支援開始")
    shoot(page, "loans-story6-referral-outcome")

    page.goto(f"{web.url}/loans/households/{household}")
    expect(page.get_by_role("heading", name=re.compile("世帯の貸付履歴"))).to_be_visible()
    page.get_by_role("link", name="ケースの全体像を開く").click()
    page.wait_for_url(re.compile(rf".*/cases/{re.escape(household)}$"))
    case_view_shows(
        page, "貸付相談の受付", "総合支援資金", "失業給付・職業訓練", "ハローワーク", "支援開始", "他の方法で解決"
    )
    assert borrower != son
    shoot(page, "loans-story6-case-view")
    page.context.close()


def test_story_5_a_borrowers_tuition_arrears_end_in_a_grace_on_the_loan_by_clicking(
    web: WebPlatform, browser: Browser
) -> None:
    """事例5: a borrowing household cannot pay the university fees; staff go to the university with a
    repayment plan (分納), and the manager postpones the loan's repayment (償還猶予) for the consultation."""
    household, (parent, _student), application = borrowing_household(
        web, ("鎌倉 誠", "本人"), ("鎌倉 遥", "長女"), fund_type="education_support", amount=300_000
    )
    page = sign_in(new_page(browser), web, "loans-worker", f"/loans/applications/{application}")
    open_consultation_about_the_loan(page, parent, "education_support", "phone", "self")
    issues = page.get_by_role("group", name="世帯の課題と思われる内容")
    issues.get_by_label("子育て・進学・学費").check()
    issues.get_by_label("負債・ローン・滞納").check()
    page.get_by_label("相談内容", exact=True).fill("大学の学費が払えず、除籍の恐れ。")
    page.get_by_role("button", name="受け付ける").click()
    expect(page.get_by_role("heading", name=re.compile("貸付相談の記録"))).to_be_visible()
    consultation = page.url.rsplit("/", 1)[-1]

    contact = page.get_by_role("form", name="相談対応を記録する", exact=True)
    contact.get_by_role("combobox", name="相談方法").select_option(value="home_visit")
    contact.get_by_role("combobox", name="相談者").select_option(value="agency")
    contact.get_by_label("メモ").fill("返済計画を持って大学へ同行")
    contact.get_by_role("button", name="対応を記録する").click()
    expect(page.locator("[data-field=contact_count]")).to_have_text("2")
    response = page.get_by_role("form", name="対応を記録する（つなぎ先・制度）")
    response.get_by_role("combobox", name="対応").select_option(value="installment_negotiation")
    response.get_by_label("メモ").fill("学費の分納を合意")
    response.get_by_role("button", name="対応を記録する").click()
    expect(page.locator("[data-field=responses]")).to_have_text("家賃・公共料金等の分納交渉")
    shoot(page, "loans-story5-consultation")
    page.context.close()

    # The manager decides the grace (償還猶予) on the loan, for this consultation.
    # The daily arrears check (run by hand here): the loan's first instalment is not due yet.
    page = sign_in(new_page(browser), web, "loans-manager", "/loans/applications")
    page.get_by_role("button", name="滞納を確認する（日次処理）").click()
    expect(page.get_by_role("status").filter(has_text="件の貸付を確認し")).to_contain_text("0件の滞納を記録しました")
    expect(page.locator(f"tr[data-application='{application}']")).not_to_have_class("urgent")
    page.goto(f"{web.url}/loans/consultations/{consultation}")
    page.get_by_role("link", name=application).click()
    expect(page.get_by_role("heading", level=1).locator("[data-status]")).to_have_text("償還中")
    first_due = page.get_by_role("table", name="償還計画").locator("tbody tr").first.locator("td").nth(1)
    expect(first_due).to_be_visible()
    before = first_due.inner_text()
    expect(page.locator("[data-field=arrears]")).to_have_text("滞納なし")
    about = page.get_by_role("list", name="この貸付についての相談")
    expect(about.locator(f"[data-consultation='{consultation}']")).to_contain_text("家賃・公共料金等の分納交渉")
    later = datetime.strptime(before.strip()[:10], "%Y/%m/%d").date()
    later = date(later.year + (later.month + 5) // 12, (later.month + 5) % 12 + 1, later.day)
    grace = page.get_by_role("form", name="償還猶予")
    grace.get_by_label("猶予する月数").fill("6")
    grace.get_by_label("猶予の理由").fill("学費の分納期間中")
    grace.get_by_label("もとになった貸付相談（任意）").select_option(value=consultation)
    grace.get_by_role("button", name="猶予する").click()
    expect(first_due).to_contain_text(later.strftime("%Y/%m/%d"))  # the instalments move six months on
    expect(first_due).to_contain_text("6か月猶予")
    expect(grace.get_by_label("猶予する月数")).to_have_value("")  # the form is cleared once granted
    shoot(page, "loans-story5-grace")

    page.goto(f"{web.url}/loans/households/{household}")
    page.get_by_role("link", name="ケースの全体像を開く").click()
    page.wait_for_url(re.compile(rf".*/cases/{re.escape(household)}$"))
    case_view_shows(
        page, "貸付相談の受付", "教育支援資金", "負債・ローン・滞納", "家賃・公共料金等の分納交渉", "償還猶予"
    )
    shoot(page, "loans-story5-case-view")
    page.context.close()


def reload_until(page: Page, locator_text: tuple[str, str], attempts: int = 30) -> None:
    """Reload until the list named ``locator_text[0]`` contains ``locator_text[1]`` (an answer that
    travels back through Kafka), then expect it."""
    name, text = locator_text
    for _ in range(attempts):
        page.wait_for_load_state("networkidle")
        if page.get_by_role("list", name=name).filter(has_text=text).count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(page.get_by_role("list", name=name)).to_contain_text(text)


def test_story_4_multiple_debts_are_settled_with_a_scrivener_and_budget_support_by_clicking(
    web: WebPlatform, browser: Browser
) -> None:
    """事例4: mortgage, card loan, car loan, tax and insurance arrears. The loan desk's application is
    denied (the household is referred to intake's budget consultation automatically), the debts go
    to a judicial scrivener (法テラス/負債整理), intake supports the budget with the scrivener present
    and accompanies the tax payment, answers the referral, and only then does the loan desk close."""
    page = sign_in(new_page(browser), web, "loans-worker", "/loans/consultations")
    contacts, initial = desk_counts(page)
    page.get_by_role("link", name="貸付相談を受け付ける").click()
    register = page.get_by_role("form", name="世帯を登録する")
    register.get_by_label("本人の氏名").fill("秦野 健一")
    register.get_by_role("button", name="世帯を登録する").click()
    expect(register).to_have_count(0)
    household = page.locator("input[name=household_id]").input_value()
    assert household
    page.get_by_role("combobox", name="資金種類").select_option(label="緊急小口資金")
    page.get_by_role("combobox", name="相談の種類").select_option(label="新規～貸付決定前までの相談")
    page.get_by_role("combobox", name="相談方法").select_option(label="面談")
    page.get_by_role("combobox", name="相談者").select_option(label="本人")
    issues = page.get_by_role("group", name="世帯の課題と思われる内容")
    issues.get_by_label("負債・ローン・滞納").check()
    issues.get_by_label("家計管理").check()
    page.get_by_label("相談内容", exact=True).fill("住宅ローン、カードローン、車のローン、税と保険料の滞納。")
    page.get_by_role("button", name="受け付ける").click()
    expect(page.get_by_role("heading", name=re.compile("貸付相談の記録"))).to_be_visible()
    consultation = page.url.rsplit("/", 1)[-1]
    response = page.get_by_role("form", name="対応を記録する（つなぎ先・制度）")
    response.get_by_role("combobox", name="対応").select_option(value="loan_application")
    response.get_by_role("button", name="対応を記録する").click()
    expect(page.locator("[data-field=responses]")).to_have_text("借入申請")

    # The application from this consultation, sent to review; a manager decides.
    page.get_by_role("link", name="この相談から借入申請を受け付ける").click()
    expect(page.locator("input[name=consultation_id]")).to_have_value(consultation)
    page.get_by_role("combobox", name="資金種類").select_option(label="緊急小口資金")
    page.get_by_label("申請額（円）").fill("100000")
    page.get_by_label("資金の使途").fill("滞納の支払い")
    page.get_by_role("button", name="申請を受け付ける").click()
    status = page.get_by_role("heading", level=1).locator("[data-status]")
    expect(status).to_have_text("申請受付")
    application = page.url.rsplit("/", 1)[-1]
    page.get_by_role("form", name="審査に回す").get_by_role("button", name="審査に回す").click()
    expect(status).to_have_text("審査中")
    expect(page.get_by_role("link", name=consultation)).to_be_visible()
    page.context.close()

    manager = sign_in(new_page(browser), web, "loans-manager", f"/loans/applications/{application}")
    deny = manager.get_by_role("form", name="貸付不承認")
    deny.get_by_label("不承認の理由").fill("複数の債務があり償還の見込みが立たない")
    deny.get_by_role("button", name="不承認にする").click()
    expect(manager.get_by_role("heading", level=1).locator("[data-status]")).to_have_text("不承認")
    automatic = manager.locator("[data-automatic-referral]")
    expect(automatic).to_contain_text("自動で家計相談へつなぎました", timeout=30_000)
    referral = automatic.get_attribute("data-automatic-referral")
    assert referral
    shoot(manager, "loans-story4-denied")
    manager.context.close()

    # Debts to a judicial scrivener (法テラス/負債整理), budget support at intake.
    page = sign_in(new_page(browser), web, "loans-worker", f"/loans/consultations/{consultation}")
    # The consultation lists the household's applications, the one made from it marked and linked.
    made = page.get_by_role("table", name="この世帯の借入申請・貸付").locator(f"tr[data-application='{application}']")
    expect(made).to_contain_text("不承認")
    expect(made).to_contain_text("この相談から")
    expect(made.get_by_role("link")).to_have_attribute("href", f"/loans/applications/{application}")
    shoot(page, "loans-story4-consultation-lists-its-application")
    response = page.get_by_role("form", name="対応を記録する（つなぎ先・制度）")
    for value, note, shown in (
        ("legal_aid", "司法書士による債務整理", "借入申請、法テラス"),
        ("budget_consultation", "総合相談窓口の家計相談へ", "借入申請、法テラス、家計相談"),
    ):
        response.get_by_role("combobox", name="対応").select_option(value=value)
        response.get_by_label("メモ").fill(note)
        response.get_by_role("button", name="対応を記録する").click()
        expect(page.locator("[data-field=responses]")).to_have_text(shown)
    refer = page.get_by_role("form", name="他機関・他部署へつなぐ（紹介）")
    refer.get_by_role("combobox", name="つなぎ先", exact=True).select_option(label="司法書士")
    refer.get_by_role("combobox", name="紹介理由").select_option(value="debt_arrears")
    refer.get_by_label("紹介の内容").fill("債務整理の相談")
    refer.get_by_role("button", name="紹介する").click()
    referrals = page.get_by_role("list", name="この世帯の紹介")
    scrivener = referrals.get_by_role("listitem").filter(has_text="司法書士")
    expect(scrivener).to_have_count(1)
    expect(scrivener).to_contain_text("負債・ローン・滞納")
    scrivener_id = scrivener.get_attribute("data-referral")
    assert scrivener_id
    expect(referrals.locator(f"[data-referral='{referral}']")).to_contain_text("総合相談窓口")
    shoot(page, "loans-story4-consultation")
    page.get_by_role("link", name="紹介した案件を開く（対応結果の記録）").click()
    page.get_by_role("button", name="紹介した案件").click()
    row = page.locator(f"tr[data-referral='{scrivener_id}']")
    row.get_by_role("button", name="外部機関の対応結果").click()
    answer = row.get_by_role("form", name="外部機関の対応結果")
    answer.get_by_role("combobox", name="対応結果").select_option(label="支援開始")
    answer.get_by_label("メモ").fill("司法書士が債務整理を受任")
    answer.get_by_role("button", name="外部機関の対応結果").click()
    expect(row).to_contain_text("対応結果: 支援開始")
    page.context.close()

    # 総合相談窓口: the automatic referral accepted, the budget consultation with the scrivener
    # present, the tax payment accompanied, the plan, the referral answered.
    intake = sign_in(new_page(browser), web, "intake-worker", "/referrals")
    row = intake.locator(f"tr[data-referral='{referral}']")
    expect(row).to_have_count(1, timeout=30_000)
    expect(row).to_contain_text("自動つなぎ")
    row.get_by_role("button", name="受理する").click()
    accept = row.get_by_role("form", name="受理する")
    accept.get_by_label("メモ").fill("家計相談として受理")
    accept.get_by_role("button", name="受理する").click()
    expect(row.get_by_role("button", name="対応完了")).to_be_visible()
    with web.api("intake", "intake-worker") as api:
        eventually(lambda: api.get(f"/households/{household}").status_code == 200, what="the household at intake")
    intake.get_by_role("navigation", name="業務メニュー").get_by_role("link", name="本人検索").click()
    intake.get_by_label("氏名", exact=True).fill("秦野健一")
    intake.get_by_role("button", name="検索").click()
    intake.get_by_role("link", name="秦野 健一").click()
    expect(intake.get_by_role("heading", name="秦野 健一")).to_be_visible()
    intake.get_by_role("main").get_by_role("link", name="相談受付").click()
    expect(intake.get_by_text(f"世帯（{household}）の相談として受け付けます。")).to_be_visible()
    intake.get_by_role("combobox", name="相談経路", exact=True).select_option(label="局内他部署")
    intake.get_by_label("相談経路の詳細").fill("生活福祉資金の貸付相談から（家計相談）")
    intake.get_by_role("combobox", name="相談方法").select_option(label="面談")
    issues = intake.get_by_role("group", name="相談内容（世帯の課題）")
    issues.get_by_label("負債・ローン・滞納").check()
    issues.get_by_label("家計管理").check()
    intake.get_by_label("本人の言葉").fill("もう支払いができない")
    intake.get_by_role("button", name="受け付ける").click()
    expect(intake.get_by_role("heading", name=re.compile("相談記録"))).to_be_visible()
    timeline = intake.get_by_role("list", name="対応記録")
    for n, (channel, party, summary) in enumerate(
        [
            ("面談", "関係機関", "司法書士の同席を得て家計を見直し"),
            ("アウトリーチ", "本人", "家計支援の結果をもとに、市税の滞納の支払に職員が同行"),
        ]
    ):
        contact = intake.get_by_role("form", name="対応を記録する")
        contact.get_by_role("combobox", name="相談方法").select_option(label=channel)
        contact.get_by_role("combobox", name="相手").select_option(label=party)
        contact.get_by_label("内容").fill(summary)
        contact.get_by_role("button", name="記録する").click()
        expect(timeline.get_by_role("listitem")).to_have_count(n + 1)
    plan = intake.get_by_role("form", name="支援計画を設定する")
    plan.get_by_label("目標").fill("債務を整理し、収入の範囲で暮らす")
    first = plan.get_by_role("group", name="手立て 1", exact=True)
    first.get_by_role("combobox", name="段階").select_option(label="1. 本人（世帯）の問題解決力の向上の支援")
    first.get_by_role("textbox", name="手立て", exact=True).fill("家計表をもとに滞納分を計画的に支払う")
    first.get_by_role("combobox", name="担う人", exact=True).select_option(label="総合相談窓口")
    plan.get_by_role("button", name="手立てを加える").click()
    second = plan.get_by_role("group", name="手立て 2", exact=True)
    second.get_by_role("combobox", name="段階").select_option(label="2. 既存のしくみ（住民活動・制度）の利用")
    second.get_by_role("textbox", name="手立て", exact=True).fill("司法書士による債務整理")
    second.get_by_role("combobox", name="担う人の種類").select_option(label="外部機関")
    second.get_by_role("combobox", name="担う人", exact=True).select_option(label="司法書士")
    plan.get_by_role("button", name="支援計画を設定する").click()
    ladder = intake.get_by_role("list", name="支援の4つの段階")
    expect(ladder.locator("li[data-rung=existing_mechanisms]")).to_contain_text("司法書士")
    shoot(intake, "loans-story4-budget-consultation-at-intake")
    intake.get_by_role("navigation", name="業務メニュー").get_by_role("link", name="紹介（受付箱）").click()
    row = intake.locator(f"tr[data-referral='{referral}']")
    row.get_by_role("button", name="対応完了").click()
    complete = row.get_by_role("form", name="対応完了")
    complete.get_by_role("combobox", name="対応結果").select_option(label="支援開始")
    complete.get_by_label("メモ").fill("司法書士と家計支援を実施。市税の納付に同行")
    complete.get_by_role("button", name="対応完了").click()
    expect(row).to_contain_text("支援開始")
    intake.context.close()

    # The loan desk sees intake's answer, then closes its consultation.
    page = sign_in(new_page(browser), web, "loans-worker", f"/loans/consultations/{consultation}")
    reload_until(page, ("この世帯の紹介", "対応完了"))
    close = page.get_by_role("form", name="相談を終結する")
    close.get_by_role("combobox", name="相談の結果").select_option(label="他の方法で解決")
    close.get_by_label("メモ").fill("債務整理（司法書士）と家計支援（総合相談）へ")
    close.get_by_role("button", name="終結する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("終結")
    page.get_by_role("navigation", name="業務メニュー").get_by_role("link", name="貸付相談").click()
    expect_counts(page, contacts + 1, initial + 1)

    page.goto(f"{web.url}/loans/households/{household}")
    expect(page.get_by_role("heading", name=re.compile("世帯の貸付履歴"))).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("不承認")
    expect(page.get_by_role("main")).to_contain_text("法テラス")
    history = page.locator(f"[data-referral='{scrivener_id}']")
    expect(history).to_contain_text("司法書士")
    expect(history).to_contain_text("負債・ローン・滞納")  # the reason's label, not its code
    shoot(page, "loans-story4-household-history")
    page.get_by_role("link", name="ケースの全体像を開く").click()
    page.wait_for_url(re.compile(rf".*/cases/{re.escape(household)}$"))
    case_view_shows(
        page,
        "貸付不承認",
        "複数の債務があり償還の見込みが立たない",
        "法テラス",
        "司法書士",
        "支援開始",
        "家計相談",
        "他の方法で解決",
    )
    shoot(page, "loans-story4-case-view")
    # The as-of control takes a typed JST time (not the browser locale's mm/dd/yyyy) and says so.
    controls = page.get_by_role("form", name="表示の条件")
    as_of = controls.get_by_label("この時点の記録を見る（日本時間）")
    expect(as_of).to_have_attribute("placeholder", "例: 2026-04-01 09:30")
    as_of.fill("2026/13/01 09:30")
    controls.get_by_role("button", name="表示する").click()
    expect(controls.get_by_role("alert")).to_contain_text("2026-04-01 09:30 の形で")
    moment = datetime.now(UTC) + timedelta(hours=9) - timedelta(days=1)
    as_of.fill(moment.strftime("%Y/%m/%d %H:%M"))
    controls.get_by_role("button", name="表示する").click()
    expect(page.get_by_text("時点の記録を表示しています")).to_contain_text(moment.strftime("%Y/%m/%d %H:%M"))
    assert "as_of=" in page.url
    page.context.close()

    # 総合相談窓口 reads the same case: its budget support, the tax payment accompanied.
    intake = sign_in(new_page(browser), web, "intake-worker", f"/cases/{household}")
    case_view_shows(intake, "支援計画", "司法書士による債務整理", "市税の滞納の支払に職員が同行", "紹介の対応完了")
    shoot(intake, "loans-story4-case-view-intake")
    intake.context.close()
