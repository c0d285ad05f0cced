"""Reporting over real Kafka and both databases: case view, as-of, access log, chains, follow-ups, rebuild."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from services.reporting import handlers
from services.reporting.adapters import archive
from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.generations import active_generation, checksums, count_rows
from services.reporting.domain.case_view import REDACTED
from services.reporting.rebuild import rebuild
from shared.clock import FixedClock
from shared.envelope import Actor
from shared.errors import Forbidden, InvalidCommand, NotFound
from tests.integration.reporting.builders import (
    T0,
    History,
    accepted,
    consent,
    declined,
    denied,
    follow_up,
    identified,
    intake_opened,
    linked,
    loan_closed,
    loan_issues,
    loan_opened,
    loan_response,
    member,
    person,
    referral,
)
from tests.integration.reporting.conftest import Reporting

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

H = timedelta(hours=1)
D = timedelta(days=1)
LOANS = Actor(staff_id="l-1", department="loans", role="worker")
DISTRICTS = Actor(staff_id="d-1", department="districts", role="worker")
AUDITOR = Actor(staff_id="a-1", department="reporting", role="auditor")
PURPOSE = "support_coordination"
INTAKE_WORKER = Actor(staff_id="i-1", department="intake", role="worker")


def scripted() -> tuple[History, list, list]:
    """Intake and loans histories of household H1 (person P1, duplicate P1b, provisional case C1)."""
    h = History()
    intake = [
        h.add("intake", "person-P1", "P1", person("P1", T0), T0),
        h.add("intake", "household-H1", "H1", member("H1", "P1", T0 + timedelta(minutes=1)), T0 + timedelta(minutes=1)),
        h.add("intake", "ic-1", "C1", intake_opened("ic-1", "C1", T0 + H), T0 + H),
        h.add("intake", "ic-1", "P1", identified("ic-1", "C1", "P1", T0 + 2 * H), T0 + 2 * H),
        h.add("intake", "consents-P1", "P1", consent("P1", T0 + 3 * H, "loans", PURPOSE), T0 + 3 * H),
        h.add("intake", "ic-1", "P1", follow_up("ic-1", "P1", T0 + 4 * H, (T0 + 7 * D).date()), T0 + 4 * H),
        h.add("intake", "person-P1", "P1", linked("P1", "P1b", T0 + 5 * H), T0 + 5 * H),
    ]
    loans = [
        h.add("loans", "person-P1b", "P1b", person("P1b", T0 - D), T0 - D),
        h.add("loans", "lc-1", "H1", loan_opened("lc-1", "H1", T0 + D, issues=("employment", "debt_arrears")), T0 + D),
        h.add("loans", "lc-1", "H1", loan_issues("lc-1", "H1", T0 + D + H, ("housing",)), T0 + D + H),
        h.add(
            "loans",
            "lc-1",
            "H1",
            loan_response("lc-1", "r1", "H1", T0 + D + 2 * H, "public_assistance"),
            T0 + D + 2 * H,
        ),
    ]
    denial = h.add("loans", "app-1", "H1", denied("app-1", "H1", T0 + D + 3 * H), T0 + D + 3 * H)
    loans += [
        denial,
        h.add(
            "loans", "ref-1", "H1", referral("ref-1", "H1", T0 + D + 4 * H, T0 + 3 * D, cause=denial), T0 + D + 4 * H
        ),
        h.add("loans", "ref-2", "H1", referral("ref-2", "H1", T0 + D + 5 * H, T0 + 2 * D), T0 + D + 5 * H),
        h.add("loans", "lc-1", "H1", loan_closed("lc-1", "H1", T0 + D + 6 * H, True), T0 + D + 6 * H),
        # household H2: closed with no service, and a denial whose referral was declined
        h.add("loans", "lc-2", "H2", loan_opened("lc-2", "H2", T0 + D, fund="education_support"), T0 + D),
        h.add("loans", "lc-2", "H2", loan_closed("lc-2", "H2", T0 + 2 * D, False), T0 + 2 * D),
    ]
    denial2 = h.add("loans", "app-2", "H2", denied("app-2", "H2", T0 + 2 * D), T0 + 2 * D)
    loans += [
        h.add("loans", "lc-3", "H3", loan_opened("lc-3", "H3", T0 + D, fund="care"), T0 + D),
        h.add("loans", "lc-3", "H3", loan_closed("lc-3", "H3", T0 + 2 * D, False), T0 + 2 * D),
    ]
    loans += [
        denial2,
        h.add("loans", "ref-3", "H2", referral("ref-3", "H2", T0 + 2 * D, T0 + 5 * D, cause=denial2), T0 + 2 * D),
    ]
    # the target's answers travel on intake's topic, and arrive before the referrals they answer
    answers = [
        h.add("intake", "ref-1", "H1", accepted("ref-1", T0 + 2 * D), T0 + 2 * D),
        h.add("intake", "ref-3", "H2", declined("ref-3", T0 + 3 * D), T0 + 3 * D),
    ]
    return h, intake + answers, loans


@pytest.fixture
def loaded(reporting: Reporting) -> Reporting:
    clock = FixedClock(T0 + 10 * D)
    reporting.kit.clock = clock
    reporting.kit.uow.clock = clock
    _h, intake, loans = scripted()
    reporting.publish(intake)  # answers first: out of order across topics
    reporting.consume()
    reporting.publish(loans)
    reporting.consume()
    return reporting


def test_case_view_folds_linked_records_household_and_provisional_case(loaded: Reporting) -> None:
    view = handlers.case_view(loaded.kit, "P1b", LOANS, PURPOSE)
    assert view.case_ids == ["C1", "H1", "P1", "P1b"]
    assert {e.department for e in view.timeline} == {"intake", "loans"}
    types = [e.type for e in view.timeline]
    assert "intake.ConsultationOpened" in types and "loans.LoanConsultationOpened" in types
    statuses = {s.department: s for s in view.statuses}
    assert statuses["intake"].open_consultations == 1
    assert statuses["loans"].last_closure == "solved"
    assert statuses["loans"].applications == {"app-1": "denied"}
    open_refs = {r.referral_id: r for r in view.open_referrals}
    assert open_refs["ref-1"].status == "accepted"  # accepted arrived before made
    assert open_refs["ref-2"].status == "made" and open_refs["ref-2"].overdue
    assert view.next_follow_up is not None and view.next_follow_up.follow_up_id == "fu-ic-1"


def test_personal_fields_follow_department_and_consent(loaded: Reporting) -> None:
    def opened(view: handlers.CaseView) -> dict:  # type: ignore[name-defined]
        return next(e.data for e in view.timeline if e.type == "intake.ConsultationOpened")

    with_consent = handlers.case_view(loaded.kit, "P1", LOANS, PURPOSE)
    assert opened(with_consent)["own_words"] == "困っている"
    other_purpose = handlers.case_view(loaded.kit, "P1", LOANS, "statistics")
    assert opened(other_purpose)["own_words"] == REDACTED
    no_consent = handlers.case_view(loaded.kit, "P1", DISTRICTS, PURPOSE)
    assert opened(no_consent)["own_words"] == REDACTED and opened(no_consent)["issues"] == ["housing"]
    loans_summary = next(e for e in no_consent.timeline if e.type == "loans.LoanConsultationOpened")
    assert loans_summary.redacted == ["summary"]
    # What intake's follow-up is for is personal: the next follow-up says when, not why, without consent.
    assert with_consent.next_follow_up is not None and with_consent.next_follow_up.purpose != REDACTED
    assert no_consent.next_follow_up is not None and no_consent.next_follow_up.purpose == REDACTED
    with pytest.raises(InvalidCommand):
        handlers.case_view(loaded.kit, "P1", LOANS, "  ")
    with pytest.raises(Forbidden):
        handlers.case_view(loaded.kit, "P1", Actor(staff_id="x", department="admin", role="admin"), PURPOSE)


def test_duplicate_delivery_changes_nothing(loaded: Reporting) -> None:
    with loaded.kit.engine.connect() as conn:
        before = checksums(conn, active_generation(conn))
        archived = archive.count(conn)
    _h, intake, loans = scripted()
    loaded.duplicates += len(loans + intake)  # redelivered ids are not marked again
    loaded.publish(loans + intake)
    loaded.consume()
    with loaded.kit.engine.connect() as conn:
        assert checksums(conn, active_generation(conn)) == before
        assert archive.count(conn) == archived


def test_as_of_views_at_several_moments(loaded: Reporting) -> None:
    early = handlers.case_view(loaded.kit, "P1", AUDITOR, "audit", T0 + 90 * timedelta(minutes=1))
    assert early.case_ids == ["H1", "P1"]  # the consultation was not yet known to be about P1
    assert [e.type for e in early.timeline] == ["registry.PersonRegistered", "registry.MemberJoinedHousehold"]
    identified_then = handlers.case_view(loaded.kit, "P1", AUDITOR, "audit", T0 + 2 * H)
    assert "C1" in identified_then.case_ids and "P1b" not in identified_then.case_ids
    assert identified_then.statuses[0].open_consultations == 1
    day2 = handlers.case_view(loaded.kit, "P1", AUDITOR, "audit", T0 + D + 3 * H)
    assert "P1b" in day2.case_ids
    assert {s.department: s.applications for s in day2.statuses}["loans"] == {"app-1": "denied"}
    assert not day2.open_referrals
    now = handlers.case_view(loaded.kit, "P1", AUDITOR, "audit")
    assert len(now.timeline) > len(day2.timeline)


def test_every_read_is_an_access_event_viewable_by_auditors(loaded: Reporting) -> None:
    handlers.case_view(loaded.kit, "P1", LOANS.model_copy(update={"name": "貸付 花子"}), PURPOSE)
    handlers.case_view(loaded.kit, "P1b", DISTRICTS, "watch_over")
    log = handlers.access_log(loaded.kit, "P1", AUDITOR)
    assert [(r.viewer_id, r.purpose) for r in log] == [("l-1", PURPOSE), ("d-1", "watch_over")]
    # The auditor reads who it was by name where the sign-in gave one, by id where it did not.
    assert [r.viewer_name for r in log] == ["貸付 花子", None]
    assert log[1].redacted_entries > 0
    assert handlers.access_log(loaded.kit, "P1", AUDITOR, as_of=T0) == []
    with pytest.raises(Forbidden):
        handlers.access_log(loaded.kit, "P1", LOANS)
    assert loaded.kit.relay is not None and loaded.kit.relay.drain() >= 2  # published on reporting.events


def test_a_case_with_referrals_answered_by_another_department_verifies_clean(loaded: Reporting) -> None:
    """ADR 0002: ref-1 is made in loans' store and accepted in intake's, each store with its own chain."""
    check = handlers.verify_case(loaded.kit, "H1")
    assert check.ok, check.problems
    with loaded.kit.engine.begin() as conn:
        row = archive.archive.c.event_id == "ref-1@intake-v1"
        env = json.loads(conn.execute(select(archive.archive.c.envelope).where(row)).scalar_one())
        env["data"]["by"] = "someone-else"
        conn.execute(update(archive.archive).where(row).values(envelope=json.dumps(env)))
    altered = handlers.verify_case(loaded.kit, "H1")
    assert not altered.ok and list(altered.problems) == ["ref-1"]
    assert altered.problems["ref-1"] == ["intake: version 1: content does not match its hash (altered)"]


def test_tampered_or_missing_archive_event_is_caught(loaded: Reporting) -> None:
    assert handlers.verify_case(loaded.kit, "H1").ok
    with loaded.kit.engine.begin() as conn:
        row = archive.archive.c.event_id == "lc-1-v2"
        raw = conn.execute(select(archive.archive.c.envelope).where(row)).scalar_one()
        env = json.loads(raw)
        env["data"]["issues"] = ["other"]
        conn.execute(
            update(archive.archive).where(archive.archive.c.event_id == "lc-1-v2").values(envelope=json.dumps(env))
        )
        conn.execute(archive.archive.delete().where(archive.archive.c.event_id == "lc-1-v3"))
    check = handlers.verify_case(loaded.kit, "H1")
    assert not check.ok
    assert any("version 2: content does not match its hash (altered)" in p for p in check.problems["lc-1"])
    assert any("version 3 is missing" in p for p in check.problems["lc-1"])
    assert list(check.problems) == ["lc-1"]
    assert handlers.verify_case(loaded.kit, "P1").ok is False  # P1's case includes household H1


def test_follow_up_list_and_referral_flow(loaded: Reporting) -> None:
    items = {(i.case_id, i.reason, i.reference_id) for i in handlers.follow_up_list(loaded.kit)}
    assert items == {
        ("H3", "closed_without_service", "lc-3"),  # H2's closure had a referral: it shows as declined instead
        ("H2", "denied_referral_declined", "app-2"),
        ("H1", "referral_overdue", "ref-2"),
        ("P1", "follow_up_overdue", "fu-ic-1"),  # due T0 + 7 days, no contact answered it, still open
    }
    flow = handlers.referral_flow(loaded.kit, (T0 - D).date(), (T0 + 9 * D).date())
    assert [(f.source_department, f.target, f.made, f.accepted, f.declined) for f in flow] == [
        ("loans", "intake", 3, 1, 1)
    ]
    assert flow[0].median_hours_to_accept == 20.0
    districts = handlers.district_issues(loaded.kit, (T0 - D).date(), (T0 + 9 * D).date())
    assert {(d.month, tuple(sorted(d.counts))) for d in districts} == {
        ("2026-10", ("debt_arrears", "employment", "housing"))
    }


def test_rebuild_equals_live_model_and_switches(loaded: Reporting) -> None:
    with loaded.kit.engine.connect() as conn:
        live_gen = active_generation(conn)
        live = checksums(conn, live_gen)
    out = io.StringIO()
    report = rebuild(
        loaded.kit.engine,
        loaded.bootstrap_servers,
        list(loaded.topics.values()),
        progress=out,
        drop_old=False,
        grace_seconds=0,
    )
    assert report.switched and report.replaced == live_gen and report.skipped == 0
    assert report.events == 23
    assert "ev/s" in out.getvalue() and "lag" in out.getvalue()
    with loaded.kit.engine.connect() as conn:
        assert active_generation(conn) == report.generation
        assert checksums(conn, report.generation) == live
    # the live consumer now writes the new generation
    h = History()
    loaded.publish([h.add("loans", "lc-9", "H9", loan_opened("lc-9", "H9", T0 + D), T0 + D)])
    loaded.consume()
    with loaded.kit.engine.connect() as conn:
        assert count_rows(conn, rm.loan_consultations, report.generation) == 4


def test_any_id_of_a_case_leads_to_it(loaded: Reporting) -> None:
    """A consultation id of a registered person, an application id, a referral id: each opens its case."""
    by_consultation = handlers.case_view(loaded.kit, "ic-1", INTAKE_WORKER, PURPOSE)
    assert "P1" in by_consultation.case_ids and by_consultation.case_id == "P1"
    assert "H1" in handlers.case_view(loaded.kit, "app-1", LOANS, PURPOSE).case_ids
    assert "H1" in handlers.case_view(loaded.kit, "ref-1", LOANS, PURPOSE).case_ids
    with pytest.raises(NotFound):
        handlers.case_view(loaded.kit, "no-such-thing", LOANS, PURPOSE)


def test_the_access_log_lists_reads_in_every_service_and_records_its_own_reading(loaded: Reporting) -> None:
    from shared.access import PersonalDataRead
    from shared.eventstore import events_table
    from tests.integration.reporting.builders import History

    read = PersonalDataRead(
        subject_id="P1",
        route="/people/{person_id}",
        purpose="loan_review",
        viewer_id="loans-staff",
        viewer_department="loans",
        viewer_role="worker",
        fields_shown=("person_id",),
        fields_redacted=("care_notes", "name_kanji"),
        read_at=T0 + 9 * D,
    )
    loaded.publish([History().add("intake", "access-r1", "P1", read, T0 + 9 * D)])
    loaded.consume()

    log = handlers.access_log(loaded.kit, "P1", AUDITOR)
    [elsewhere] = [r for r in log if r.service == "intake"]
    assert (elsewhere.viewer_department, elsewhere.route, elsewhere.purpose) == (
        "loans",
        "/people/{person_id}",
        "loan_review",
    )
    assert elsewhere.fields_redacted == ["care_notes", "name_kanji"]
    assert all(
        e.type != PersonalDataRead.event_type for e in handlers.case_view(loaded.kit, "P1", LOANS, PURPOSE).timeline
    )
    with loaded.kit.engine.connect() as conn:
        own = (
            conn.execute(select(events_table.c.data).where(events_table.c.event_type == PersonalDataRead.event_type))
            .scalars()
            .all()
        )
    assert any('"route":"/cases/{case_id}/access-log"' in row.replace(" ", "") for row in own)
