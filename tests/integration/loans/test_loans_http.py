"""The loans service through its HTTP edge and handlers: SQLite, no Kafka, a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.loans.bootstrap import build
from services.loans.config import Settings
from shared.auth import mint_token
from shared.clock import FixedClock
from shared.eventstore import events_table
from shared.service import ServiceKit
from shared.settings import DEV_JWT_SECRET
from tests.unit.loans.registered import register_household, register_person

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def auth(department: str = "loans", role: str = "worker") -> dict[str, str]:
    token = mint_token(DEV_JWT_SECRET, f"{department}-{role}", department, role, now=datetime.now(UTC))
    return {"Authorization": f"Bearer {token}"}


WORKER, MANAGER = auth(), auth(role="manager")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def service(tmp_path: Path, clock: FixedClock) -> Iterator[tuple[TestClient, ServiceKit]]:
    app, kit = build(Settings(var_dir=tmp_path, log_json=False), kafka=False, clock=clock)
    # The households the tests name, as a desk registered them before (a reference to nothing is refused).
    register_person(kit.uow, "p-1")
    for household in ("hh-1", "hh-2", "hh-lost", "hh-helped"):
        register_household(kit.uow, household, *(["p-1"] if household == "hh-1" else []))
    with TestClient(app) as client:
        yield client, kit


@pytest.fixture
def client(service: tuple[TestClient, ServiceKit]) -> TestClient:
    return service[0]


def stored_events(kit: ServiceKit) -> list[dict[str, Any]]:
    with kit.engine.connect() as conn:
        rows = conn.execute(select(events_table).order_by(events_table.c.position)).mappings().all()
        conn.rollback()
    return [dict(r) for r in rows]


def open_consultation(client: TestClient, **overrides: Any) -> dict[str, Any]:
    body = {
        "household_id": "hh-1",
        "person_id": "p-1",
        "fund_type": "moving_and_utilities",
        "kind": "new_until_decision",
        "channel": "interview",
        "counterpart": "self",
        "initial": True,
        "issues": ["employment", "housing"],
        "summary": "離職中、知人宅に居住。",
        **overrides,
    }
    r = client.post("/consultations", json=body, headers=WORKER)
    assert r.status_code == 201, r.text
    return dict(r.json())


def loan(client: TestClient, household: str = "hh-1", amount: int = 100_000, count: int = 4) -> dict[str, Any]:
    """An application taken through review, approval and disbursement: status repaying."""
    r = client.post(
        "/applications",
        json={
            "household_id": household,
            "person_id": "p-1",
            "fund_type": "emergency_small",
            "requested_amount": amount,
        },
        headers=WORKER,
    )
    assert r.status_code == 201, r.text
    aid = r.json()["application_id"]
    assert client.post(f"/applications/{aid}/review", json={"expected_version": 1}, headers=WORKER).status_code == 200
    r = client.post(
        f"/applications/{aid}/approve",
        json={"amount": amount, "instalment_count": count, "first_due_date": "2026-05-31", "expected_version": 2},
        headers=MANAGER,
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"/applications/{aid}/disbursement", json={"amount": amount, "disbursed_on": "2026-04-01"}, headers=WORKER
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


# --- consultations -------------------------------------------------------------------------------


def test_contacts_count_every_contact_and_initial_consultations_once(client: TestClient) -> None:
    first = open_consultation(client)
    cid = first["consultation_id"]
    assert first["version"] == 1 and first["status"] == "open" and first["contact_count"] == 1
    r = client.post(
        f"/consultations/{cid}/contacts",
        json={"channel": "phone", "counterpart": "self", "expected_version": 1},
        headers=WORKER,
    )
    assert r.status_code == 200, r.text
    open_consultation(client, household_id="hh-2", initial=False, fund_type="emergency_small")

    page = client.get("/consultations", headers=WORKER).json()
    assert page["total"] == 2
    assert page["counts"]["contacts"] == 3  # 延件数
    assert page["counts"]["initial"] == 1  # 実数
    assert page["counts"]["by_fund_type"]["moving_and_utilities"] == {"contacts": 2, "initial": 1}

    only = client.get("/consultations", params={"fund_type": "emergency_small"}, headers=WORKER).json()
    assert [i["household_id"] for i in only["items"]] == ["hh-2"]
    later = client.get("/consultations", params={"from": "2026-04-02"}, headers=WORKER).json()
    assert later["total"] == 0 and later["counts"]["contacts"] == 0
    same_day = client.get("/consultations", params={"from": "2026-04-01", "to": "2026-04-01"}, headers=WORKER).json()
    assert same_day["total"] == 2


def test_issues_and_several_responses_are_recorded_on_the_consultation(client: TestClient) -> None:
    cid = open_consultation(client)["consultation_id"]
    r = client.post(f"/consultations/{cid}/issues", json={"issues": ["debt_arrears", "housing"]}, headers=WORKER)
    assert r.json()["issues"] == ["employment", "housing", "debt_arrears"]
    for response in ("housing_benefit", "public_assistance"):
        assert (
            client.post(f"/consultations/{cid}/responses", json={"response": response}, headers=WORKER).status_code
            == 200
        )
    row = client.get(f"/consultations/{cid}", headers=WORKER).json()
    assert row["responses"] == ["housing_benefit", "public_assistance"]
    assert row["version"] == 4


def test_stale_expected_version_is_refused_with_409_and_nothing_is_written(
    service: tuple[TestClient, ServiceKit],
) -> None:
    client, kit = service
    cid = open_consultation(client)["consultation_id"]
    before = len(stored_events(kit))
    r = client.post(
        f"/consultations/{cid}/responses", json={"response": "other", "expected_version": 7}, headers=WORKER
    )
    assert r.status_code == 409
    assert r.json()["field"] == "expected_version"
    assert "reload" in r.json()["message"]
    assert len(stored_events(kit)) == before
    assert client.get(f"/consultations/{cid}", headers=WORKER).json()["version"] == 1


def test_unknown_codes_are_refused_with_422_naming_the_field(client: TestClient) -> None:
    r = client.post(
        "/consultations",
        json={
            "household_id": "hh-1",
            "fund_type": "lottery",
            "kind": "new_until_decision",
            "channel": "phone",
            "counterpart": "self",
            "initial": True,
        },
        headers=WORKER,
    )
    assert r.status_code == 422
    assert r.json()["field"] == "fund_type" and "emergency_small" in r.json()["message"]
    r = client.post("/consultations", json={"household_id": "hh-1"}, headers=WORKER)
    assert r.status_code == 422 and r.json()["error"] == "invalid"


def test_closed_consultation_refuses_more_records_with_409(client: TestClient) -> None:
    cid = open_consultation(client)["consultation_id"]
    client.post(f"/consultations/{cid}/responses", json={"response": "housing_benefit"}, headers=WORKER)
    r = client.post(f"/consultations/{cid}/close", json={"outcome": "solved_by_other_means"}, headers=WORKER)
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["reached_service"] is True
    r = client.post(f"/consultations/{cid}/responses", json={"response": "other"}, headers=WORKER)
    assert r.status_code == 409 and r.json()["error"] == "illegal_transition"


def test_consultation_closed_without_any_response_is_on_the_follow_up_list(client: TestClient) -> None:
    lost = open_consultation(client, household_id="hh-lost")["consultation_id"]
    client.post(f"/consultations/{lost}/close", json={"outcome": "lost_contact"}, headers=WORKER)
    helped = open_consultation(client, household_id="hh-helped")["consultation_id"]
    client.post(f"/consultations/{helped}/responses", json={"response": "budget_consultation"}, headers=WORKER)
    client.post(f"/consultations/{helped}/close", json={"outcome": "solved_by_other_means"}, headers=WORKER)

    follow = client.get("/follow-ups", headers=WORKER).json()
    assert [i["consultation_id"] for i in follow["items"]] == [lost]
    assert follow["items"][0]["outcome"] == "lost_contact"


def test_only_loans_staff_write(client: TestClient) -> None:
    r = client.post("/consultations", json={}, headers=auth("intake"))
    assert r.status_code in (403, 422)
    cid = open_consultation(client)["consultation_id"]
    r = client.post(f"/consultations/{cid}/responses", json={"response": "other"}, headers=auth("intake"))
    assert r.status_code == 403
    assert client.post(f"/consultations/{cid}/responses", json={"response": "other"}).status_code == 401


def test_other_departments_read_without_free_text_or_sensitive_issues(client: TestClient) -> None:
    open_consultation(client, issues=["dv_abuse", "housing"], summary="夫からの暴力")
    seen = client.get("/consultations", headers=auth("intake")).json()["items"][0]
    assert seen["summary"] is None and seen["issues"] == ["housing"]
    assert set(seen["redacted"]) == {"summary", "issues", "subject_name"}
    own = client.get("/consultations", headers=WORKER).json()["items"][0]
    assert own["summary"] == "夫からの暴力" and "dv_abuse" in own["issues"]


def test_every_list_names_the_person_to_the_loans_desk_and_withholds_the_name_from_others(
    service: tuple[TestClient, ServiceKit],
) -> None:
    """相談者: the person the record names, else the household's first member; no name for a household
    another desk registered; other departments' staff and auditors read ``redacted`` instead."""
    client, kit = service
    register_person(kit.uow, "p-2")
    register_household(kit.uow, "hh-3", "p-2", "p-1")
    named = open_consultation(client)["consultation_id"]  # p-1 of hh-1
    household_only = open_consultation(client, household_id="hh-3", person_id=None)["consultation_id"]
    unnamed = open_consultation(client, household_id="hh-2", person_id=None)["consultation_id"]  # no members
    rows = {r["consultation_id"]: r for r in client.get("/consultations", headers=WORKER).json()["items"]}
    assert rows[named]["subject_name"] == "登録 p-1"
    assert rows[household_only]["subject_name"] == "登録 p-2"
    assert rows[unnamed]["subject_name"] is None and "subject_name" not in rows[unnamed]["redacted"]
    assert client.get(f"/consultations/{named}", headers=MANAGER).json()["subject_name"] == "登録 p-1"
    history = client.get("/households/hh-3/history", headers=WORKER).json()
    assert [(m["person_id"], m["name"]) for m in history["members"]] == [("p-2", "登録 p-2"), ("p-1", "登録 p-1")]
    assert history["consultations"][0]["subject_name"] == "登録 p-2"
    for department, role in (("intake", "worker"), ("districts", "manager"), ("loans", "auditor"), ("admin", "admin")):
        for row in client.get("/consultations", headers=auth(department, role)).json()["items"]:
            assert row["subject_name"] is None, (department, role)
        seen = client.get(f"/consultations/{named}", headers=auth(department, role)).json()
        assert seen["subject_name"] is None and "subject_name" in seen["redacted"], (department, role)
        members = client.get("/households/hh-3/history", headers=auth(department, role)).json()["members"]
        assert [m["name"] for m in members] == [None, None] and all(m["redacted"] == ["name"] for m in members)
        assert "登録" not in client.get("/households/hh-3/history", headers=auth(department, role)).text


