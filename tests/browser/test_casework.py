"""総合相談窓口's casework in the browser, by clicking: story 2's part at intake (the loan desk's
referral accepted in the inbox, the 家計相談 consultation with contacts and a support plan on the
ladder, the referral answered) ending on the case view; supervision (a manager comments, the worker
acknowledges, the review queue empties); the consent ledger (granted, then withdrawn, seen from the
department that loses it); and the service's refusals shown beside their fields, with a 409."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from deploy.demo.kit import today as japan_today
from tests.browser.harness import WebPlatform, axe_violations, describe, eventually, new_page, shoot, sign_in

LADDER = ["personal_capacity", "existing_mechanisms", "community_capacity", "new_programme"]


def case_view_shows(page: Page, *texts: str, attempts: int = 30) -> None:
    """The case view shows ``texts`` once reporting has read the events from Kafka (reloading until then)."""
    for _ in range(attempts):
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.wait_for_load_state("networkidle")
        if all(page.get_by_text(t, exact=False).count() for t in texts):
            return
        page.wait_for_timeout(1000)
        page.reload()
    for t in texts:
        expect(page.get_by_text(t, exact=False).first).to_be_visible()


def intake_person_with_consultation(web: WebPlatform, name: str, own_words: str) -> tuple[str, str]:
    """A person registered at intake and a consultation opened for them, through intake's API."""
    with web.api("intake", "intake-worker") as intake:
        person = intake.post("/people", json={"name_kanji": name})
        assert person.status_code == 201, person.text
        pid = str(person.json()["person_id"])
        opened = intake.post(
            "/consultations",
            json={
                "person_id": pid,
                "source": "self",
                "channel": "phone",
                "issues": ["household_budget"],
                "own_words": own_words,
            },
        )
        assert opened.status_code == 201, opened.text
        return pid, str(opened.json()["consultation_id"])


def no_serious_violations(page: Page) -> None:
    found = axe_violations(page)
    assert not found, describe(found)


