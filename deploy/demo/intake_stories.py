"""The intake desk's seed stories, played over HTTP: the e2e tests and ``make run``'s demo data.

* **Mrs. A (大和)**: neighbours tell the 民生委員, who brings the concern to the desk; she cannot be
  reached, then refuses help; a community care meeting is asked for without her details (no
  consent); the plan is residents' watch-over and the community support centre keeping contact,
  no intervention without her consent; a manager's comment says so.
* **Mr. T (葉山)**: his friend E brings the concern; he agrees to share with the case meeting, the
  district team and the 包括; a case meeting is asked for with details; visits; the plan takes him
  to the salon (and to teaching the men's cooking class); a follow-up for daily-life independence
  support (あんしんセンター).

Each part takes the services' base URLs and a token function ``token(department, role)`` and
returns the ids it created, so tests can look them up. :func:`story_7_isolated_mrs_a` and
:func:`story_8_mr_t` play the whole seed stories 7 and 8 and return a
:class:`~deploy.demo.kit.StoryResult` (number, title, the person id to open, the roles used).

:func:`mrs_a_across_departments` and :func:`mr_t_across_departments` play the whole stories: intake's
part above, then the district team's (``districts_stories``) and the conferences' (``conferences_stories``)
— intake's automatic referral reaching districts, the meetings, the watch-over, the salon, the
cooking class, and at last Mr. T's referral to daily-life independence support, whose outcome the
desk records: no referral is left unanswered.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx

from deploy.demo import conferences_stories, districts_stories
from deploy.demo.kit import RoleRecorder, StoryResult, Token

__all__ = [
    "STORIES",
    "Token",
    "load",
    "mr_t",
    "mr_t_across_departments",
    "mrs_a",
    "mrs_a_across_departments",
    "story_7_isolated_mrs_a",
    "story_8_mr_t",
]

_JST = timezone(timedelta(hours=9))


def _today() -> date:
    return datetime.now(UTC).astimezone(_JST).date()


class _Desk:
    """A small HTTP client for one department's staff member at intake."""

    def __init__(self, base_url: str, token: Token, role: str = "worker") -> None:
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token('intake', role)}"}, timeout=30
        )

    def post(self, path: str, body: Mapping[str, Any], *, method: str = "POST") -> dict[str, Any]:
        response = self.http.request(method, path, json=dict(body))
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} → {response.status_code}: {response.text}")
        result: dict[str, Any] = response.json()
        return result

    def close(self) -> None:
        self.http.close()


