"""Monthly activity records (地区活動記録) through HTTP on SQLite and PostgreSQL (kit built without Kafka).

The author writes and submits; the 地域福祉課長 (manager) and then the 局長 (director) approve, comment
or return; a returned record goes back to its author, who sees the remarks and resubmits. 4xx name
the field, If-Match/ETag guard every change (a stale one is 409), nothing half-written; the approver's
queue and the staff meeting's month (職員会議).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from services.districts.bootstrap import build
from services.districts.config import Settings
from shared.auth import mint_token
from shared.eventstore import events_table
from shared.settings import DEV_JWT_SECRET

T0 = datetime(2014, 5, 1, 1, 0, tzinfo=UTC)


def auth(department: str, role: str = "worker", staff_id: str = "s") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, staff_id, department, role)}"}


WORKER = auth("districts", "worker", "d-w1")
OTHER_WORKER = auth("districts", "worker", "d-w2")
MANAGER = auth("districts", "manager", "d-m1")
DIRECTOR = auth("districts", "director", "d-d1")
INTAKE_MANAGER = auth("intake", "manager", "i-m1")

ENTRY = {
    "on": "2014-04-12",
    "district_id": "yamato-3chome",
    "purpose": "地区社協定例会で見守りの課題を共有する",
    "done": "見守り対象の増加を報告し、サロンの担い手について相談した",
    "impressions": "男性の参加が少ない",
}


def events(kit: Any) -> int:
    with kit.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events_table)).scalar_one())


def etag(reply: Any) -> dict[str, str]:
    return {"If-Match": reply.headers["ETag"]}


def test_a_record_is_returned_resubmitted_and_approved_by_the_manager_then_the_director(app):
    client, kit = app
    made = client.post("/activity-records", json={"month": "2014-04", "entries": [ENTRY]}, headers=WORKER)
    assert made.status_code == 201, made.json()
    rid = made.json()["record_id"]
    assert (made.json()["status"], made.headers["ETag"]) == ("draft", '"1"')
    again = client.post("/activity-records", json={"month": "2014-04", "entries": []}, headers=WORKER)
    assert again.status_code == 409 and again.json()["field"] == "month"

    url = f"/activity-records/{rid}"
    submitted = client.post(f"{url}/submit", json={}, headers={**WORKER, **etag(made)})
    assert submitted.json()["status"] == "submitted"
    assert client.put(url, json={"entries": [ENTRY]}, headers=WORKER).status_code == 409  # not while submitted

    assert client.post(f"{url}/approve", json={}, headers=DIRECTOR).status_code == 409  # the 課長 first
    [waiting] = client.get("/activity-records/queue", headers=MANAGER).json()["items"]
    assert (waiting["record_id"], waiting["waiting_for"]) == (rid, "manager")
    assert client.get("/activity-records/queue", headers=DIRECTOR).json()["items"] == []
    comment = client.post(f"{url}/comment", json={"comment": "男性向け講座の案は良い"}, headers=MANAGER)
    assert comment.status_code == 200
    returned = client.post(
        f"{url}/return",
        json={"reason": "所感を具体的に", "expected_version": comment.json()["version"]},
        headers=MANAGER,
    )
    assert returned.json()["status"] == "returned"

    [mine] = client.get("/activity-records/mine", headers=WORKER).json()["items"]
    assert mine["status"] == "returned"
    assert [(r["kind"], r["step"], r["text"]) for r in mine["remarks"]] == [
        ("comment", "manager", "男性向け講座の案は良い"),
        ("returned", "manager", "所感を具体的に"),
    ]
    revision = {"entries": [{**ENTRY, "impressions": "男性の参加を増やすため料理教室を提案する"}]}
    stale = client.put(url, json=revision, headers={**WORKER, "If-Match": '"2"'})
    assert stale.status_code == 409
    revised = client.put(url, json=revision, headers={**WORKER, **etag(returned)})
    assert revised.status_code == 200, revised.json()
    assert client.post(f"{url}/submit", json={}, headers=WORKER).json()["status"] == "submitted"

    first = client.post(f"{url}/approve", json={"comment": "確認しました"}, headers=MANAGER)
    assert first.json()["status"] == "manager_approved"
    [queued] = client.get("/activity-records/queue", headers=DIRECTOR).json()["items"]
    assert queued["waiting_for"] == "director"
    done = client.post(f"{url}/approve", json={}, headers={**DIRECTOR, **etag(first)})
    assert done.json()["status"] == "approved"

    record = client.get(url, headers=OTHER_WORKER)
    assert record.headers["ETag"] == f'"{done.json()["version"]}"'
    body = record.json()
    assert (body["status"], body["manager_approved_by"], body["director_approved_by"]) == ("approved", "d-m1", "d-d1")
    assert body["entries"][0]["impressions"] == "男性の参加を増やすため料理教室を提案する"
    assert body["submissions"] == 2

    meeting = client.get("/activity-records", params={"month": "2014-04"}, headers=OTHER_WORKER).json()
    assert meeting["counts"]["approved"] == 1 and meeting["total"] == 1
    assert meeting["items"][0]["record_id"] == rid
    assert events(kit) == 8  # written, submitted, commented, returned, revised, resubmitted, approved twice


def test_refusals_name_the_field_and_write_nothing(app):
    client, kit = app
    assert (
        client.post("/activity-records", json={"month": "2014-04", "entries": []}, headers=INTAKE_MANAGER).status_code
        == 403
    )
    assert (
        client.post("/activity-records", json={"month": "2014-04", "entries": []}, headers=DIRECTOR).status_code == 403
    )
    bad_month = client.post("/activity-records", json={"month": "2014-4", "entries": []}, headers=WORKER)
    assert bad_month.status_code == 422 and bad_month.json()["details"][0]["field"] == "month"
    no_purpose = client.post(
        "/activity-records", json={"month": "2014-04", "entries": [{**ENTRY, "purpose": ""}]}, headers=WORKER
    )
    assert no_purpose.status_code == 422 and no_purpose.json()["details"][0]["field"] == "entries.0.purpose"
    other_month = client.post(
        "/activity-records", json={"month": "2014-04", "entries": [{**ENTRY, "on": "2014-03-31"}]}, headers=WORKER
    )
    assert other_month.status_code == 422 and other_month.json()["field"] == "entries.0.on"
    assert events(kit) == 0

    rid = client.post("/activity-records", json={"month": "2014-04", "entries": []}, headers=MANAGER).json()[
        "record_id"
    ]
    url = f"/activity-records/{rid}"
    empty = client.post(f"{url}/submit", json={}, headers=MANAGER)
    assert empty.status_code == 422 and empty.json()["field"] == "entries"
    assert client.put(url, json={"entries": [ENTRY]}, headers=WORKER).status_code == 403  # not the author
    client.put(url, json={"entries": [ENTRY]}, headers=MANAGER)
    client.post(f"{url}/submit", json={}, headers=MANAGER)
    own = client.post(f"{url}/approve", json={}, headers=MANAGER)
    assert own.status_code == 403 and own.json()["field"] == "record_id"
    assert client.post(f"{url}/approve", json={}, headers=WORKER).status_code == 403
    no_reason = client.post(f"{url}/return", json={"reason": ""}, headers=auth("districts", "manager", "d-m2"))
    assert no_reason.status_code == 422 and no_reason.json()["details"][0]["field"] == "reason"
    assert client.post("/activity-records/nope/submit", json={}, headers=WORKER).status_code == 404
    assert client.get("/activity-records", params={"month": "2014-13"}, headers=WORKER).status_code == 422
    assert client.get("/activity-records", params={"month": "2014-04"}, headers=INTAKE_MANAGER).status_code == 403
    assert client.get("/activity-records/queue", headers=WORKER).status_code == 403


@pytest.mark.postgres
@pytest.mark.parametrize(
    "scenario",
    [
        test_a_record_is_returned_resubmitted_and_approved_by_the_manager_then_the_director,
        test_refusals_name_the_field_and_write_nothing,
    ],
    ids=["approval", "refusals"],
)
def test_the_same_on_postgresql(scenario: Any, on_postgresql: Any) -> None:
    on_postgresql(scenario)


def test_the_demo_fills_an_approved_and_a_returned_record_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``make run``'s activity records (deploy/demo/districts_stories.py), played twice on the app."""
    from types import SimpleNamespace

    from deploy.demo import districts_stories
    from deploy.demo import kit as demo_kit

    built, kit = build(Settings(var_dir=tmp_path), kafka=False)
    client = TestClient(built)
    try:
        monkeypatch.setattr(
            demo_kit,
            "httpx",
            SimpleNamespace(
                Client=lambda base_url, headers, timeout: TestClient(client.app, base_url=base_url, headers=headers)
            ),
        )
        urls = {"districts": "http://districts"}

        def token(department: str, role: str = "worker") -> str:
            return mint_token(DEV_JWT_SECRET, f"{department}-{role}", department, role)

        first = districts_stories.activity_records(urls, token)
        assert set(first) == {"approved", "returned"}
        assert districts_stories.activity_records(urls, token) == first
        mine = {
            r["status"]: r
            for r in client.get(
                "/activity-records/mine", headers=auth("districts", "worker", "districts-worker")
            ).json()["items"]
        }
        assert mine["approved"]["director_approved_by"] == "districts-director"
        assert [r["kind"] for r in mine["returned"]["remarks"]] == ["comment", "returned"]
    finally:
        kit.close()
