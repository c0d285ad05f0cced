"""The districts' schedule coverage and resources, through reporting's real consumer and HTTP routes."""

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
from tests.integration.reporting.builders import district_history
from tests.integration.reporting.conftest import Reporting
from tests.integration.reporting.network_builders import network_history

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

WORKER = Actor(staff_id="d-1", department="districts", role="worker")


@pytest.fixture
def districts(reporting: Reporting) -> Reporting:
    # the network meetings and desk consultations too: D1's issue accumulation is in its yearly workbook
    reporting.publish(network_history(district_history()).envelopes)
    reporting.consume()
    return reporting


def test_schedule_coverage_per_month_and_district(districts: Reporting) -> None:
    october = district_handlers.district_schedule(districts.kit, WORKER, "2026-10", None)
    assert (october.scheduled, october.handled, october.uncovered, october.escalated) == (4, 2, 2, 1)
    d1, d2 = october.districts
    assert (d1.district_id, d1.scheduled, d1.handled, d1.uncovered, d1.escalated) == ("D1", 3, 1, 2, 1)
    # intake's latest mark of e1 is "handles" (it changed its mind); both declined e2; nobody answered e3
    assert [(d.department, d.handled, d.declined) for d in d1.departments] == [("intake", 1, 1), ("loans", 0, 2)]
    assert (d2.district_id, d2.scheduled, d2.handled, d2.escalated) == ("D2", 1, 1, 0)
    assert [(d.department, d.handled, d.declined) for d in d2.departments] == [("loans", 1, 0)]
    only_d2 = district_handlers.district_schedule(districts.kit, WORKER, "2026-10", "D2")
    assert [d.district_id for d in only_d2.districts] == ["D2"] and only_d2.scheduled == 1
    november = district_handlers.district_schedule(districts.kit, WORKER, "2026-11", "D1")
    assert (november.scheduled, november.handled, november.uncovered) == (1, 1, 0)
    assert district_handlers.district_schedule(districts.kit, WORKER, "2026-12", None).districts == []


def test_resources_per_district_by_kind(districts: Reporting) -> None:
    d1 = district_handlers.district_resources(districts.kit, WORKER, "D1")
    assert d1.resources == {"meeting_place": 1, "salon": 2}  # r1 registered twice counts once
    assert d1.helpers == {"district_volunteer": 1, "welfare_commissioner": 1}
    assert (d1.resource_total, d1.helper_total) == (3, 2)
    d2 = district_handlers.district_resources(districts.kit, WORKER, "D2")
    assert (d2.resources, d2.helpers) == ({"salon": 1}, {})
    nowhere = district_handlers.district_resources(districts.kit, WORKER, "D9")
    assert (nowhere.resource_total, nowhere.helper_total) == (0, 0)


def test_the_routes_answer_the_counts_and_name_the_wrong_field(districts: Reporting) -> None:
    client = TestClient(districts.app)

    def headers(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 's-1', 'districts', role)}"}

    for role in ("worker", "manager", "auditor"):
        ok = client.get("/statistics/district-schedule", params={"month": "2026-10"}, headers=headers(role))
        assert ok.status_code == 200, ok.text
        assert (ok.json()["scheduled"], ok.json()["escalated"]) == (4, 1)
    body = client.get(
        "/statistics/district-schedule", params={"month": "2026-10", "district_id": "D1"}, headers=headers("worker")
    ).json()
    assert body["district_id"] == "D1" and body["districts"][0]["departments"][1] == {
        "department": "loans",
        "handled": 0,
        "declined": 2,
    }
    for params, field in (({"month": "2026-13"}, "month"), ({"month": "10/2026"}, "month"), ({}, "month")):
        bad = client.get("/statistics/district-schedule", params=params, headers=headers("worker"))
        assert 400 <= bad.status_code < 500 and field in bad.text, (params, bad.status_code, bad.text)
    blank = client.get(
        "/statistics/district-schedule", params={"month": "2026-10", "district_id": " "}, headers=headers("worker")
    )
    assert 400 <= blank.status_code < 500 and "district_id" in blank.text
    res = client.get("/statistics/district-resources", params={"district_id": "D1"}, headers=headers("manager"))
    assert res.status_code == 200 and res.json()["resources"] == {"meeting_place": 1, "salon": 2}
    missing = client.get("/statistics/district-resources", headers=headers("manager"))
    assert 400 <= missing.status_code < 500 and "district_id" in missing.text
    assert client.get("/statistics/district-resources", params={"district_id": "D1"}).status_code == 401
    admin = client.get("/statistics/district-resources", params={"district_id": "D1"}, headers=headers("admin"))
    assert admin.status_code == 403


