"""The districts (地区) and conferences (会議) desks in the browser, by clicking: seed story 7 (大和,
Mrs. A) from the automatic outreach referral to watch-over from a distance, seed story 8 (葉山,
Mr. T: his case meeting and its follow-up, his salon, role and watch-over), the services' refusals
shown beside the fields they name, and a conference's details withheld (非開示) from a department
without a part in it or without a recorded basis."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from playwright.sync_api import Browser, Page, expect

from deploy.demo import intake_stories
from deploy.demo.kit import today as japan_today
from tests.browser.harness import WebPlatform, axe_violations, describe, eventually, new_page, shoot, sign_in
from tests.browser.test_loans_desk import case_view_shows

JST = timezone(timedelta(hours=9))


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="業務メニュー").get_by_role("link", name=name, exact=True).click()


def accept_referral(page: Page, referral_id: str) -> None:
    """Accept a referral in the desk's inbox (it appears once it has travelled through Kafka)."""
    row = page.locator(f"tr[data-referral='{referral_id}']")
    expect(row).to_have_count(1, timeout=30_000)
    row.get_by_role("button", name="受理する").click()
    page.get_by_role("form", name="受理する").get_by_role("button", name="受理する").click()
    expect(row.get_by_role("button", name="対応完了")).to_be_visible()


