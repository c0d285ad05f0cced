"""A case-study meeting (事例検討会) at the conferences desk in the browser: a loans worker presents a
consultation that reached no service (貸せる・貸せないの判断だけで終わった相談), conferences records
the legal adviser's secrecy undertaking (守秘義務), holds the meeting with two advisers, is refused
advice in the name of the adviser without an undertaking (the refusal beside the field), records the
other's, and a districts worker reads the anonymised case and the advice: the meeting is open to all
staff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import Browser, expect

from tests.browser.harness import WebPlatform, axe_violations, describe, new_page, shoot, sign_in

LAWYER = ("弁護士 A", "アドバイザリースタッフ（法律）")
GUARDIAN = ("社会福祉士 B", "アドバイザリースタッフ（後見）")


def test_a_case_study_takes_cases_from_any_department_and_advice_only_from_an_adviser_who_undertook_secrecy(
    web: WebPlatform, browser: Browser
) -> None:
    now = datetime.now(UTC)
    with web.api("conferences", "conferences-worker") as api:
        created = api.post(
            "/conferences",
            json={
                "kind": "case_study",
                "purpose": "定例の事例検討会",
                "scheduled_for": (now - timedelta(hours=2)).isoformat(),
            },
        )
        assert created.status_code == 201, created.text
        cid = created.json()["conference_id"]

    # 貸付: a loans worker presents a consultation that reached no service, without a case id.
    loans = sign_in(new_page(browser), web, "loans-worker", f"/conferences/{cid}")
    present = loans.get_by_role("form", name="事例を出す（どの部署からでも）")
    present.get_by_label("事例の概要（氏名など個人を特定する情報は書かない）").fill(
        "転居費用の貸付相談。貸せる・貸せないの判断以外の内容を聞き取らなくてよかったか"
    )
    present.get_by_role("button", name="事例を出す").click()
    case = loans.locator("[data-study-case]")
    expect(case).to_have_count(1)
    expect(case).to_contain_text("制度・サービスにつながらなかった")
    expect(loans.get_by_role("form", name="守秘義務の誓約を記録する")).to_have_count(0)  # conferences' work
    shoot(loans, "conferences-case-study-01-presented-by-loans")
    assert not (found := axe_violations(loans)), describe(found)
    loans.context.close()

    # 会議: the lawyer's undertaking before the meeting, then the meeting with both advisers, on no basis.
    conferences = sign_in(new_page(browser), web, "conferences-worker", f"/conferences/{cid}")
    pledge = conferences.get_by_role("form", name="守秘義務の誓約を記録する")
    pledge.get_by_label("氏名または役職").fill(LAWYER[0])
    pledge.get_by_label("所属・立場").fill(LAWYER[1])
    pledge.get_by_label("区分").select_option(label="助言者（専門職）")
    pledge.get_by_label("誓約日").fill((now + timedelta(hours=9)).date().isoformat())
    pledge.get_by_label("誓約書・契約").fill("アドバイザリースタッフ契約 第5条")
    pledge.get_by_role("button", name="誓約を記録する").click()
    expect(conferences.locator(f"tr[data-undertaking='{LAWYER[0]}']")).to_contain_text("アドバイザリースタッフ契約")
    # Recorded by: the staff member's name as their sign-in gave it (not the provider's opaque id).
    recorder = conferences.locator(f"tr[data-undertaking='{LAWYER[0]}'] [data-field=recorded_by]")
    expect(recorder).to_have_text("会議 太郎")

    held = conferences.get_by_role("form", name="開催を記録する（出席者・根拠・決定事項・役割分担）")
    for n, (name, organisation) in enumerate((LAWYER, GUARDIAN)):
        if n:
            held.get_by_role("button", name="出席者を追加").click()
        group = held.get_by_role("group", name=f"出席者 {n + 1}")
        group.get_by_label("氏名または役職").fill(name)
        group.get_by_label("所属・立場").fill(organisation)
        group.get_by_label("区分").select_option(label="助言者（専門職）")
    held.get_by_label("決定事項 1").fill("過去・現在・未来の時間軸で課題を整理する")
    held.get_by_role("button", name="開催を記録する").click()
    expect(conferences.get_by_role("heading", level=1)).to_contain_text("開催済み")
    expect(conferences.locator("[data-missing-undertakings]")).to_contain_text(GUARDIAN[0])

    # Advice in the name of the adviser without an undertaking: refused beside the adviser field.
    advice = conferences.locator("[data-study-case]").get_by_role("form", name="助言を記録する")
    advice.get_by_label("助言者").select_option(label=f"{GUARDIAN[0]}（{GUARDIAN[1]}）")
    advice.get_by_label("分野").select_option(label="後見")
    advice.locator("textarea").fill("判断能力の低下があれば法人後見も視野に")
    advice.get_by_role("button", name="助言を記録する").click()
    expect(advice.locator(".field.invalid").get_by_role("alert")).to_contain_text("守秘義務")
    expect(conferences.locator("[data-field=advice]")).to_have_count(0)
    shoot(conferences, "conferences-case-study-02-advice-refused-without-undertaking")

    advice.get_by_label("助言者").select_option(label=f"{LAWYER[0]}（{LAWYER[1]}）")
    advice.get_by_label("分野").select_option(label="法律")
    advice.locator("textarea").fill("転居費用は住居確保給付金など他制度の案内も検討する")
    advice.get_by_role("button", name="助言を記録する").click()
    expect(conferences.locator("[data-field=advice]")).to_contain_text("住居確保給付金")
    shoot(conferences, "conferences-case-study-03-advice-recorded")
    assert not (found := axe_violations(conferences)), describe(found)
    conferences.context.close()

    # 地区: any staff member reads the anonymised case and the advice.
    districts = sign_in(new_page(browser), web, "districts-worker", f"/conferences/{cid}")
    expect(districts.locator("[data-study-case]")).to_contain_text("貸せる・貸せないの判断以外")
    expect(districts.locator("[data-field=advice]")).to_contain_text(f"{LAWYER[0]}（法律）")
    expect(districts.get_by_role("form", name="助言を記録する")).to_have_count(0)
    shoot(districts, "conferences-case-study-04-read-by-districts")
    districts.context.close()