def test_story_2_intake_accepts_the_loan_desks_referral_holds_the_budget_consultation_and_answers_it(
    web: WebPlatform, browser: Browser
) -> None:
    # The loan desk's part, by clicking: 事例2, a pensioner who runs out of money between pension
    # months asks for a loan; the desk records 家計管理 and refers her to intake's budget consultation.
    page = sign_in(new_page(browser), web, "loans-worker", "/loans/consultations")
    page.get_by_role("link", name="貸付相談を受け付ける").click()
    register = page.get_by_role("form", name="世帯を登録する")
    register.get_by_label("本人の氏名").fill("逗子 春子")
    register.get_by_role("button", name="世帯を登録する").click()
    expect(register).to_have_count(0)
    hid = page.locator("input[name=household_id]").input_value()
    assert hid
    page.get_by_role("combobox", name="資金種類").select_option(value="emergency_small")
    page.get_by_role("combobox", name="相談の種類").select_option(label="新規～貸付決定前までの相談")
    page.get_by_role("combobox", name="相談方法").select_option(label="電話")
    page.get_by_role("combobox", name="相談者").select_option(label="本人")
    page.get_by_role("group", name="世帯の課題と思われる内容").get_by_label("家計管理").check()
    page.get_by_label("相談内容", exact=True).fill("年金支給日の前に生活費が尽きる。貸付の相談。")
    page.get_by_role("button", name="受け付ける").click()
    expect(page.get_by_role("heading", name=re.compile("貸付相談の記録"))).to_be_visible()
    refer = page.get_by_role("form", name="他機関・他部署へつなぐ（紹介）")
    refer.get_by_role("combobox", name="つなぎ先の種類").select_option(label="社協の他部署")
    refer.get_by_role("combobox", name="つなぎ先", exact=True).select_option(label="総合相談窓口")
    refer.get_by_role("combobox", name="紹介理由").select_option(value="household_budget")
    refer.get_by_label("紹介の内容").fill("年金支給月ごとの家計管理の支援をお願いしたい")
    refer.get_by_role("button", name="紹介する").click()
    referrals = page.get_by_role("list", name="この世帯の紹介")
    expect(referrals.get_by_role("listitem")).to_have_count(1)
    expect(referrals).to_contain_text("総合相談窓口")
    rid = referrals.get_by_role("listitem").first.get_attribute("data-referral")
    assert rid
    shoot(page, "casework-00-loan-desk-refers")
    page.context.close()

    # Intake accepts it in the inbox.
    page = sign_in(new_page(browser), web, "intake-worker", "/referrals")
    row = page.locator(f"tr[data-referral='{rid}']")
    expect(row).to_have_count(1, timeout=30_000)
    expect(row).to_contain_text("生活福祉資金")
    expect(row).to_contain_text("家計管理")
    row.get_by_role("button", name="受理する").click()
    accept = row.get_by_role("form", name="受理する")
    accept.get_by_label("メモ").fill("家計相談として受理")
    accept.get_by_role("button", name="受理する").click()
    expect(row).to_contain_text("受理")
    expect(row.get_by_role("button", name="対応完了")).to_be_visible()
    shoot(page, "casework-01-referral-accepted")

    # The person the loan desk registered reaches intake through Kafka; staff find them by name.
    with web.api("intake", "intake-worker") as intake:
        eventually(lambda: intake.get(f"/households/{hid}").status_code == 200, what="the household at intake")
    page.get_by_role("navigation", name="業務メニュー").get_by_role("link", name="本人検索").click()
    page.get_by_label("氏名", exact=True).fill("逗子春子")
    page.get_by_role("button", name="検索").click()
    page.get_by_role("link", name="逗子 春子").click()
    expect(page.get_by_role("heading", name="逗子 春子")).to_be_visible()
    expect(page.get_by_role("link", name=hid)).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="相談受付").click()

    # The 家計相談 consultation, for the person and their household.
    expect(page.get_by_role("heading", name="相談受付")).to_be_visible()
    expect(page.get_by_text(f"世帯（{hid}）の相談として受け付けます。")).to_be_visible()
    page.get_by_role("combobox", name="相談経路", exact=True).select_option(label="局内他部署")
    page.get_by_label("相談経路の詳細").fill("生活福祉資金の貸付相談から（家計相談）")
    page.get_by_role("combobox", name="相談方法").select_option(label="面談")
    issues = page.get_by_role("group", name="相談内容（世帯の課題）")
    issues.get_by_label("家計管理").check()
    issues.get_by_label("介護").check()
    page.get_by_label("本人の言葉").fill("年金が入るとすぐになくなってしまう")
    page.get_by_role("button", name="受け付ける").click()
    expect(page.get_by_role("heading", name=re.compile("相談記録"))).to_be_visible()
    expect(page.locator("[data-field=household_id]")).to_have_text(hid)

    contacts = page.get_by_role("list", name="対応記録")
    for n, (channel, party, summary) in enumerate(
        [
            ("訪問", "地域包括支援センター", "包括と合同訪問。判断能力の有無を確認"),
            ("面談", "本人", "年金支給月ごとの家計表を一緒に作成"),
        ]
    ):
        contact = page.get_by_role("form", name="対応を記録する")
        contact.get_by_role("combobox", name="相談方法").select_option(label=channel)
        contact.get_by_role("combobox", name="相手").select_option(label=party)
        contact.get_by_label("内容").fill(summary)
        contact.get_by_role("button", name="記録する").click()
        expect(contacts.get_by_role("listitem")).to_have_count(n + 1)
        expect(contacts.get_by_role("listitem").nth(n)).to_contain_text(summary)

    # The support plan on the ladder: two steps on the first two rungs.
    plan = page.get_by_role("form", name="支援計画を設定する")
    plan.get_by_label("目標").fill("年金の範囲で次の支給日まで暮らせる")
    first = plan.get_by_role("group", name="手立て 1", exact=True)
    first.get_by_role("combobox", name="段階").select_option(label="1. 本人（世帯）の問題解決力の向上の支援")
    first.get_by_role("textbox", name="手立て", exact=True).fill("年金支給月ごとの家計表で一緒に家計を管理する")
    first.get_by_role("combobox", name="担う人", exact=True).select_option(label="総合相談窓口")
    plan.get_by_role("button", name="手立てを加える").click()
    second = plan.get_by_role("group", name="手立て 2", exact=True)
    second.get_by_role("combobox", name="段階").select_option(label="2. 既存のしくみ（住民活動・制度）の利用")
    second.get_by_role("textbox", name="手立て", exact=True).fill("判断能力の確認と見守りを包括と合同で")
    second.get_by_role("combobox", name="担う人の種類").select_option(label="外部機関")
    second.get_by_role("combobox", name="担う人", exact=True).select_option(label="地域包括支援センター")
    shoot(page, "casework-02-plan-form")
    plan.get_by_role("button", name="支援計画を設定する").click()

    ladder = page.get_by_role("list", name="支援の4つの段階")
    expect(ladder.locator("li[data-rung=personal_capacity]")).to_contain_text(
        "年金支給月ごとの家計表で一緒に家計を管理する"
    )
    expect(ladder.locator("li[data-rung=existing_mechanisms]")).to_contain_text("地域包括支援センター")
    expect(ladder.locator("li[data-rung=community_capacity]")).to_contain_text("この段階の手立てはありません。")
    rungs = ladder.locator(":scope > li")
    expect(rungs).to_have_count(4)
    assert [rungs.nth(n).get_attribute("data-rung") for n in range(4)] == LADDER
    expect(rungs.nth(0)).to_contain_text("第1段階 本人（世帯）の問題解決力の向上の支援")
    expect(rungs.nth(3)).to_contain_text("新たな在宅サービス等制度の創造又は改善")
    expect(page.locator("[data-field=goal]")).to_have_text("年金の範囲で次の支給日まで暮らせる")
    shoot(page, "casework-03-consultation-with-plan")
    no_serious_violations(page)

    # The referral is answered in the inbox with an outcome.
    page.get_by_role("navigation", name="業務メニュー").get_by_role("link", name="紹介（受付箱）").click()
    row = page.locator(f"tr[data-referral='{rid}']")
    row.get_by_role("button", name="対応完了").click()
    complete = row.get_by_role("form", name="対応完了")
    complete.get_by_role("combobox", name="対応結果").select_option(label="支援開始")
    complete.get_by_label("メモ").fill("包括と合同で判断能力を確認し、家計支援を開始")
    complete.get_by_role("button", name="対応完了").click()
    expect(row).to_contain_text("対応完了")
    expect(row).to_contain_text("支援開始")
    shoot(page, "casework-04-referral-completed")

    row.get_by_role("link", name=hid).click()
    page.wait_for_url(re.compile(rf".*/cases/{re.escape(hid)}$"))
    case_view_shows(page, "紹介の受理", "相談受付", "対応記録", "支援計画", "紹介の対応完了")
    shoot(page, "casework-05-case-view")
    page.context.close()