def test_story_7_mrs_a_is_played_by_clicking_at_districts_and_conferences_and_reaches_the_case_view(
    web: WebPlatform, browser: Browser
) -> None:
    # Intake's part (the desk's consultation, her identification, the request for a meeting) through its API.
    ids = intake_stories.mrs_a(web.services, lambda department, role: web.token(f"{department}-{role}"))
    provisional, person = ids["provisional_case_id"], ids["person_id"]
    today = japan_today()

    # 地区: intake's rule referred her automatically; the district team accepts and records the concern.
    with web.api("districts", "districts-worker") as districts_api:

        def automatic() -> str:
            found = districts_api.get("/referrals/inbox", params={"case_id": provisional}).json()["items"]
            assert found and found[0]["reason_category"] == "isolation_outreach", found
            return str(found[0]["referral_id"])

        outreach = str(eventually(automatic, timeout=30, what="the automatic outreach referral"))
    districts = sign_in(new_page(browser), web, "districts-worker", "/referrals")
    accept_referral(districts, outreach)
    # The accepted referral leads to the concern form with the referral chosen.
    districts.locator(f"tr[data-referral='{outreach}']").get_by_role("link", name="見守りの気づきを記録する").click()
    form = districts.get_by_role("form", name="見守りの気づきを記録する")
    expect(form.get_by_label("受理した紹介から")).to_have_value(outreach)
    form.locator("select[name=district_id]").select_option("yamato-3chome")  # the districts by name (圏域)
    form.get_by_label("気づいた人（経路）").select_option(label="民生委員・児童委員")
    form.get_by_label("気づいた人の名前・立場").fill("担当地区の民生委員（近隣住民の訴えから）")
    form.get_by_label("気づいたこと").fill(
        "一人暮らしの高齢女性宅からネズミが頻繁に出る。屋根が朽ち、ガスが止まっている"
    )
    shoot(districts, "districts-01-concern-from-the-referral")
    form.get_by_role("button", name="記録する").click()
    districts.wait_for_url(re.compile(rf".*/districts/cases/{re.escape(provisional)}$"))
    expect(districts.get_by_role("heading", level=1)).to_contain_text("気づき・訪問中")
    expect(districts.locator("[data-field=district_id]")).to_have_text("大和三丁目地区社協")
    timeline = districts.get_by_role("list", name="経過（気づき・訪問・見守り・サロン・担い手）")
    expect(timeline.locator("[data-entry=concern]")).to_contain_text("ネズミが頻繁に出る")

    visit = districts.get_by_role("form", name="アウトリーチ訪問を記録する")
    visit.get_by_label("訪問の結果").select_option(label="不在・会えなかった")
    visit.get_by_label("訪問者（1行に1人）").fill("地区担当CSW\n包括 職員")
    visit.get_by_label("メモ").fill("訪問したが不在。近隣住民から聞き取り")
    visit.get_by_role("button", name="訪問を記録する").click()
    expect(timeline.locator("[data-entry=visit]")).to_have_count(1)
    expect(timeline.locator("[data-entry=visit]")).to_contain_text("不在・会えなかった")
    expect(timeline.locator("[data-entry=visit]")).to_contain_text("地区担当CSW、包括 職員")
    shoot(districts, "districts-02-case-with-the-visit")
    assert not (found := axe_violations(districts)), describe(found)

    # 会議: the desk's request for a 地域ケア会議 is accepted, scheduled from it and recorded held.
    conferences = sign_in(new_page(browser), web, "conferences-worker", "/referrals")
    accept_referral(conferences, ids["conference_referral_id"])
    menu(conferences, "会議を設定する")
    schedule = conferences.get_by_role("form", name="会議を設定する")
    schedule.get_by_label("受理した紹介から").select_option(value=ids["conference_referral_id"])
    schedule.get_by_label("会議の種類").select_option(label="地域ケア会議")
    schedule.get_by_label("目的・議題").fill("ネズミ発生家屋対策について。関係者で情報を共有し対応策を検討する")
    scheduled_for = (datetime.now(UTC) + timedelta(hours=9) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    schedule.get_by_label("予定日時（日本時間）").fill(scheduled_for)
    schedule.get_by_role("button", name="会議を設定する").click()
    conferences.wait_for_url(re.compile(r".*/conferences/(?!new$)[^/]+$"))
    conference_id = conferences.url.rsplit("/", 1)[-1]
    expect(conferences.get_by_role("heading", level=1)).to_contain_text("開催予定")

    held = conferences.get_by_role("form", name="開催を記録する（出席者・根拠・決定事項・役割分担）")
    participants = [
        ("センター長", "地域包括支援センター（主催）", "関係機関", None),
        ("自治会長", "自治会", "住民・民生委員・自治会", None),
        ("保健福祉事務所 担当", "県保健福祉事務所", "関係機関", None),
        ("地区担当CSW", "市社協 地域福祉課", "社協職員", "地区"),
    ]
    for n, (name, organisation, kind, department) in enumerate(participants):
        if n:
            held.get_by_role("button", name="出席者を追加").click()
        group = held.get_by_role("group", name=f"出席者 {n + 1}")
        group.get_by_label("氏名または役職").fill(name)
        group.get_by_label("所属・立場").fill(organisation)
        group.get_by_label("区分").select_option(label=kind)
        expect(group.get_by_label("区分").locator("option")).to_have_count(7)  # every kind, and 選択してください
        if department:
            group.get_by_label("部署（社協職員のとき）").select_option(label=department)
    held.get_by_label("協議の内容").fill(
        "近隣住民からトタンの飛散、漏電・火事、健康面への心配。本人の思いは確認できていない"
    )
    held.get_by_label("決定事項 1").fill("本人の希望や思いが確認できるまで、自宅に入り込む介入はしない")
    held.get_by_role("button", name="決定事項を追加").click()
    held.get_by_label("決定事項 2").fill("近隣住民は外出や散歩の際にようすを気にかける")
    held.get_by_label("本人の希望").fill("他人の世話にはなりたくない（会議には不参加）")
    held.get_by_role("button", name="役割を追加").click()
    item = held.get_by_role("group", name="役割 1")
    item.get_by_label("役割の内容").fill("近隣住民・自治会・民生委員による見守りの調整")
    item.get_by_label("担当の区分").select_option(label="局内の部署")
    item.get_by_role("combobox", name="担当", exact=True).select_option(label="地区")
    item.get_by_label("期限").fill((today + timedelta(days=90)).isoformat())

    # Outside participants without a basis: the service refuses, naming the basis; nothing is recorded.
    held.get_by_role("button", name="開催を記録する").click()
    basis = held.locator(".field.invalid").filter(has=conferences.get_by_role("combobox", name="根拠", exact=True))
    expect(basis.get_by_role("alert")).to_contain_text(
        "共有の根拠（支援会議などの法定の根拠、または本人同意）を記録してください"
    )
    expect(conferences.get_by_role("combobox", name="根拠", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(held.get_by_label("決定事項 2")).to_have_value("近隣住民は外出や散歩の際にようすを気にかける")
    shoot(conferences, "conferences-01-refusal-beside-the-basis")
    assert not (found := axe_violations(conferences)), describe(found)

    basis_kind = held.get_by_role("combobox", name="根拠", exact=True)
    basis_kind.select_option(label="法定の守秘義務（支援会議・地域ケア会議）")
    held.get_by_label("根拠の内容（法令・会議名、または同意ID）").fill(
        "介護保険法第115条の48（地域ケア会議・守秘義務）"
    )
    held.get_by_role("button", name="開催を記録する").click()
    expect(conferences.get_by_role("heading", level=1)).to_contain_text("開催済み")
    expect(conferences.locator("[data-field=basis]")).to_contain_text("介護保険法第115条の48")
    # The referral that asked for the meeting: from which desk, with its status in words, not a bare id.
    asked = conferences.locator("[data-field=referral]")
    expect(asked).to_contain_text("総合相談窓口からの紹介")
    expect(asked.locator("[data-referral-status]")).to_have_text(re.compile("^(受理|対応完了)$"))
    expect(asked).not_to_contain_text(ids["conference_referral_id"])
    expect(conferences.get_by_role("table", name="出席者").locator("tbody tr")).to_have_count(4)
    expect(conferences.locator("[data-field=decisions] li")).to_have_count(2)
    action = conferences.locator("tr[data-action]")
    expect(action).to_have_count(1)
    expect(action).to_contain_text("近隣住民・自治会・民生委員による見守りの調整")
    expect(action).to_contain_text("未実施")

    review = conferences.get_by_role("form", name="経過確認を予定する")
    review.get_by_label("経過確認の日").fill((today + timedelta(days=5)).isoformat())
    review.get_by_label("確認すること").fill("関係者で進捗状況を確認し情報を共有する")
    review.get_by_role("button", name="経過確認を予定する").click()
    expect(conferences.locator("[data-field=reviews]")).to_contain_text("関係者で進捗状況を確認し情報を共有する")
    shoot(conferences, "conferences-02-held-with-participants-basis-decisions")
    assert not (found := axe_violations(conferences)), describe(found)

    # 議事録（送付用）: the residents' association head has no secrecy undertaking recorded, so their
    # minutes leave the details out and say why; the district CSW's minutes carry the decisions.
    conferences.get_by_role("link", name="議事録（送付用）を開く").click()
    conferences.wait_for_url(re.compile(rf".*/conferences/{re.escape(conference_id)}/minutes"))
    expect(conferences.get_by_role("heading", level=1)).to_have_text("議事録（送付用）")
    recipient = conferences.get_by_label("送付先の出席者")
    recipient.select_option(index=1)
    expect(conferences.locator("[data-field=participant]")).to_contain_text("自治会長")
    expect(conferences.locator(".redacted-note")).to_contain_text("守秘義務の誓約が記録されていないため")
    expect(conferences.locator("[data-field=decisions]")).to_have_text("非開示")
    shoot(conferences, "conferences-02b-minutes-withheld-from-a-resident")
    recipient.select_option(index=3)
    expect(conferences.locator("[data-field=participant]")).to_contain_text("地区担当CSW")
    expect(conferences.locator("[data-field=undertaking]")).to_have_text("不要（社協職員・本人）")
    expect(conferences.locator(".redacted-note")).to_have_count(0)
    expect(conferences.locator("[data-field=decisions] li")).to_have_count(2)
    expect(conferences.get_by_role("button", name="印刷する")).to_be_visible()
    shoot(conferences, "conferences-02c-minutes-for-the-district-csw")
    assert not (found := axe_violations(conferences)), describe(found)
    conferences.get_by_role("link", name="会議記録に戻る").click()
    expect(conferences.get_by_role("heading", level=1)).to_contain_text("開催済み")
    menu(conferences, "業務画面")
    expect(conferences.get_by_test_id("reviews-due")).not_to_have_text("0")
    shoot(conferences, "conferences-03a-workspace")
    menu(conferences, "経過確認の予定")
    expect(conferences.locator("tr[data-review]").filter(has_text="関係者で進捗状況を確認し")).not_to_have_count(0)
    shoot(conferences, "conferences-03-reviews-due")
    menu(conferences, "ケース会議")
    expect(conferences.locator(f"tr[data-conference='{conference_id}']")).to_contain_text("地域ケア会議")
    shoot(conferences, "conferences-04-list")
    conferences.context.close()

    # 地区 again: she refuses at the door; contact is refused beside its field; watch from a distance.
    menu(districts, "地区の個別支援")
    districts.locator(f"tr[data-case='{provisional}']").get_by_role("link", name=provisional).click()
    visit = districts.get_by_role("form", name="アウトリーチ訪問を記録する")
    visit.get_by_label("訪問の結果").select_option(label="支援を拒否された")
    visit.get_by_label("メモ").fill("一度会えたが、他人の世話にはなりたくないとはっきり")
    visit.get_by_role("button", name="訪問を記録する").click()
    expect(districts.locator("[data-field=refused]")).to_contain_text("支援を拒否")

    watch = districts.get_by_role("form", name="見守りを開始する")
    watchers = [("隣家の住民", "近隣住民"), ("自治会長", "自治会"), ("担当民生委員", "民生委員")]
    for n, (name, role) in enumerate(watchers):
        if n:
            watch.get_by_role("button", name="担い手を追加").click()
        group = watch.get_by_role("group", name=f"見守りの担い手 {n + 1}")
        group.get_by_label("名前または立場").fill(name)
        group.get_by_label("担い手の区分").select_option(label=role)
    watch.get_by_label("頻度").select_option(label="外出や散歩の際に")
    watch.get_by_label("関わり方").select_option(label="声かけ・訪問で見守る")
    watch.get_by_role("button", name="見守りを開始する").click()
    approach = watch.locator(".field.invalid").filter(has=districts.get_by_label("関わり方"))
    expect(approach.get_by_role("alert")).to_contain_text("本人の同意なしに関わることはできません")
    expect(watch.get_by_label("関わり方")).to_have_attribute("aria-invalid", "true")
    shoot(districts, "districts-03-refusal-beside-the-approach")
    assert not (found := axe_violations(districts)), describe(found)
    watch.get_by_label("関わり方").select_option(label="離れて見守る（さりげない見守り）")
    watch.get_by_role("button", name="見守りを開始する").click()
    expect(districts.get_by_role("heading", level=1)).to_contain_text("見守り中")
    expect(districts.locator("[data-field=watch]")).to_contain_text("離れて見守る")
    expect(districts.locator("[data-field=watch]")).to_contain_text("隣家の住民（近隣住民）")
    expect(districts.get_by_role("form", name="見守りを終了する")).to_be_visible()
    shoot(districts, "districts-04-watched-from-a-distance")

    # The action item the meeting gave districts: seen in their list, recorded done on the conference.
    menu(districts, "業務画面")
    expect(districts.get_by_test_id("open-action-items")).not_to_have_text("0")
    shoot(districts, "districts-04a-workspace")
    districts.get_by_role("link", name=re.compile("会議で分担した未実施の役割")).click()
    mine = districts.locator("tr[data-action]").filter(has=districts.locator(f"a[href='/conferences/{conference_id}']"))
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("未実施")
    expect(mine).to_contain_text("近隣住民・自治会・民生委員による見守りの調整")  # districts read their own work
    expect(mine.locator("[data-referral-status]")).to_contain_text("紹介の状態")  # the referral it became
    shoot(districts, "districts-05-action-items")
    mine.get_by_role("link", name="会議記録").click()
    districts.wait_for_url(re.compile(rf".*/conferences/{re.escape(conference_id)}$"))
    expect(districts.locator(".redacted-note")).to_have_count(0)  # districts took part and was assigned work
    expect(districts.locator("[data-field=decisions]")).to_contain_text("自宅に入り込む介入はしない")
    row = districts.locator("tr[data-action]")
    row.get_by_role("button", name="実施を記録する").click()
    done = districts.get_by_role("form", name="役割の実施を記録する")
    done.get_by_label("メモ").fill("近隣住民・自治会・民生委員による見守りを開始（外出や散歩の際に、離れて）")
    done.get_by_role("button", name="実施を記録する").click()
    expect(row).to_contain_text("実施済み")
    expect(row).to_contain_text("地区")
    expect(row.locator("[data-field=note]")).to_contain_text("実施メモ: 近隣住民・自治会・民生委員による見守りを開始")
    shoot(districts, "districts-06-action-item-done")

    # The case view, opened by her person id, shows every desk's entries.
    districts.goto(f"{web.url}/cases/{person}")
    case_view_shows(
        districts,
        "見守りの気づき",
        "アウトリーチ訪問",
        "会議の開催",
        "役割の実施",
        "見守り開始",
        "経過確認の予定",
        "離れて見守る",
    )
    # The meeting, placed when it was held (an hour before it was recorded), says so in its heading.
    held_entry = districts.locator("li[data-type='conferences.ConferenceHeld']").filter(
        has=districts.locator("[data-field=recorded_at]")
    )
    expect(held_entry.first.locator("[data-field=occurred_at]")).to_contain_text(
        scheduled_for.replace("-", "/").replace("T", " ")
    )
    expect(held_entry.first.locator("[data-field=recorded_at]")).to_contain_text("記録")
    shoot(districts, "districts-07-case-view")
    districts.context.close()


def test_a_department_without_a_part_or_a_basis_sees_the_conferences_details_as_withheld(
    web: WebPlatform, browser: Browser
) -> None:
    # An internal meeting, held with council staff only and no basis for sharing.
    with web.api("conferences", "conferences-worker") as api:
        held_at = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
        made = api.post(
            "/conferences",
            json={
                "kind": "internal_meeting",
                "case_id": web.story(7).case_id,
                "purpose": "局内で対応方針を確認する（本人の病歴に触れる）",
                "scheduled_for": held_at,
            },
        )
        assert made.status_code == 201, made.text
        internal = made.json()["conference_id"]
        recorded = api.post(
            f"/conferences/{internal}/held",
            json={
                "held_at": held_at,
                "participants": [{"name": "会議担当", "organisation": "市社協", "kind": "staff"}],
                "decisions": ["包括と連絡を取り合う"],
                "expected_version": made.json()["version"],
            },
        )
        assert recorded.status_code == 200, recorded.text

    page = sign_in(new_page(browser), web, "loans-worker", f"/conferences/{internal}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("局内会議")
    note = page.locator(".redacted-note")
    expect(note).to_contain_text("非開示")
    expect(note).to_contain_text("決定事項")
    expect(page.locator("[data-field=basis]")).to_contain_text("根拠なし")
    expect(page.locator("[data-field=purpose]")).to_have_text("非開示")
    expect(page.locator("[data-field=decisions]")).to_have_text("非開示")
    expect(page.get_by_text("包括と連絡を取り合う")).to_have_count(0)
    expect(page.get_by_text("本人の病歴")).to_have_count(0)
    expect(page.get_by_role("form")).to_have_count(0)  # loans staff record nothing here
    shoot(page, "conferences-05-withheld-from-loans-no-basis")
    assert not (found := axe_violations(page)), describe(found)

    # Story 7's meeting was held on a statutory basis, but loans had no part in it: withheld too.
    page.goto(f"{web.url}/conferences/{web.story(7).ids['conference_id']}")
    expect(page.locator("[data-field=basis]")).to_contain_text("介護保険法第115条の48")
    expect(page.locator("[data-field=decisions]")).to_have_text("非開示")
    expect(page.locator("tr[data-action]").first).to_contain_text("非開示")
    shoot(page, "conferences-06-withheld-from-loans-not-a-party")
    page.context.close()


def test_story_8s_district_case_takes_salon_attendance_a_volunteer_role_and_a_watch_over_by_clicking(
    web: WebPlatform, browser: Browser
) -> None:
    case_id = web.story(8).ids["district_case_id"]
    page = sign_in(new_page(browser), web, "districts-worker", "/districts/cases")
    page.locator(f"tr[data-case='{case_id}']").get_by_role("link", name=case_id).click()
    timeline = page.get_by_role("list", name="経過（気づき・訪問・見守り・サロン・担い手）")
    expect(timeline.locator("[data-entry=salon]")).to_have_count(2)
    expect(timeline.locator("[data-entry=role]")).to_contain_text("男の料理教室：講師")

    salon = page.get_by_role("form", name="サロン参加を記録する")
    expect(salon.get_by_label("サロン名")).to_have_value("一色ふれあいサロン")
    salon.get_by_label("メモ").fill("料理教室の打合せを兼ねて参加")
    salon.get_by_role("button", name="参加を記録する").click()
    expect(timeline.locator("[data-entry=salon]")).to_have_count(3)

    role = page.get_by_role("form", name="担い手の役割を記録する")
    role.get_by_label("役割").fill("受付")
    role.get_by_label("活動").fill("一色ふれあいサロン")
    role.get_by_role("button", name="役割を記録する").click()
    expect(timeline.locator("[data-entry=role]")).to_have_count(2)

    watch = page.get_by_role("form", name="見守りを開始する")
    group = watch.get_by_role("group", name="見守りの担い手 1")
    group.get_by_label("名前または立場").fill("友人のEさん")
    group.get_by_label("担い手の区分").select_option(label="ボランティア")
    watch.get_by_label("頻度").select_option(label="週1回")
    watch.get_by_label("関わり方").select_option(label="声かけ・訪問で見守る")
    watch.get_by_role("button", name="見守りを開始する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("見守り中")
    shoot(page, "districts-08-story-8-salon-role-watch")
    end = page.get_by_role("form", name="見守りを終了する")
    end.get_by_label("終了の理由").fill("サロンと料理教室で毎週会えるため")
    end.get_by_role("button", name="見守りを終了する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("気づき・訪問中")
    expect(page.get_by_role("form", name="見守りを開始する")).to_be_visible()

    page.get_by_role("navigation", name="業務メニュー").get_by_role("link", name="サロン参加記録").click()
    rows = page.locator("tr").filter(has=page.get_by_role("link", name=case_id))
    expect(rows).to_have_count(3)
    shoot(page, "districts-09-salon-attendance")
    page.get_by_role("navigation", name="業務メニュー").get_by_role("link", name="担い手一覧").click()
    expect(page.locator("tr").filter(has=page.get_by_role("link", name=case_id))).to_have_count(2)
    expect(page.get_by_role("table")).to_contain_text("男の料理教室")
    shoot(page, "districts-10-volunteers")
    page.context.close()


def test_a_visit_recorded_on_a_case_someone_else_updated_is_refused_with_a_reload_that_keeps_what_was_typed(
    web: WebPlatform, browser: Browser
) -> None:
    case_id = web.story(7).ids["district_case_id"]
    page = sign_in(new_page(browser), web, "districts-worker", f"/districts/cases/{case_id}")
    visits = page.get_by_role("list", name="経過（気づき・訪問・見守り・サロン・担い手）").locator("[data-entry=visit]")
    expect(visits.first).to_be_visible()
    before = visits.count()
    assert before >= 1
    visit = page.get_by_role("form", name="アウトリーチ訪問を記録する")
    visit.get_by_label("訪問の結果").select_option(label="会えた")
    visit.get_by_label("メモ").fill("玄関先で短く挨拶できた")

    # Meanwhile a colleague records a visit on the same case.
    with web.api("districts", "districts-worker") as districts:
        at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        made = districts.post(f"/cases/{case_id}/outreach-visits", json={"visited_at": at, "outcome": "not_reached"})
        assert made.status_code == 201, made.text

    visit.get_by_role("button", name="訪問を記録する").click()
    expect(visit.get_by_role("alert")).to_contain_text("この記録は画面を開いた後に更新されています")
    expect(visit.get_by_label("メモ")).to_have_value("玄関先で短く挨拶できた")
    shoot(page, "districts-11-stale-visit-refused")
    visit.get_by_role("button", name="最新の内容を読み込む").click()
    expect(visits).to_have_count(before + 1)
    expect(visit.get_by_label("メモ")).to_have_value("玄関先で短く挨拶できた")
    visit.get_by_role("button", name="訪問を記録する").click()
    expect(visits).to_have_count(before + 2)
    expect(visits.filter(has_text="玄関先で短く挨拶できた")).to_have_count(1)
    page.context.close()


def test_story_8s_case_meeting_is_scheduled_held_and_followed_up_by_clicking_and_reaches_his_case_view(
    web: WebPlatform, browser: Browser
) -> None:
    """事例8 (葉山, Mr. T, 68): the desk's request for a case meeting with あんしんセンター, 包括 and his
    friend E, held on his consent; the decisions (E as key person, 包括's rounds, the salon), the
    action items with owners and a due date, a review; districts record their part done."""
    # Intake's part (his consultation, his consent, the request for a meeting) through its API.
    ids = intake_stories.mr_t(web.services, lambda department, role: web.token(f"{department}-{role}"))
    person, referral, consent = ids["person_id"], ids["conference_referral_id"], ids["consent_id"]
    today = japan_today()

    conferences = sign_in(new_page(browser), web, "conferences-worker", "/referrals")
    accept_referral(conferences, referral)
    menu(conferences, "会議を設定する")
    schedule = conferences.get_by_role("form", name="会議を設定する")
    schedule.get_by_label("受理した紹介から").select_option(value=referral)
    schedule.get_by_label("会議の種類").select_option(label="ケース会議")
    schedule.get_by_label("目的・議題").fill("判断能力の低下と孤立。訪問の方法と地域での見守り")
    scheduled_for = (datetime.now(UTC) + timedelta(hours=9) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    schedule.get_by_label("予定日時（日本時間）").fill(scheduled_for)
    schedule.get_by_role("button", name="会議を設定する").click()
    conferences.wait_for_url(re.compile(r".*/conferences/(?!new$)[^/]+$"))
    conference_id = conferences.url.rsplit("/", 1)[-1]
    expect(conferences.get_by_role("heading", level=1)).to_contain_text("開催予定")
    expect(conferences.get_by_role("heading", level=1)).to_contain_text("ケース会議")

    held = conferences.get_by_role("form", name="開催を記録する（出席者・根拠・決定事項・役割分担）")
    participants = [
        ("住民福祉センター職員", "町社協 地域福祉総合相談（調整役）", "社協職員", "総合相談窓口"),
        ("あんしんセンター職員", "町社協 あんしんセンター", "社協職員", None),
        ("包括 職員", "地域包括支援センター", "関係機関", None),
        ("Eさん", "友人（キーパーソン）", "住民・民生委員・自治会", None),
    ]
    for n, (name, organisation, kind, department) in enumerate(participants):
        if n:
            held.get_by_role("button", name="出席者を追加").click()
        group = held.get_by_role("group", name=f"出席者 {n + 1}")
        group.get_by_label("氏名または役職").fill(name)
        group.get_by_label("所属・立場").fill(organisation)
        group.get_by_label("区分").select_option(label=kind)
        if department:
            group.get_by_label("部署（社協職員のとき）").select_option(label=department)
    held.get_by_role("combobox", name="根拠", exact=True).select_option(label="本人の同意")
    held.get_by_label("根拠の内容（法令・会議名、または同意ID）").fill(consent)
    held.get_by_label("協議の内容").fill("物忘れとお金の管理の不安。料理が得意で、友人のEさんとは行き来がある")
    decisions = (
        "友人のEさんをキーパーソンとして同行訪問する",
        "包括が「高齢者宅の巡回」として訪問し信頼関係をつくる",
        "地域での見守りとサロン参加を検討する",
    )
    for n, decision in enumerate(decisions, start=1):
        if n > 1:
            held.get_by_role("button", name="決定事項を追加").click()
        held.get_by_label(f"決定事項 {n}").fill(decision)
    held.get_by_label("本人の希望").fill("この家で暮らしたい")
    items = [
        ("Eさんと同行訪問し、サロン参加を勧める", "局内の部署", "地区", None),
        ("高齢者宅の巡回として定期訪問", "関係機関", "地域包括支援センター", None),
        (
            "判断能力の様子を見ながら、あんしんセンターの利用に少しずつアプローチ",
            "局内の部署",
            "総合相談窓口",
            (today + timedelta(days=60)).isoformat(),
        ),
    ]
    for n, (description, assignee_kind, assignee, due_on) in enumerate(items, start=1):
        held.get_by_role("button", name="役割を追加").click()
        item = held.get_by_role("group", name=f"役割 {n}")
        item.get_by_label("役割の内容").fill(description)
        item.get_by_label("担当の区分").select_option(label=assignee_kind)
        item.get_by_role("combobox", name="担当", exact=True).select_option(label=assignee)
        if due_on:
            item.get_by_label("期限").fill(due_on)
    shoot(conferences, "conferences-07-story-8-held-form")
    held.get_by_role("button", name="開催を記録する").click()
    expect(conferences.get_by_role("heading", level=1)).to_contain_text("開催済み")
    expect(conferences.locator("[data-field=basis]")).to_contain_text("本人の同意")
    expect(conferences.get_by_role("table", name="出席者").locator("tbody tr")).to_have_count(4)
    expect(conferences.get_by_role("table", name="出席者")).to_contain_text("友人（キーパーソン）")
    expect(conferences.locator("[data-field=decisions] li")).to_have_count(3)
    actions = conferences.locator("tr[data-action]")
    expect(actions).to_have_count(3)
    expect(actions.filter(has_text="高齢者宅の巡回として定期訪問")).to_contain_text("地域包括支援センター")
    expect(actions.filter(has_text="あんしんセンターの利用")).to_contain_text(
        (today + timedelta(days=60)).strftime("%Y/%m/%d")
    )
    review = conferences.get_by_role("form", name="経過確認を予定する")
    review.get_by_label("経過確認の日").fill((today + timedelta(days=60)).isoformat())
    review.get_by_label("確認すること").fill("サロン参加後のようすと判断能力の確認")
    review.get_by_role("button", name="経過確認を予定する").click()
    expect(conferences.locator("[data-field=reviews]")).to_contain_text("サロン参加後のようすと判断能力の確認")
    shoot(conferences, "conferences-08-story-8-case-meeting-held")
    assert not (found := axe_violations(conferences)), describe(found)

    # The desk's request is answered from the inbox.
    menu(conferences, "紹介（受付箱）")
    row = conferences.locator(f"tr[data-referral='{referral}']")
    row.get_by_role("button", name="対応完了").click()
    complete = row.get_by_role("form", name="対応完了")
    complete.get_by_role("combobox", name="対応結果").select_option(label="支援開始")
    complete.get_by_role("button", name="対応完了").click()
    expect(row).to_contain_text("支援開始")
    conferences.context.close()

    # 地区: the visit with E done, as the meeting assigned it.
    districts = sign_in(new_page(browser), web, "districts-worker", f"/conferences/{conference_id}")
    mine = districts.locator("tr[data-action]").filter(has_text="Eさんと同行訪問し、サロン参加を勧める")
    mine.get_by_role("button", name="実施を記録する").click()
    done = districts.get_by_role("form", name="役割の実施を記録する")
    done.get_by_label("メモ").fill("Eさんと同行訪問。サロンに定期参加し、男の料理教室の講師に")
    done.get_by_role("button", name="実施を記録する").click()
    expect(mine).to_contain_text("実施済み")
    shoot(districts, "conferences-09-story-8-action-done-by-districts")
    districts.context.close()

    # The desk that coordinates reads his case: the meeting, its decisions, the work shared out.
    intake = sign_in(new_page(browser), web, "intake-worker", f"/cases/{person}")
    case_view_shows(
        intake,
        "会議の開催",
        "友人のEさんをキーパーソンとして同行訪問する",
        "高齢者宅の巡回として定期訪問",
        "経過確認の予定",
        "役割の実施",
        "男の料理教室の講師に",
    )
    shoot(intake, "conferences-10-story-8-case-view")
    intake.context.close()


def test_a_district_file_a_registered_resource_and_a_schedule_event_no_department_takes_reach_a_manager_of_another_desk(
    web: WebPlatform, browser: Browser
) -> None:
    # 地区ファイル: this year's file of Mr. T's district, as the demo data made it.
    year = datetime.now(UTC).astimezone(JST).date()
    fiscal_year = year.year if year.month >= 4 else year.year - 1
    stamp = datetime.now(UTC).strftime("%H%M%S")
    page = sign_in(new_page(browser), web, "districts-worker", "/")
    # 圏域: Mr. T's address falls in his district, whose file is one click away.
    menu(page, "圏域")
    expect(page.locator("tr[data-area='hayama-isshiki']")).to_contain_text("地区社協の圏域")
    lookup = page.get_by_role("form", name="住所から圏域を調べる")
    lookup.get_by_label("住所").fill("一色1-2-3")
    lookup.get_by_role("button", name="調べる").click()
    expect(page.locator("dd[data-kind=district_council]")).to_have_text("一色地区社協")
    shoot(page, "districts-12a-areas-address-lookup")
    menu(page, "地区ファイル")
    page.locator("tr[data-district='hayama-isshiki']").get_by_role("link", name="一色地区社協").click()
    page.wait_for_url(re.compile(rf".*/districts/files/hayama-isshiki/{fiscal_year}$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("一色地区社協")
    expect(heading).to_contain_text(f"{fiscal_year}年度")
    expect(page.locator("[data-field=goal]")).to_contain_text("サロンや教室を担い手づくりの場にする")
    expect(page.locator("tr[data-category=elderly]")).to_contain_text("高齢者（65歳以上）")
    expect(page.locator("tr[data-category=elderly]")).to_contain_text("1,875")
    resources = page.get_by_role("table", name="地域資源")
    expect(resources).to_contain_text("一色ふれあいサロン")
    expect(page.get_by_role("table", name="人的資源（担い手）")).to_contain_text("友人のEさん")
    shoot(page, "districts-12-district-file")
    assert not (found := axe_violations(page)), describe(found)

    # 地域資源: registered from the file's link (its district chosen), then listed in the file.
    name = f"一色のおしゃべり広場 {stamp}"
    page.get_by_role("link", name="この地区の地域資源を登録する").click()
    form = page.get_by_role("form", name="地域資源を登録する")
    expect(form.get_by_label("地区")).to_have_value("hayama-isshiki")
    form.get_by_label("種類").select_option(label="居場所・集いの場")
    form.get_by_label("名称").fill(name)
    form.get_by_label("場所・住所").fill("一色会館 和室")
    form.get_by_label("対象（誰のための資源か）").fill("一人暮らし高齢者")
    form.get_by_role("button", name="登録する").click()
    row = page.get_by_role("table", name="地域資源").locator("tr", has_text=name)
    expect(row).to_contain_text("居場所・集いの場")
    expect(row).to_contain_text("一色地区社協")
    shoot(page, "districts-13-resource-registered")
    assert not (found := axe_violations(page)), describe(found)
    page.go_back()
    expect(page.get_by_role("table", name="地域資源").locator("tr", has_text=name)).to_have_count(1)

    # 地域事業月間スケジュール: an event entered, districts cannot go, so nobody takes it (他課と調整).
    title = f"一色地区 防災訓練 {stamp}"
    menu(page, "地域事業月間スケジュール")
    expect(page.get_by_role("table", name="地域事業月間スケジュール")).to_contain_text("一色地区夏祭り")
    entry = page.get_by_role("form", name="地域事業を登録する")
    entry.get_by_label("地区").select_option(value="hayama-isshiki")
    entry.get_by_label("会議・行事名").fill(title)
    entry.get_by_label("種類").select_option(label="地域行事・お祭り")
    entry.get_by_label("場所").fill("一色小学校")
    entry.get_by_role("button", name="登録する").click()
    event = page.locator("tr", has_text=title)
    expect(event).to_contain_text("未回答")
    event.get_by_role("button", name="対応しない", exact=True).click()
    expect(event).to_have_attribute("data-status", "escalated")
    expect(event).to_contain_text("他課と調整")
    expect(event.locator("[data-field=declined_by]")).to_have_text("地区")
    expect(event.get_by_role("button", name="対応しない", exact=True)).to_have_attribute("aria-pressed", "true")
    shoot(page, "districts-14-schedule-event-declined")
    assert not (found := axe_violations(page)), describe(found)
    page.context.close()

    # 他課との調整: a manager of another desk sees it with the demo's festival, and takes it for the desk.
    manager = sign_in(new_page(browser), web, "intake-manager", "/")
    menu(manager, "他課との調整")
    escalated = manager.get_by_role("table", name="他課との調整（どの部署も対応しない行事）")
    expect(escalated).to_contain_text("一色地区夏祭り")
    event = escalated.locator("tr", has_text=title)
    expect(event).to_contain_text("一色地区社協")
    expect(event.locator("[data-field=declined_by]")).to_have_text("地区")
    shoot(manager, "districts-15-escalations-at-intake")
    assert not (found := axe_violations(manager)), describe(found)
    event.get_by_role("button", name="対応する", exact=True).click()
    expect(event).to_have_count(0)
    menu(manager, "地域事業月間スケジュール")
    handled = manager.locator("tr", has_text=title)
    expect(handled).to_have_attribute("data-status", "handled")
    expect(handled.locator("[data-field=handled_by]")).to_have_text("総合相談窓口")
    shoot(manager, "districts-16-schedule-handled-by-intake")
    manager.context.close()


def test_a_district_manager_defines_an_area_and_a_stale_address_change_is_refused_with_a_reload(
    web: WebPlatform, browser: Browser
) -> None:
    """圏域 by clicking: a district manager defines a district council area under its daily-life area,
    an address maps to it, and a change of its address range made on a version someone else changed
    meanwhile is refused (409) with a reload that keeps what was typed."""
    stamp = datetime.now(UTC).strftime("%H%M%S")
    area_id, name = f"isshiki-east-{stamp}", f"一色東地区社協 {stamp}"
    first, second, theirs = f"一色東{stamp}丁目", f"一色西{stamp}丁目", f"一色北{stamp}丁目"
    page = sign_in(new_page(browser), web, "districts-manager", "/districts/areas")
    define = page.get_by_role("form", name="圏域を設定する")
    define.get_by_label("圏域コード").fill(area_id)
    define.get_by_label("圏域の種類").select_option(label="地区社協の圏域")
    define.get_by_label("圏域名").fill(name)
    define.get_by_label("住所の範囲（町名・丁目）").fill(first)
    # The city is no parent of a district council area: the refusal names the kind it lies in.
    parent = define.get_by_label("上位の圏域")
    parent.select_option(value="demo-city")
    define.get_by_role("button", name="圏域を設定する").click()
    expect(define).to_contain_text("「地区社協の圏域」は「日常生活圏域」の中に置きます")
    expect(define.get_by_label("圏域名")).to_have_value(name)
    shoot(page, "districts-16a-area-under-the-wrong-parent-refused")
    parent.select_option(value="south")
    define.get_by_role("button", name="圏域を設定する").click()
    row = page.locator(f"tr[data-area='{area_id}']")
    expect(row).to_contain_text(name)
    expect(row).to_contain_text(first)
    lookup = page.get_by_role("form", name="住所から圏域を調べる")
    lookup.get_by_label("住所").fill(f"{first}1-2")
    lookup.get_by_role("button", name="調べる").click()
    expect(page.locator("dd[data-kind=district_council]")).to_have_text(name)

    addresses = page.get_by_role("form", name="住所の範囲を変更する")
    addresses.get_by_label("圏域").select_option(value=area_id)
    prefixes = addresses.get_by_label("住所の範囲（町名・丁目）")
    expect(prefixes).to_have_value(first)
    prefixes.fill(f"{first}\n{second}")
    # Meanwhile another manager changes the same area's range.
    with web.api("districts", "districts-manager") as districts:
        changed = districts.put(f"/areas/{area_id}/address-prefixes", json={"address_prefixes": [first, theirs]})
        assert changed.status_code == 200, changed.text
    addresses.get_by_role("button", name="住所の範囲を保存する").click()
    expect(addresses.get_by_role("alert")).to_contain_text("この記録は画面を開いた後に更新されています")
    expect(prefixes).to_have_value(f"{first}\n{second}")
    shoot(page, "districts-17-stale-address-range-refused")
    addresses.get_by_role("button", name="最新の内容を読み込む").click()
    expect(row).to_contain_text(theirs)
    expect(prefixes).to_have_value(f"{first}\n{second}")
    addresses.get_by_role("button", name="住所の範囲を保存する").click()
    expect(row).to_contain_text(second)
    expect(row).not_to_contain_text(theirs)
    shoot(page, "districts-18-area-defined-and-readdressed")
    assert not (found := axe_violations(page)), describe(found)
    page.context.close()
