"""The district case aggregate: decisions and refusals, with time and ids passed in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.districts.domain import district_case as dc
from services.districts.domain.commands import (
    EndWatchOver,
    RaiseWatchConcern,
    RecordOutreachVisit,
    RecordSalonAttendance,
    StartWatchOver,
    TakeVolunteerRole,
)
from services.districts.domain.errors import DistrictCaseNotFound, PersonRefusedContact, WatchOverState
from services.districts.domain.events import SalonAttended, WatchConcernRaised, WatchOverStarted
from services.districts.domain.values import Watcher
from shared.errors import InvalidCommand
from shared.reference import load_code_lists

T0 = datetime(2014, 5, 1, 1, 0, tzinfo=UTC)
CODES = load_code_lists()
NEIGHBOUR = Watcher(name="隣家の住民", role="neighbour")


def concern(state: dc.DistrictCaseState | None = None, **fields: object) -> dc.DistrictCaseState:
    values: dict[str, object] = {
        "case_id": "c-a",
        "district_id": "yamato-3chome",
        "reported_by": "welfare_commissioner",
        "concern": "ネズミが出る",
        "raised_by": "d1",
    }
    values.update(fields)
    state = state or dc.DistrictCaseState()
    events = dc.decide_raise_concern(state, RaiseWatchConcern(**values), now=T0, concern_id="k1", codes=CODES)
    return dc.replay(events, state)


def visit(state: dc.DistrictCaseState, outcome: str, hours: int) -> dc.DistrictCaseState:
    cmd = RecordOutreachVisit(case_id="c-a", visited_at=T0 + timedelta(hours=hours), outcome=outcome, recorded_by="d1")
    return dc.replay(dc.decide_record_visit(state, cmd, now=T0 + timedelta(days=1), visit_id=f"v{hours}"), state)


def watch(approach: str = "from_a_distance") -> StartWatchOver:
    return StartWatchOver(
        case_id="c-a",
        watchers=(NEIGHBOUR,),
        frequency="when_passing",
        approach=approach,
        started_on=date(2014, 5, 2),
        started_by="d1",
    )


def test_a_welfare_commissioners_concern_opens_the_case_in_its_district():
    [event] = dc.decide_raise_concern(
        dc.DistrictCaseState(),
        RaiseWatchConcern(
            case_id="c-a", district_id="yamato-3chome", reported_by="welfare_commissioner", concern="x", raised_by="d1"
        ),
        now=T0,
        concern_id="k1",
        codes=CODES,
    )
    assert isinstance(event, WatchConcernRaised) and event.district_id == "yamato-3chome"
    assert dc.apply(dc.DistrictCaseState(), event).status == "concern"


def test_an_unknown_reporter_kind_and_a_malformed_district_code_are_refused():
    with pytest.raises(InvalidCommand, match="welfare_commissioner") as refused:
        concern(reported_by="stranger")
    assert refused.value.field == "reported_by"
    with pytest.raises(InvalidCommand, match="district code"):
        concern(district_id="大和 3丁目")


def test_a_case_stays_in_one_district():
    with pytest.raises(InvalidCommand, match="yamato-3chome"):
        concern(concern(), district_id="hayama-isshiki")


def test_visits_need_a_concern_first():
    cmd = RecordOutreachVisit(case_id="c-x", visited_at=T0, outcome="reached", recorded_by="d1")
    with pytest.raises(DistrictCaseNotFound, match="concern"):
        dc.decide_record_visit(dc.DistrictCaseState(), cmd, now=T0, visit_id="v1")


def test_a_visit_in_the_future_is_refused():
    cmd = RecordOutreachVisit(case_id="c-a", visited_at=T0 + timedelta(hours=1), outcome="reached", recorded_by="d1")
    with pytest.raises(InvalidCommand, match="future"):
        dc.decide_record_visit(concern(), cmd, now=T0, visit_id="v1")


def test_after_a_refusal_residents_may_watch_only_from_a_distance():
    refused = visit(visit(concern(), "not_reached", 1), "refused", 2)
    assert refused.refused
    with pytest.raises(PersonRefusedContact, match="consent"):
        dc.decide_start_watch_over(refused, watch("in_contact"), now=T0, watch_id="w1")
    [event] = dc.decide_start_watch_over(refused, watch(), now=T0, watch_id="w1")
    assert isinstance(event, WatchOverStarted) and dc.apply(refused, event).status == "watched"


def test_a_later_visit_where_the_person_was_reached_lifts_the_refusal_but_not_reached_does_not():
    refused = visit(concern(), "refused", 1)
    assert visit(refused, "not_reached", 2).refused
    assert not visit(refused, "reached", 3).refused
    assert dc.decide_start_watch_over(visit(refused, "reached", 3), watch("in_contact"), now=T0, watch_id="w1")


def test_one_watch_over_at_a_time_and_ending_needs_one_running():
    watched = dc.replay(dc.decide_start_watch_over(concern(), watch(), now=T0, watch_id="w1"), concern())
    with pytest.raises(WatchOverState, match="already") as refused:
        dc.decide_start_watch_over(watched, watch(), now=T0, watch_id="w2")
    assert refused.value.reason == "watch_already" and refused.value.ctx == {
        "since": watched.watch.started_on.isoformat()
    }
    ended = dc.replay(
        dc.decide_end_watch_over(watched, EndWatchOver(case_id="c-a", reason="転居", ended_by="d1"), now=T0), watched
    )
    assert ended.watch is None and ended.status == "concern"
    with pytest.raises(WatchOverState, match="not watched") as refused:
        dc.decide_end_watch_over(ended, EndWatchOver(case_id="c-a", reason="x", ended_by="d1"), now=T0)
    assert refused.value.reason == "watch_none"


def test_salon_attendance_marks_the_first_visit_and_refuses_the_same_day_twice():
    state = concern()
    first = RecordSalonAttendance(
        case_id="c-a", salon_name="ふれあいサロン", attended_on=date(2014, 5, 1), recorded_by="d1"
    )
    [event] = dc.decide_record_salon_attendance(state, first, now=T0, attendance_id="s1")
    assert isinstance(event, SalonAttended) and event.first_visit
    state = dc.apply(state, event)
    again = first.model_copy(update={"attended_on": date(2014, 4, 24)})
    [second] = dc.decide_record_salon_attendance(state, again, now=T0, attendance_id="s2")
    assert isinstance(second, SalonAttended) and not second.first_visit
    with pytest.raises(InvalidCommand, match="already recorded"):
        dc.decide_record_salon_attendance(state, first, now=T0, attendance_id="s3")


def test_salon_attendance_in_the_future_is_refused():
    cmd = RecordSalonAttendance(case_id="c-a", salon_name="サロン", attended_on=date(2014, 5, 9), recorded_by="d1")
    with pytest.raises(InvalidCommand, match="future"):
        dc.decide_record_salon_attendance(concern(), cmd, now=T0, attendance_id="s1")


def test_a_supported_person_becomes_a_helper_once_per_role():
    state = concern()
    cmd = TakeVolunteerRole(
        case_id="c-a", role="講師", activity="男の料理教室", started_on=date(2014, 9, 1), recorded_by="d1"
    )
    state = dc.replay(dc.decide_take_volunteer_role(state, cmd, now=T0, role_id="r1"), state)
    assert state.roles == (("講師", "男の料理教室"),)
    with pytest.raises(InvalidCommand, match="already recorded"):
        dc.decide_take_volunteer_role(state, cmd, now=T0, role_id="r2")