def test_a_manager_comments_the_worker_acknowledges_and_the_review_queue_empties(
    web: WebPlatform, browser: Browser
) -> None:
    _, fresh = intake_person_with_consultation(web, "大船 三郎", "年金だけでは生活費が足りない")
    _, cid = intake_person_with_consultation(web, "大船 次郎", "仕事が見つからず家賃が払えない")
    manager = sign_in(new_page(browser), web, "intake-manager", f"/intake/consultations/{cid}")
    form = manager.get_by_role("form", name="コメントする（管理職）")
    form.get_by_label("コメント").fill("家計表を作る前に収入の見込みを本人と確認すること")
    form.get_by_role("button", name="コメントを送る").click()
    comments = manager.get_by_role("list", name="スーパーバイズ")
    expect(comments).to_contain_text("家計表を作る前に収入の見込みを本人と確認すること")
    expect(comments).to_contain_text("担当者の確認待ち")
    expect(comments).to_contain_text("コメントした管理職: 相談 花子")
    manager.get_by_role("navigation", name="業務メニュー").get_by_role("link", name="スーパーバイズ").click()
    expect(manager.get_by_role("heading", name="スーパーバイズ（点検）")).to_be_visible()
    queued = manager.locator(f"tr[data-consultation='{cid}']")
    expect(queued).to_have_count(1)
    expect(queued.locator("td").last).to_have_text("1")
    expect(queued.locator("[data-field=subject_name]")).to_have_text("大船 次郎")
    shoot(manager, "casework-06-review-queue")

    worker = sign_in(new_page(browser), web, "intake-worker", "/intake/review")
    row = worker.locator(f"tr[data-consultation='{cid}']")
    row.get_by_role("link").first.click()  # the date opens the consultation (the name, the person)
    expect(worker.get_by_role("form", name="コメントする（管理職）")).to_have_count(0)
    comment = worker.get_by_role("list", name="スーパーバイズ").get_by_role("listitem")
    expect(comment).to_contain_text("家計表を作る前に収入の見込みを本人と確認すること")
    comment.get_by_role("button", name="確認しました").click()
    expect(comment).to_contain_text("確認済み（相談 太郎")
    expect(comment.get_by_role("button", name="確認しました")).to_have_count(0)
    shoot(worker, "casework-07-comment-acknowledged")
    worker.get_by_role("navigation", name="業務メニュー").get_by_role("link", name="スーパーバイズ").click()
    expect(worker.get_by_text("この一覧に該当する相談はありません。")).to_be_visible()
    expect(worker.locator(f"tr[data-consultation='{cid}']")).to_have_count(0)

    manager.reload()
    expect(manager.get_by_text("この一覧に該当する相談はありません。")).to_be_visible()
    manager.get_by_role("button", name="確認待ちのコメントがない対応中の相談").click()
    expect(manager.locator(f"tr[data-consultation='{cid}']")).to_have_count(1)
    shoot(manager, "casework-08-review-queue-empty")
    # Never commented on (the server's commented=false): the fresh consultation, not the reviewed one.
    manager.get_by_role("button", name="まだ一度もコメントしていない対応中の相談").click()
    expect(manager.locator("table[data-queue=never]")).to_be_visible()
    expect(manager.locator(f"tr[data-consultation='{fresh}']")).to_have_count(1)
    expect(manager.locator(f"tr[data-consultation='{cid}']")).to_have_count(0)
    shoot(manager, "casework-08b-review-queue-never-commented")
    manager.context.close()
    worker.context.close()


