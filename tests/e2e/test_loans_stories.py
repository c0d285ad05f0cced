"""The seed's loan-desk stories 1–6 over real HTTP, with every service and the session's Kafka.

The scripts are ``deploy/demo/loans_stories.py`` (the same ones ``make run`` loads); these tests
check what the stories must leave behind: statuses, counts, follow-ups and referrals in intake's
inbox or the desk's outbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest

from deploy.demo import loans_stories as stories
from tests.e2e.harness import Platform

pytestmark = pytest.mark.kafka


def moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def loans(platform: Platform, role: str = "worker") -> httpx.Client:
    return platform.client("loans", department="loans", role=role)


def history(platform: Platform, household: str) -> dict[str, Any]:
    r = loans(platform).get(f"/households/{household}/history")
    assert r.status_code == 200, r.text
    return dict(r.json())


def intake_inbox(platform: Platform, household: str) -> list[dict[str, Any]]:
    r = platform.client("intake", department="intake").get("/referrals/inbox", params={"case_id": household})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def test_story_1_moving_cost_request_is_solved_without_a_loan(platform: Platform) -> None:
    ids = stories.story_1_moving_cost_solved_without_a_loan(platform.urls, platform.token).ids
    seen = history(platform, ids["household_id"])
    (consultation,) = seen["consultations"]
    assert consultation["status"] == "closed" and consultation["outcome"] == "solved_by_other_means"
    assert consultation["issues"] == ["employment", "housing"] and consultation["contact_count"] == 2
    assert seen["applications"] == [] and seen["follow_ups"] == []
    page = loans(platform).get("/consultations", params={"household_id": ids["household_id"]}).json()
    assert page["counts"]["contacts"] == 2 and page["counts"]["initial"] == 1


def test_story_2_pension_mismanagement_is_referred_to_intake_and_the_support_centre(platform: Platform) -> None:
    ids = stories.story_2_pension_mismanagement(platform.urls, platform.token).ids
    inbox = intake_inbox(platform, ids["household_id"])
    assert [(r["referral_id"], r["reason_category"], r["status"]) for r in inbox] == [
        (ids["referral_to_intake"], "household_budget", "completed")
    ]
    # Intake played its part: the budget consultation (家計相談) with the centre, on the person.
    intake = platform.client("intake", department="intake")
    budget = intake.get(f"/consultations/{ids['budget_consultation_id']}").json()
    assert budget["case_id"] == ids["person_id"] and budget["source"] == "internal_department"
    assert "household_budget" in budget["issues"] and budget["status"] == "open"
    assert [c["party"] for c in budget["contacts"]] == ["community_support_centre", "self"]
    seen = history(platform, ids["household_id"])
    referrals = {r["referral_id"]: r for r in seen["referrals"]}
    centre = referrals[ids["referral_to_centre"]]
    assert centre["target"] == "community_support_centre" and centre["status"] == "completed"
    assert centre["outcome"] == "support_started"
    answered = referrals[ids["referral_to_intake"]]
    assert (answered["status"], answered["outcome"]) == ("completed", "support_started")
    (consultation,) = seen["consultations"]
    assert consultation["status"] == "closed" and moment(consultation["closed_at"]) >= moment(answered["completed_at"])


def test_story_3_single_mother_keeps_a_continuing_consultation(platform: Platform) -> None:
    ids = stories.story_3_single_mother_budgeting(platform.urls, platform.token).ids
    (consultation,) = history(platform, ids["household_id"])["consultations"]
    assert consultation["status"] == "open" and consultation["contact_count"] == 3
    assert consultation["responses"] == ["budget_consultation", "single_parent_fund"]
    assert consultation["kind"] == "new_until_decision" and consultation["initial"] is True


def test_story_4_denied_loan_for_multiple_debts_refers_once_to_budget_consultation(platform: Platform) -> None:
    ids = stories.story_4_multiple_debts(platform.urls, platform.token).ids
    inbox = intake_inbox(platform, ids["household_id"])
    assert [(r["rule_id"], r["reason_category"], r["source_department"], r["status"]) for r in inbox] == [
        ("loans.denied_to_budget_consultation", "household_budget", "loans", "completed")
    ]
    assert inbox[0]["referral_id"] == ids["referral_to_intake"]
    seen = history(platform, ids["household_id"])
    assert [a["status"] for a in seen["applications"]] == ["denied"]
    (consultation,) = seen["consultations"]
    assert consultation["responses"] == ["loan_application", "legal_aid", "budget_consultation"]
    targets = sorted(r["target"] for r in seen["referrals"])
    assert targets == ["intake", "judicial_scrivener"]
    # Closed as solved only once every referral was answered: the scrivener's and intake's.
    assert all(r["status"] == "completed" for r in seen["referrals"])
    assert consultation["status"] == "closed" and consultation["outcome"] == "solved_by_other_means"
    assert all(moment(consultation["closed_at"]) >= moment(r["completed_at"]) for r in seen["referrals"])
    # Intake's part: budget support with the scrivener present, accompanying the tax payment.
    budget = platform.client("intake", department="intake").get(f"/consultations/{ids['budget_consultation_id']}")
    assert budget.status_code == 200, budget.text
    assert [c["party"] for c in budget.json()["contacts"]] == ["agency", "self"]
    # Seen from intake, the denial's free-text reason stays with the loans desk.
    intake_view = platform.client("loans", department="intake").get(f"/applications/{ids['application_id']}").json()
    assert intake_view["decision_reason"] is None and "decision_reason" in intake_view["redacted"]


def test_story_5_borrowers_tuition_arrears_get_a_consultation_and_grace(platform: Platform) -> None:
    ids = stories.story_5_borrower_tuition_arrears(platform.urls, platform.token).ids
    seen = history(platform, ids["household_id"])
    (loan,) = seen["applications"]
    assert loan["status"] == "repaying" and loan["outstanding"] == 300_000 and len(loan["schedule"]) == 30
    assert all(i["postponed_months"] == 6 for i in loan["schedule"])
    (consultation,) = seen["consultations"]
    assert consultation["kind"] == "borrowing_household" and consultation["initial"] is False
    assert consultation["responses"] == ["installment_negotiation"]
    assert consultation["loan_application_id"] == ids["application_id"]  # the consultation is about this loan


def test_story_6_borrowers_unemployed_son_is_supported_into_work(platform: Platform) -> None:
    ids = stories.story_6_borrower_unemployed_son(platform.urls, platform.token).ids
    seen = history(platform, ids["household_id"])
    assert seen["registered_here"] is True
    (consultation,) = seen["consultations"]
    assert consultation["person_id"] == ids["son_id"] and consultation["issues"] == ["employment"]
    (referral,) = seen["referrals"]
    assert referral["target"] == "employment_office" and referral["outcome"] == "support_started"
    assert seen["summary"]["loans_repaying"] == 1 and seen["follow_ups"] == []
