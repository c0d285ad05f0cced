"""Intake's handlers over SQLite (kit built without Kafka): events, read tables and refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from services.intake import handlers, queries
from services.intake.bootstrap import MIGRATIONS
from services.intake.config import Settings
from services.intake.domain import commands as c
from services.intake.domain.values import PlanStep, Responsible
from services.intake.schemas import ReferralBody
from shared.clock import FixedClock
from shared.commands import CommandContext
from shared.consent import Recipient
from shared.envelope import Actor
from shared.errors import ConcurrencyConflict, Forbidden, IllegalTransition, InvalidCommand, UnknownReference
from shared.eventstore import events_table
from shared.referrals.desk import ReferralDesk
from shared.registry import commands as registry_commands
from shared.registry.commands import HouseholdMember
from shared.service import ServiceKit, build_kit

T0 = datetime(2015, 6, 1, 1, 0, tzinfo=UTC)  # 10:00 in Japan
WORKER = Actor(staff_id="i-w1", department="intake", role="worker")
MANAGER = Actor(staff_id="i-m1", department="intake", role="manager")
DISTRICTS = Actor(staff_id="d-w1", department="districts", role="worker")


def at(actor: Actor, expected_version: int | None = None) -> CommandContext:
    """The command context of ``actor`` (who read ``expected_version``)."""
    return CommandContext(actor=actor, expected_version=expected_version)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def kit(tmp_path: Path, clock: FixedClock) -> Any:
    built = build_kit(Settings(var_dir=tmp_path), [MIGRATIONS], kafka=False, clock=clock)
    yield built
    built.close()


@pytest.fixture
def desk(kit: ServiceKit) -> ReferralDesk:
    return ReferralDesk(kit, "intake")


def event_count(kit: ServiceKit) -> int:
    with kit.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events_table)).scalar_one())


def register(kit: ServiceKit, **details: Any) -> str:
    cmd = registry_commands.RegisterPerson(registered_by=WORKER.staff_id, **details)
    return str(handlers.register_person(kit, at(WORKER), cmd)["person_id"])


def open_about(kit: ServiceKit, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"source": "self", "channel": "interview", "issues": ("household_budget",)}
    values.update(fields)
    return handlers.open_consultation(kit, at(WORKER), c.OpenConsultation(opened_by=WORKER.staff_id, **values))


def test_a_registered_person_is_found_by_kana_in_any_width_phone_birth_date_and_address(kit):
    person_id = register(
        kit,
        name_kanji="山田 花子",
        name_kana="ヤマダ ハナコ",
        birth_date=date(1940, 2, 3),
        address="大和市中央1-1-1",
        phone="046-260-5633",
    )
    register(kit, name_kanji="佐藤 一郎", name_kana="サトウ イチロウ")

    def found(**criteria: Any) -> list[str]:
        defaults: dict[str, Any] = {"name": None, "birth_date": None, "address": None, "phone": None}
        result = queries.search_people(kit, WORKER, **{**defaults, **criteria}, limit=10, offset=0)
        return [p["person_id"] for p in result["items"]]

    assert found(name="やまだ　はなこ") == [person_id]
    assert found(name="ﾔﾏﾀﾞ") == [person_id]
    assert found(name="山田花子") == [person_id]
    assert found(phone="０４６２６０５６３３") == [person_id]
    assert found(birth_date=date(1940, 2, 3)) == [person_id]
    assert found(address="大和市中央") == [person_id]
    assert found(name="ヤマダ", phone="999") == []
    assert len(found()) == 2


def test_only_intake_staff_see_a_persons_special_care_details(kit):
    person_id = register(kit, name_kanji="山田 花子", care_notes="DV被害の相談歴")
    assert queries.person_view(kit, person_id, WORKER)["care_notes"] == "DV被害の相談歴"
    seen = queries.person_view(kit, person_id, DISTRICTS)
    assert seen["name_kanji"] is None and seen["care_notes"] is None
    assert set(seen["redacted"]) == {"name_kanji", "care_notes"}


def test_consultation_about_an_unregistered_person_is_refused_and_nothing_is_written(kit):
    with pytest.raises(UnknownReference) as refused:
        open_about(kit, person_id="nobody")
    assert refused.value.field == "person_id" and "register the person first" in refused.value.message
    assert event_count(kit) == 0


def test_dv_abuse_consultation_is_raised_to_same_day_and_listed_under_its_issue(kit):
    person_id = register(kit, name_kana="タナカ")
    opened = open_about(kit, person_id=person_id, issues=("dv_abuse", "housing"))
    assert opened["urgency"] == "same_day" and opened["case_id"] == person_id
    open_about(kit, person_id=person_id)
    listed = queries.list_consultations(kit, WORKER, issue="dv_abuse")
    assert [i["consultation_id"] for i in listed["items"]] == [opened["consultation_id"]]
    assert listed["items"][0]["issues"] == ["dv_abuse", "housing"]
    assert queries.list_consultations(kit, WORKER, person_id=person_id)["counts"] == {"open": 2, "closed": 0}


def test_stale_update_is_refused_with_a_conflict_and_writes_nothing(kit):
    opened = open_about(kit, subject_description="3丁目の高齢女性")
    contact = c.RecordContact(
        consultation_id=opened["consultation_id"],
        channel="home_visit",
        party="self",
        outcome="not_reached",
        recorded_by=WORKER.staff_id,
    )
    first = handlers.record_contact(kit, at(WORKER, 1), contact)
    assert first["version"] == 2
    before = event_count(kit)
    with pytest.raises(ConcurrencyConflict) as refused:
        handlers.record_contact(kit, at(WORKER, 1), contact)
    assert refused.value.field == "expected_version" and "reload" in refused.value.message
    assert event_count(kit) == before


def test_contacts_count_and_a_follow_up_is_done_by_the_contact_that_carries_it_out(kit, clock):
    opened = open_about(kit, subject_description="一人暮らしの男性")
    cid = opened["consultation_id"]
    follow = handlers.schedule_follow_up(
        kit,
        at(WORKER),
        c.ScheduleFollowUp(consultation_id=cid, due_on=date(2015, 6, 8), purpose="様子の確認", scheduled_by="i-w1"),
    )
    assert [f["follow_up_id"] for f in queries.due_follow_ups(kit, WORKER, date(2015, 6, 30), 10)["items"]] == [
        follow["follow_up_id"]
    ]
    clock.set(T0 + timedelta(days=7))
    handlers.record_contact(
        kit,
        at(WORKER),
        c.RecordContact(
            consultation_id=cid,
            channel="home_visit",
            party="self",
            outcome="reached",
            follow_up_id=follow["follow_up_id"],
            recorded_by="i-w1",
        ),
    )
    detail = queries.consultation_detail(kit, cid, WORKER)
    assert detail["contact_count"] == 2  # 延件数: the opening and the visit
    assert detail["follow_ups"][0]["done"] is True
    assert queries.due_follow_ups(kit, WORKER, date(2015, 6, 30), 10)["items"] == []


def test_identifying_the_subject_moves_the_consultation_to_the_persons_case(kit):
    opened = open_about(kit, subject_description="氏名不明の女性")
    assert opened["case_id"] == opened["consultation_id"]
    person_id = register(kit, name_kana="エー")
    moved = handlers.identify_subject(
        kit,
        at(WORKER),
        c.IdentifySubject(consultation_id=opened["consultation_id"], person_id=person_id, identified_by="x"),
    )
    assert moved["case_id"] == person_id
    assert queries.list_consultations(kit, WORKER, person_id=person_id)["total"] == 1


def test_linked_duplicate_records_show_as_one_person_and_one_case(kit):
    kept = register(kit, name_kanji="葉山 太郎", name_kana="ハヤマ タロウ")
    duplicate = register(kit, name_kana="ハヤマ タロー")
    open_about(kit, person_id=kept)
    open_about(kit, person_id=duplicate)
    assert (
        queries.search_people(
            kit, WORKER, name="ハヤマ", birth_date=None, address=None, phone=None, limit=10, offset=0
        )["total"]
        == 2
    )
    link = registry_commands.LinkPersonRecords(
        person_id=kept, duplicate_person_id=duplicate, reason="同一人物", linked_by="i-w1"
    )
    handlers.link_person_records(kit, at(WORKER, 1), link)
    found = queries.search_people(
        kit, WORKER, name="タロー", birth_date=None, address=None, phone=None, limit=10, offset=0
    )
    assert [p["person_id"] for p in found["items"]] == [kept]
    assert found["items"][0]["linked_person_ids"] == [duplicate]
    assert queries.list_consultations(kit, WORKER, person_id=duplicate)["total"] == 2
    with pytest.raises(IllegalTransition):
        handlers.link_person_records(kit, at(WORKER), link)
    reverse = registry_commands.LinkPersonRecords(
        person_id=duplicate, duplicate_person_id=kept, reason="再度", linked_by="i-w1"
    )
    with pytest.raises(IllegalTransition):
        handlers.link_person_records(kit, at(WORKER), reverse)


def test_household_members_join_and_leave(kit, clock):
    father, son = register(kit, name_kana="チチ"), register(kit, name_kana="ムスコ")
    household = handlers.register_household(
        kit,
        at(WORKER),
        registry_commands.RegisterHousehold(
            address="葉山町", members=(HouseholdMember(person_id=father),), registered_by="i-w1"
        ),
    )
    hid = household["household_id"]
    with pytest.raises(UnknownReference):
        handlers.join_household(
            kit,
            at(WORKER),
            registry_commands.JoinHousehold(household_id=hid, member=HouseholdMember(person_id="x"), recorded_by="i"),
        )
    handlers.join_household(
        kit,
        at(WORKER),
        registry_commands.JoinHousehold(
            household_id=hid, member=HouseholdMember(person_id=son, relationship="長男"), recorded_by="i"
        ),
    )
    clock.set(T0 + timedelta(days=30))
    left = handlers.leave_household(
        kit,
        at(WORKER, 3),
        registry_commands.LeaveHousehold(household_id=hid, person_id=son, reason="転居", recorded_by="i"),
    )
    view = queries.household_view(kit, hid, WORKER)
    assert left["version"] == view["version"] == 4
    assert [m["person_id"] for m in view["members"]] == [father]
    assert [m["person_id"] for m in view["former_members"]] == [son]
    assert queries.person_view(kit, son, WORKER)["households"][0]["left_on"] == "2015-07-01"


def test_supervisor_comments_are_for_managers_and_the_worker_acknowledges_them(kit):
    cid = open_about(kit, subject_description="高齢男性")["consultation_id"]
    comment = c.AddSupervisorComment(consultation_id=cid, reviewer_id="i-w1", comment="同意なく介入しないこと")
    with pytest.raises(Forbidden):
        handlers.add_supervisor_comment(kit, at(WORKER), comment)
    added = handlers.add_supervisor_comment(kit, at(MANAGER), comment.model_copy(update={"reviewer_id": "i-m1"}))
    assert queries.list_consultations(kit, WORKER, unacknowledged_comments=True)["total"] == 1
    handlers.acknowledge_supervisor_comment(
        kit,
        at(WORKER),
        c.AcknowledgeSupervisorComment(consultation_id=cid, comment_id=added["comment_id"], acknowledged_by="i-w1"),
    )
    detail = queries.consultation_detail(kit, cid, WORKER)
    assert detail["supervisor_comments"][0]["acknowledged_by"] == "i-w1"
    assert queries.list_consultations(kit, WORKER, unacknowledged_comments=True)["total"] == 0


def test_support_plan_follows_the_ladder_and_closing_needs_a_destination(kit):
    cid = open_about(kit, subject_description="男性")["consultation_id"]
    steps = (
        PlanStep(
            rung="community_capacity", action="サロン", responsible=Responsible(kind="department", name="districts")
        ),
        PlanStep(rung="personal_capacity", action="家計の整理", responsible=Responsible(kind="person", name="本人")),
    )
    handlers.set_support_plan(kit, at(WORKER), c.SetSupportPlan(consultation_id=cid, steps=steps, set_by="i-w1"))
    plan = queries.consultation_detail(kit, cid, WORKER)["support_plan"]
    assert [s["rung"] for s in plan["steps"]] == ["personal_capacity", "community_capacity"]
    with pytest.raises(InvalidCommand) as refused:
        handlers.close_consultation(
            kit, at(WORKER), c.CloseConsultation(consultation_id=cid, outcome="connected_to_service", closed_by="i")
        )
    assert refused.value.field == "destination"
    closed = handlers.close_consultation(
        kit, at(WORKER), c.CloseConsultation(consultation_id=cid, outcome="solved", closed_by="i")
    )
    assert closed["status"] == "closed"
    assert queries.list_consultations(kit, WORKER, status="closed")["total"] == 1


def give_consent(kit: ServiceKit, person_id: str, recipient: Recipient, until: date = date(2016, 3, 31)) -> str:
    cmd = c.GiveConsent(
        person_id=person_id,
        recipients=(recipient,),
        purposes=("support_coordination",),
        valid_until=until,
        recorded_by="i-w1",
    )
    return str(handlers.give_consent(kit, at(WORKER), cmd)["consent_id"])


def referral(consultation_id: str, **fields: Any) -> ReferralBody:
    values: dict[str, Any] = {
        "consultation_id": consultation_id,
        "target_kind": "department",
        "target": "districts",
        "reason_category": "isolation_outreach",
        "reason_detail": "認知症の疑い",
    }
    values.update(fields)
    return ReferralBody(**values)


def test_a_referral_claims_consent_only_when_the_ledger_holds_one_in_force(kit, desk, clock):
    person_id = register(kit, name_kana="ティー")
    cid = open_about(kit, person_id=person_id)["consultation_id"]
    with pytest.raises(Forbidden) as refused:
        handlers.make_referral(kit, desk, at(WORKER), referral(cid, basis_kind="consent"))
    assert refused.value.field == "basis_kind"

    plain = handlers.make_referral(kit, desk, at(WORKER), referral(cid))  # auto, nothing on record → none
    assert plain["basis_kind"] == "none"
    assert desk.get(plain["referral_id"], DISTRICTS)["reason_detail"] is None
    assert "reason_detail" in desk.get(plain["referral_id"], DISTRICTS)["redacted"]
    assert desk.get(plain["referral_id"], WORKER)["reason_detail"] == "認知症の疑い"

    consent_id = give_consent(kit, person_id, Recipient(kind="department", id="districts"))
    shared = handlers.make_referral(kit, desk, at(WORKER), referral(cid, basis_kind="consent"))
    assert shared["basis_kind"] == "consent"
    assert desk.get(shared["referral_id"], DISTRICTS)["reason_detail"] == "認知症の疑い"

    handlers.withdraw_consent(
        kit, at(WORKER), c.WithdrawConsent(person_id=person_id, consent_id=consent_id, recorded_by="i")
    )
    clock.set(T0 + timedelta(minutes=1))
    assert handlers.make_referral(kit, desk, at(WORKER), referral(cid))["basis_kind"] == "none"
    ledger = queries.consent_ledger(kit, person_id)
    assert [r["in_force"] for r in ledger["records"]] == [False]


def test_statutory_sharing_is_a_basis_for_its_named_members_only(kit, desk):
    person_id = register(kit, name_kana="ビー")
    cid = open_about(kit, person_id=person_id)["consultation_id"]
    handlers.record_statutory_sharing(
        kit,
        at(WORKER),
        c.RecordStatutorySharing(
            person_id=person_id,
            meeting_id="mtg-1",
            recipients=(Recipient(kind="department", id="loans"),),
            secrecy_duty_acknowledged=True,
            recorded_by="i-w1",
        ),
    )
    to_loans = handlers.make_referral(
        kit, desk, at(WORKER), referral(cid, target="loans", reason_category="household_budget")
    )
    assert to_loans["basis_kind"] == "statutory"
    with pytest.raises(Forbidden):
        handlers.make_referral(kit, desk, at(WORKER), referral(cid, basis_kind="statutory"))  # districts was not there