def test_a_withdrawn_consent_hides_the_special_care_record_from_the_department_that_lost_it(
    web: WebPlatform, browser: Browser
) -> None:
    words = "夜になると不安で眠れない"
    pid, _ = intake_person_with_consultation(web, "鎌倉 花子", words)
    intake = sign_in(new_page(browser), web, "intake-worker", f"/intake/people/{pid}")
    expect(intake.get_by_role("heading", name="同意台帳")).to_be_visible()
    expect(intake.get_by_text("同意・法定の共有の記録はありません。")).to_be_visible()
    grant = intake.get_by_role("form", name="同意を記録する")
    recipient = grant.get_by_role("group", name="共有先 1")
    recipient.get_by_role("combobox", name="共有先", exact=True).select_option(label="生活福祉資金貸付")
    grant.get_by_role("combobox", name="目的").select_option(label="支援の調整")
    until = (japan_today() + timedelta(days=180)).isoformat()
    grant.get_by_label("有効期限").fill(until)
    grant.get_by_role("button", name="同意を記録する").click()
    ledger = intake.get_by_role("table", name="同意台帳")
    expect(ledger.locator("tbody tr")).to_have_count(1)
    expect(ledger.locator("tbody tr")).to_contain_text("生活福祉資金")
    expect(ledger.locator("tbody tr")).to_contain_text("有効")
    shoot(intake, "casework-09-consent-granted")
    no_serious_violations(intake)

    # The loan desk, holding the consent, reads the person's words in the case view.
    loans = sign_in(new_page(browser), web, "loans-worker", f"/cases/{pid}")
    case_view_shows(loans, words)

    ledger.get_by_role("button", name="撤回する").click()
    withdraw = ledger.get_by_role("form", name="同意を撤回する")
    withdraw.get_by_label("撤回の理由").fill("本人の申し出")
    withdraw.get_by_role("button", name="撤回を記録する").click()
    expect(ledger.locator("tbody tr")).to_contain_text("撤回")
    expect(ledger.get_by_role("button", name="撤回する")).to_have_count(0)
    shoot(intake, "casework-10-consent-withdrawn")

    # Once reporting has the withdrawal, the loan desk sees 非開示 where the words were.
    def hidden() -> bool:
        loans.reload()
        expect(loans.get_by_role("heading", level=1)).to_be_visible()
        loans.wait_for_load_state("networkidle")
        return loans.get_by_text(words).count() == 0 and loans.get_by_text("非開示").count() > 0

    eventually(hidden, timeout=40, what="the case view to withhold the words")
    expect(loans.locator(".redacted-note").filter(has_text="本人の言葉").first).to_be_visible()
    shoot(loans, "casework-11-case-view-after-withdrawal")
    intake.context.close()
    loans.context.close()


