"""Districts' own records on a fake unit of work: areas (圏域), district files (地区ファイル), the
resource and helper registry, and the salon and volunteer-role facts that name a registered resource.

The pure folds and decisions first, then the handlers (what they record, with whom, and what they
refuse without writing anything).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from services.districts import handlers
from services.districts.domain import area, district_file
from services.districts.domain import commands as c
from services.districts.domain.errors import DistrictFileNotFound
from services.districts.domain.events import (
    AreaDefined,
    DistrictFileOpened,
    DistrictGoalEvaluated,
    DistrictPopulationRecorded,
    SalonAttended,
    VolunteerRoleTaken,
)
from shared.clock import FixedClock
from shared.commands import CommandContext
from shared.envelope import Actor
from shared.errors import AlreadyExists, ConcurrencyConflict, InvalidCommand, UnknownReference
from shared.reference import load_code_lists
from shared.testing import FakeUnitOfWorkFactory, iter_ids

T0 = datetime(2014, 5, 1, 1, 0, tzinfo=UTC)
MANAGER = Actor(staff_id="d-m1", department="districts", role="manager")
WORKER = Actor(staff_id="d-w1", department="districts", role="worker")
AS_MANAGER = CommandContext(actor=MANAGER, correlation_id="corr-1")
AS_WORKER = CommandContext(actor=WORKER, correlation_id="corr-2")


# --- the pure domain ------------------------------------------------------------------------------


def define(area_id: str, kind: Any, parent_id: str | None = None, *prefixes: str) -> c.DefineArea:
    return c.DefineArea(
        area_id=area_id, kind=kind, name=area_id, parent_id=parent_id, address_prefixes=prefixes, defined_by="m"
    )


def test_an_area_lies_in_the_kind_of_area_the_hierarchy_names() -> None:
    city = area.replay_state(area.decide_define_area(area.AreaState(), define("ebina", "city"), parent=None, now=T0))
    daily = area.replay_state(
        area.decide_define_area(area.AreaState(), define("north", "daily_life", "ebina"), parent=city, now=T0)
    )
    [event] = area.decide_define_area(
        area.AreaState(), define("yamato-3chome", "district_council", "north", "大和三丁目 "), parent=daily, now=T0
    )
    assert isinstance(event, AreaDefined)
    assert (event.kind, event.parent_id, event.address_prefixes) == ("district_council", "north", ("大和三丁目",))
    with pytest.raises(InvalidCommand, match="lies in a daily_life area") as wrong:
        area.decide_define_area(area.AreaState(), define("x", "district_council", "ebina"), parent=city, now=T0)
    assert wrong.value.field == "parent_id"
    # The client says it with the kinds' labels: 「地区社協の圏域」は「日常生活圏域」の中に置きます.
    assert (wrong.value.reason, wrong.value.ctx) == (
        "area_parent",
        {"kind": "district_council", "wanted": "daily_life"},
    )
    with pytest.raises(InvalidCommand, match="top of the hierarchy") as top:
        area.decide_define_area(area.AreaState(), define("y", "city", "ebina"), parent=city, now=T0)
    assert top.value.reason == "area_top"
    with pytest.raises(InvalidCommand) as bad_id:
        area.decide_define_area(area.AreaState(), define("Yamato 3", "city"), parent=None, now=T0)
    assert bad_id.value.field == "area_id"


def test_an_address_maps_to_the_longest_prefix_of_each_kind_with_full_width_digits_folded() -> None:
    areas = [
        {"area_id": "north", "kind": "daily_life", "address_prefixes": ["大和"]},
        {"area_id": "yamato-3chome", "kind": "district_council", "address_prefixes": ["大和三丁目", "大和3丁目"]},
        {"area_id": "yamato", "kind": "district_council", "address_prefixes": ["大和"]},
        {"area_id": "hokatsu-north", "kind": "community_care", "address_prefixes": ["大和"]},
    ]
    assert area.match_address("大和３丁目 5-1", areas) == {
        "daily_life": "north",
        "district_council": "yamato-3chome",
        "community_care": "hokatsu-north",
    }
    assert area.match_address("大和一丁目", areas)["district_council"] == "yamato"
    assert area.match_address("上郷", areas) == {}


def test_a_district_file_folds_its_csw_evaluation_and_latest_population() -> None:
    codes = load_code_lists()
    opened = district_file.decide_open_file(
        district_file.DistrictFileState(),
        c.OpenDistrictFile(district_id="d1", fiscal_year=2014, csw_id="csw-1", goal="見守り体制", opened_by="w"),
        now=T0,
    )
    state = district_file.replay_state(opened)
    assert (state.file_id, state.csw_id) == ("d1-2014", "csw-1")
    pop = c.RecordDistrictPopulation(
        district_id="d1", fiscal_year=2014, as_of=date(2014, 4, 1), counts={"elderly": 2012}, recorded_by="w"
    )
    state = district_file.replay_state(district_file.decide_record_population(state, pop, now=T0, codes=codes), state)
    state = district_file.replay_state(
        district_file.decide_record_population(
            state, pop.model_copy(update={"counts": {"elderly": 2020, "children": 900}}), now=T0, codes=codes
        ),
        state,
    )
    assert dict(state.population) == {"elderly": 2020, "children": 900}
    evaluation = c.EvaluateDistrictGoal(district_id="d1", fiscal_year=2014, evaluation="達成", evaluated_by="w")
    [evaluated] = district_file.decide_evaluate_goal(state, evaluation, now=T0)
    assert isinstance(evaluated, DistrictGoalEvaluated) and evaluated.evaluation == "達成"


def test_a_population_needs_known_categories_and_counts_not_below_zero() -> None:
    codes = load_code_lists()
    state = district_file.replay_state(
        [DistrictFileOpened(district_id="d1", fiscal_year=2014, csw_id="c", goal="g", opened_at=T0, opened_by="w")]
    )
    refusals = (({"pets": 3}, "population_categories"), ({"elderly": -1}, "not below zero"), ({}, "at least one"))
    for counts, message in refusals:
        cmd = c.RecordDistrictPopulation(
            district_id="d1", fiscal_year=2014, as_of=date(2014, 4, 1), counts=counts, recorded_by="w"
        )
        with pytest.raises(InvalidCommand, match=message) as refused:
            district_file.decide_record_population(state, cmd, now=T0, codes=codes)
        assert refused.value.field == "counts"
    with pytest.raises(DistrictFileNotFound):
        district_file.decide_record_population(
            district_file.DistrictFileState(),
            c.RecordDistrictPopulation(
                district_id="d1", fiscal_year=2015, as_of=date(2015, 4, 1), counts={"total": 1}, recorded_by="w"
            ),
            now=T0,
            codes=codes,
        )
    assert isinstance(
        district_file.decide_record_population(
            state,
            c.RecordDistrictPopulation(
                district_id="d1", fiscal_year=2014, as_of=date(2014, 4, 1), counts={"total": 0}, recorded_by="w"
            ),
            now=T0,
            codes=codes,
        )[0],
        DistrictPopulationRecorded,
    )


# --- handlers on the fake unit of work ------------------------------------------------------------


@pytest.fixture
def kit() -> Any:
    return SimpleNamespace(
        uow=FakeUnitOfWorkFactory(clock=FixedClock(T0), ids=iter_ids("r-1", "r-2", "r-3", "r-4", "r-5", "r-6"))
    )


def hierarchy(kit: Any) -> None:
    handlers.define_area(kit, AS_MANAGER, define("ebina", "city"))
    handlers.define_area(kit, AS_MANAGER, define("north", "daily_life", "ebina"))
    handlers.define_area(kit, AS_MANAGER, define("hayama-isshiki", "district_council", "north", "一色"))


def test_areas_are_recorded_with_the_actor_and_an_area_id_is_used_once(kit: Any) -> None:
    hierarchy(kit)
    stored = kit.uow.stored[-1]
    assert stored.stream_id == "district-area-hayama-isshiki" and stored.case_id == "hayama-isshiki"
    assert (stored.actor, stored.correlation_id) == (MANAGER, "corr-1")
    with pytest.raises(AlreadyExists):
        handlers.define_area(kit, AS_MANAGER, define("north", "daily_life", "ebina"))
    with pytest.raises(InvalidCommand, match="missing") as orphan:
        handlers.define_area(kit, AS_MANAGER, define("south", "daily_life", "nowhere"))
    assert orphan.value.field == "parent_id" and len(kit.uow.stored) == 3


def test_a_district_file_needs_a_district_council_area_and_is_opened_once_per_year(kit: Any) -> None:
    hierarchy(kit)
    cmd = c.OpenDistrictFile(district_id="hayama-isshiki", fiscal_year=2014, csw_id="d-w1", goal="g", opened_by="w")
    reply = handlers.open_file(kit, AS_WORKER, cmd)
    assert reply == {
        "file_id": "hayama-isshiki-2014",
        "district_id": "hayama-isshiki",
        "fiscal_year": 2014,
        "csw_id": "d-w1",
        "version": 1,
    }
    assert kit.uow.stored[-1].stream_id == "district-file-hayama-isshiki-2014"
    with pytest.raises(AlreadyExists):
        handlers.open_file(kit, AS_WORKER, cmd)
    with pytest.raises(UnknownReference) as unknown:
        handlers.open_file(kit, AS_WORKER, cmd.model_copy(update={"district_id": "nowhere"}))
    assert unknown.value.field == "district_id"
    with pytest.raises(InvalidCommand, match="not a district council area"):
        handlers.open_file(kit, AS_WORKER, cmd.model_copy(update={"district_id": "north"}))
    stale = CommandContext(actor=WORKER, expected_version=5)
    with pytest.raises(ConcurrencyConflict):
        handlers.evaluate_goal(
            kit,
            stale,
            c.EvaluateDistrictGoal(district_id="hayama-isshiki", fiscal_year=2014, evaluation="e", evaluated_by="w"),
        )
    assert len(kit.uow.stored) == 4 and kit.uow.commits == 4


def test_a_salon_attendance_and_a_volunteer_role_name_the_registered_resource(kit: Any) -> None:
    hierarchy(kit)
    salon = handlers.register_resource(
        kit,
        AS_WORKER,
        c.RegisterLocalResource(district_id="hayama-isshiki", kind="salon", name="一色サロン", registered_by="w"),
    )
    cooking = handlers.register_resource(
        kit,
        AS_WORKER,
        c.RegisterLocalResource(district_id="hayama-isshiki", kind="class", name="男の料理教室", registered_by="w"),
    )
    handlers.raise_concern(
        kit,
        AS_WORKER,
        c.RaiseWatchConcern(
            case_id="p-t", district_id="hayama-isshiki", reported_by="friend", concern="x", raised_by="w"
        ),
    )
    attended = c.RecordSalonAttendance(
        case_id="p-t", resource_id=salon["resource_id"], attended_on=date(2014, 4, 10), recorded_by="w"
    )
    handlers.record_salon_attendance(kit, AS_WORKER, attended)
    event = kit.uow.events("district-case-p-t")[-1]
    assert isinstance(event, SalonAttended)
    assert (event.salon_name, event.resource_id) == ("一色サロン", salon["resource_id"])
    with pytest.raises(InvalidCommand, match="not a salon") as not_salon:
        handlers.record_salon_attendance(
            kit, AS_WORKER, attended.model_copy(update={"resource_id": cooking["resource_id"]})
        )
    assert not_salon.value.field == "resource_id"
    with pytest.raises(UnknownReference):
        handlers.record_salon_attendance(kit, AS_WORKER, attended.model_copy(update={"resource_id": "nope"}))
    role = c.TakeVolunteerRole(
        case_id="p-t", role="講師", resource_id=cooking["resource_id"], started_on=date(2014, 5, 1), recorded_by="w"
    )
    handlers.take_volunteer_role(kit, AS_WORKER, role)
    taken = kit.uow.events("district-case-p-t")[-1]
    assert isinstance(taken, VolunteerRoleTaken)
    assert (taken.activity, taken.resource_id) == ("男の料理教室", cooking["resource_id"])
    with pytest.raises(InvalidCommand) as renamed:
        handlers.take_volunteer_role(kit, AS_WORKER, role.model_copy(update={"activity": "そば打ち", "role": "助手"}))
    assert renamed.value.field == "activity"
    assert len(kit.uow.events("district-case-p-t")) == 3


def test_a_helper_of_another_districts_resource_or_an_unknown_kind_is_refused(kit: Any) -> None:
    hierarchy(kit)
    handlers.define_area(kit, AS_MANAGER, define("kamigo", "district_council", "north"))
    salon = handlers.register_resource(
        kit,
        AS_WORKER,
        c.RegisterLocalResource(district_id="hayama-isshiki", kind="salon", name="一色サロン", registered_by="w"),
    )
    helper = c.RegisterHelper(
        district_id="kamigo",
        kind="district_volunteer",
        name="上郷 一郎",
        resource_id=salon["resource_id"],
        registered_by="w",
    )
    with pytest.raises(InvalidCommand, match="resource's district") as elsewhere:
        handlers.register_helper(kit, AS_WORKER, helper)
    assert elsewhere.value.field == "resource_id"
    assert (elsewhere.value.reason, elsewhere.value.ctx) == ("resource_other_district", {"district": "hayama-isshiki"})
    with pytest.raises(InvalidCommand) as kind:
        handlers.register_helper(kit, AS_WORKER, helper.model_copy(update={"kind": "wizard", "resource_id": None}))
    assert kind.value.field == "kind"
    reply = handlers.register_helper(kit, AS_WORKER, helper.model_copy(update={"district_id": "hayama-isshiki"}))
    assert reply["resource_id"] == salon["resource_id"] and reply["version"] == 1


# --- the monthly district schedule ----------------------------------------------------------------


def test_an_event_every_answering_department_declines_is_escalated_once_and_leaves_when_taken(kit: Any) -> None:
    from services.districts.domain.events import DistrictEventCoverageMarked, DistrictEventEscalated

    hierarchy(kit)
    scheduled = handlers.schedule_event(
        kit,
        AS_WORKER,
        c.ScheduleDistrictEvent(
            district_id="hayama-isshiki",
            title="地区社協定例会",
            kind="council_meeting",
            held_on=date(2014, 6, 12),
            scheduled_by="w",
        ),
    )
    assert (scheduled["status"], scheduled["handled_by"]) == ("open", ())
    event_id = scheduled["event_id"]
    stream = f"district-schedule-{event_id}"

    def mark(department: str, handles: bool) -> dict[str, Any]:
        cmd = c.MarkEventCoverage(event_id=event_id, department=department, handles=handles, marked_by="s")
        return handlers.mark_coverage(kit, AS_WORKER, cmd)

    declined = mark("districts", False)
    assert declined["status"] == "escalated" and declined["declined_by"] == ("districts",)
    assert [type(e) for e in kit.uow.events(stream)[-2:]] == [DistrictEventCoverageMarked, DistrictEventEscalated]
    assert mark("intake", False)["status"] == "escalated"
    assert sum(isinstance(e, DistrictEventEscalated) for e in kit.uow.events(stream)) == 1
    with pytest.raises(InvalidCommand) as again:
        mark("intake", False)
    assert again.value.field == "handles"
    taken = mark("intake", True)
    assert (taken["status"], taken["handled_by"], taken["declined_by"]) == ("handled", ("intake",), ("districts",))
    with pytest.raises(InvalidCommand) as kind:
        handlers.schedule_event(
            kit,
            AS_WORKER,
            c.ScheduleDistrictEvent(
                district_id="hayama-isshiki", title="x", kind="party", held_on=date(2014, 6, 1), scheduled_by="w"
            ),
        )
    assert kind.value.field == "kind"


def test_a_department_that_takes_the_event_first_means_no_escalation() -> None:
    from services.districts.domain import schedule
    from services.districts.domain.events import DistrictEventScheduled

    state = schedule.replay_state(
        [
            DistrictEventScheduled(
                event_id="e",
                district_id="d",
                title="t",
                kind="salon",
                held_on=date(2014, 6, 1),
                place=None,
                scheduled_at=T0,
                scheduled_by="w",
            )
        ]
    )
    taken = schedule.replay_state(
        schedule.decide_mark_coverage(
            state, c.MarkEventCoverage(event_id="e", department="districts", handles=True, marked_by="s"), now=T0
        ),
        state,
    )
    events = schedule.decide_mark_coverage(
        taken, c.MarkEventCoverage(event_id="e", department="loans", handles=False, marked_by="s"), now=T0
    )
    assert len(events) == 1 and schedule.replay_state(events, taken).status == "handled"