def test_the_handlers_check_role_and_input() -> None:
    with pytest.raises(Forbidden):
        district_handlers.district_schedule(None, Actor(staff_id="x", department="d", role="admin"), "2026-10", None)  # type: ignore[arg-type]
    with pytest.raises(InvalidCommand) as wrong:
        district_handlers.district_schedule(None, WORKER, "2026-1", None)  # type: ignore[arg-type]
    assert wrong.value.field == "month"


def test_a_rebuild_equals_the_live_district_models(districts: Reporting) -> None:
    with districts.kit.engine.connect() as conn:
        gen = active_generation(conn)
        live = checksums(conn, gen)
        assert count_rows(conn, rm.district_events, gen) == 5
        assert count_rows(conn, rm.district_event_steps, gen) == 8
        assert count_rows(conn, rm.district_resources, gen) == 7
        assert count_rows(conn, rm.district_files, gen) == 3
    report = rebuild(
        districts.kit.engine,
        districts.bootstrap_servers,
        list(districts.topics.values()),
        progress=io.StringIO(),
        drop_old=False,
        grace_seconds=0,
    )
    assert report.switched
    with districts.kit.engine.connect() as conn:
        assert checksums(conn, report.generation) == live
    assert district_handlers.district_schedule(districts.kit, WORKER, "2026-10", None).escalated == 1


def test_the_yearly_evaluation_workbook(districts: Reporting) -> None:
    from openpyxl import load_workbook

    client = TestClient(districts.app)
    auth = {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 's-1', 'districts', 'manager')}"}
    got = client.get(
        "/statistics/district-evaluation.xlsx", params={"district_id": "D1", "fiscal_year": 2026}, headers=auth
    )
    assert got.status_code == 200, got.text
    assert "district-evaluation-D1-2026.xlsx" in got.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(got.content))
    assert wb.sheetnames == ["地区ファイル", "地域資源", "地域事業", "ケースの積み上げ"]
    file = {r[0]: r[1] for r in wb["地区ファイル"].iter_rows(min_row=2, values_only=True)}
    assert (file["地区担当"], file["年度目標"], file["評価"]) == ("csw-2", "見守りの輪を広げる", "サロンが2か所に")
    resources = [tuple(r) for r in wb["地域資源"].iter_rows(min_row=2, values_only=True)]
    assert ("地域資源", "サロン", 2) in resources and ("地域資源", "合計", 3) in resources
    assert ("担い手", "合計", 2) in resources
    issues = list(wb["ケースの積み上げ"].iter_rows(values_only=True))
    assert issues[0] == (
        "月",
        "ネットワーク会議の地域課題",
        "相談窓口の相談",
        "計",
        "孤立・閉じこもり",
        "住環境・ごみ・空き家",
        "買い物・移動の困難",
    )
    by_month = {r[0]: r[1:] for r in issues[1:]}
    assert len(by_month) == 13  # April to March, then the total
    # D1 only (D2's desk consultation and D3's meeting are other districts'); 31 Oct 23:30 JST is October
    assert by_month["2026-10"] == (2, 1, 3, 0, 2, 1)
    assert by_month["2026-11"] == (1, 0, 1, 1, 0, 0)
    assert by_month["2026-04"] == (0, 0, 0, 0, 0, 0)
    assert by_month["合計"] == (3, 1, 4, 1, 2, 1)
    schedule = list(wb["地域事業"].iter_rows(values_only=True))
    assert schedule[0][:5] == ("月", "事業数", "対応あり", "対応なし", "他課調整")
    # Departments by their names from the referral code lists, not by their codes.
    assert "総合相談窓口 対応する" in schedule[0] and "生活福祉資金貸付 対応しない" in schedule[0]
    assert not any(str(h).startswith(("intake ", "loans ")) for h in schedule[0])
    assert [r[0] for r in schedule[1:13]] == [f"2026-{m:02d}" for m in range(4, 13)] + ["2027-01", "2027-02", "2027-03"]
    by_month = {r[0]: r[1:5] for r in schedule[1:]}
    assert (
        by_month["2026-10"] == (3, 1, 2, 1) and by_month["2026-11"] == (1, 1, 0, 0) and by_month["合計"] == (4, 2, 2, 1)
    )
    none = client.get(
        "/statistics/district-evaluation.xlsx", params={"district_id": "D2", "fiscal_year": 2026}, headers=auth
    )
    assert none.status_code == 404 and "district_id" in none.text
    bad = client.get(
        "/statistics/district-evaluation.xlsx", params={"district_id": "D1", "fiscal_year": 26}, headers=auth
    )
    assert 400 <= bad.status_code < 500 and "fiscal_year" in bad.text
