"""The districts' schedule and registry events project into reporting's district read models."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.reporting.adapters.rows import Rows
from services.reporting.facts import Fact
from services.reporting.projection import project
from tests.integration.reporting.builders import (
    T0,
    History,
    district_history,
    escalated,
    helper,
    marked,
    resource,
    scheduled,
)


def _rows(event_subject: str, event: object, case_id: str = "district-D1") -> Rows:
    rows = Rows()
    project(rows, Fact.of(History().add("districts", event_subject, case_id, event, T0)))  # type: ignore[arg-type]
    return rows


def test_a_scheduled_event_is_a_row_of_its_district_and_day() -> None:
    rows = _rows("district-event-e1", scheduled("e1", "D1", date(2026, 10, 5), T0 - timedelta(days=3)))
    assert rows.by_table["rm_district_events"] == [
        {
            "event_id": "district-event-e1-v1",
            "schedule_id": "e1",
            "district_id": "D1",
            "held_on": "2026-10-05",
            "kind": "salon",
            "at": "2026-09-28T00:00:00.000000Z",
        }
    ]
    assert rows.by_table["rm_timeline"] and rows.by_table["rm_case_districts"][0]["district_id"] == "D1"


@pytest.mark.parametrize(("handles", "step"), [(True, "handles"), (False, "declines")])
def test_a_departments_mark_is_a_step_with_its_answer(handles: bool, step: str) -> None:
    rows = _rows("district-event-e1", marked("e1", "D1", "intake", handles, T0))
    assert rows.by_table["rm_district_event_steps"] == [
        {
            "event_id": "district-event-e1-v1",
            "schedule_id": "e1",
            "district_id": "D1",
            "step": step,
            "department": "intake",
            "at": "2026-10-01T00:00:00.000000Z",
        }
    ]


def test_an_escalation_is_a_step_without_a_department() -> None:
    rows = _rows("district-event-e2", escalated("e2", "D1", ("intake", "loans"), T0))
    [row] = rows.by_table["rm_district_event_steps"]
    assert (row["step"], row["department"], row["schedule_id"]) == ("escalated", None, "e2")


def test_resources_and_helpers_are_rows_by_category_and_kind() -> None:
    salon = _rows("resource-r1", resource("r1", "D1", "salon", T0)).by_table["rm_district_resources"]
    person = _rows("helper-h1", helper("h1", "D1", "welfare_commissioner", T0, "r1")).by_table["rm_district_resources"]
    assert [(r["category"], r["item_id"], r["kind"], r["district_id"]) for r in salon + person] == [
        ("resource", "r1", "salon", "D1"),
        ("helper", "h1", "welfare_commissioner", "D1"),
    ]


def test_a_district_files_year_its_csw_and_evaluation_are_rows() -> None:
    from services.districts.domain.events import DistrictCswAssigned, DistrictFileOpened, DistrictGoalEvaluated

    events = (
        DistrictFileOpened(district_id="D1", fiscal_year=2026, csw_id="c1", goal="目標", opened_at=T0, opened_by="m"),
        DistrictCswAssigned(district_id="D1", fiscal_year=2026, csw_id="c2", assigned_at=T0, assigned_by="m"),
        DistrictGoalEvaluated(district_id="D1", fiscal_year=2026, evaluation="評価", evaluated_at=T0, evaluated_by="m"),
    )
    got = [_rows("district-file-D1-2026", e).by_table["rm_district_files"][0] for e in events]
    assert [(r["step"], r["fiscal_year"], r["csw_id"], r["text"]) for r in got] == [
        ("opened", 2026, "c1", "目標"),
        ("csw", 2026, "c2", None),
        ("evaluated", 2026, None, "評価"),
    ]


def test_a_malformed_schedule_event_adds_nothing() -> None:
    env = History().add(
        "districts", "district-event-e9", "district-D1", scheduled("e9", "D1", date(2026, 10, 5), T0), T0
    )
    bad = Fact.of(env.model_copy(update={"data": {k: v for k, v in env.data.items() if k != "held_on"}}))
    rows = Rows()
    with pytest.raises(KeyError):
        project(rows, bad)
    assert rows.count == 0


def test_the_scripted_district_history_projects_deterministically() -> None:
    """Rows are a pure function of each event: any order gives the same row set."""
    envs = district_history().envelopes

    def rows_of(order: list) -> dict[str, list]:
        rows = Rows()
        for env in order:
            project(rows, Fact.of(env))
        return {name: sorted(map(repr, r)) for name, r in rows.by_table.items()}

    assert rows_of(envs) == rows_of(list(reversed(envs)))