def mrs_a(urls: Mapping[str, str], token: Token) -> dict[str, str]:
    """大和: an isolated woman nobody can reach, who refuses help."""
    worker, manager = _Desk(urls["intake"], token), _Desk(urls["intake"], token, "manager")
    try:
        opened = worker.post(
            "/consultations",
            {
                "subject_description": "3丁目で一人暮らしの高齢女性（Aさん）。家にネズミが出ている",
                "source": "welfare_commissioner",
                "source_detail": "近隣住民から民生委員へ。包括・ボランティアセンターにも相談があった",
                "channel": "phone",
                "issues": ["housing", "other"],
                "isolated": True,
            },
        )
        cid = opened["consultation_id"]
        path = f"/consultations/{cid}"
        worker.post(
            f"{path}/contacts",
            {"channel": "home_visit", "party": "self", "outcome": "not_reached", "summary": "訪問したが応答なし"},
        )
        worker.post(
            f"{path}/contacts",
            {
                "channel": "phone",
                "party": "welfare_commissioner",
                "outcome": "reached",
                "summary": "民生委員と状況を共有",
            },
        )
        person = worker.post(
            "/people", {"name_kanji": "大和 A子", "name_kana": "ヤマト エーコ", "address": "大和３丁目4-5"}
        )
        worker.post(f"{path}/identify", {"person_id": person["person_id"]})
        worker.post(
            f"{path}/contacts",
            {
                "channel": "home_visit",
                "party": "self",
                "outcome": "refused",
                "summary": "玄関先で会えたが支援は要らないと",
            },
        )
        worker.post(
            f"{path}/assessment",
            {
                "person_picture": "高齢女性、一人暮らし。自宅の衛生状態が悪い",
                "wishes": "このまま一人で暮らしたい。支援は要らない",
                "obstacles": "本人が関わりを拒否している",
                "strengths": "近隣住民と民生委員が気にかけている",
            },
        )
        meeting = worker.post(
            f"{path}/referrals",
            {
                "target_kind": "department",
                "target": "conferences",
                "reason_category": "case_conference",
                "reason_detail": "地域ケア会議の開催（包括・民生委員・自治会・保健所ほか7者）",
                "basis_kind": "auto",
            },
        )
        worker.post(
            f"{path}/support-plan",
            {
                "goal": "本人の同意なしに介入せず、つながりを保つ",
                "steps": [
                    {
                        "rung": "community_capacity",
                        "action": "近隣住民・民生委員による見守り",
                        "responsible": {"kind": "community", "name": "自治会・民生委員"},
                    },
                    {
                        "rung": "existing_mechanisms",
                        "action": "包括が中心となって関わりを続ける",
                        "responsible": {"kind": "agency", "name": "community_support_centre"},
                    },
                ],
            },
            method="PUT",
        )
        follow = worker.post(
            f"{path}/follow-ups",
            {"due_on": (_today() + timedelta(days=30)).isoformat(), "purpose": "関係者で経過を共有する"},
        )
        comment = manager.post(
            f"{path}/comments", {"comment": "本人の同意なしに介入しないこと。見守りの報告を定期的に"}
        )
        worker.post(f"{path}/comments/{comment['comment_id']}/acknowledge", {})
        return {
            "consultation_id": cid,
            "provisional_case_id": cid,
            "person_id": person["person_id"],
            "conference_referral_id": meeting["referral_id"],
            "follow_up_id": follow["follow_up_id"],
        }
    finally:
        worker.close()
        manager.close()


def mr_t(urls: Mapping[str, str], token: Token) -> dict[str, str]:
    """葉山: a friend's concern becomes a case meeting, the salon and a teaching role."""
    worker = _Desk(urls["intake"], token)
    try:
        person = worker.post(
            "/people",
            {
                "name_kanji": "葉山 T男",
                "name_kana": "ハヤマ ティーオ",
                "birth_date": "1947-04-10",
                "address": "一色2-10",
                "phone": "046-875-0000",
            },
        )
        pid = person["person_id"]
        household = worker.post(
            "/households", {"address": "一色2-10", "members": [{"person_id": pid, "relationship": "本人"}]}
        )
        opened = worker.post(
            "/consultations",
            {
                "person_id": pid,
                "household_id": household["household_id"],
                "source": "friend",
                "source_detail": "友人のEさん",
                "channel": "interview",
                "issues": ["long_term_care", "household_budget"],
                "own_words": "最近物忘れが多くて、お金の管理が不安だ",
                "wishes": "この家で暮らしたい",
            },
        )
        cid = opened["consultation_id"]
        path = f"/consultations/{cid}"
        consent = worker.post(
            f"/people/{pid}/consents",
            {
                "recipients": [
                    {"kind": "department", "id": "conferences"},
                    {"kind": "department", "id": "districts"},
                    {"kind": "agency", "id": "community_support_centre"},
                ],
                "purposes": ["support_coordination"],
                "valid_until": (_today() + timedelta(days=365)).isoformat(),
            },
        )
        meeting = worker.post(
            f"{path}/referrals",
            {
                "target_kind": "department",
                "target": "conferences",
                "reason_category": "case_conference",
                "reason_detail": "判断能力の低下。あんしんセンター・包括・友人Eさんとケース会議を",
                "basis_kind": "consent",
            },
        )
        worker.post(
            f"{path}/contacts",
            {"channel": "home_visit", "party": "self", "outcome": "reached", "summary": "自宅訪問。料理が得意と話す"},
        )
        worker.post(
            f"{path}/support-plan",
            {
                "goal": "地域の中で役割を持って暮らす",
                "steps": [
                    {
                        "rung": "community_capacity",
                        "action": "サロンへの参加、男の料理教室の講師をお願いする",
                        "responsible": {"kind": "department", "name": "districts"},
                    },
                    {
                        "rung": "personal_capacity",
                        "action": "本人の料理の力を活かす",
                        "responsible": {"kind": "person", "name": "本人"},
                    },
                    {
                        "rung": "existing_mechanisms",
                        "action": "日常生活自立支援事業（あんしんセンター）の利用を検討",
                        "responsible": {"kind": "agency", "name": "あんしんセンター"},
                    },
                ],
            },
            method="PUT",
        )
        salon = worker.post(
            f"{path}/referrals",
            {
                "target_kind": "department",
                "target": "districts",
                "reason_category": "other",
                "reason_detail": "サロン参加と男の料理教室の講師",
            },
        )
        follow = worker.post(
            f"{path}/follow-ups",
            {
                "due_on": (_today() + timedelta(days=60)).isoformat(),
                "purpose": "あんしんセンター（日常生活自立支援事業）への橋渡し",
            },
        )
        return {
            "consultation_id": cid,
            "person_id": pid,
            "household_id": household["household_id"],
            "consent_id": consent["consent_id"],
            "conference_referral_id": meeting["referral_id"],
            "salon_referral_id": salon["referral_id"],
            "follow_up_id": follow["follow_up_id"],
        }
    finally:
        worker.close()


