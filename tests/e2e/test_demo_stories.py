"""``make run``'s demo data over real HTTP: every seed story loaded at once, as the platform loads it.

After :func:`deploy.demo.stories.load_all`, each of the seed digest's eight stories is there once,
every referral a story made has been answered (none is left "made" to go overdue), and the case
view of each story's case shows no open referral. The banner names each story with its case id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from deploy.demo.districts_stories import MR_T_DISTRICT, MRS_A_DISTRICT
from deploy.demo.kit import StoryResult
from deploy.demo.stories import SEED_STORIES, load_all
from deploy.run import ServiceProc, format_banner
from tests.e2e.harness import Platform

pytestmark = pytest.mark.kafka

DEPARTMENTS = ("intake", "loans", "districts", "conferences")
OPEN = {"made", "accepted", "expired"}
WITHOUT_REFERRALS = {1, 3, 5}
ANSWERS = {"referral.ReferralCompleted", "referral.ReferralOutcomeRecorded"}


@pytest.fixture(scope="module")
def loaded(platform: Platform) -> list[StoryResult]:
    return load_all(platform.urls, platform.token)


def referrals_of(platform: Platform, story: StoryResult) -> dict[str, dict[str, Any]]:
    """Every referral any desk made about any id the story created (its cases, provisional cases)."""
    found: dict[str, dict[str, Any]] = {}
    for department in DEPARTMENTS:
        desk = platform.client(department, department)
        for case_id in set(story.ids.values()):
            response = desk.get("/referrals/outbox", params={"case_id": case_id, "limit": 200})
            assert response.status_code == 200, response.text
            found.update({r["referral_id"]: r for r in response.json()["items"]})
    return found


def test_the_demo_loads_the_seeds_eight_stories_once_each(loaded: list[StoryResult]) -> None:
    assert [s.number for s in loaded] == list(range(1, SEED_STORIES + 1))
    for story in loaded:
        assert story.title_ja and story.title_en and story.case_id and story.roles, story
        assert story.case_id in story.ids.values()
    by_number = {s.number: s for s in loaded}
    assert {d for d, _ in by_number[4].roles} == {"loans", "intake"}  # intake plays its part of story 4
    assert ("loans", "manager") in by_number[4].roles  # the denial
    assert {d for d, _ in by_number[7].roles} >= {"intake", "districts", "conferences"}


def test_every_referral_the_stories_made_is_answered(platform: Platform, loaded: list[StoryResult]) -> None:
    made_by_story = {s.number: referrals_of(platform, s) for s in loaded}
    # The referrals each story is known to make, the automatic ones included.
    assert {r["target"] for r in made_by_story[2].values()} == {"intake", "community_support_centre"}
    assert {r["rule_id"] for r in made_by_story[4].values()} == {"loans.denied_to_budget_consultation", None}
    assert {r["target"] for r in made_by_story[7].values()} == {"districts", "conferences"}
    # Mr. T's meeting assigns the desk an item: conferences refers it to intake (役割分担 → 紹介).
    assert {r["target"] for r in made_by_story[8].values()} == {"conferences", "districts", "other_agency", "intake"}

    def all_answered() -> bool:
        left = {
            (number, r["referral_id"], r["target"], r["status"])
            for number, made in made_by_story.items()
            for r in referrals_of(platform, next(s for s in loaded if s.number == number)).values()
            if r["status"] in OPEN
        }
        assert not left, f"referrals left unanswered: {sorted(left)}"
        return True

    platform.eventually(all_answered, what="every demo referral answered at its source")


def test_no_story_case_shows_an_open_referral_in_the_case_view(platform: Platform, loaded: list[StoryResult]) -> None:
    reporting = platform.client("reporting", "intake")

    def settled(story: StoryResult) -> bool:
        response = reporting.get(f"/cases/{story.case_id}", params={"purpose": "support_coordination"})
        assert response.status_code == 200, response.text
        view = response.json()
        assert view["open_referrals"] == [], (story.number, view["open_referrals"])
        if story.number not in WITHOUT_REFERRALS:  # the answers are on the case's timeline
            assert any(e["type"] in ANSWERS for e in view["timeline"]), story.number
        return True

    for story in loaded:
        platform.eventually(lambda story=story: settled(story), what=f"story {story.number}'s case view")


def test_story_4_is_closed_only_after_its_referrals_are_answered(platform: Platform, loaded: list[StoryResult]) -> None:
    story = next(s for s in loaded if s.number == 4)
    loans = platform.client("loans", "loans")
    consultation = loans.get(f"/consultations/{story.ids['consultation_id']}").json()
    assert consultation["status"] == "closed"
    referrals = referrals_of(platform, story)
    assert referrals and all(r["status"] == "completed" for r in referrals.values())
    closed = datetime.fromisoformat(consultation["closed_at"])
    assert all(closed >= datetime.fromisoformat(r["completed_at"]) for r in referrals.values())


def test_story_5_consultation_is_linked_to_its_loan(platform: Platform, loaded: list[StoryResult]) -> None:
    story = next(s for s in loaded if s.number == 5)
    consultation = platform.client("loans", "loans").get(f"/consultations/{story.ids['consultation_id']}").json()
    assert consultation["loan_application_id"] == story.ids["application_id"]


def test_the_demo_places_mrs_a_and_mr_t_in_their_district_council_areas(
    platform: Platform, loaded: list[StoryResult]
) -> None:
    """圏域: the stories register Mrs. A at 大和３丁目 and Mr. T's household at 一色; reporting counts
    them in their districts, and the case view names her district."""
    reporting = platform.client("reporting", "intake")
    mrs_a = next(s for s in loaded if s.number == 7)

    def placed() -> bool:
        body = reporting.get("/statistics/areas", params={"kind": "district_council"}).json()
        by_area = {a["area_id"]: a for a in body["areas"]}
        assert by_area[MRS_A_DISTRICT]["people"] >= 1, body
        assert by_area[MR_T_DISTRICT]["people"] >= 1 and by_area[MR_T_DISTRICT]["households"] >= 1, body
        assert by_area[MR_T_DISTRICT]["resources"] >= 2, body  # his salon and the cooking class
        view = reporting.get(f"/cases/{mrs_a.case_id}", params={"purpose": "support_coordination"}).json()
        assert {a["area_id"] for a in view["areas"]} >= {MRS_A_DISTRICT, "north"}, view["areas"]
        return True

    platform.eventually(placed, what="Mrs. A and Mr. T in their areas")


def test_the_banner_prints_each_story_with_its_case_and_the_tokens_it_needs(loaded: list[StoryResult]) -> None:
    services = [ServiceProc("loans", 8102), ServiceProc("reporting", 8105)]
    banner = format_banner(services, "127.0.0.1:9092", loaded, credentials=lambda roles: [f"{d}:{r}" for d, r in roles])
    lines = banner.splitlines()
    assert f"Seed stories ({SEED_STORIES} of {SEED_STORIES})" in banner
    for story in loaded:
        assert f"  {story.number}. {story.title_ja}" in lines
        url = f"http://127.0.0.1:8105/cases/{story.case_id}?purpose=support_coordination"
        assert f"     case {story.case_id}  {url}" in lines
        for department, role in story.roles:
            assert f"{department}:{role}" in lines  # the credentials of every role it needs


def test_the_banner_prints_a_development_token_for_every_role_by_default(loaded: list[StoryResult]) -> None:
    banner = format_banner([ServiceProc("reporting", 8105)], "127.0.0.1:9092", loaded)
    token_lines = banner.split("Development tokens (Authorization: Bearer ...):")[1].splitlines()
    printed = {tuple(line.split()[:2]) for line in token_lines if line.strip()}
    assert {role for story in loaded for role in story.roles} <= printed