def test_the_desk_finds_a_household_by_a_members_name_in_kanji_or_kana_and_only_its_staff_search(
    client: TestClient,
) -> None:
    """世帯の検索: a household that comes back is found by name, not by an id nobody remembers."""
    people = [("横須賀 一郎", "ヨコスカ イチロウ"), ("横須賀 花", "ヨコスカ ハナ"), ("逗子 次郎", None)]
    ids = []
    for kanji, kana in people:
        r = client.post("/people", json={"name_kanji": kanji, "name_kana": kana}, headers=WORKER)
        assert r.status_code == 201, r.text
        ids.append(r.json()["person_id"])
    family = client.post(
        "/households", json={"members": [{"person_id": ids[0]}, {"person_id": ids[1]}]}, headers=WORKER
    ).json()["household_id"]
    other = client.post("/households", json={"members": [{"person_id": ids[2]}]}, headers=WORKER).json()["household_id"]

    def found(name: str, headers: dict[str, str] = WORKER) -> list[dict[str, Any]]:
        r = client.get("/households", params={"name": name}, headers=headers)
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    [hit] = found("横須賀")
    assert hit["household_id"] == family
    assert [(m["person_id"], m["name"]) for m in hit["members"]] == [(ids[0], "横須賀 一郎"), (ids[1], "横須賀 花")]
    assert [h["household_id"] for h in found("よこすか　はな", MANAGER)] == [family]  # hiragana, full-width space
    assert [h["household_id"] for h in found("逗子")] == [other]
    assert found("鎌倉") == []
    missing = client.get("/households", params={"name": ""}, headers=WORKER)
    assert missing.status_code == 422 and "name" in missing.text
    for department, role in (("intake", "worker"), ("loans", "auditor")):
        assert client.get("/households", params={"name": "横須賀"}, headers=auth(department, role)).status_code == 403


