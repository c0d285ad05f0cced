"""The district support network and the district desk through HTTP on SQLite and PostgreSQL (kit
built without Kafka): the support team with If-Match/409, a network meeting that shares a case on a
basis and raises a district issue, and a desk consultation that becomes a referral to 総合相談窓口
(districts' outbox here; intake's inbox through Kafka in the browser test and the stories).
Every refusal names its field; nothing is half-written; other departments read without the words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.districts.bootstrap import build
from services.districts.config import Settings
from tests.integration.districts.test_district_records_http import INTAKE, MANAGER, WORKER, auth, events, hierarchy

TEAM = {
    "members": [
        {"kind": "resident_coordinator", "name": "大和 一郎"},
        {"kind": "welfare_commissioner", "name": "大和 花子"},
        {"kind": "csw", "name": "地区担当CSW", "staff_id": "d-w1"},
    ]
}
MEETING = {
    "district_id": "yamato-3chome",
    "held_on": "2014-04-28",
    "participants": [
        {"name": "地区担当CSW", "kind": "csw", "organisation": "市社協"},
        {"name": "大和 花子", "kind": "welfare_commissioner"},
        {"name": "包括 職員", "kind": "community_support_centre", "organisation": "北部包括"},
    ],
    "cases": [
        {
            "case_id": "p-mrs-a",
            "basis": {"kind": "statutory", "reference": "地域ケア会議（守秘義務）"},
            "summary": "離れた見守りの状況を共有",
            "next_steps": "民生委員が外出時に気にかける",
        },
        {"summary": "匿名: 買い物に困る一人暮らしの高齢者"},
    ],
    "issues": [
        {"category": "living_environment", "description": "老朽家屋とネズミの発生"},
        {"category": "shopping_mobility", "description": "商店の閉店で買い物に困る"},
    ],
    "minutes": "4月の地区支援ネットワーク会議",
}
DESK = {
    "district_id": "yamato-3chome",
    "taken_at": "2014-04-30T10:00:00+09:00",
    "channel": "interview",
    "consulter": "近隣住民",
    "summary": "隣の高齢女性の家の屋根が朽ちている",
    "issue_category": "living_environment",
    "consent_to_share": True,
}


def test_the_support_team_is_set_changed_with_if_match_and_read_by_anyone(app: Any) -> None:
    client, kit = app
    hierarchy(client)
    url = "/support-teams/yamato-3chome"
    assert client.get(url, headers=INTAKE).status_code == 404
    assert client.put(url, json=TEAM, headers=INTAKE).status_code == 403
    bad = client.put(url, json={"members": [{"kind": "csw", "name": "CSW"}]}, headers=WORKER)
    assert bad.status_code == 422 and bad.json()["field"] == "members[0].staff_id"
    wrong = client.put("/support-teams/north", json=TEAM, headers=WORKER)
    assert wrong.status_code == 422 and wrong.json()["field"] == "district_id"
    unknown = client.put(url, json={"members": [{"kind": "csw"}]}, headers=WORKER)
    assert unknown.status_code == 422 and "name" in str(unknown.json())
    before = events(kit)
    first = client.put(url, json=TEAM, headers=WORKER)
    assert first.status_code == 200 and first.headers["ETag"] == '"1"'
    changed = {"members": [*TEAM["members"][:1], {"kind": "welfare_commissioner", "name": "新任"}, TEAM["members"][2]]}
    assert client.put(url, json=changed, headers={**WORKER, "If-Match": '"1"'}).headers["ETag"] == '"2"'
    stale = client.put(url, json=TEAM, headers={**MANAGER, "If-Match": '"1"'})
    assert stale.status_code == 409
    assert events(kit) == before + 2
    read = client.get(url, headers=INTAKE)
    assert read.status_code == 200 and read.headers["ETag"] == '"2"'
    assert [m["name"] for m in read.json()["members"]] == ["大和 一郎", "新任", "地区担当CSW"]


def test_a_network_meeting_shares_a_case_on_its_basis_and_raises_issues(app: Any) -> None:
    client, kit = app
    hierarchy(client)
    no_team = client.post("/network-meetings", json=MEETING, headers=WORKER)
    assert no_team.status_code == 422 and no_team.json()["field"] == "district_id"
    client.put("/support-teams/yamato-3chome", json=TEAM, headers=WORKER)
    before = events(kit)
    no_basis = {**MEETING, "cases": [{"case_id": "p-mrs-a", "summary": "x"}]}
    refused = client.post("/network-meetings", json=no_basis, headers=WORKER)
    assert refused.status_code == 422 and refused.json()["field"] == "cases[0].basis"
    bad_issue = {**MEETING, "issues": [{"category": "weather", "description": "x"}]}
    assert client.post("/network-meetings", json=bad_issue, headers=WORKER).json()["field"] == "issues[0].category"
    bad_day = client.post("/network-meetings", json={**MEETING, "held_on": "2014-02-30"}, headers=WORKER)
    assert bad_day.status_code == 422
    assert client.post("/network-meetings", json=MEETING, headers=INTAKE).status_code == 403
    assert events(kit) == before
    made = client.post("/network-meetings", json=MEETING, headers=WORKER)
    assert made.status_code == 201, made.json()
    reply = made.json()
    assert len(reply["issue_ids"]) == 2 and len(reply["discussion_ids"]) == 2
    assert events(kit) == before + 3  # held, and two cases discussed

    page = client.get("/network-meetings", params={"district_id": "yamato-3chome"}, headers=INTAKE).json()
    assert page["total"] == 1 and page["items"][0]["outside_participants"] == 2
    assert [i["category"] for i in page["items"][0]["issues"]] == ["living_environment", "shopping_mobility"]
    assert client.get("/network-meetings", params={"area_id": "south"}, headers=INTAKE).json()["total"] == 0
    assert client.get("/network-meetings", params={"month": "2014-4"}, headers=INTAKE).status_code == 422

    url = f"/network-meetings/{reply['meeting_id']}"
    mine = client.get(url, headers=WORKER).json()
    assert [(x["case_id"], x["basis_kind"], x["summary"]) for x in mine["cases"]] == [
        ("p-mrs-a", "statutory", "離れた見守りの状況を共有"),
        (None, "none", "匿名: 買い物に困る一人暮らしの高齢者"),
    ]
    theirs = client.get(url, headers=INTAKE).json()
    assert theirs["cases"][0]["summary"] is None and theirs["cases"][0]["redacted"] == ["next_steps", "summary"]
    assert client.get("/network-meetings/nope", headers=INTAKE).status_code == 404


def test_a_desk_consultation_becomes_a_referral_to_intake(app: Any) -> None:
    client, kit = app
    hierarchy(client)
    before = events(kit)
    for change, field in (
        ({"channel": "pigeon"}, "channel"),
        ({"issue_category": "weather"}, "issue_category"),
        ({"taken_at": "2014-05-02T10:00:00+09:00"}, "taken_at"),
        ({"district_id": "nowhere"}, "district_id"),
    ):
        refused = client.post("/desk-consultations", json={**DESK, **change}, headers=WORKER)
        assert refused.status_code == 422 and refused.json()["field"] == field, refused.json()
    missing = client.post("/desk-consultations", json={k: v for k, v in DESK.items() if k != "summary"}, headers=WORKER)
    assert missing.status_code == 422 and "summary" in str(missing.json())
    assert client.post("/desk-consultations", json=DESK, headers=INTAKE).status_code == 403
    assert events(kit) == before

    taken = client.post("/desk-consultations", json=DESK, headers=WORKER)
    assert taken.status_code == 201, taken.json()
    reply = taken.json()
    assert reply["case_id"] == f"district-desk-{reply['consultation_id']}"
    assert events(kit) == before + 2  # the consultation and its referral
    [sent] = client.get("/referrals/outbox", headers=WORKER).json()["items"]
    assert (sent["referral_id"], sent["target"], sent["reason_category"], sent["basis_kind"], sent["status"]) == (
        reply["referral_id"],
        "intake",
        "district_desk_consultation",
        "consent",
        "made",
    )
    assert sent["reason_detail"] == DESK["summary"]
    no_consent = client.post(
        "/desk-consultations", json={**DESK, "consent_to_share": False, "case_id": "p-known"}, headers=WORKER
    ).json()
    assert no_consent["case_id"] == "p-known"
    listed = client.get("/desk-consultations", params={"month": "2014-04"}, headers=WORKER).json()
    assert listed["total"] == 2 and {i["summary"] for i in listed["items"]} == {DESK["summary"]}
    other = client.get("/desk-consultations", headers=auth("loans")).json()
    assert all(i["summary"] is None and i["redacted"] == ["consulter", "summary"] for i in other["items"])


@pytest.mark.postgres
@pytest.mark.parametrize(
    "scenario",
    [
        test_the_support_team_is_set_changed_with_if_match_and_read_by_anyone,
        test_a_network_meeting_shares_a_case_on_its_basis_and_raises_issues,
        test_a_desk_consultation_becomes_a_referral_to_intake,
    ],
    ids=["team", "meeting", "desk"],
)
def test_the_same_on_postgresql(scenario: Any, on_postgresql: Any) -> None:
    on_postgresql(scenario)


def test_the_demo_sets_both_teams_once_and_holds_mrs_as_network_meeting(tmp_path: Path, monkeypatch: Any) -> None:
    """``make run``'s district records set each district's support team once; Mrs. A's story holds her
    district's network meeting, sharing her case on the community care meeting's statutory basis."""
    from types import SimpleNamespace

    from deploy.demo import districts_stories
    from deploy.demo import kit as demo_kit
    from shared.auth import mint_token
    from shared.settings import DEV_JWT_SECRET

    built, kit = build(Settings(var_dir=tmp_path), kafka=False)
    try:
        client = TestClient(built)
        monkeypatch.setattr(
            demo_kit,
            "httpx",
            SimpleNamespace(
                Client=lambda base_url, headers, timeout: TestClient(client.app, base_url=base_url, headers=headers)
            ),
        )
        urls = {"districts": "http://districts"}

        def token(department: str, role: str) -> str:
            return mint_token(DEV_JWT_SECRET, f"{department}-staff", department, role)

        districts_stories.district_records(urls, token)
        districts_stories.district_records(urls, token)
        for district_id in (districts_stories.MRS_A_DISTRICT, districts_stories.MR_T_DISTRICT):
            team = client.get(f"/support-teams/{district_id}", headers=WORKER).json()
            assert team["version"] == 1 and [m["kind"] for m in team["members"]] == [
                "resident_coordinator",
                "welfare_commissioner",
                "csw",
            ]
        held = districts_stories.mrs_a_network_meeting(urls, token, "provisional-mrs-a", "conference-1")
        meeting = client.get(f"/network-meetings/{held['network_meeting_id']}", headers=WORKER).json()
        assert meeting["outside_participants"] == 4 and meeting["team_version"] == 1
        assert [i["category"] for i in meeting["issues"]] == ["living_environment", "isolation"]
        [shared] = meeting["cases"]
        assert shared["case_id"] == "provisional-mrs-a" and shared["basis_kind"] == "statutory"
    finally:
        kit.close()