def mrs_a_across_departments(urls: Mapping[str, str], token: Token) -> dict[str, str]:
    """大和, whole: desk → automatic referral → district outreach → 地域ケア会議 → watch-over from a distance."""
    ids = mrs_a(urls, token)
    outreach = districts_stories.mrs_a_outreach(urls, token, ids["provisional_case_id"])
    meeting = conferences_stories.mrs_a_community_care_meeting(urls, token, ids["conference_referral_id"])
    watch = districts_stories.mrs_a_watch(
        urls, token, outreach["district_case_id"], outreach["outreach_referral_id"], meeting
    )
    network = districts_stories.mrs_a_network_meeting(
        urls, token, outreach["district_case_id"], meeting["conference_id"]
    )
    return {**ids, **outreach, **meeting, **watch, **network}


def _wait_until_done(staff: districts_stories.Staff, conference_id: str, action_id: str, timeout: float = 60.0) -> None:
    """The answer to an item's referral reaches conferences through Kafka: wait until it completed the item."""
    deadline = time.monotonic() + timeout
    while True:
        items = staff.get(f"/conferences/{conference_id}")["action_items"]
        if any(a["action_id"] == action_id and a["done"] for a in items):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"action item {action_id} was not completed by its referral's answer in {timeout:.0f} s")
        time.sleep(0.5)