# --- applications and loans ----------------------------------------------------------------------


def test_application_lifecycle_builds_schedule_and_records_every_actor(
    service: tuple[TestClient, ServiceKit], clock: FixedClock
) -> None:
    client, kit = service
    row = loan(client)
    aid = row["application_id"]
    assert row["status"] == "repaying" and row["outstanding"] == 100_000
    assert [(i["number"], i["due_date"], i["amount"]) for i in row["schedule"]] == [
        (1, "2026-05-31", 25_000),
        (2, "2026-06-30", 25_000),
        (3, "2026-07-31", 25_000),
        (4, "2026-08-31", 25_000),
    ]
    clock.set(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    r = client.post(f"/applications/{aid}/repayments", json={"amount": 30_000, "paid_on": "2026-05-31"}, headers=WORKER)
    assert r.status_code == 200, r.text
    assert r.json()["outstanding"] == 70_000
    assert [i["paid"] for i in r.json()["schedule"]] == [25_000, 5_000, 0, 0]

    actors = {(e["event_type"], e["actor_id"], e["actor_role"]) for e in stored_events(kit)}
    assert ("loans.LoanApplicationApproved", "loans-manager", "manager") in actors
    assert ("loans.RepaymentReceived", "loans-worker", "worker") in actors
    assert {e["case_id"] for e in stored_events(kit) if e["event_type"].startswith("loans.")} == {"hh-1"}


def test_only_managers_approve_or_deny(client: TestClient) -> None:
    aid = client.post(
        "/applications",
        json={"household_id": "hh-1", "person_id": "p-1", "fund_type": "emergency_small", "requested_amount": 50_000},
        headers=WORKER,
    ).json()["application_id"]
    client.post(f"/applications/{aid}/review", json={}, headers=WORKER)
    assert client.post(f"/applications/{aid}/deny", json={"reason": "x"}, headers=WORKER).status_code == 403
    r = client.post(f"/applications/{aid}/deny", json={"reason": "償還の見込みが立たない"}, headers=MANAGER)
    assert r.status_code == 200 and r.json()["status"] == "denied"
    assert r.json()["decision_reason"] == "償還の見込みが立たない"


def test_illegal_application_transitions_are_refused_with_409_and_nothing_written(
    service: tuple[TestClient, ServiceKit],
) -> None:
    client, kit = service
    aid = client.post(
        "/applications",
        json={"household_id": "hh-1", "person_id": "p-1", "fund_type": "emergency_small", "requested_amount": 50_000},
        headers=WORKER,
    ).json()["application_id"]
    before = len(stored_events(kit))
    r = client.post(
        f"/applications/{aid}/approve",
        json={"amount": 50_000, "instalment_count": 5, "first_due_date": "2026-05-31"},
        headers=MANAGER,
    )
    assert r.status_code == 409 and "send it for review first" in r.json()["message"]
    assert client.post("/applications/nope/review", json={}, headers=WORKER).status_code == 404
    r = client.post(
        "/applications",
        json={"household_id": "hh-1", "person_id": "p-1", "fund_type": "emergency_small", "requested_amount": -5},
        headers=WORKER,
    )
    assert r.status_code == 422 and r.json()["field"] == "requested_amount"
    assert len(stored_events(kit)) == before
    assert client.get(f"/applications/{aid}", headers=WORKER).json()["status"] == "submitted"


def test_arrears_check_marks_missed_instalments_once_and_the_household_shows_them(
    client: TestClient, clock: FixedClock
) -> None:
    aid = loan(client)["application_id"]
    assert client.post("/loans/arrears-check", json={}, headers=WORKER).status_code == 403
    clock.set(datetime(2026, 7, 2, 9, 0, tzinfo=UTC))
    r = client.post("/loans/arrears-check", json={"as_of": "2026-07-01"}, headers=MANAGER)
    assert r.status_code == 200, r.text
    assert r.json()["checked"] == 1
    assert [(m["instalment_number"], m["missed_count"]) for m in r.json()["missed"]] == [(1, 1), (2, 2)]
    again = client.post("/loans/arrears-check", json={"as_of": "2026-07-01"}, headers=auth("loans", "system"))
    assert again.json()["missed"] == []

    history = client.get("/households/hh-1/history", headers=WORKER).json()
    (app,) = history["applications"]
    assert app["application_id"] == aid and app["missed_count"] == 2 and app["arrears_count"] == 2
    assert app["arrears_amount"] == 50_000
    assert [i["missed"] for i in app["schedule"]] == [True, True, False, False]
    assert history["summary"]["in_arrears"] is True


def test_grace_postpones_the_unpaid_instalments_and_clears_arrears(client: TestClient, clock: FixedClock) -> None:
    aid = loan(client)["application_id"]
    clock.set(datetime(2026, 6, 2, 9, 0, tzinfo=UTC))
    client.post("/loans/arrears-check", json={"as_of": "2026-06-01"}, headers=MANAGER)
    r = client.post(f"/applications/{aid}/grace", json={"months": 3, "reason": "子の学費"}, headers=WORKER)
    assert r.status_code == 403
    r = client.post(f"/applications/{aid}/grace", json={"months": 3, "reason": "子の学費"}, headers=MANAGER)
    assert r.status_code == 200, r.text
    assert r.json()["schedule"][0]["due_date"] == "2026-08-31"
    assert r.json()["arrears_count"] == 0 and r.json()["missed_count"] == 1


def test_household_registered_at_the_loans_desk_is_published_as_a_registry_event(
    service: tuple[TestClient, ServiceKit],
) -> None:
    client, kit = service
    person = client.post("/people", json={"name_kanji": "横須賀 一郎"}, headers=WORKER).json()["person_id"]
    r = client.post("/households", json={"members": [{"person_id": person, "relationship": "本人"}]}, headers=WORKER)
    assert r.status_code == 201, r.text
    household = r.json()["household_id"]
    types = [(e["event_type"], e["case_id"]) for e in stored_events(kit)]
    assert ("registry.PersonRegistered", person) in types
    assert ("registry.HouseholdRegistered", household) in types
    assert ("registry.MemberJoinedHousehold", household) in types
    history = client.get(f"/households/{household}/history", headers=WORKER).json()
    assert history["registered_here"] is True and history["consultations"] == []


def test_history_of_an_unknown_household_is_404(client: TestClient) -> None:
    r = client.get("/households/nobody/history", headers=WORKER)
    assert r.status_code == 404 and "check the id" in r.json()["message"]


def test_openapi_documents_examples_and_japanese_summaries(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/consultations"]["post"]
    assert post["summary"].startswith("貸付相談の受付")
    schema = spec["components"]["schemas"]["OpenConsultationRequest"]
    assert schema["examples"][0]["fund_type"] == "moving_and_utilities"
    assert "/loans/arrears-check" in spec["paths"] and "/referrals/inbox" in spec["paths"]


def test_a_consultation_shows_its_contacts_oldest_first_and_every_read_has_a_documented_model(
    client: TestClient, clock: FixedClock
) -> None:
    cid = open_consultation(client)["consultation_id"]
    clock.set(T0 + timedelta(hours=1))
    r = client.post(
        f"/consultations/{cid}/contacts",
        json={"channel": "phone", "counterpart": "family", "expected_version": 1},
        headers=WORKER,
    )
    assert r.status_code == 200, r.text
    assert [(k["channel"], k["counterpart"]) for k in r.json()["contacts"]] == [
        ("interview", "self"),
        ("phone", "family"),
    ]
    seen = client.get(f"/consultations/{cid}", headers=auth("intake")).json()
    assert len(seen["contacts"]) == 2 and seen["summary"] is None and "summary" in seen["redacted"]

    spec = client.get("/openapi.json").json()
    documented = {
        ("get", "/consultations"): "ConsultationPage",
        ("get", "/consultations/{consultation_id}"): "ConsultationView",
        ("post", "/consultations/{consultation_id}/close"): "ConsultationView",
        ("get", "/applications"): "ApplicationPage",
        ("post", "/applications/{application_id}/deny"): "ApplicationView",
        ("get", "/households/{household_id}/history"): "HouseholdHistory",
        ("get", "/follow-ups"): "FollowUpPage",
    }
    for (method, path), model in documented.items():
        answer = spec["paths"][path][method]["responses"]
        ok = answer.get("200") or answer["201"]
        assert ok["content"]["application/json"]["schema"]["$ref"].endswith(f"/{model}"), (method, path)


def test_disburse_before_approval_is_illegal(client: TestClient) -> None:
    aid = client.post(
        "/applications",
        json={"household_id": "hh-1", "person_id": "p-1", "fund_type": "emergency_small", "requested_amount": 9_000},
        headers=WORKER,
    ).json()["application_id"]
    r = client.post(
        f"/applications/{aid}/disbursement",
        json={"amount": 9_000, "disbursed_on": str(date(2026, 4, 1))},
        headers=WORKER,
    )
    assert r.status_code == 409


# --- If-Match and ETag on every versioned resource --------------------------------------------------


def test_every_versioned_loans_resource_sends_its_version_as_etag_on_reads_and_writes(client: TestClient) -> None:
    opened = client.post(
        "/consultations",
        json={
            "household_id": "hh-1",
            "fund_type": "moving_and_utilities",
            "kind": "new_until_decision",
            "channel": "interview",
            "counterpart": "self",
            "initial": True,
        },
        headers=WORKER,
    )
    cid = opened.json()["consultation_id"]
    assert opened.headers["ETag"] == '"1"'
    assert client.get(f"/consultations/{cid}", headers=WORKER).headers["ETag"] == '"1"'
    contact = client.post(
        f"/consultations/{cid}/contacts", json={"channel": "phone", "counterpart": "self"}, headers=WORKER
    )
    assert contact.headers["ETag"] == '"2"' and contact.json()["version"] == 2

    repaying = loan(client)
    aid = repaying["application_id"]
    version = repaying["version"]
    assert client.get(f"/applications/{aid}", headers=WORKER).headers["ETag"] == f'"{version}"'

    household = client.post("/households", json={"address": "横須賀市"}, headers=WORKER)
    assert household.status_code == 201 and household.headers["ETag"] == f'"{household.json()["version"]}"'


def test_a_stale_if_match_is_refused_with_409_and_nothing_is_written(client: TestClient, service: Any) -> None:
    cid = open_consultation(client)["consultation_id"]
    before = len(stored_events(service[1]))
    stale = client.post(
        f"/consultations/{cid}/issues",
        json={"issues": ["household_budget"]},
        headers={**WORKER, "If-Match": '"7"'},
    )
    assert stale.status_code == 409 and "version 1" in stale.json()["message"]
    assert len(stored_events(service[1])) == before

    fresh = client.post(
        f"/consultations/{cid}/issues", json={"issues": ["household_budget"]}, headers={**WORKER, "If-Match": 'W/"1"'}
    )
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'
    disagree = client.post(
        f"/consultations/{cid}/issues",
        json={"issues": ["debt_arrears"], "expected_version": 2},
        headers={**WORKER, "If-Match": '"1"'},
    )
    assert disagree.status_code == 422 and disagree.json()["field"] == "expected_version"
    bad = client.post(f"/consultations/{cid}/issues", json={"issues": ["x"]}, headers={**WORKER, "If-Match": "abc"})
    assert bad.status_code == 422 and bad.json()["field"] == "If-Match"


def test_a_command_on_a_consultation_never_opened_is_404_naming_the_field_and_writes_nothing(
    client: TestClient, service: Any
) -> None:
    before = len(stored_events(service[1]))
    r = client.post("/consultations/nope/contacts", json={"channel": "phone", "counterpart": "self"}, headers=WORKER)
    assert r.status_code == 404 and r.json()["field"] == "consultation_id" and "open it" in r.json()["message"]
    r = client.post("/applications/nope/withdraw", json={"reason": "x"}, headers=WORKER)
    assert r.status_code == 404 and r.json()["field"] == "application_id"
    assert len(stored_events(service[1])) == before


def test_auditors_and_admins_of_any_department_read_no_narratives(client: TestClient) -> None:
    """docs/PRIVACY.md: an auditor audits who read what; an admin runs the platform; neither reads DV narratives."""
    open_consultation(client, issues=["dv_abuse", "housing"], summary="夫からの暴力")
    for department, role in (("loans", "auditor"), ("loans", "admin"), ("reporting", "auditor"), ("admin", "admin")):
        seen = client.get("/consultations", headers=auth(department, role)).json()["items"][0]
        assert seen["summary"] is None and seen["issues"] == ["housing"], (department, role)
    assert client.get("/consultations", headers=MANAGER).json()["items"][0]["summary"] == "夫からの暴力"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/consultations", {"household_id": "hh-nobody"}, "household_id"),
        ("/consultations", {"person_id": "p-nobody"}, "person_id"),
        ("/consultations", {"loan_application_id": "app-nothing"}, "loan_application_id"),
        ("/applications", {"household_id": "hh-nobody"}, "household_id"),
        ("/applications", {"person_id": "p-nobody"}, "person_id"),
        ("/applications", {"consultation_id": "c-nothing"}, "consultation_id"),
    ],
)
def test_a_record_for_a_household_person_or_record_that_does_not_exist_is_refused_with_422_and_nothing_is_written(
    service: tuple[TestClient, ServiceKit], path: str, body: dict[str, Any], field: str
) -> None:
    client, kit = service
    before = len(stored_events(kit))
    valid = {
        "/consultations": {
            "household_id": "hh-1",
            "person_id": "p-1",
            "fund_type": "emergency_small",
            "kind": "new_until_decision",
            "channel": "interview",
            "counterpart": "self",
            "initial": True,
        },
        "/applications": {
            "household_id": "hh-1",
            "person_id": "p-1",
            "fund_type": "emergency_small",
            "requested_amount": 50_000,
        },
    }[path]
    r = client.post(path, json={**valid, **body}, headers=WORKER)
    assert r.status_code == 422, r.text
    assert (r.json()["error"], r.json()["field"]) == ("unknown_reference", field) and "first" in r.json()["message"]
    assert len(stored_events(kit)) == before
    # The same record for the registered household is taken.
    assert client.post(path, json=valid, headers=WORKER).status_code == 201
