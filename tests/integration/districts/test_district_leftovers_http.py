"""Issue 13's district leftovers through HTTP on SQLite and PostgreSQL (kit built without Kafka):

* reading a network meeting leaves the access trail (閲覧記録) for each case it shows, with the reader;
* a district issue raised after the meeting: If-Match / 409 stale, 4xx naming the field, shown on the
  meeting with the day it was raised;
* a resource's facts edited with If-Match (409 stale), its history and the roles taken in it
  (Mr. T as the instructor of the men's cooking class; case ids to district staff only);
* the 局長 (director) reads the escalated referrals and schedule escalations a manager reads.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shared.eventstore import events_table
from tests.integration.districts.test_district_network_http import DESK, MEETING, TEAM
from tests.integration.districts.test_district_records_http import INTAKE, MANAGER, T0, WORKER, auth, events, hierarchy

DIRECTOR = auth("districts", "director", "d-director")


def field_of(reply: Any) -> str:
    """The field a 4xx names: the command's refusal, or the first of a body's validation details."""
    body = reply.json()
    return str(body.get("field") or body["details"][0]["field"])


def _meeting(client: TestClient) -> dict[str, Any]:
    hierarchy(client)
    assert client.put("/support-teams/yamato-3chome", json=TEAM, headers=WORKER).status_code in (200, 201)
    made = client.post("/network-meetings", json=MEETING, headers=WORKER)
    assert made.status_code == 201, made.json()
    return dict(made.json())


def test_reading_a_meeting_leaves_the_access_trail_of_each_case_shown(app: Any) -> None:
    client, kit = app
    meeting = _meeting(client)
    url = f"/network-meetings/{meeting['meeting_id']}"
    assert client.get(url, headers={**WORKER, "X-Purpose": "network_meeting"}).status_code == 200
    assert client.get(url, headers=INTAKE).status_code == 200
    with kit.engine.connect() as conn:
        reads = [
            (r.case_id, r.data)
            for r in conn.execute(
                select(events_table.c.case_id, events_table.c.data).where(
                    events_table.c.event_type == "access.PersonalDataRead"
                )
            )
        ]
    import json

    trail = [(case, json.loads(data)) for case, data in reads]
    # the shared case by its id, once per reader; the anonymous one names no case and leaves none
    assert [(case, d["viewer_id"], d["viewer_department"], d["route"]) for case, d in trail] == [
        ("p-mrs-a", "d-w1", "districts", "/network-meetings/{meeting_id}"),
        ("p-mrs-a", "s", "intake", "/network-meetings/{meeting_id}"),
    ]
    assert trail[0][1]["purpose"] == "network_meeting"
    assert "summary" in trail[0][1]["fields_shown"]
    assert trail[1][1]["fields_redacted"] == ["next_steps", "summary"]


def test_an_issue_is_raised_on_a_recorded_meeting_with_if_match(app: Any) -> None:
    client, kit = app
    meeting = _meeting(client)
    url = f"/network-meetings/{meeting['meeting_id']}/issues"
    body = {"category": "isolation", "description": "団地の孤立世帯が増えている", "raised_on": "2014-05-01"}
    before = events(kit)
    for change, field in (
        ({"category": "weather"}, "category"),
        ({"raised_on": "2014-04-27"}, "raised_on"),  # before the meeting (2014-04-28)
        ({"raised_on": "2014-05-02"}, "raised_on"),  # after today (T0 is 2014-05-01 JST)
        ({"description": "   "}, "description"),
    ):
        refused = client.post(url, json={**body, **change}, headers=WORKER)
        assert refused.status_code == 422 and field_of(refused) == field, refused.json()
    assert client.post(url, json=body, headers=INTAKE).status_code == 403
    missing = client.post("/network-meetings/nope/issues", json=body, headers=WORKER)
    assert missing.status_code == 404 and missing.json()["field"] == "meeting_id"
    stale = client.post(url, json=body, headers={**WORKER, "If-Match": '"1"'})
    assert stale.status_code == 409
    assert events(kit) == before

    detail = client.get(f"/network-meetings/{meeting['meeting_id']}", headers=WORKER)
    version = detail.json()["version"]
    assert detail.headers["ETag"].strip('W/"') == str(version) == "3"
    made = client.post(url, json=body, headers={**WORKER, "If-Match": f'"{version}"'})
    assert made.status_code == 201, made.json()
    assert made.json()["version"] == version + 1
    again = client.post(url, json={**body, "expected_version": version}, headers=WORKER)
    assert again.status_code == 409  # the version moved
    shown = client.get(f"/network-meetings/{meeting['meeting_id']}", headers=INTAKE).json()
    assert shown["version"] == version + 1
    assert [(i["category"], i.get("raised_on")) for i in shown["issues"]] == [
        ("living_environment", None),
        ("shopping_mobility", None),
        ("isolation", "2014-05-01"),
    ]
    listed = client.get("/network-meetings", params={"month": "2014-04"}, headers=INTAKE).json()["items"]
    assert len(listed[0]["issues"]) == 3


def test_a_resource_is_edited_with_if_match_and_shows_its_history_and_roles(app: Any) -> None:
    client, kit = app
    hierarchy(client)
    cooking = client.post(
        "/resources", json={"district_id": "kamigo", "kind": "class", "name": "男の料理教室"}, headers=WORKER
    ).json()["resource_id"]
    concern = {"case_id": "p-t", "district_id": "kamigo", "reported_by": "friend", "concern": "閉じこもり"}
    client.post("/watch-concerns", json=concern, headers=WORKER)
    role = {"role": "講師", "resource_id": cooking, "started_on": "2014-05-01"}
    assert client.post("/cases/p-t/volunteer-roles", json=role, headers=WORKER).status_code == 201

    url = f"/resources/{cooking}"
    change = {"name": "男の料理教室", "address": "上郷会館 調理室", "contact": "046-000-0001", "serves": "男性高齢者"}
    before = events(kit)
    assert client.put(url, json=change, headers=INTAKE).status_code == 403
    blank = client.put(url, json={**change, "name": " "}, headers=WORKER)
    assert blank.status_code == 422 and field_of(blank) == "name"
    same = client.put(url, json={"name": "男の料理教室"}, headers=WORKER)
    assert same.status_code == 422 and same.json()["field"] == "name"
    assert client.put("/resources/nope", json=change, headers=WORKER).status_code == 404
    assert client.put(url, json=change, headers={**WORKER, "If-Match": '"7"'}).status_code == 409
    assert events(kit) == before

    etag = client.get(url, headers=WORKER).headers["ETag"]
    changed = client.put(url, json=change, headers={**WORKER, "If-Match": etag})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["version"] == 2
    assert client.put(url, json={**change, "serves": "誰でも"}, headers={**WORKER, "If-Match": etag}).status_code == 409
    shown = client.get(url, headers=INTAKE).json()
    assert (shown["address"], shown["contact"], shown["serves"], shown["version"]) == (
        "上郷会館 調理室",
        "046-000-0001",
        "男性高齢者",
        2,
    )
    listed = client.get("/resources", params={"district_id": "kamigo"}, headers=INTAKE).json()["items"]
    assert listed[0]["address"] == "上郷会館 調理室"

    history = client.get(f"{url}/history", headers=INTAKE).json()["items"]
    assert [(h["step"], h["by"], h["changed_fields"], h["version"]) for h in history] == [
        ("registered", "d-w1", [], 1),
        ("changed", "d-w1", ["address", "contact", "serves"], 2),
    ]
    assert client.get("/resources/nope/history", headers=INTAKE).status_code == 404

    mine = client.get(f"{url}/roles", headers=WORKER).json()["items"]
    assert [(r["case_id"], r["role"], r["activity"], r["started_on"]) for r in mine] == [
        ("p-t", "講師", "男の料理教室", "2014-05-01")
    ]
    theirs = client.get(f"{url}/roles", headers=INTAKE).json()["items"]
    assert (theirs[0]["case_id"], theirs[0]["redacted"]) == (None, ["case_id"])
    assert client.get("/resources/nope/roles", headers=INTAKE).status_code == 404


def test_the_director_reads_the_escalations_a_manager_reads(app: Any) -> None:
    client, kit = app
    hierarchy(client)
    assert client.post("/desk-consultations", json=DESK, headers=WORKER).status_code == 201
    kit.clock.set(T0 + timedelta(days=30))  # past the referral's 7-day deadline
    assert client.get("/referrals/escalations", headers=WORKER).status_code == 403
    expired = client.post("/referrals/expire-overdue", headers=MANAGER)
    assert expired.status_code == 200
    as_manager = client.get("/referrals/escalations", headers=MANAGER).json()
    as_director = client.get("/referrals/escalations", headers=DIRECTOR)
    assert as_director.status_code == 200, as_director.json()
    assert as_director.json()["items"] == as_manager["items"]
    assert as_director.json()["total"] == as_manager["total"]
    assert client.get("/schedule/escalations", headers=DIRECTOR).status_code == 200
    assert client.post("/referrals/expire-overdue", headers=DIRECTOR).status_code == 403


@pytest.mark.postgres
@pytest.mark.parametrize(
    "scenario",
    [
        test_reading_a_meeting_leaves_the_access_trail_of_each_case_shown,
        test_an_issue_is_raised_on_a_recorded_meeting_with_if_match,
        test_a_resource_is_edited_with_if_match_and_shows_its_history_and_roles,
        test_the_director_reads_the_escalations_a_manager_reads,
    ],
    ids=["trail", "issue", "resource", "director"],
)
def test_the_same_on_postgresql(scenario: Any, on_postgresql: Any) -> None:
    on_postgresql(scenario)
