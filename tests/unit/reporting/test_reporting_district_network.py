"""The district support network's and desk's events in reporting: the issue rows of the
accumulation (ケースの積み上げ), the areas, and the case view's entries with their redaction."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from services.reporting.adapters.rows import Rows
from services.reporting.contracts import coded_fields, occurred_field, personal_fields, sensitive_codes
from services.reporting.domain.case_view import REDACTED, build_case_view
from services.reporting.facts import Fact
from services.reporting.projection import project
from shared.envelope import Actor
from tests.integration.reporting.builders import T0, History, consent
from tests.integration.reporting.network_builders import (
    area,
    case_discussed,
    desk_consultation,
    meeting_held,
    network_history,
)
from tests.unit.reporting.test_reporting_activities import view

DISTRICTS = Actor(staff_id="d-w1", department="districts", role="worker")
LOANS = Actor(staff_id="l-w1", department="loans", role="worker")


def _rows(subject: str, case_id: str, event: object) -> Rows:
    rows = Rows()
    project(rows, Fact.of(History().add("districts", subject, case_id, event, T0)))  # type: ignore[arg-type]
    return rows


def test_a_meeting_adds_one_issue_row_per_issue_raised() -> None:
    rows = _rows("district-meeting-m1", "m1", meeting_held("m1", "D1", date(2026, 10, 20), T0, "isolation", "disaster"))
    assert [(r["item_id"], r["month"], r["source"], r["category"]) for r in rows.by_table["rm_district_issues"]] == [
        ("m1-i0", "2026-10", "meeting", "isolation"),
        ("m1-i1", "2026-10", "meeting", "disaster"),
    ]


def test_a_desk_consultation_is_one_issue_row_in_its_jst_month() -> None:
    late = datetime.fromisoformat("2026-10-31T15:30:00+00:00")  # 1 November 00:30 JST
    [row] = _rows("district-desk-k1", "P1", desk_consultation("k1", "D1", "P1", late, "isolation")).by_table[
        "rm_district_issues"
    ]
    assert (row["item_id"], row["month"], row["source"], row["category"]) == ("k1", "2026-11", "desk", "isolation")


def test_an_area_is_a_row_with_its_parent_and_kind() -> None:
    [row] = _rows("district-area-D1", "D1", area("D1", "district_council", "north", T0)).by_table["rm_areas"]
    assert (row["area_id"], row["kind"], row["parent_id"]) == ("D1", "district_council", "north")


def _case_view(h: History, viewer: Actor):  # type: ignore[no-untyped-def]
    from services.reporting.domain.case_view import TimelineEntry

    entries = [
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
        if e.caseid == "P1"
    ]
    return build_case_view(
        "P1",
        ["P1"],
        entries,
        viewer=viewer,
        purpose="coordination",
        now=T0 + timedelta(days=60),
        personal_fields=personal_fields,
        occurred_field=occurred_field,
        coded_fields=coded_fields,
        sensitive_codes=sensitive_codes,
    )


def test_the_case_view_shows_the_meeting_that_discussed_the_case_and_the_desk_consultation() -> None:
    work = _case_view(network_history(), DISTRICTS).district_work
    assert work is not None and work.district_ids == ["D1"]
    [meeting] = work.network_meetings
    assert (meeting["meeting_id"], meeting["basis"], meeting["summary"]) == ("m1", "statutory", "離れた見守りの状況")
    [desk] = work.desk_consultations
    assert (desk["consultation_id"], desk["issue_category"], desk["summary"]) == (
        "k1",
        "living_environment",
        "隣家の屋根が朽ちている",
    )


def test_another_department_sees_the_entries_without_the_special_care_words_unless_consented() -> None:
    work = _case_view(network_history(), LOANS).district_work
    assert work is not None
    assert work.network_meetings[0]["summary"] == REDACTED and work.network_meetings[0]["next_steps"] == REDACTED
    assert work.desk_consultations[0]["summary"] == REDACTED and work.desk_consultations[0]["consulter"] == REDACTED
    assert work.desk_consultations[0]["issue_category"] == "living_environment"
    h = network_history()
    h.add("intake", "consents-P1", "P1", consent("P1", T0, "loans", "coordination"), T0)
    shown = _case_view(h, LOANS).district_work
    assert shown is not None and shown.desk_consultations[0]["summary"] == "隣家の屋根が朽ちている"


def test_a_case_never_discussed_has_no_such_entries() -> None:
    h = History()
    h.add("districts", "district-meeting-m9", "m9", meeting_held("m9", "D1", date(2026, 10, 1), T0, "other"), T0)
    assert view(h, DISTRICTS).district_work is None or view(h, DISTRICTS).district_work.network_meetings == []  # type: ignore[union-attr]
    assert case_discussed  # the builder is shared with the integration tests
