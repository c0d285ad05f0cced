"""The seed stories of Mrs. A and Mr. T over real HTTP (every service up, the session's real Kafka).

Each test plays the whole story across departments (intake → districts → conferences) and checks
intake's record first, then what the district team and the conferences hold.
"""

from __future__ import annotations

from typing import Any

from deploy.demo.districts_stories import MR_T_DISTRICT, MRS_A_DISTRICT
from deploy.demo.intake_stories import mr_t_across_departments, mrs_a_across_departments
from tests.e2e.harness import Platform


def token_for(platform: Platform) -> Any:
    return lambda department, role: platform.token(department, role)


def test_mrs_a_is_watched_over_from_a_distance_after_a_community_care_meeting_without_intervention(platform):
    ids = mrs_a_across_departments(platform.urls, token_for(platform))
    intake = platform.client("intake", "intake")

    detail = intake.get(f"/consultations/{ids['consultation_id']}").json()
    assert detail["case_id"] == ids["person_id"] and detail["status"] == "open"
    assert detail["contact_count"] == 4  # 延件数: the call that opened it and three contacts
    assert [c["outcome"] for c in detail["contacts"]] == ["not_reached", "reached", "refused"]
    assert [s["rung"] for s in detail["support_plan"]["steps"]] == ["existing_mechanisms", "community_capacity"]
    assert detail["supervisor_comments"][0]["acknowledged_by"] is not None

    # The rule (isolated + 民生委員) refers the provisional case to the district team, once.
    def outreach() -> list[dict[str, Any]]:
        items = intake.get("/referrals/outbox", params={"case_id": ids["provisional_case_id"]}).json()["items"]
        return [r for r in items if r["rule_id"] == "intake.isolated_person_outreach"]

    [auto] = platform.eventually(outreach, what="the automatic outreach referral")
    assert (auto["target"], auto["reason_category"], auto["automatic"]) == ("districts", "isolation_outreach", True)

    # She gave no consent: the case meeting request carries no basis, so no details cross.
    meeting = intake.get(f"/referrals/{ids['conference_referral_id']}").json()
    assert meeting["basis_kind"] == "none" and meeting["reason_detail"]  # intake, the source, sees its own words

    due = intake.get("/follow-ups", params={"until": "2100-01-01"}).json()["items"]
    assert ids["follow_up_id"] in [f["follow_up_id"] for f in due]

    # Districts accepted the automatic referral and answered it: the loop is closed at intake.
    assert auto["referral_id"] == ids["outreach_referral_id"]
    answered = platform.eventually(
        lambda: intake.get(f"/referrals/{auto['referral_id']}").json()["status"] == "completed",
        what="districts' answer to the outreach referral",
    )
    assert answered
    districts = platform.client("districts", "districts")
    case = districts.get(f"/cases/{ids['district_case_id']}").json()
    assert case["case_id"] == ids["provisional_case_id"] and case["district_id"] == MRS_A_DISTRICT
    assert [v["outcome"] for v in case["visits"]] == ["not_reached", "not_reached", "refused"]
    assert case["refused"] is True and case["status"] == "watched"
    assert case["watch_over"]["approach"] == "from_a_distance" and len(case["watch_over"]["watchers"]) == 3
    assert case["concerns"][0]["referral_id"] == ids["outreach_referral_id"]
    # She refused: no contact-based watch-over, however kindly meant.
    refused = districts.post(
        f"/cases/{ids['district_case_id']}/watch-over",
        json={
            "watchers": [{"name": "民生委員", "role": "welfare_commissioner"}],
            "frequency": "weekly",
            "approach": "in_contact",
            "started_on": "2015-01-01",
        },
    )
    assert refused.status_code == 409
    watched = districts.get("/cases", params={"district_id": MRS_A_DISTRICT, "status": "watched"}).json()
    assert ids["district_case_id"] in [c["case_id"] for c in watched["items"]]

    conferences = platform.client("conferences", "conferences")
    meeting_record = conferences.get(f"/conferences/{ids['conference_id']}").json()
    assert meeting_record["kind"] == "community_care_meeting" and meeting_record["status"] == "held"
    assert meeting_record["case_id"] == ids["person_id"]  # the request came after she was identified
    assert meeting_record["basis"]["kind"] == "statutory"
    outside = [p for p in meeting_record["participants"] if p["kind"] != "staff"]
    assert len(outside) == 7 and len(meeting_record["participants"]) == 8
    assert meeting_record["person_wishes"] and len(meeting_record["decisions"]) == 4
    items = {a["action_id"]: a for a in meeting_record["action_items"]}
    assert (
        items[ids["watch_action_id"]]["done"]
        and items[ids["watch_action_id"]]["completed_by_department"] == "districts"
    )
    assert (
        not items[ids["engage_action_id"]]["done"]
        and items[ids["engage_action_id"]]["assignee"] == "community_support_centre"
    )
    # Districts answered the watch item's referral in its inbox: the item is done and the referral answered.
    assert items[ids["watch_action_id"]]["referral_id"] == ids["watch_item_referral_id"]
    assert items[ids["watch_action_id"]]["referral_status"] == "completed"
    # Her district's network meeting shared her case on the community care meeting's statutory basis.
    network = districts.get(f"/network-meetings/{ids['network_meeting_id']}").json()
    assert network["district_id"] == MRS_A_DISTRICT and network["outside_participants"] >= 3
    assert [(c["case_id"], c["basis_kind"]) for c in network["cases"]] == [(ids["district_case_id"], "statutory")]
    assert {i["category"] for i in network["issues"]} == {"living_environment", "isolation"}
    reviews = conferences.get("/reviews", params={"until": "2100-01-01", "case_id": ids["person_id"]}).json()["items"]
    assert [r["review_id"] for r in reviews] == [ids["review_id"]]
    open_for_centre = conferences.get("/action-items", params={"case_id": ids["person_id"], "done": False}).json()[
        "items"
    ]
    assert {a["action_id"] for a in open_for_centre} == {ids["engage_action_id"], ids["share_action_id"]}
    # On the statutory basis, another department sees what was agreed.
    seen_by_intake = platform.client("conferences", "intake").get(f"/conferences/{ids['conference_id']}").json()
    assert seen_by_intake["redacted"] == [] and seen_by_intake["decisions"]


