"""Conferences over HTTP on the kit's edge (SQLite, no Kafka): a conference is a versioned resource,
so every read and write of one carries its version as the ETag, and a write on a stale If-Match
is refused with 409 and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.conferences.bootstrap import build
from services.conferences.config import Settings
from shared.auth import mint_token
from shared.clock import FixedClock
from shared.service import ServiceKit
from shared.settings import DEV_JWT_SECRET

T0 = datetime(2015, 6, 1, 1, 0, tzinfo=UTC)
AGENCY = {"name": "包括 職員", "organisation": "地域包括支援センター", "kind": "agency"}
HELD = {
    "held_at": T0.isoformat(),
    "participants": [AGENCY],
    "basis": {"kind": "consent", "reference": "consent-1"},
    "action_items": [{"description": "サロンを勧める", "assignee_kind": "department", "assignee": "districts"}],
}


def auth(department: str = "conferences", if_match: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 'x', department, 'worker')}"}
    if if_match is not None:
        headers["If-Match"] = if_match
    return headers


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[TestClient, ServiceKit]]:
    app, kit = build(Settings(var_dir=tmp_path), kafka=False, clock=FixedClock(T0))
    yield TestClient(app), kit
    kit.close()


def scheduled(client: TestClient) -> str:
    body = {"kind": "case_conference", "case_id": "p-t", "purpose": "見守りの役割分担", "scheduled_for": T0.isoformat()}
    created = client.post("/conferences", json=body, headers=auth())
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    return str(created.json()["conference_id"])


def etag(response: Any) -> str:
    assert response.status_code in (200, 201), response.json()
    return str(response.headers["ETag"])


def test_every_read_and_write_of_a_conference_carries_its_version_as_the_etag(service: Any) -> None:
    client, _ = service
    cid = scheduled(client)
    assert etag(client.get(f"/conferences/{cid}", headers=auth("intake"))) == '"1"'

    held = client.post(f"/conferences/{cid}/held", json=HELD, headers=auth(if_match='"1"'))
    assert etag(held) == '"3"'  # held, and its one action item assigned
    [action_id] = held.json()["action_ids"]
    item = {"description": "経過を共有する", "assignee_kind": "agency", "assignee": "community_support_centre"}
    assert etag(client.post(f"/conferences/{cid}/action-items", json=item, headers=auth(if_match='W/"3"'))) == '"4"'
    done = client.post(
        f"/conferences/{cid}/action-items/{action_id}/complete", json={}, headers=auth("districts", if_match='"4"')
    )
    assert etag(done) == '"5"'
    review = {"due_on": "2015-07-01", "purpose": "経過"}
    assert etag(client.post(f"/conferences/{cid}/reviews", json=review, headers=auth(if_match='"5"'))) == '"6"'
    assert etag(client.get(f"/conferences/{cid}", headers=auth())) == '"6"'


def test_a_write_on_a_stale_if_match_is_a_conflict_and_writes_nothing(service: Any) -> None:
    client, _ = service
    cid = scheduled(client)

    stale = client.post(f"/conferences/{cid}/held", json=HELD, headers=auth(if_match='"0"'))

    assert stale.status_code == 409 and stale.json()["field"] == "expected_version"
    after = client.get(f"/conferences/{cid}", headers=auth())
    assert after.headers["ETag"] == '"1"' and after.json()["status"] == "scheduled"
    [row] = client.get("/conferences", params={"case_id": "p-t"}, headers=auth()).json()["items"]
    assert (row["status"], row["version"]) == ("scheduled", 1)
    assert client.get("/action-items", params={"case_id": "p-t"}, headers=auth()).json()["items"] == []


def test_a_stale_expected_version_in_the_body_is_a_conflict_too_and_if_match_must_agree_with_it(service: Any) -> None:
    client, _ = service
    cid = scheduled(client)

    stale = client.post(f"/conferences/{cid}/held", json={**HELD, "expected_version": 0}, headers=auth())
    assert stale.status_code == 409

    disagree = client.post(
        f"/conferences/{cid}/held", json={**HELD, "expected_version": 1}, headers=auth(if_match='"2"')
    )
    assert disagree.status_code == 422 and disagree.json()["field"] == "expected_version"
    assert client.get(f"/conferences/{cid}", headers=auth()).json()["version"] == 1


def test_an_if_match_that_is_no_version_is_refused_with_what_to_send(service: Any) -> None:
    client, _ = service
    cid = scheduled(client)
    garbled = client.post(f"/conferences/{cid}/held", json=HELD, headers=auth(if_match="latest"))
    assert garbled.status_code == 422 and garbled.json()["field"] == "If-Match" and "ETag" in garbled.json()["message"]


def test_the_action_item_list_says_what_is_to_be_done_only_to_those_who_read_the_conferences_details(
    service: Any,
) -> None:
    client, _ = service
    on_consent = scheduled(client)
    assert client.post(f"/conferences/{on_consent}/held", json=HELD, headers=auth()).status_code == 200
    internal = scheduled(client)
    staff_only = {
        "held_at": T0.isoformat(),
        "participants": [{"name": "会議担当", "organisation": "市社協", "kind": "staff"}],
        "action_items": [{"description": "病歴を確認する", "assignee_kind": "department", "assignee": "districts"}],
    }
    assert client.post(f"/conferences/{internal}/held", json=staff_only, headers=auth()).status_code == 200

    def listed(department: str) -> dict[str, dict[str, Any]]:
        answer = client.get("/action-items", params={"assignee": "districts"}, headers=auth(department))
        assert answer.status_code == 200, answer.json()
        return {item["conference_id"]: item for item in answer.json()["items"]}

    # The assigned department reads its work where the meeting had a basis; not where it had none.
    districts = listed("districts")
    assert districts[on_consent]["description"] == "サロンを勧める"
    assert districts[on_consent]["redacted"] == []
    assert districts[internal]["description"] is None
    assert districts[internal]["redacted"] == ["description", "note"]
    # A department with no part in either meeting reads neither; conferences reads both.
    loans = listed("loans")
    assert [loans[c]["description"] for c in (on_consent, internal)] == [None, None]
    assert loans[on_consent]["redacted"] == ["description", "note"]
    conferences = listed("conferences")
    assert [conferences[c]["description"] for c in (on_consent, internal)] == ["サロンを勧める", "病歴を確認する"]


def test_what_a_review_is_for_is_read_only_by_those_who_read_the_conferences_details(service: Any) -> None:
    """経過確認の目的 is about the person (e.g. 判断能力の確認): a contract-marked personal field."""
    client, _ = service
    on_consent = scheduled(client)
    assert client.post(f"/conferences/{on_consent}/held", json=HELD, headers=auth()).status_code == 200
    review = {"due_on": "2015-07-01", "purpose": "判断能力の確認"}
    assert client.post(f"/conferences/{on_consent}/reviews", json=review, headers=auth()).status_code == 201

    def due(department: str) -> dict[str, Any]:
        answer = client.get("/reviews", params={"until": "2015-12-31"}, headers=auth(department))
        assert answer.status_code == 200, answer.json()
        [row] = answer.json()["items"]
        return dict(row)

    assert due("conferences")["purpose"] == "判断能力の確認" and due("conferences")["redacted"] == []
    # districts took work at the meeting, held on consent: it reads the meeting and what the review is for.
    assert due("districts")["purpose"] == "判断能力の確認"
    loans = due("loans")
    assert (loans["due_on"], loans["purpose"], loans["redacted"]) == ("2015-07-01", None, ["purpose"])
    detail = client.get(f"/conferences/{on_consent}", headers=auth("loans")).json()
    assert detail["reviews"][0]["purpose"] is None and "reviews.purpose" in detail["redacted"]
    assert "判断能力" not in client.get(f"/conferences/{on_consent}", headers=auth("loans")).text
    assert client.get(f"/conferences/{on_consent}", headers=auth()).json()["reviews"][0]["purpose"] == "判断能力の確認"