def mr_t_across_departments(urls: Mapping[str, str], token: Token) -> dict[str, str]:
    """葉山, whole: desk → case meeting → visits and the salon → cooking class instructor → あんしんセンター."""
    ids = mr_t(urls, token)
    meeting = conferences_stories.mr_t_case_meeting(urls, token, ids["conference_referral_id"], ids["consent_id"])
    salon = districts_stories.mr_t_salon(urls, token, ids["salon_referral_id"])
    at_conferences = districts_stories.Staff(urls, token, "conferences", "districts")
    desk_at_conferences = districts_stories.Staff(urls, token, "conferences", "intake")
    desk_inbox = districts_stories.Staff(urls, token, "intake", "intake")
    districts_inbox = districts_stories.Staff(urls, token, "districts", "districts")
    worker = _Desk(urls["intake"], token)
    try:
        # The item for districts is a referral in its inbox: districts answers it there, which completes the item.
        districts_stories.answer_action_item(
            districts_inbox,
            at_conferences,
            meeting["conference_id"],
            meeting["visit_action_id"],
            meeting["visit_item_referral_id"],
            "support_started",
            "Eさんと同行訪問。サロンに定期参加し、男の料理教室の講師に",
        )
        # Later: the desk approaches daily-life independence support (日常生活自立支援事業), step by step.
        daily_life = worker.post(
            f"/consultations/{ids['consultation_id']}/referrals",
            {
                "target_kind": "external",
                "target": "other_agency",
                "reason_category": "daily_life_support",
                "reason_detail": "あんしんセンター（日常生活自立支援事業）の利用について少しずつアプローチ",
                "basis_kind": "auto",
            },
        )
        # The conference's item for the desk arrived in its referral inbox: answering it completes the item.
        item_referral = meeting["daily_life_item_referral_id"]
        desk_inbox.wait_for_referral(item_referral, case_id=ids["person_id"])
        desk_inbox.post(f"/referrals/{item_referral}/accept", {"note": "あんしんセンターにつなぐ"})
        desk_inbox.post(
            f"/referrals/{item_referral}/complete", {"outcome": "referred_onward", "note": "日常生活自立支援事業へ紹介"}
        )
        _wait_until_done(desk_at_conferences, meeting["conference_id"], meeting["daily_life_action_id"])
        # あんしんセンター answers: it starts, slowly, as his judgement allows (the desk records its outcome).
        worker.post(
            f"/referrals/{daily_life['referral_id']}/outcome",
            {
                "outcome": "support_started",
                "note": "あんしんセンターが関わりを開始。利用は判断能力の様子を見ながら少しずつ",
            },
        )
    finally:
        at_conferences.close()
        desk_at_conferences.close()
        desk_inbox.close()
        districts_inbox.close()
        worker.close()
    return {
        **ids,
        **meeting,
        **salon,
        "daily_life_referral_id": daily_life["referral_id"],
    }


def story_7_isolated_mrs_a(urls: Mapping[str, str], token: Token) -> StoryResult:
    """Seed story 7 (大和), across intake, districts and conferences; opened by her person id."""
    roles = RoleRecorder(token)
    ids = mrs_a_across_departments(urls, roles)
    return StoryResult(
        number=7,
        title_ja="大和 孤立したAさん — 地域ケア会議、本人の同意なく介入せず離れて見守る",
        title_en="Isolated Mrs. A: a community care meeting, watch-over from a distance, no intervention",
        case_id=ids["person_id"],
        roles=roles.roles,
        ids=ids,
        scripts=(
            "intake_stories.mrs_a",
            "districts_stories.mrs_a_outreach",
            "conferences_stories.mrs_a_community_care_meeting",
            "districts_stories.mrs_a_watch",
            "districts_stories.mrs_a_network_meeting",
        ),
    )


def story_8_mr_t(urls: Mapping[str, str], token: Token) -> StoryResult:
    """Seed story 8 (葉山), across intake, conferences and districts; opened by his person id."""
    roles = RoleRecorder(token)
    ids = mr_t_across_departments(urls, roles)
    return StoryResult(
        number=8,
        title_ja="葉山 Tさん — ケース会議、サロン、男の料理教室の講師、日常生活自立支援事業へ",
        title_en="Mr. T: a case meeting, the salon, instructor of the men's cooking class, daily-life support",
        case_id=ids["person_id"],
        roles=roles.roles,
        ids=ids,
        scripts=(
            "intake_stories.mr_t",
            "conferences_stories.mr_t_case_meeting",
            "districts_stories.mr_t_salon",
            "intake_stories.mr_t_across_departments",
        ),
    )


STORIES = (story_7_isolated_mrs_a, story_8_mr_t)


def load(urls: Mapping[str, str], token: Token) -> list[StoryResult]:
    """Play both stories across departments (they need districts and conferences too)."""
    if not {"intake", "districts", "conferences"} <= set(urls):
        return []
    return [story(urls, token) for story in STORIES]
