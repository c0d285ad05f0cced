"""The referral desk across two real services' stores and the real broker: the closed loop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.loans.domain.events import LoanApplicationDenied
from shared.clock import FixedClock
from shared.envelope import Actor
from shared.errors import Forbidden, IllegalTransition
from shared.referrals.commands import AcceptReferral, CompleteReferral, MakeReferral
from shared.referrals.desk import ReferralDesk
from shared.service import build_kit
from shared.settings import ServiceSettings

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
LOANS_WORKER = Actor(staff_id="l-01", department="loans", role="worker")
INTAKE_WORKER = Actor(staff_id="i-01", department="intake", role="worker")


def make_desk(department: str, tmp_path: Path, kafka, clock: FixedClock) -> ReferralDesk:
    # A group prefix per test: the department topics are shared by every test of the session.
    settings = ServiceSettings(
        service=department,
        var_dir=tmp_path,
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        consumer_group_prefix=f"{tmp_path.name}-",
    )
    kit = build_kit(settings, clock=clock)
    return ReferralDesk(kit, department)


def drain(*desks: ReferralDesk) -> None:
    """Publish every store and run every consumer until nothing moves."""
    for _ in range(3):
        for desk in desks:
            assert desk.kit.relay is not None
            desk.kit.relay.drain()
        for desk in desks:
            for consumer in desk.kit.consumers:
                consumer.run_until_idle(idle_polls=2)


@pytest.fixture
def pair(tmp_path, kafka):
    clock = FixedClock(T0)
    loans = make_desk("loans", tmp_path / "loans", kafka, clock)
    intake = make_desk("intake", tmp_path / "intake", kafka, clock)
    for desk in (loans, intake):
        for spec in desk.consumer_specs():
            desk.kit.add_consumer(spec)
    yield loans, intake, clock
    for desk in (loans, intake):
        desk.kit.close()


def deny(loans: ReferralDesk, household: str) -> str:
    with loans.kit.uow(LOANS_WORKER) as uow:
        [env] = uow.record(
            f"application-{household}",
            0,
            [
                LoanApplicationDenied(
                    application_id="a-1", household_id=household, person_id="p-1", reason="返済見込みなし", denied_at=T0
                )
            ],
            case_id=household,
        )
        uow.commit()
    return env.id


def test_denied_loan_refers_household_to_budget_consultation_once_and_the_outcome_reaches_loans(pair, tmp_path):
    loans, intake, clock = pair
    household = f"hh-{tmp_path.name}"
    deny(loans, household)
    drain(loans, intake)
    inbox = intake.inbox(INTAKE_WORKER, case_id=household)
    assert inbox["total"] == 1
    [referral] = inbox["items"]
    assert (referral["source_department"], referral["reason_category"], referral["status"]) == (
        "loans",
        "household_budget",
        "made",
    )
    assert referral["automatic"] and referral["rule_id"] == "loans.denied_to_budget_consultation"

    # The same cause delivered again (a second relay publishes the whole store once more).
    from shared.relay import OutboxRelay

    assert loans.kit.producer is not None
    OutboxRelay(loans.kit.engine, loans.kit.store, loans.kit.producer, "loans.events", name="replay").drain()
    drain(loans, intake)
    assert intake.inbox(INTAKE_WORKER, case_id=household)["total"] == 1
    assert loans.outbox(LOANS_WORKER, case_id=household)["total"] == 1

    # Intake answers; the loan desk sees the answer: the loop closes.
    clock.set(T0 + timedelta(hours=2))
    intake.accept(INTAKE_WORKER, AcceptReferral(referral_id=referral["referral_id"], by="i-01"))
    intake.complete(
        INTAKE_WORKER,
        CompleteReferral(
            referral_id=referral["referral_id"], by="i-01", outcome="support_started", note="家計相談を開始"
        ),
    )
    drain(loans, intake)
    [seen_by_loans] = loans.outbox(LOANS_WORKER, case_id=household)["items"]
    assert seen_by_loans["status"] == "completed"
    assert seen_by_loans["outcome"] == "support_started"
    assert seen_by_loans["outcome_note"] is None and "outcome_note" in seen_by_loans["redacted"]  # no basis


def test_unanswered_referral_expires_and_escalates_to_the_source_managers(pair, tmp_path):
    loans, intake, clock = pair
    household = f"hh-x-{tmp_path.name}"
    made = loans.make(
        LOANS_WORKER,
        MakeReferral(
            referral_id=f"r-{tmp_path.name}",
            by="l-01",
            case_id=household,
            household_id=household,
            target_kind="department",
            target="intake",
            reason_category="household_budget",
            reason_detail="カードローン3社",
            deadline=T0 + timedelta(days=3),
            basis_kind="consent",
            basis_reference="consent-1",
        ),
    )
    drain(loans, intake)
    # The target sees the details because the referral carries the person's consent.
    assert intake.get(made["referral_id"], INTAKE_WORKER)["reason_detail"] == "カードローン3社"
    clock.set(T0 + timedelta(days=2))
    assert loans.expire_overdue() == []
    clock.set(T0 + timedelta(days=3, minutes=1))
    assert loans.expire_overdue() == [made["referral_id"]]
    assert loans.expire_overdue() == []  # idempotent
    manager = Actor(staff_id="l-mgr", department="loans", role="manager")
    [escalated] = loans.escalations(manager)["items"]
    assert escalated["status"] == "expired" and escalated["escalated_to"] == "loans:manager"
    drain(loans, intake)
    # Still answerable after expiry; intake sees the expiry too.
    assert intake.get(made["referral_id"], INTAKE_WORKER)["status"] == "expired"
    intake.accept(INTAKE_WORKER, AcceptReferral(referral_id=made["referral_id"], by="i-01"))
    assert intake.get(made["referral_id"], INTAKE_WORKER)["status"] == "accepted"


def test_only_the_target_answers_and_only_own_staff_act_on_a_desk(pair, tmp_path):
    loans, intake, _ = pair
    made = loans.make(
        LOANS_WORKER,
        MakeReferral(
            referral_id=f"r2-{tmp_path.name}",
            by="l-01",
            case_id="hh-9",
            target_kind="department",
            target="intake",
            reason_category="household_budget",
            deadline=T0 + timedelta(days=3),
        ),
    )
    with pytest.raises(Forbidden):
        loans.accept(LOANS_WORKER, AcceptReferral(referral_id=made["referral_id"], by="l-01"))
    with pytest.raises(Forbidden):
        loans.accept(INTAKE_WORKER, AcceptReferral(referral_id=made["referral_id"], by="i-01"))
    drain(loans, intake)
    intake.accept(INTAKE_WORKER, AcceptReferral(referral_id=made["referral_id"], by="i-01"))
    with pytest.raises(IllegalTransition):
        intake.accept(INTAKE_WORKER, AcceptReferral(referral_id=made["referral_id"], by="i-01"))
