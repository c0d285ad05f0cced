"""Intake over the real broker: rules fire once per cause, unanswered referrals expire and escalate,
details cross to another department only on a recorded basis, duplicates registered by another
service are linked explicitly.

Each test runs intake as ``bootstrap.build`` makes it (consumers included, workers driven by hand),
next to a bare districts (and loans) kit on the session's shared topics; consumer groups carry a
per-test prefix, and assertions look only at this test's cases.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from services.intake import handlers, queries
from services.intake.bootstrap import build
from services.intake.config import Settings
from services.intake.domain import commands as c
from services.intake.schemas import ReferralBody
from shared.clock import FixedClock
from shared.commands import CommandContext
from shared.consent import Recipient
from shared.envelope import Actor
from shared.referrals.commands import AcceptReferral
from shared.referrals.desk import ReferralDesk
from shared.registry import commands as registry_commands
from shared.registry.events import PersonRegistered
from shared.relay import OutboxRelay
from shared.service import ServiceKit, build_kit
from shared.settings import ServiceSettings

T0 = datetime(2015, 6, 1, 1, 0, tzinfo=UTC)
WORKER = Actor(staff_id="i-w1", department="intake", role="worker")
MANAGER = Actor(staff_id="i-m1", department="intake", role="manager")
DISTRICTS = Actor(staff_id="d-w1", department="districts", role="worker")
LOANS = Actor(staff_id="l-w1", department="loans", role="worker")


def at(actor: Actor, expected_version: int | None = None) -> CommandContext:
    """The command context of ``actor`` (who read ``expected_version``)."""
    return CommandContext(actor=actor, expected_version=expected_version)


@dataclass
class Setup:
    intake: ServiceKit
    desk: ReferralDesk
    districts: ReferralDesk
    loans: ServiceKit
    clock: FixedClock

    def drain(self) -> None:
        """Publish every store and run every consumer until a round moves nothing."""
        kits = (self.intake, self.districts.kit, self.loans)
        for round_ in range(5):
            sent = 0
            for kit in kits:
                assert kit.relay is not None
                sent += kit.relay.drain()
            seen = 0
            for kit in kits:
                for consumer in kit.consumers:
                    # The first round also waits for each new consumer group to join.
                    seen += consumer.run_until_idle(idle_polls=3 if round_ == 0 else 1)
            if round_ and not sent and not seen:
                return


def _settings(tmp_path: Path, kafka: Any, **extra: Any) -> dict[str, Any]:
    return {
        "var_dir": tmp_path,
        "kafka_bootstrap_servers": kafka.bootstrap_servers,
        "consumer_group_prefix": f"{tmp_path.parent.name}-",
        "log_json": False,
        **extra,
    }


def make_setup(tmp_path: Path, kafka: Any, intake_db: str | None = None) -> Setup:
    clock = FixedClock(T0)
    app, intake = build(Settings(**_settings(tmp_path / "intake", kafka, database_url=intake_db)), clock=clock)
    districts_kit = build_kit(
        ServiceSettings(service="districts", **_settings(tmp_path / "districts", kafka)), clock=clock
    )
    districts = ReferralDesk(districts_kit, "districts")
    for spec in districts.consumer_specs():
        districts_kit.add_consumer(spec)
    loans = build_kit(ServiceSettings(service="loans", **_settings(tmp_path / "loans", kafka)), clock=clock)
    return Setup(intake=intake, desk=app.state.desk, districts=districts, loans=loans, clock=clock)


@pytest.fixture
def setup(tmp_path: Path, kafka: Any) -> Iterator[Setup]:
    made = make_setup(tmp_path, kafka)
    yield made
    for kit in (made.intake, made.districts.kit, made.loans):
        kit.close()


@pytest.fixture
def setup_on_each_store(tmp_path: Path, kafka: Any, db_url: str) -> Iterator[Setup]:
    made = make_setup(tmp_path, kafka, intake_db=db_url)
    yield made
    for kit in (made.intake, made.districts.kit, made.loans):
        kit.close()


def open_consultation(kit: ServiceKit, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"source": "self", "channel": "phone", "issues": ("other",)}
    values.update(fields)
    return handlers.open_consultation(kit, at(WORKER), c.OpenConsultation(opened_by=WORKER.staff_id, **values))


def test_rules_fire_once_per_cause_even_when_the_cause_is_delivered_twice(setup_on_each_store):
    s = setup_on_each_store
    dv = open_consultation(s.intake, subject_description="若い女性", issues=("dv_abuse",))
    isolated = open_consultation(
        s.intake, subject_description="3丁目の高齢女性", source="welfare_commissioner", isolated=True
    )
    s.drain()
    # The same causes once more: a second relay publishes intake's whole store again.
    assert s.intake.producer is not None
    OutboxRelay(s.intake.engine, s.intake.store, s.intake.producer, "intake.events", name="replay").drain()
    s.drain()

    [urgent] = s.desk.outbox(WORKER, case_id=dv["case_id"])["items"]
    assert (urgent["target"], urgent["priority"], urgent["rule_id"]) == (
        "intake",
        "same_day",
        "intake.dv_abuse_same_day",
    )
    assert s.desk.inbox(WORKER, case_id=dv["case_id"])["total"] == 1
    [outreach] = s.desk.outbox(WORKER, case_id=isolated["case_id"])["items"]
    assert (outreach["target"], outreach["reason_category"]) == ("districts", "isolation_outreach")
    assert s.districts.inbox(DISTRICTS, case_id=isolated["case_id"])["total"] == 1


def test_an_unanswered_outreach_referral_expires_escalates_and_the_late_answer_reaches_intake(setup):
    s = setup
    opened = open_consultation(s.intake, subject_description="孤立した男性", source="neighbour", isolated=True)
    s.drain()
    [made] = s.desk.outbox(WORKER, case_id=opened["case_id"])["items"]
    s.clock.set(T0 + timedelta(days=2))
    assert made["referral_id"] not in s.desk.expire_overdue()
    s.clock.set(T0 + timedelta(days=3, minutes=1))
    assert made["referral_id"] in s.desk.expire_overdue()
    assert made["referral_id"] not in s.desk.expire_overdue()
    escalated = s.desk.escalations(MANAGER, case_id=opened["case_id"])["items"]
    assert [e["escalated_to"] for e in escalated] == ["intake:manager"]
    s.drain()
    assert s.districts.get(made["referral_id"], DISTRICTS)["status"] == "expired"
    s.districts.accept(DISTRICTS, AcceptReferral(referral_id=made["referral_id"], by="d-w1", note="訪問します"))
    s.drain()
    assert s.desk.get(made["referral_id"], WORKER)["status"] == "accepted"


def test_details_cross_to_districts_only_with_the_persons_consent(setup):
    s = setup
    person = handlers.register_person(
        s.intake, at(WORKER), registry_commands.RegisterPerson(name_kana="ティー", registered_by="i-w1")
    )
    pid = person["person_id"]
    cid = open_consultation(s.intake, person_id=pid)["consultation_id"]
    body = {
        "consultation_id": cid,
        "target_kind": "department",
        "target": "districts",
        "reason_category": "isolation_outreach",
        "reason_detail": "物忘れが進み金銭管理が困難",
    }
    without = handlers.make_referral(s.intake, s.desk, at(WORKER), ReferralBody(**body))
    handlers.give_consent(
        s.intake,
        at(WORKER),
        c.GiveConsent(
            person_id=pid,
            recipients=(Recipient(kind="department", id="districts"),),
            purposes=("support_coordination",),
            valid_until=date(2016, 3, 31),
            recorded_by="i-w1",
        ),
    )
    with_consent = handlers.make_referral(s.intake, s.desk, at(WORKER), ReferralBody(**body))
    s.drain()
    hidden = s.districts.get(without["referral_id"], DISTRICTS)
    assert hidden["reason_category"] == "isolation_outreach" and hidden["reason_detail"] is None
    assert hidden["redacted"] == ["reason_detail"]
    shown = s.districts.get(with_consent["referral_id"], DISTRICTS)
    assert shown["basis_kind"] == "consent" and shown["reason_detail"] == "物忘れが進み金銭管理が困難"


def test_a_person_the_loans_desk_registered_is_found_at_intake_and_linked_explicitly(setup_on_each_store):
    s = setup_on_each_store
    tag = s.intake.settings.consumer_group_prefix.strip("-")
    loans_pid = f"loans-person-{tag}"
    with s.loans.uow(LOANS) as uow:
        uow.record(
            f"person-{loans_pid}",
            0,
            [
                PersonRegistered(
                    person_id=loans_pid,
                    name_kanji="大和 花子",
                    name_kana=f"ヤマト ハナコ {tag}",
                    birth_date=date(1938, 1, 2),
                    address=None,
                    phone=None,
                    care_notes=None,
                    registered_at=T0,
                    registered_by="l-w1",
                )
            ],
            case_id=loans_pid,
        )
        uow.commit()
    kept = handlers.register_person(
        s.intake, at(WORKER), registry_commands.RegisterPerson(name_kana=f"ヤマト ハナコ {tag}", registered_by="i-w1")
    )["person_id"]
    s.drain()

    def search() -> dict[str, Any]:
        return queries.search_people(
            s.intake, WORKER, name=f"やまとはなこ{tag}", birth_date=None, address=None, phone=None, limit=10, offset=0
        )

    assert {p["person_id"] for p in search()["items"]} == {kept, loans_pid}
    assert queries.person_view(s.intake, loans_pid, WORKER)["registered_by_service"] == "loans"
    handlers.link_person_records(
        s.intake,
        at(WORKER),
        registry_commands.LinkPersonRecords(
            person_id=kept, duplicate_person_id=loans_pid, reason="生年月日と氏名が一致", linked_by="i-w1"
        ),
    )
    [one] = search()["items"]
    assert one["person_id"] == kept and one["linked_person_ids"] == [loans_pid]
    # The link is an audited event on the kept record's stream, published like any other.
    with s.intake.engine.connect() as conn:
        types = [e.type for e in s.intake.store.read_stream(conn, f"person-{kept}")]
    assert types == ["registry.PersonRegistered", "registry.PersonRecordsLinked"]
