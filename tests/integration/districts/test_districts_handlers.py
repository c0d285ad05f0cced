"""Districts' handlers over SQLite (kit built without Kafka): referrals in, rows, views, HTTP refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.districts import handlers, queries
from services.districts.bootstrap import MIGRATIONS, build
from services.districts.config import Settings
from services.districts.domain import commands as c
from services.districts.domain.values import Watcher
from shared.auth import mint_token
from shared.clock import FixedClock
from shared.commands import CommandContext
from shared.envelope import Actor
from shared.errors import ConcurrencyConflict, IllegalTransition, InvalidCommand
from shared.referrals.commands import AcceptReferral, MakeReferral
from shared.referrals.desk import ReferralDesk
from shared.service import ServiceKit, build_kit
from shared.settings import DEV_JWT_SECRET

T0 = datetime(2014, 5, 1, 1, 0, tzinfo=UTC)
STAFF = Actor(staff_id="d-w1", department="districts", role="worker")
AT = CommandContext(actor=STAFF)
INTAKE = Actor(staff_id="i-w1", department="intake", role="worker")
NEIGHBOUR = Watcher(name="隣家の住民", role="neighbour")


@pytest.fixture
def kit(tmp_path: Path) -> Any:
    built = build_kit(Settings(var_dir=tmp_path), [MIGRATIONS], kafka=False, clock=FixedClock(T0))
    yield built
    built.close()


def outreach_referral(kit: ServiceKit, case_id: str, *, target: str = "districts", accept: bool = True) -> str:
    """An isolation outreach referral from intake as the projection would receive it."""
    referral_id = f"r-{case_id}"
    ReferralDesk(kit, "intake").make(
        INTAKE,
        MakeReferral(
            referral_id=referral_id,
            by=INTAKE.staff_id,
            case_id=case_id,
            target_kind="department",
            target=target,
            reason_category="isolation_outreach",
            deadline=T0 + timedelta(days=3),
        ),
    )
    if accept:
        ReferralDesk(kit, "districts").accept(STAFF, AcceptReferral(referral_id=referral_id, by=STAFF.staff_id))
    return referral_id


def concern(kit: ServiceKit, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "case_id": "c-a",
        "district_id": "yamato-3chome",
        "reported_by": "welfare_commissioner",
        "concern": "ネズミが出る",
    }
    values.update(fields)
    return handlers.raise_concern(kit, AT, c.RaiseWatchConcern(raised_by=STAFF.staff_id, **values))


def visit(kit: ServiceKit, outcome: str, case_id: str = "c-a", hours: int = 1) -> dict[str, Any]:
    cmd = c.RecordOutreachVisit(
        case_id=case_id, visited_at=T0 - timedelta(hours=hours), outcome=outcome, recorded_by=STAFF.staff_id
    )
    return handlers.record_visit(kit, AT, cmd)


def test_an_accepted_outreach_referral_opens_the_case_under_the_referrals_case_id(kit):
    referral_id = outreach_referral(kit, "consultation-1")
    opened = concern(kit, case_id="", referral_id=referral_id)
    assert (opened["case_id"], opened["status"], opened["version"]) == ("consultation-1", "concern", 1)
    detail = queries.case_detail(kit, "consultation-1", STAFF)
    assert detail["concerns"][0]["referral_id"] == referral_id
    listed = queries.list_cases(kit, district_id="yamato-3chome", status=None, limit=10, offset=0)
    assert listed["items"][0]["referral_ids"] == [referral_id] and listed["counts"] == {"concern": 1}


def test_a_referral_not_yet_accepted_or_addressed_elsewhere_is_refused(kit):
    with pytest.raises(IllegalTransition, match="accept it"):
        concern(kit, case_id="", referral_id=outreach_referral(kit, "c-1", accept=False))
    with pytest.raises(InvalidCommand, match="not districts"):
        concern(kit, case_id="", referral_id=outreach_referral(kit, "c-2", target="loans", accept=False))


def test_a_concern_needs_a_case_or_a_referral(kit):
    with pytest.raises(InvalidCommand) as refused:
        concern(kit, case_id="")
    assert refused.value.field == "case_id"


def test_visits_and_the_refusal_show_on_the_case_row_and_watch_over_stays_at_a_distance(kit):
    concern(kit)
    visit(kit, "not_reached", hours=3)
    result = visit(kit, "refused", hours=1)
    assert result["refused"] is True
    [row] = queries.list_cases(kit, district_id="yamato-3chome", status=None, limit=10, offset=0)["items"]
    assert (row["visit_count"], row["last_visit_outcome"], row["refused"]) == (2, "refused", True)
    start = c.StartWatchOver(
        case_id="c-a",
        watchers=(NEIGHBOUR,),
        frequency="when_passing",
        approach="in_contact",
        started_on=date(2014, 5, 1),
        started_by="d",
    )
    with pytest.raises(IllegalTransition, match="consent"):
        handlers.start_watch_over(kit, AT, start)
    handlers.start_watch_over(kit, AT, start.model_copy(update={"approach": "from_a_distance"}))
    watched = queries.list_cases(kit, district_id=None, status="watched", limit=10, offset=0)["items"]
    assert [(w["case_id"], w["watch_approach"]) for w in watched] == [("c-a", "from_a_distance")]


def test_salon_attendance_and_volunteer_roles_are_listed_by_district(kit):
    concern(kit, case_id="p-t", district_id="hayama-isshiki", reported_by="friend")
    for day in (date(2014, 4, 10), date(2014, 4, 24)):
        handlers.record_salon_attendance(
            kit, AT, c.RecordSalonAttendance(case_id="p-t", salon_name="サロン", attended_on=day, recorded_by="d")
        )
    handlers.take_volunteer_role(
        kit,
        AT,
        c.TakeVolunteerRole(
            case_id="p-t", role="講師", activity="男の料理教室", started_on=date(2014, 5, 1), recorded_by="d"
        ),
    )
    attendance = queries.list_attendance(kit, district_id="hayama-isshiki", salon_name="サロン", case_id=None, limit=10)
    assert [(a["attended_on"], a["first_visit"]) for a in attendance["items"]] == [
        ("2014-04-24", False),
        ("2014-04-10", True),
    ]
    [helper] = queries.list_volunteers(kit, district_id="hayama-isshiki", limit=10)["items"]
    assert (helper["case_id"], helper["role"], helper["activity"]) == ("p-t", "講師", "男の料理教室")


def test_other_departments_see_the_case_without_what_residents_said(kit):
    concern(kit, reporter="民生委員")
    hidden = queries.case_detail(kit, "c-a", INTAKE)
    assert hidden["concerns"][0]["concern"] is None and hidden["concerns"][0]["reporter"] is None
    assert "concerns.concern" in hidden["redacted"]
    assert queries.case_detail(kit, "c-a", STAFF)["concerns"][0]["concern"] == "ネズミが出る"


def test_a_stale_expected_version_is_a_conflict(kit):
    concern(kit)
    visit(kit, "not_reached")
    cmd = c.RecordOutreachVisit(case_id="c-a", visited_at=T0, outcome="reached", recorded_by="d")
    with pytest.raises(ConcurrencyConflict):
        handlers.record_visit(kit, CommandContext(actor=STAFF, expected_version=1), cmd)


def test_over_http_only_district_staff_record_and_an_unknown_case_is_404(tmp_path):
    app, kit = build(Settings(var_dir=tmp_path), kafka=False, clock=FixedClock(T0))
    try:
        client = TestClient(app)

        def auth(department: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 'x', department, 'worker')}"}

        body = {"case_id": "c-a", "district_id": "yamato-3chome", "reported_by": "neighbour", "concern": "x"}
        assert client.post("/watch-concerns", json=body, headers=auth("loans")).status_code == 403
        created = client.post("/watch-concerns", json=body, headers=auth("districts"))
        assert created.status_code == 201 and created.json()["district_id"] == "yamato-3chome"
        missing = client.get("/cases/nobody", headers=auth("intake"))
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
        early = client.post(
            "/cases/nobody/outreach-visits",
            json={"visited_at": T0.isoformat(), "outcome": "reached"},
            headers=auth("districts"),
        )
        assert early.status_code == 404 and "concern" in early.json()["message"]
    finally:
        kit.close()


def test_an_auditor_reads_no_resident_narratives_even_of_its_own_department(kit):
    concern(kit, reporter="民生委員")
    for auditor in (
        Actor(staff_id="a", department="districts", role="auditor"),
        Actor(staff_id="b", department="intake", role="auditor"),
    ):
        assert queries.case_detail(kit, "c-a", auditor)["concerns"][0]["concern"] is None


def test_reading_a_case_or_a_district_list_leaves_an_access_event_per_case(tmp_path):
    from sqlalchemy import select

    from shared.eventstore import events_table

    app, kit = build(Settings(var_dir=tmp_path), kafka=False, clock=FixedClock(T0))
    try:
        client = TestClient(app)
        headers = {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 'd', 'districts', 'worker')}"}
        body = {"case_id": "c-a", "district_id": "yamato-3chome", "reported_by": "neighbour", "concern": "x"}
        client.post("/watch-concerns", json=body, headers=headers)
        client.get("/cases/c-a", headers={**headers, "X-Purpose": "visit_preparation"})
        client.get("/cases", headers=headers)
        with kit.engine.connect() as conn:
            reads = (
                conn.execute(
                    select(events_table.c.case_id).where(events_table.c.event_type == "access.PersonalDataRead")
                )
                .scalars()
                .all()
            )
        assert reads == ["c-a", "c-a"]
    finally:
        kit.close()


def test_if_match_and_etag_on_a_district_case_over_http(tmp_path):
    app, kit = build(Settings(var_dir=tmp_path), kafka=False, clock=FixedClock(T0))
    try:
        client = TestClient(app)
        headers = {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 'd', 'districts', 'worker')}"}
        body = {"case_id": "c-a", "district_id": "yamato-3chome", "reported_by": "neighbour", "concern": "x"}
        assert client.post("/watch-concerns", json=body, headers=headers).headers["ETag"] == '"1"'
        assert client.get("/cases/c-a", headers=headers).headers["ETag"] == '"1"'
        visit = {"visited_at": T0.isoformat(), "outcome": "not_reached"}
        stale = client.post("/cases/c-a/outreach-visits", json=visit, headers={**headers, "If-Match": '"4"'})
        assert stale.status_code == 409 and client.get("/cases/c-a", headers=headers).headers["ETag"] == '"1"'
        fresh = client.post("/cases/c-a/outreach-visits", json=visit, headers={**headers, "If-Match": '"1"'})
        assert fresh.status_code == 201 and fresh.headers["ETag"] == '"2"'
    finally:
        kit.close()
