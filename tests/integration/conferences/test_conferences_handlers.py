"""Conferences' handlers over SQLite (kit built without Kafka): events, read rows, referrals, views."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.conferences import handlers, queries
from services.conferences.bootstrap import MIGRATIONS, build
from services.conferences.config import Settings
from services.conferences.domain import commands as c
from services.conferences.domain.values import ActionItemSpec, Participant, ShareBasis
from shared.auth import mint_token
from shared.clock import FixedClock
from shared.commands import CommandContext
from shared.envelope import Actor
from shared.errors import ConcurrencyConflict, IllegalTransition, InvalidCommand
from shared.referrals.commands import AcceptReferral, MakeReferral
from shared.referrals.desk import ReferralDesk
from shared.service import ServiceKit, build_kit
from shared.settings import DEV_JWT_SECRET

T0 = datetime(2015, 6, 1, 1, 0, tzinfo=UTC)
STAFF = Actor(staff_id="c-w1", department="conferences", role="worker")
INTAKE = Actor(staff_id="i-w1", department="intake", role="worker")
DISTRICTS = Actor(staff_id="d-w1", department="districts", role="worker")
AGENCY = Participant(name="包括 職員", organisation="地域包括支援センター", kind="agency")
CSW = Participant(name="CSW", organisation="社協", kind="staff")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def kit(tmp_path: Path, clock: FixedClock) -> Any:
    built = build_kit(Settings(var_dir=tmp_path), [MIGRATIONS], kafka=False, clock=clock)
    yield built
    built.close()


def referral_to_conferences(kit: ServiceKit, case_id: str = "p-t", *, accept: bool = True) -> str:
    """A referral from intake as the projection would receive it, accepted by conferences."""
    referral_id = f"r-{case_id}"
    ReferralDesk(kit, "intake").make(
        INTAKE,
        MakeReferral(
            referral_id=referral_id,
            by=INTAKE.staff_id,
            case_id=case_id,
            target_kind="department",
            target="conferences",
            reason_category="case_conference",
            deadline=T0 + timedelta(days=7),
        ),
    )
    if accept:
        ReferralDesk(kit, "conferences").accept(STAFF, AcceptReferral(referral_id=referral_id, by=STAFF.staff_id))
    return referral_id


def schedule(kit: ServiceKit, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"case_id": "p-t", "kind": "case_conference", "purpose": "見守りの役割分担"}
    values.update(fields)
    return handlers.schedule_conference(
        kit, CommandContext(actor=STAFF), c.ScheduleConference(scheduled_for=T0, scheduled_by=STAFF.staff_id, **values)
    )


def hold(kit: ServiceKit, conference_id: str, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "participants": (AGENCY, CSW),
        "basis": ShareBasis(kind="consent", reference="consent-1"),
        "decisions": ("友人Eさんと同行訪問",),
        "action_items": (
            ActionItemSpec(description="サロンを勧める", assignee_kind="department", assignee="districts"),
        ),
    }
    values.update(fields)
    cmd = c.RecordConferenceHeld(conference_id=conference_id, held_at=T0, recorded_by=STAFF.staff_id, **values)
    return handlers.record_held(kit, CommandContext(actor=STAFF), cmd)


def test_a_conference_asked_for_by_a_referral_takes_the_referrals_case(kit):
    referral_id = referral_to_conferences(kit, "p-mr-t")
    result = schedule(kit, case_id="", referral_id=referral_id)
    assert (result["case_id"], result["status"], result["version"]) == ("p-mr-t", "scheduled", 1)
    listed = queries.list_conferences(kit, case_id="p-mr-t", kind=None, status=None, limit=10, offset=0)
    assert [row["referral_id"] for row in listed["items"]] == [referral_id]


def test_a_referral_must_be_accepted_before_its_conference_is_scheduled(kit):
    referral_id = referral_to_conferences(kit, accept=False)
    with pytest.raises(IllegalTransition, match="accept it"):
        schedule(kit, referral_id=referral_id)


def test_a_case_id_that_contradicts_the_referral_is_refused(kit):
    referral_id = referral_to_conferences(kit, "p-1")
    with pytest.raises(InvalidCommand) as refused:
        schedule(kit, case_id="p-2", referral_id=referral_id)
    assert refused.value.field == "case_id"


def test_holding_a_conference_writes_its_rows_and_the_assignee_sees_its_action_items(kit):
    cid = schedule(kit)["conference_id"]
    held = hold(kit, cid)
    assert held["status"] == "held" and len(held["action_ids"]) == 1
    items = queries.action_items(kit, DISTRICTS, assignee="districts", case_id=None, done=False, limit=10)["items"]
    assert [i["action_id"] for i in items] == held["action_ids"]
    [row] = queries.list_conferences(kit, case_id="p-t", kind=None, status="held", limit=10, offset=0)["items"]
    assert (row["participant_count"], row["outside_participants"], row["open_action_items"]) == (2, 1, 1)


def test_the_assigned_department_completes_its_item_and_the_open_list_empties(kit):
    cid = schedule(kit)["conference_id"]
    [action_id] = hold(kit, cid)["action_ids"]
    cmd = c.CompleteActionItem(
        conference_id=cid, action_id=action_id, completed_by=DISTRICTS.staff_id, completed_by_department="districts"
    )
    handlers.complete_action_item(kit, CommandContext(actor=DISTRICTS), cmd)
    assert queries.action_items(kit, DISTRICTS, assignee="districts", case_id=None, done=False, limit=10)["items"] == []


def test_a_stale_expected_version_is_a_conflict(kit):
    cid = schedule(kit)["conference_id"]
    hold(kit, cid)
    with pytest.raises(ConcurrencyConflict):
        handlers.schedule_review(
            kit,
            CommandContext(actor=STAFF, expected_version=1),
            c.ScheduleReview(conference_id=cid, due_on=date(2015, 7, 1), purpose="経過", scheduled_by="c"),
        )


def test_reviews_due_are_listed_soonest_first(kit):
    cid = schedule(kit)["conference_id"]
    hold(kit, cid)
    for due in (date(2015, 9, 1), date(2015, 7, 1)):
        handlers.schedule_review(
            kit,
            CommandContext(actor=STAFF),
            c.ScheduleReview(conference_id=cid, due_on=due, purpose="経過", scheduled_by="c"),
        )
    due = queries.due_reviews(kit, STAFF, until=date(2015, 12, 31), case_id="p-t", limit=10)["items"]
    assert [r["due_on"] for r in due] == ["2015-07-01", "2015-09-01"]


def test_other_departments_see_details_only_when_the_conference_recorded_a_basis(kit):
    with_basis = schedule(kit)["conference_id"]
    intake_csw = Participant(name="相談員", organisation="社協 総合相談", kind="staff", department="intake")
    hold(kit, with_basis, participants=(AGENCY, intake_csw))
    internal = schedule(kit)["conference_id"]
    hold(kit, internal, participants=(CSW,), basis=ShareBasis())
    assert queries.conference_detail(kit, with_basis, INTAKE)["decisions"] == ["友人Eさんと同行訪問"]
    hidden = queries.conference_detail(kit, internal, INTAKE)
    assert hidden["decisions"] == [] and hidden["purpose"] is None and "decisions" in hidden["redacted"]
    assert queries.conference_detail(kit, internal, STAFF)["purpose"] == "見守りの役割分担"


def test_a_basis_shares_the_minutes_only_with_who_took_part_or_took_work_not_every_department(kit):
    """Issue 10.2: loans neither attended nor was assigned anything, so it reads no minutes."""
    cid = schedule(kit)["conference_id"]
    hold(kit, cid, basis=ShareBasis(kind="statutory", reference="生活困窮者自立支援法 支援会議"))
    loans = Actor(staff_id="l-w1", department="loans", role="worker")
    shut = queries.conference_detail(kit, cid, loans)
    assert shut["decisions"] == [] and "decisions" in shut["redacted"] and shut["purpose"] is None
    assert queries.conference_detail(kit, cid, DISTRICTS)["decisions"] == ["友人Eさんと同行訪問"]  # assigned work


def test_over_http_only_conferences_staff_schedule_and_a_refusal_says_what_to_fix(tmp_path):
    app, kit = build(Settings(var_dir=tmp_path), kafka=False, clock=FixedClock(T0))
    try:
        client = TestClient(app)

        def auth(department: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 'x', department, 'worker')}"}

        body = {"kind": "case_conference", "case_id": "p-t", "purpose": "x", "scheduled_for": T0.isoformat()}
        assert client.post("/conferences", json=body, headers=auth("intake")).status_code == 403
        created = client.post("/conferences", json=body, headers=auth("conferences"))
        assert created.status_code == 201 and created.headers["ETag"] == '"1"'
        held = client.post(
            f"/conferences/{created.json()['conference_id']}/held",
            json={"held_at": T0.isoformat(), "participants": [AGENCY.model_dump()]},
            headers=auth("conferences"),
        )
        assert held.status_code == 422 and held.json()["field"] == "basis"
    finally:
        kit.close()


def test_an_auditor_reads_no_minutes(kit):
    cid = schedule(kit)["conference_id"]
    hold(kit, cid)
    auditor = Actor(staff_id="a-1", department="conferences", role="auditor")
    assert queries.conference_detail(kit, cid, auditor)["decisions"] == []


def test_if_match_and_etag_on_a_conference_over_http(tmp_path):
    app, kit = build(Settings(var_dir=tmp_path), kafka=False, clock=FixedClock(T0))
    try:
        client = TestClient(app)
        headers = {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 'c', 'conferences', 'worker')}"}
        body = {"case_id": "p-t", "kind": "case_conference", "purpose": "役割分担", "scheduled_for": T0.isoformat()}
        scheduled = client.post("/conferences", json=body, headers=headers)
        cid = scheduled.json()["conference_id"]
        assert (
            scheduled.headers["ETag"] == '"1"'
            and client.get(f"/conferences/{cid}", headers=headers).headers["ETag"] == '"1"'
        )
        held = {"held_at": T0.isoformat(), "participants": [{"name": "CSW", "organisation": "社協", "kind": "staff"}]}
        stale = client.post(f"/conferences/{cid}/held", json=held, headers={**headers, "If-Match": '"2"'})
        assert stale.status_code == 409
        fresh = client.post(f"/conferences/{cid}/held", json=held, headers={**headers, "If-Match": 'W/"1"'})
        assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'
    finally:
        kit.close()