def test_refusals_show_beside_their_fields_and_a_stale_assessment_keeps_what_was_typed(
    web: WebPlatform, browser: Browser
) -> None:
    pid, cid = intake_person_with_consultation(web, "藤沢 三郎", "借金の返済が重なっている")
    page = sign_in(new_page(browser), web, "intake-worker", f"/intake/consultations/{cid}")
    page.locator("summary", has_text="フォローアップ予定を入れる").click()
    follow_up = page.get_by_role("form", name="フォローアップ予定を入れる")
    yesterday = (japan_today() - timedelta(days=2)).isoformat()
    follow_up.get_by_label("予定日").fill(yesterday)
    follow_up.get_by_label("目的").fill("返済計画の確認")
    follow_up.get_by_role("button", name="予定を入れる").click()
    field = follow_up.locator(".field.invalid").filter(has=page.get_by_label("予定日"))
    expect(field.get_by_role("alert")).to_contain_text(
        f"過去の日付は指定できません（今日は{japan_today():%Y/%m/%d}です）"
    )
    expect(follow_up.get_by_label("予定日")).to_have_attribute("aria-invalid", "true")
    expect(follow_up.get_by_label("目的")).to_have_value("返済計画の確認")
    shoot(page, "casework-12-refusal-beside-the-field")

    # A colleague records a contact meanwhile: the assessment is refused as stale, the text stays.
    with web.api("intake", "intake-worker") as api:
        made = api.post(
            f"/consultations/{cid}/contacts",
            json={"channel": "phone", "party": "self", "outcome": "reached", "summary": "返済額を確認"},
        )
        assert made.status_code == 201, made.text
    assessment = page.get_by_role("form", name="アセスメントを記録する")
    assessment.get_by_label("本人の状況").fill("52歳男性。消費者金融3社から借入")
    assessment.get_by_role("button", name="アセスメントを記録する").click()
    expect(assessment.get_by_role("alert")).to_contain_text("画面を開いた後に更新されています")
    shoot(page, "casework-13-stale-assessment")
    assessment.get_by_role("button", name="最新の内容を読み込む").click()
    expect(page.get_by_role("list", name="対応記録").get_by_role("listitem")).to_have_count(1)
    expect(assessment.get_by_label("本人の状況")).to_have_value("52歳男性。消費者金融3社から借入")
    assessment.get_by_role("button", name="アセスメントを記録する").click()
    expect(page.locator("[data-field=person_picture]")).to_have_text("52歳男性。消費者金融3社から借入")

    # On the person page: statutory sharing without the secrecy duty is refused beside the checkbox.
    page.goto(f"{web.url}/intake/people/{pid}")
    sharing = page.get_by_role("form", name="支援会議での情報共有を記録する")
    sharing.get_by_label("支援会議の識別（例：mtg-2015-06）").fill("mtg-test-1")
    sharing.get_by_role("combobox", name="共有先", exact=True).select_option(label="生活福祉資金貸付")
    sharing.get_by_role("button", name="情報共有を記録する").click()
    expect(sharing.locator(".field.invalid").get_by_role("alert")).to_contain_text("守秘義務")
    expect(sharing.get_by_label("支援会議の識別（例：mtg-2015-06）")).to_have_value("mtg-test-1")
    sharing.get_by_label("出席者が守秘義務を負うことを確認した（法定の支援会議）").check()
    sharing.get_by_role("button", name="情報共有を記録する").click()
    expect(page.get_by_role("table", name="同意台帳")).to_contain_text("法定の情報共有（支援会議）")
    shoot(page, "casework-14-person-ledger-and-link")
    page.context.close()