def test_mr_t_goes_from_a_case_meeting_to_the_salon_teaches_cooking_and_is_referred_to_daily_life_support(platform):
    ids = mr_t_across_departments(platform.urls, token_for(platform))
    intake = platform.client("intake", "intake")

    meeting = intake.get(f"/referrals/{ids['conference_referral_id']}").json()
    assert meeting["basis_kind"] == "consent" and meeting["target"] == "conferences"
    salon = intake.get(f"/referrals/{ids['salon_referral_id']}").json()
    assert salon["basis_kind"] == "consent"  # districts is named in his consent: chosen automatically

    detail = intake.get(f"/consultations/{ids['consultation_id']}").json()
    assert detail["case_id"] == ids["person_id"] and detail["source"] == "friend"
    assert {r["referral_id"] for r in detail["referrals"]} >= {ids["conference_referral_id"], ids["salon_referral_id"]}
    assert [s["rung"] for s in detail["support_plan"]["steps"]] == [
        "personal_capacity",
        "existing_mechanisms",
        "community_capacity",
    ]

    found = intake.get("/people", params={"name": "はやま"}).json()["items"]
    assert ids["person_id"] in [p["person_id"] for p in found]
    household = intake.get(f"/households/{ids['household_id']}").json()
    assert [m["person_id"] for m in household["members"]] == [ids["person_id"]]
    # Another department opening his record sees that it exists, not his details.
    other = platform.client("intake", "districts").get(f"/people/{ids['person_id']}").json()
    assert other["name_kanji"] is None and "name_kanji" in other["redacted"]
    ledger = intake.get(f"/people/{ids['person_id']}/consents").json()
    assert [r["in_force"] for r in ledger["records"]] == [True]

    conferences = platform.client("conferences", "conferences")
    meeting_record = conferences.get(f"/conferences/{ids['conference_id']}").json()
    assert meeting_record["kind"] == "case_conference" and meeting_record["case_id"] == ids["person_id"]
    assert meeting_record["basis"] == {"kind": "consent", "reference": ids["consent_id"]}
    assert {p["organisation"] for p in meeting_record["participants"]} >= {
        "地域包括支援センター",
        "友人（キーパーソン）",
    }
    done = {a["action_id"]: a["completed_by_department"] for a in meeting_record["action_items"] if a["done"]}
    assert done == {ids["visit_action_id"]: "districts", ids["daily_life_action_id"]: "intake"}
    # Both items for departments were referrals, and each department answered its own in its inbox:
    # that completed the item, so the referral ends answered (completed), not withdrawn.
    statuses = {a["action_id"]: a["referral_status"] for a in meeting_record["action_items"] if a["referral_id"]}
    assert statuses == {ids["visit_action_id"]: "completed", ids["daily_life_action_id"]: "completed"}
    answered = platform.client("intake", "intake").get(f"/referrals/{ids['daily_life_item_referral_id']}").json()
    assert (answered["source_department"], answered["status"], answered["outcome"]) == (
        "conferences",
        "completed",
        "referred_onward",
    )

    def item_done_in_the_case_view() -> bool:
        view = reporting_view.get(f"/cases/{ids['person_id']}", params={"purpose": "support_coordination"}).json()
        items = {i["action_id"]: i for c in view["conferences"] for i in c["action_items"]}
        item = items.get(ids["daily_life_action_id"])
        still_open = {o["action_id"] for o in view["open_action_items"]}
        return bool(item and item["done"] and item["completed_by_department"] == "intake") and (
            ids["daily_life_action_id"] not in still_open
        )

    reporting_view = platform.client("reporting", "intake")
    platform.eventually(item_done_in_the_case_view, what="the item the desk's answer completed, in the case view")

    districts = platform.client("districts", "districts")
    case = districts.get(f"/cases/{ids['district_case_id']}").json()
    assert case["case_id"] == ids["person_id"] and case["district_id"] == MR_T_DISTRICT
    assert [s["first_visit"] for s in case["salon_attendance"]] == [True, False]
    assert case["volunteer_roles"] == [
        {
            "role": "講師",
            "activity": "男の料理教室",
            "started_on": case["volunteer_roles"][0]["started_on"],
            "resource_id": ids["cooking_class_resource_id"],
        }
    ]
    # His salon and his class are registered resources of the district (element ⑤).
    assert {s["resource_id"] for s in case["salon_attendance"]} == {ids["salon_resource_id"]}
    salon = districts.get(f"/resources/{ids['salon_resource_id']}").json()
    assert salon["name"] == "一色ふれあいサロン" and salon["participants"] >= 1
    helpers = districts.get("/volunteers", params={"district_id": MR_T_DISTRICT}).json()["items"]
    assert ids["role_id"] in [v["role_id"] for v in helpers]
    # Other departments see that he is watched over, not what his friend told the team.
    seen_by_intake = platform.client("districts", "intake").get(f"/cases/{ids['district_case_id']}").json()
    assert seen_by_intake["concerns"][0]["concern"] is None and "concerns.concern" in seen_by_intake["redacted"]

    salon_answer = platform.eventually(
        lambda: intake.get(f"/referrals/{ids['salon_referral_id']}").json()["status"] == "completed",
        what="districts' answer to the salon referral",
    )
    assert salon_answer
    daily_life = intake.get(f"/referrals/{ids['daily_life_referral_id']}").json()
    assert (daily_life["target_kind"], daily_life["reason_category"]) == ("external", "daily_life_support")
    assert (daily_life["status"], daily_life["outcome"]) == ("completed", "support_started")
