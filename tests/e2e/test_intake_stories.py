"""The intake seed stories over real HTTP (every service up, the session's real Kafka)."""

from __future__ import annotations

from typing import Any

from deploy.demo.intake_stories import mr_t, mrs_a
from tests.e2e.harness import Platform


def token_for(platform: Platform) -> Any:
    return lambda department, role: platform.token(department, role)


def test_mrs_a_is_watched_over_without_intervention_and_the_district_team_is_asked_to_reach_out(platform):
    ids = mrs_a(platform.urls, token_for(platform))
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


def test_mr_t_goes_to_a_case_meeting_with_consent_then_to_the_salon_with_a_follow_up(platform):
    ids = mr_t(platform.urls, token_for(platform))
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
