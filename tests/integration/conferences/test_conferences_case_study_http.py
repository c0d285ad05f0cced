"""Case-study meetings (事例検討会), secrecy undertakings (守秘義務) and action items that become
referrals, over HTTP on the kit's edge (SQLite, no Kafka): outcomes, refusals naming the field, and
the side that suffers (an outside participant without an undertaking, another department's token)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.conferences.bootstrap import build
from services.conferences.config import Settings
from services.conferences.domain.conference import action_item_referral_id
from shared.auth import mint_token
from shared.clock import FixedClock
from shared.service import ServiceKit
from shared.settings import DEV_JWT_SECRET

T0 = datetime(2015, 6, 10, 1, 0, tzinfo=UTC)
LAWYER = {"name": "弁護士 A", "organisation": "アドバイザリースタッフ（法律）", "kind": "expert"}
GUARDIAN = {"name": "社会福祉士 B", "organisation": "アドバイザリースタッフ（後見）", "kind": "expert"}
CENTRE = {"name": "センター長", "organisation": "地域包括支援センター", "kind": "agency"}


def auth(department: str = "conferences", if_match: str | None = None, role: str = "worker") -> dict[str, str]:
    headers = {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, f'{department}-1', department, role)}"}
    if if_match is not None:
        headers["If-Match"] = if_match
    return headers


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[TestClient, ServiceKit]]:
    app, kit = build(Settings(var_dir=tmp_path), kafka=False, clock=FixedClock(T0))
    yield TestClient(app), kit
    kit.close()


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.json()
    return dict(response.json())


def schedule(client: TestClient, kind: str = "case_study", case_id: str | None = None) -> str:
    body: dict[str, Any] = {"kind": kind, "purpose": "定例の事例検討会", "scheduled_for": T0.isoformat()}
    if case_id is not None:
        body["case_id"] = case_id
    return str(ok(client.post("/conferences", json=body, headers=auth()), 201)["conference_id"])


def pledge(client: TestClient, cid: str, who: dict[str, str]) -> dict[str, Any]:
    body = {
        "participant_name": who["name"],
        "organisation": who["organisation"],
        "participant_kind": who["kind"],
        "undertaken_on": "2015-06-01",
        "reference": "誓約書 2015-07",
    }
    return ok(client.post(f"/conferences/{cid}/undertakings", json=body, headers=auth()), 201)


def test_a_case_study_open_to_all_staff_records_advice_per_case_of_an_expert_who_undertook_secrecy(service):
    client, _ = service
    cid = schedule(client)
    assert ok(client.get(f"/conferences/{cid}", headers=auth()))["case_id"] == f"study-{cid}"
    pledge(client, cid, LAWYER)
    case = {"summary": "貸付相談。貸せる・貸せないの判断以外を聞き取らなかった", "discussed_case_id": "h-9"}
    presented = ok(client.post(f"/conferences/{cid}/study-cases", json=case, headers=auth("loans")), 201)
    study_case_id = presented["study_case_id"]
    no_service = {"summary": "制度につながらなかった相談（匿名）"}
    ok(client.post(f"/conferences/{cid}/study-cases", json=no_service, headers=auth("intake")), 201)
    held = {"held_at": T0.isoformat(), "participants": [LAWYER, GUARDIAN], "decisions": ["時間軸で課題を整理する"]}
    ok(client.post(f"/conferences/{cid}/held", json=held, headers=auth()))
    advice = {"adviser_name": LAWYER["name"], "expertise": "law", "advice": "法テラスの利用を検討する"}
    reply = client.post(f"/conferences/{cid}/study-cases/{study_case_id}/advice", json=advice, headers=auth())
    assert ok(reply, 201)["study_case_id"] == study_case_id and reply.headers["ETag"] == f'"{reply.json()["version"]}"'

    as_districts = ok(client.get(f"/conferences/{cid}", headers=auth("districts")))
    first, second = as_districts["study_cases"]
    assert first["summary"].startswith("貸付相談") and second["reached_service"] is False
    assert first["advice"][0]["advice"] == "法テラスの利用を検討する" and first["advice"][0]["expertise"] == "law"
    assert first["discussed_case_id"] is None  # the linked case only to its presenters and the meeting's readers
    assert ok(client.get(f"/conferences/{cid}", headers=auth("loans")))["study_cases"][0]["discussed_case_id"] == "h-9"
    [undertaking] = as_districts["undertakings"]
    assert (undertaking["participant_name"], undertaking["undertaken_on"], undertaking["recorded_by"]) == (
        LAWYER["name"],
        "2015-06-01",
        "conferences-1",
    )


def test_advice_in_the_name_of_an_expert_without_an_undertaking_is_refused_and_nothing_is_written(service):
    client, _ = service
    cid = schedule(client)
    sid = ok(client.post(f"/conferences/{cid}/study-cases", json={"summary": "x"}, headers=auth("loans")), 201)
    held = {"held_at": T0.isoformat(), "participants": [LAWYER, GUARDIAN]}
    version = ok(client.post(f"/conferences/{cid}/held", json=held, headers=auth()))["version"]
    advice = {"adviser_name": GUARDIAN["name"], "expertise": "guardianship", "advice": "法人後見を検討する"}
    url = f"/conferences/{cid}/study-cases/{sid['study_case_id']}/advice"

    refused = client.post(url, json=advice, headers=auth())
    assert refused.status_code == 422 and refused.json()["field"] == "adviser_name"
    assert "守秘義務" in refused.json()["message"]
    assert ok(client.get(f"/conferences/{cid}", headers=auth()))["version"] == version
    assert client.post(url, json=advice, headers=auth("districts")).status_code == 403  # conferences records advice
    bad = client.post(url, json={**advice, "expertise": "astrology"}, headers=auth())
    assert bad.status_code == 422 and "expertise" in str(bad.json())


def test_an_undertaking_is_conferences_work_and_a_refusal_names_the_field(service):
    client, _ = service
    cid = schedule(client, "case_conference", "p-1")
    body = {
        "participant_name": "x",
        "organisation": "市社協",
        "participant_kind": "staff",
        "undertaken_on": "2015-06-01",
    }
    staff = client.post(f"/conferences/{cid}/undertakings", json=body, headers=auth())
    assert staff.status_code == 422 and staff.json()["field"] == "participant_kind"
    expert = {**body, "participant_kind": "expert"}
    assert client.post(f"/conferences/{cid}/undertakings", json=expert, headers=auth("intake")).status_code == 403
    missing = client.post(f"/conferences/{cid}/undertakings", json={"participant_name": "x"}, headers=auth())
    assert missing.status_code == 422 and "organisation" in str(missing.json())
    stale = client.post(f"/conferences/{cid}/undertakings", json=expert, headers=auth(if_match='"7"'))
    assert stale.status_code == 409 and stale.json()["field"] == "expected_version"
    assert (
        ok(client.post(f"/conferences/{cid}/undertakings", json=expert, headers=auth(if_match='"1"')), 201)["version"]
        == 2
    )
    again = client.post(f"/conferences/{cid}/undertakings", json=expert, headers=auth())
    assert again.status_code == 409


def test_a_case_conference_takes_no_presented_cases(service):
    client, _ = service
    cid = schedule(client, "case_conference", "p-1")
    refused = client.post(f"/conferences/{cid}/study-cases", json={"summary": "x"}, headers=auth("loans"))
    assert refused.status_code == 409 and "case_study" in refused.json()["message"]
    no_case = client.post(
        "/conferences",
        json={"kind": "case_conference", "purpose": "x", "scheduled_for": T0.isoformat()},
        headers=auth(),
    )
    assert no_case.status_code == 422 and no_case.json()["field"] == "case_id"


def test_the_minutes_withhold_the_details_from_an_outside_participant_until_their_undertaking(service):
    client, _ = service
    cid = schedule(client, "case_conference", "p-1")
    held = {
        "held_at": T0.isoformat(),
        "participants": [
            CENTRE,
            {"name": "地区担当", "organisation": "市社協", "kind": "staff", "department": "districts"},
        ],
        "basis": {"kind": "statutory", "reference": "生活困窮者自立支援法 支援会議"},
        "summary": "ネズミ発生家屋",
        "decisions": ["本人の同意なしに介入しない"],
        "action_items": [
            {"description": "関わりのきっかけを探る", "assignee_kind": "agency", "assignee": "community_support_centre"}
        ],
    }
    ok(client.post(f"/conferences/{cid}/held", json=held, headers=auth()))
    query = {"participant_name": CENTRE["name"], "organisation": CENTRE["organisation"]}

    withheld = ok(client.get(f"/conferences/{cid}/minutes", params=query, headers=auth()))
    assert withheld["details_shown"] is False and withheld["undertaking_recorded"] is False
    assert withheld["summary"] is None and withheld["decisions"] == [] and withheld["case_id"] is None
    assert withheld["action_items"][0]["description"] is None and "summary" in withheld["redacted"]
    assert "守秘義務" in withheld["withheld_because"]
    staff = ok(
        client.get(
            f"/conferences/{cid}/minutes",
            params={"participant_name": "地区担当", "organisation": "市社協"},
            headers=auth(),
        )
    )
    assert staff["details_shown"] is True and staff["decisions"] == ["本人の同意なしに介入しない"]

    pledge(client, cid, CENTRE)
    shown = ok(client.get(f"/conferences/{cid}/minutes", params=query, headers=auth()))
    assert shown["details_shown"] is True and shown["summary"] == "ネズミ発生家屋" and shown["redacted"] == []
    assert shown["case_id"] is None  # the council's case id never leaves it
    assert client.get(f"/conferences/{cid}/minutes", params=query, headers=auth("districts")).status_code == 403
    stranger = client.get(f"/conferences/{cid}/minutes", params={**query, "participant_name": "誰か"}, headers=auth())
    assert stranger.status_code == 422 and stranger.json()["field"] == "participant_name"


def test_on_no_basis_the_minutes_show_no_details_even_to_one_who_undertook(service):
    client, _ = service
    cid = schedule(client, "internal_meeting", "p-2")
    staff_only = {"held_at": T0.isoformat(), "participants": [{"name": "s", "organisation": "市社協", "kind": "staff"}]}
    ok(client.post(f"/conferences/{cid}/held", json=staff_only, headers=auth()))
    minutes = ok(
        client.get(
            f"/conferences/{cid}/minutes", params={"participant_name": "s", "organisation": "市社協"}, headers=auth()
        )
    )
    assert minutes["details_shown"] is True  # council staff


def test_an_action_item_for_a_department_is_a_referral_in_the_outbox_and_done_here_withdraws_it(service):
    client, _ = service
    cid = schedule(client, "case_conference", "p-3")
    held = {
        "held_at": T0.isoformat(),
        "participants": [CENTRE],
        "basis": {"kind": "consent", "reference": "consent-3"},
        "action_items": [
            {
                "description": "サロンを勧める",
                "assignee_kind": "department",
                "assignee": "districts",
                "due_on": "2015-06-30",
            }
        ],
    }
    [action_id] = ok(client.post(f"/conferences/{cid}/held", json=held, headers=auth()))["action_ids"]
    referral_id = action_item_referral_id(action_id)

    [sent] = ok(client.get("/referrals/outbox", headers=auth()))["items"]
    assert (sent["referral_id"], sent["target"], sent["reason_category"]) == (
        referral_id,
        "districts",
        "conference_action_item",
    )
    [item] = ok(client.get(f"/conferences/{cid}", headers=auth()))["action_items"]
    assert (item["referral_id"], item["referral_status"]) == (referral_id, "made")

    ok(
        client.post(
            f"/conferences/{cid}/action-items/{action_id}/complete", json={"note": "会議側で完了"}, headers=auth()
        )
    )
    [item] = ok(client.get(f"/conferences/{cid}", headers=auth()))["action_items"]
    assert item["done"] is True and item["referral_status"] == "cancelled"


def test_an_action_item_for_an_unknown_department_is_refused_naming_the_field_and_writes_nothing(service):
    client, _ = service
    cid = schedule(client, "case_conference", "p-4")
    held = {
        "held_at": T0.isoformat(),
        "participants": [{"name": "s", "organisation": "市社協", "kind": "staff"}],
        "action_items": [{"description": "x", "assignee_kind": "department", "assignee": "accounting"}],
    }
    refused = client.post(f"/conferences/{cid}/held", json=held, headers=auth())
    assert refused.status_code == 422 and refused.json()["field"] == "action_items[0].assignee"
    assert ok(client.get(f"/conferences/{cid}", headers=auth()))["status"] == "scheduled"
    assert ok(client.get("/referrals/outbox", headers=auth()))["items"] == []
