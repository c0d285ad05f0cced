"""Forms as staff meet them: the service's refusal beside the field it names, a stale edit (409)
offered a reload without losing what was typed, and the language switch."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.harness import WebPlatform, new_page, shoot, sign_in


def test_a_field_the_service_refuses_shows_the_services_message_beside_it_and_nothing_is_registered(
    web: WebPlatform, browser: Browser
) -> None:
    page = sign_in(new_page(browser), web, "intake-worker", "/intake/people/new")
    page.get_by_label("氏名（漢字）").fill("未来 太郎")
    page.get_by_label("生年月日").fill("2300-01-01")  # a valid date the browser takes; the desk does not
    page.get_by_role("button", name="本人登録").click()
    error = page.locator(".field.invalid").filter(has=page.get_by_label("生年月日"))
    expect(error.get_by_role("alert")).to_have_text("未来の日付・日時は入力できません")
    expect(page.get_by_label("生年月日")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("氏名（漢字）")).to_have_value("未来 太郎")  # what was typed stays
    shoot(page, "forms-01-server-refusal-beside-the-field")
    # The refusal is words from the catalogue, so it follows the language the staff member picks.
    refusal = page.locator(".field.invalid").get_by_role("alert")  # the only one; its label changes too
    page.get_by_role("button", name="English").click()
    expect(refusal).to_have_text("A day or time in the future cannot be entered")
    page.get_by_role("button", name="日本語").click()
    expect(refusal).to_have_text("未来の日付・日時は入力できません")
    with web.api("intake", "intake-worker") as intake:
        assert intake.get("/people", params={"name": "未来太郎"}).json()["total"] == 0


def test_a_refusal_naming_a_field_the_form_does_not_have_is_said_not_swallowed(
    web: WebPlatform, browser: Browser
) -> None:
    # The person comes from the link (?person_id=), not from a field of the form: the desk refuses a
    # person nobody registered (422 naming person_id), and the form says so in Japanese.
    page = sign_in(new_page(browser), web, "intake-worker", "/intake/consultations/new?person_id=p-nobody-registered")
    page.get_by_role("combobox", name="相談経路", exact=True).select_option(label="本人")
    page.get_by_role("combobox", name="相談方法", exact=True).select_option(label="電話")
    page.get_by_role("group", name="相談内容（世帯の課題）").get_by_label("家族・人間関係").check()
    page.get_by_role("button", name="受け付ける").click()
    expect(page.get_by_role("alert")).to_have_text(
        "入力内容を確認してください: 「p-nobody-registered」は登録されていません。先に登録してください"
    )
    shoot(page, "forms-00-refusal-of-a-field-the-form-lacks")
    assert "/intake/consultations/new" in page.url  # nothing was opened


def test_a_record_that_does_not_exist_is_said_in_japanese_on_its_page(web: WebPlatform, browser: Browser) -> None:
    # An old or mistyped link: the page says what to do in the staff member's words, with no English.
    page = sign_in(new_page(browser), web, "intake-worker", "/intake/consultations/c-no-such-consultation")
    expect(page.get_by_role("alert")).to_have_text(
        "見つかりません: 指定された記録がありません。番号を確かめるか、一覧から開き直してください"
    )
    shoot(page, "forms-06-record-not-found")
    page.context.close()


def test_closing_a_consultation_someone_else_updated_is_refused_with_a_reload_that_keeps_the_typed_note(
    web: WebPlatform, browser: Browser
) -> None:
    with web.api("intake", "intake-worker") as intake:
        opened = intake.post(
            "/consultations",
            json={
                "source": "self",
                "channel": "phone",
                "issues": ["housing"],
                "own_words": "家賃が払えない",
                "subject_description": "電話の女性（名乗らず）",
            },
        )
        assert opened.status_code == 201, opened.text
        consultation_id = opened.json()["consultation_id"]
    page = sign_in(new_page(browser), web, "intake-worker", f"/intake/consultations/{consultation_id}")
    expect(page.get_by_role("heading", name="相談記録")).to_be_visible()

    # Meanwhile a colleague records a contact: the version the page read is stale.
    with web.api("intake", "intake-worker") as intake:
        contact = intake.post(
            f"/consultations/{consultation_id}/contacts",
            json={"channel": "home_visit", "party": "self", "outcome": "reached", "summary": "訪問して話を聞いた"},
        )
        assert contact.status_code == 201, contact.text

    close = page.get_by_role("form", name="終結する")
    close.get_by_role("combobox", name="結果").select_option(label="制度・サービスにつないだ")
    close.get_by_label("つないだ先").fill("市 生活支援課")
    close.get_by_label("メモ").fill("住居確保給付金の申請につないだ")
    close.get_by_role("button", name="終結する").click()
    notice = close.get_by_role("alert")
    expect(notice).to_contain_text("画面を開いた後に更新されています")
    shoot(page, "forms-02-stale-edit-409")
    close.get_by_role("button", name="最新の内容を読み込む").click()
    expect(page.get_by_text("訪問して話を聞いた")).to_be_visible()  # the colleague's contact is now shown
    expect(close.get_by_label("メモ")).to_have_value("住居確保給付金の申請につないだ")
    close.get_by_role("button", name="終結する").click()
    expect(page.get_by_role("heading", name="相談記録")).to_contain_text("終結")
    with web.api("intake", "intake-worker") as intake:
        closed = intake.get(f"/consultations/{consultation_id}").json()
    assert closed["status"] == "closed" and closed["outcome"] == "connected_to_service"
    assert closed["closing_note"] == "住居確保給付金の申請につないだ"
    assert closed["destination"] == "市 生活支援課"


def test_a_department_without_the_right_sees_withheld_not_the_special_care_details(
    web: WebPlatform, browser: Browser
) -> None:
    with web.api("intake", "intake-worker") as intake:
        made = intake.post(
            "/people",
            json={"name_kanji": "配慮 花子", "name_kana": "ハイリョ ハナコ", "care_notes": "うつ病で通院中（秘匿）"},
        )
        assert made.status_code == 201, made.text
        person_id = made.json()["person_id"]
    own = sign_in(new_page(browser), web, "intake-worker", f"/intake/people/{person_id}")
    expect(own.get_by_text("うつ病で通院中（秘匿）")).to_be_visible()  # the rule's honest side: intake reads it
    other = sign_in(new_page(browser), web, "loans-worker", f"/intake/people/{person_id}")
    expect(other.get_by_text("非開示").first).to_be_visible()
    shoot(other, "forms-03-loans-sees-withheld")
    content = other.content()
    assert "うつ病" not in content and "配慮 花子" not in content and "ハイリョ" not in content


def test_the_screens_speak_english_when_asked_and_remember_it(web: WebPlatform, browser: Browser) -> None:
    page = sign_in(new_page(browser), web, "loans-worker")
    expect(page.get_by_role("heading", level=1)).to_contain_text("生活福祉資金")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Livelihood Welfare Fund workspace")
    assert page.locator("html").get_attribute("lang") == "en"
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Livelihood Welfare Fund workspace")
    shoot(page, "forms-04-english")
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("生活福祉資金の業務画面")


def test_a_service_that_does_not_answer_is_said_in_japanese(web: WebPlatform, browser: Browser) -> None:
    # fetch() fails with the browser's English ("Failed to fetch"); staff read what happened and what to do.
    page = sign_in(new_page(browser), web, "intake-worker")
    page.route("**/api/intake/**", lambda route: route.abort("connectionrefused"))
    page.goto(f"{web.url}/intake/consultations")
    notice = page.get_by_role("alert").first
    expect(notice).to_have_text(
        "サービスから応答がありません。ネットワークの接続を確認して、もう一度お試しください", timeout=30_000
    )
    shoot(page, "forms-05-service-unreachable")
    page.context.close()