def test_the_consultation_list_names_the_person_to_intake_staff_and_an_auditor_reads_without_names_or_forms(
    web: WebPlatform, browser: Browser
) -> None:
    """相談一覧: staff find a consultation by whom it is about; an auditor reads codes and dates, never
    names, and is offered no form of the desk."""
    pid, cid = intake_person_with_consultation(web, "一覧 和子", "一覧に名前が出るか")
    with web.api("intake", "intake-worker") as intake:
        step = {
            "rung": "existing_mechanisms",
            "action": "司法書士による債務整理",
            "responsible": {"kind": "department", "name": "intake"},
        }
        plan = intake.put(f"/consultations/{cid}/support-plan", json={"goal": "家計の立て直し", "steps": [step]})
        assert plan.status_code == 200, plan.text
        due = intake.post(
            f"/consultations/{cid}/follow-ups", json={"due_on": "2099-01-10", "purpose": "返済の見通しを確認"}
        )
        assert due.status_code == 201, due.text
        home = intake.post(
            "/households", json={"address": "一覧町1-1", "members": [{"person_id": pid, "relationship": "本人"}]}
        )
        assert home.status_code == 201, home.text
        hid = home.json()["household_id"]
    page = sign_in(new_page(browser), web, "intake-worker")
    page.goto(f"{web.url}/intake/consultations")
    named = page.get_by_role("row").filter(has=page.get_by_role("link", name="一覧 和子", exact=True))
    expect(named).to_have_count(1)
    expect(page.get_by_role("columnheader", name="対象者")).to_be_visible()
    shoot(page, "casework-10-consultation-list-with-names")
    no_serious_violations(page)
    named.get_by_role("link", name="一覧 和子", exact=True).click()
    expect(page).to_have_url(re.compile(f"/intake/people/{pid}$"))
    # 世帯: the list names each household's members (it gave a count), the household its members.
    page.goto(f"{web.url}/intake/households")
    expect(page.locator(f"tr[data-household='{hid}'] [data-field=members]")).to_have_text("一覧 和子")
    shoot(page, "casework-14-households-with-names")
    page.goto(f"{web.url}/intake/households/{hid}")
    expect(page.locator(f"tr[data-member='{pid}']")).to_contain_text("一覧 和子")
    # フォローアップ予定: each due follow-up says whom it is about.
    page.goto(f"{web.url}/intake/follow-ups")
    page.get_by_label("この日までの予定").fill("2099-12-31")
    page.get_by_role("button", name="表示する").click()
    due = page.get_by_role("row").filter(has_text="返済の見通しを確認")
    expect(due.locator("[data-field=subject_name]")).to_have_text("一覧 和子")
    shoot(page, "casework-15-follow-ups-with-names")
    page.context.close()

    auditor = sign_in(new_page(browser), web, "intake-auditor")
    auditor.goto(f"{web.url}/intake/consultations")
    first = auditor.get_by_role("row").nth(1)
    expect(first.locator("[data-field=subject_name]")).to_have_text("非開示")
    shoot(auditor, "casework-11-consultation-list-for-an-auditor")
    assert "一覧 和子" not in auditor.content()
    # An auditor reads; the desk's forms and its 相談受付 are not offered (the service would refuse them).
    expect(auditor.get_by_role("link", name="相談受付")).to_have_count(0)
    first.get_by_role("link").first.click()
    expect(auditor.get_by_role("heading", level=1)).to_contain_text("相談記録")
    expect(auditor.get_by_role("heading", name="対応記録")).to_be_visible()
    expect(auditor.locator("form")).to_have_count(0)
    expect(auditor.locator(".redacted-note")).to_contain_text("本人の言葉")
    assert "一覧に名前が出るか" not in auditor.content()  # the person's own words are not the audit's
    auditor.goto(f"{web.url}/intake/consultations/{cid}")
    expect(auditor.locator("[data-field=steps]")).to_contain_text("非開示")  # the plan's steps, the goal
    expect(auditor.locator("[data-field=goal]")).to_have_text("非開示")
    expect(auditor.get_by_role("list", name="フォローアップ予定")).to_contain_text("非開示")
    for words in ("司法書士", "家計の立て直し", "返済の見通し"):
        assert words not in auditor.content(), words
    shoot(auditor, "casework-12-consultation-for-an-auditor")
    auditor.goto(f"{web.url}/intake/households")
    expect(auditor.locator(f"tr[data-household='{hid}'] [data-field=members]")).to_have_text("非開示")
    auditor.goto(f"{web.url}/intake/people/{pid}")
    expect(auditor.get_by_role("heading", name="同意台帳")).to_be_visible()
    expect(auditor.locator("form")).to_have_count(0)
    expect(auditor.get_by_role("link", name="相談受付")).to_have_count(0)
    shoot(auditor, "casework-13-person-for-an-auditor")
    auditor.context.close()
