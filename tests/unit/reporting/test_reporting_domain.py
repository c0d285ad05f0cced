"""Reporting's pure parts: the projection handlers, the case-view fold and the statistics layout."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.reporting.adapters.rows import Rows
from services.reporting.contracts import personal_fields
from services.reporting.domain.case_view import REDACTED, TimelineEntry, build_case_view
from services.reporting.domain.statistics import table1, table3
from services.reporting.facts import Fact
from services.reporting.projection import HANDLERS, project
from shared.envelope import Actor, EnvelopeError, to_kafka
from shared.reference import load_code_lists
from tests.integration.reporting.builders import T0, History, consent, intake_opened, loan_opened, loan_response


def _entries(h: History) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            event_id=e.id,
            time=e.time,
            department=e.source,
            type=e.type,
            case_id=e.caseid,
            subject=e.subject,
            actor=e.actor,
            data=dict(e.data),
        )
        for e in h.envelopes
    ]


def test_each_loans_event_projects_to_its_rows_and_the_timeline() -> None:
    h = History()
    env = h.add("loans", "lc-1", "H1", loan_opened("lc-1", "H1", T0, issues=("housing", "housing", "debt_arrears")), T0)
    rows = Rows()
    project(rows, Fact.of(env))
    assert sorted(rows.by_table) == ["rm_issues", "rm_loan_consultations", "rm_loan_contacts", "rm_timeline"]
    assert [r["category"] for r in rows.by_table["rm_issues"]] == ["housing", "debt_arrears"]
    assert rows.by_table["rm_loan_consultations"][0]["initial"] is True


def test_an_unknown_event_type_still_reaches_the_timeline() -> None:
    h = History()
    env = h.add("loans", "x", "H1", loan_response("lc", "r", "H1", T0, "other"), T0)
    rows = Rows()
    project(rows, Fact.of(env.model_copy(update={"type": "districts.SalonHeld"})))
    assert list(rows.by_table) == ["rm_timeline"]
    assert "districts.SalonHeld" not in HANDLERS


def test_personal_fields_need_the_recording_department_or_consent_for_the_purpose() -> None:
    h = History()
    h.add("intake", "ic", "P1", intake_opened("ic", "P1", T0), T0)
    h.add("intake", "consents", "P1", consent("P1", T0, "loans", "coordination"), T0 + timedelta(minutes=1))
    loans = Actor(staff_id="l", department="loans", role="worker")
    now = T0 + timedelta(days=1)

    def own_words(viewer: Actor, purpose: str, at=now) -> object:  # type: ignore[no-untyped-def]
        view = build_case_view(
            "P1", ["P1"], _entries(h), viewer=viewer, purpose=purpose, now=at, personal_fields=personal_fields
        )
        return view.timeline[0].data["own_words"]

    assert own_words(loans, "coordination") == "困っている"
    assert own_words(loans, "marketing") == REDACTED
    assert own_words(Actor(staff_id="d", department="districts", role="worker"), "coordination") == REDACTED
    assert own_words(Actor(staff_id="i", department="intake", role="worker"), "anything") == "困っている"
    assert own_words(loans, "coordination", T0 + timedelta(days=90)) == REDACTED  # the consent ran out


def test_tables_follow_the_code_lists_and_group_responses_like_the_seed() -> None:
    codes = load_code_lists()
    period = (date(2014, 4, 1), date(2014, 12, 31))
    t1 = table1(codes, period, {("emergency_small", "new_until_decision"): 3, ("other", "contact_coordination"): 2})
    assert [code for code, _, _ in t1.rows] == [c.code for c in codes.codes("loan_fund_types")]
    assert t1.value("emergency_small", "new_until_decision") == 3 and t1.total == 5
    t3 = table3(codes, period, {("care", "public_assistance"): 4})
    groups = [c.group for c in t3.columns]
    assert groups[:4] == ["handled_by_council"] * 4 and groups[-1] == "other"
    assert t3.column_total("public_assistance") == 4


def test_the_districts_own_records_reach_the_timeline_and_a_helpers_contact_is_personal() -> None:
    """Issue 13's area events are archived on the timeline and kept as the area hierarchy
    (``rm_areas``, which the district issue accumulation sums over); a helper's registration
    (projected into the district's resources, see test_reporting_districts) keeps its contact
    personal by contract."""
    from services.districts.domain.events import AreaDefined

    h = History()
    area = AreaDefined(
        area_id="north",
        kind="daily_life",
        name="北部",
        parent_id="ebina",
        address_prefixes=("大和",),
        defined_at=T0,
        defined_by="d",
    )
    for subject, event in (("district-area-north", area),):
        rows = Rows()
        project(rows, Fact.of(h.add("districts", subject, subject, event, T0)))
        assert event.event_type in HANDLERS
        assert set(rows.by_table) <= {"rm_timeline", "rm_case_districts", "rm_areas", "rm_area_prefixes"}
        assert rows.by_table["rm_timeline"]
        assert rows.by_table["rm_areas"][0]["parent_id"] == "ebina"
        [prefixes] = rows.by_table["rm_area_prefixes"]
        assert (prefixes["name"], prefixes["address_prefixes"]) == ("北部", '["大和"]')
    assert personal_fields("districts.HelperRegistered") == frozenset({"contact"})
    assert personal_fields("districts.AreaDefined") == frozenset()


def test_a_raw_record_makes_the_same_fact_as_its_envelope() -> None:
    """The rebuild reads facts straight from records (``Fact.from_record``), the live path from envelopes."""
    h = History()
    envs = [
        h.add("loans", "lc-1", "H1", loan_opened("lc-1", "H1", T0, issues=("housing",)), T0),
        h.add("intake", "ic-1", "P1", intake_opened("ic-1", "P1", T0), T0 + timedelta(minutes=1)),
    ]
    for env in envs:
        _key, headers, value = to_kafka(env)
        assert Fact.from_record(headers, value) == Fact.of(env)
        odd = [*headers, ("x-trace", b"\xff\xfe")]  # a header we do not read, not UTF-8: still read
        assert Fact.from_record(odd, value) == Fact.of(env)


def test_a_raw_record_that_is_not_a_fact_says_what_is_wrong() -> None:
    h = History()
    env = h.add("loans", "lc-1", "H1", loan_opened("lc-1", "H1", T0), T0)
    _key, headers, value = to_kafka(env)
    without_id = [(k, v) for k, v in headers if k != "ce_id"]
    with pytest.raises(KeyError, match="'id'"):
        Fact.from_record(without_id, value)
    broken = [(k, b"\xff" if k == "ce_subject" else v) for k, v in headers]
    with pytest.raises(EnvelopeError, match="ce_subject"):
        Fact.from_record(broken, value)
    with pytest.raises(ValueError, match="JSON object"):
        Fact.from_record(headers, b"[1, 2]")
