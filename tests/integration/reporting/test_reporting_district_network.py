"""The district issue accumulation (ケースの積み上げ) and the case view entries of network meetings and
desk consultations, through reporting's real Kafka consumer and HTTP routes, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from services.reporting import district_handlers
from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.generations import active_generation, checksums, count_rows
from services.reporting.rebuild import rebuild
from shared.auth import mint_token
from shared.envelope import Actor
from shared.errors import Forbidden, InvalidCommand
from shared.settings import DEV_JWT_SECRET
from tests.integration.reporting.conftest import Reporting
from tests.integration.reporting.network_builders import network_history

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

WORKER = Actor(staff_id="d-1", department="districts", role="worker")


@pytest.fixture
def network(reporting: Reporting) -> Reporting:
    reporting.publish(network_history().envelopes)
    reporting.consume()
    return reporting


def _headers(department: str, role: str = "worker") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 's-1', department, role)}"}


def test_issues_accumulate_per_district_and_month_and_sum_over_an_area(network: Reporting) -> None:
    october = district_handlers.district_issue_accumulation(network.kit, WORKER, "2026-10", None, None, None)
    assert [(m.district_id, m.month, m.meeting_issues, m.desk_consultations) for m in october.months] == [
        ("D1", "2026-10", 2, 1),  # the desk's 23:30 JST on 31 October is still October
        ("D2", "2026-10", 0, 1),
        ("D3", "2026-10", 1, 0),
    ]
    assert october.months[0].by_category == {"living_environment": 2, "shopping_mobility": 1}
    assert (october.meeting_issues, october.desk_consultations, october.total) == (3, 2, 5)
    autumn = district_handlers.district_issue_accumulation(network.kit, WORKER, "2026-10", "2026-11", "D1", None)
    assert [(m.month, m.total) for m in autumn.months] == [("2026-10", 3), ("2026-11", 1)]
    north = district_handlers.district_issue_accumulation(network.kit, WORKER, "2026-10", "2026-11", None, "north")
    assert {m.district_id for m in north.months} == {"D1", "D2"} and north.total == 5
    assert (
        district_handlers.district_issue_accumulation(network.kit, WORKER, "2026-10", None, "D3", "north").months == []
    )
    assert district_handlers.district_issue_accumulation(network.kit, WORKER, "2026-12", None, None, "city").total == 0


def test_the_route_answers_for_readers_and_names_the_wrong_field(network: Reporting) -> None:
    client = TestClient(network.app)
    url = "/statistics/district-issue-accumulation"
    for role in ("worker", "manager", "auditor"):
        ok = client.get(url, params={"from_month": "2026-10", "to_month": "2026-11"}, headers=_headers("intake", role))
        assert ok.status_code == 200, ok.text
        assert ok.json()["total"] == 6
    body = client.get(url, params={"from_month": "2026-10", "area_id": "south"}, headers=_headers("districts")).json()
    assert body["months"] == [
        {
            "district_id": "D3",
            "month": "2026-10",
            "meeting_issues": 1,
            "desk_consultations": 0,
            "total": 1,
            "by_category": {"disaster": 1},
        }
    ]
    # Each refusal names its field and, where the service checks it, its reason (the client's words).
    for params, field, reason in (
        ({}, "from_month", None),  # FastAPI's own "missing"
        ({"from_month": "2026-13"}, "from_month", "month_format"),
        ({"from_month": "2026-10", "to_month": "2026-9"}, "to_month", "month_format"),
        ({"from_month": "2026-10", "to_month": "2026-09"}, "to_month", "period_reversed"),
        ({"from_month": "2026-10", "area_id": "nowhere"}, "area_id", "unknown_reference"),
        ({"from_month": "2026-10", "area_id": "a" * 65}, "area_id", "too_long"),
        ({"from_month": "2026-10", "district_id": " "}, "district_id", "required"),
        ({"from_month": "2026-10", "district_id": "d" * 65}, "district_id", "too_long"),
    ):
        bad = client.get(url, params=params, headers=_headers("districts"))
        assert 400 <= bad.status_code < 500 and field in bad.text, (params, bad.status_code, bad.text)
        assert bad.json().get("reason") == reason, (params, bad.text)
    assert client.get(
        url, params={"from_month": "2026-10", "area_id": "nowhere"}, headers=_headers("districts")
    ).json()["ctx"] == {"id": "nowhere"}
    assert client.get(url, params={"from_month": "2026-10"}).status_code == 401
    assert client.get(url, params={"from_month": "2026-10"}, headers=_headers("districts", "admin")).status_code == 403


def test_the_case_view_shows_the_meeting_and_the_desk_consultation_redacted_for_others(network: Reporting) -> None:
    client = TestClient(network.app)
    mine = client.get("/cases/P1", params={"purpose": "coordination"}, headers=_headers("districts")).json()
    work = mine["district_work"]
    assert [m["meeting_id"] for m in work["network_meetings"]] == ["m1"]
    assert work["network_meetings"][0]["summary"] == "離れた見守りの状況"
    assert [d["consultation_id"] for d in work["desk_consultations"]] == ["k1"]
    theirs = client.get("/cases/P1", params={"purpose": "coordination"}, headers=_headers("loans")).json()
    assert theirs["district_work"]["desk_consultations"][0]["summary"] == "［非開示］"
    assert theirs["district_work"]["network_meetings"][0]["basis"] == "statutory"
    types = {e["type"] for e in mine["timeline"]}
    assert {"districts.NetworkMeetingCaseDiscussed", "districts.DeskConsultationTaken"} <= types


def test_the_handler_checks_the_role() -> None:
    with pytest.raises(Forbidden):
        district_handlers.district_issue_accumulation(
            None, Actor(staff_id="x", department="d", role="admin"), "2026-10", None, None, None
        )  # type: ignore[arg-type]
    with pytest.raises(InvalidCommand) as wrong:
        district_handlers.district_issue_accumulation(None, WORKER, "26-10", None, None, None)  # type: ignore[arg-type]
    assert wrong.value.field == "from_month"


def test_a_rebuild_equals_the_live_accumulation(network: Reporting) -> None:
    with network.kit.engine.connect() as conn:
        gen = active_generation(conn)
        live = checksums(conn, gen)
        assert count_rows(conn, rm.district_issues, gen) == 6
        assert count_rows(conn, rm.areas, gen) == 6
    report = rebuild(
        network.kit.engine,
        network.bootstrap_servers,
        list(network.topics.values()),
        progress=io.StringIO(),
        drop_old=False,
        grace_seconds=0,
    )
    assert report.switched
    with network.kit.engine.connect() as conn:
        assert checksums(conn, report.generation) == live
    assert (
        district_handlers.district_issue_accumulation(network.kit, WORKER, "2026-10", "2026-11", None, None).total == 6
    )
