"""The district support network and the district desk, pure and on a fake unit of work: the team
(地区支援チーム) fold and its rules, the network meeting's rules on who hears which case (the basis
of sharing), the district issues' categories, and the desk consultation's validation.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from services.districts import handlers, network_handlers
from services.districts.domain import commands as c
from services.districts.domain import network
from services.districts.domain.events import (
    DeskConsultationTaken,
    DistrictSupportTeamSet,
    NetworkMeetingCaseDiscussed,
    NetworkMeetingHeld,
)
from services.districts.domain.values import MeetingParticipant, NetworkIssue, ShareBasis, TeamMember
from shared.clock import FixedClock
from shared.commands import CommandContext
from shared.envelope import Actor
from shared.errors import ConcurrencyConflict, InvalidCommand
from shared.reference import load_code_lists
from shared.testing import FakeUnitOfWorkFactory, iter_ids

T0 = datetime(2014, 6, 21, 1, 0, tzinfo=UTC)
CODES = load_code_lists()
WORKER = Actor(staff_id="d-w1", department="districts", role="worker")
MANAGER = Actor(staff_id="d-m1", department="districts", role="manager")
AS_WORKER = CommandContext(actor=WORKER, correlation_id="corr-1")

TEAM = (
    TeamMember(kind="resident_coordinator", name="大和 一郎"),
    TeamMember(kind="welfare_commissioner", name="大和 花子"),
    TeamMember(kind="csw", name="地区担当CSW", staff_id="d-w1"),
)
PEOPLE = (
    MeetingParticipant(name="地区担当CSW", kind="csw"),
    MeetingParticipant(name="大和 花子", kind="welfare_commissioner"),
    MeetingParticipant(name="包括 職員", kind="community_support_centre", organisation="北部包括"),
)


def team_cmd(*members: TeamMember, note: str | None = None) -> c.SetSupportTeam:
    return c.SetSupportTeam(district_id="yamato-3chome", members=members, note=note, set_by="d-w1")


def set_team() -> network.TeamState:
    events = network.decide_set_team(network.TeamState(), team_cmd(*TEAM), now=T0, codes=CODES)
    state = network.TeamState()
    for e in events:
        state = network.apply_team(state, e)
    return state


def meeting_cmd(**over: Any) -> c.RecordNetworkMeeting:
    values: dict[str, Any] = {
        "district_id": "yamato-3chome",
        "held_on": date(2014, 6, 20),
        "participants": PEOPLE,
        "recorded_by": "d-w1",
    }
    return c.RecordNetworkMeeting(**{**values, **over})


def decide_meeting(
    cmd: c.RecordNetworkMeeting, team: network.TeamState | None = None, *, now: datetime = T0
) -> list[Any]:
    return network.decide_record_meeting(
        network.MeetingState(),
        cmd,
        now=now,
        meeting_id="m-1",
        ids=iter(["i-1", "i-2", "i-3", "i-4"]),
        team=team if team is not None else set_team(),
        codes=CODES,
    )


# --- the team ---------------------------------------------------------------------------------------


def test_a_team_is_set_and_changed_and_its_fold_counts_the_changes() -> None:
    [first] = network.decide_set_team(network.TeamState(), team_cmd(*TEAM), now=T0, codes=CODES)
    assert isinstance(first, DistrictSupportTeamSet) and first.members == TEAM
    state = network.apply_team(network.TeamState(), first)
    assert (state.district_id, state.changes) == ("yamato-3chome", 1)
    changed = (*TEAM[:1], TeamMember(kind="welfare_commissioner", name="新任 民生委員"), TEAM[2])
    [second] = network.decide_set_team(state, team_cmd(*changed, note="改選"), now=T0, codes=CODES)
    state = network.apply_team(state, second)
    assert state.changes == 2 and state.members[1].name == "新任 民生委員"
    with pytest.raises(InvalidCommand, match="already made of these members") as same:
        network.decide_set_team(state, team_cmd(*changed), now=T0, codes=CODES)
    assert same.value.field == "members"


@pytest.mark.parametrize(
    ("members", "field"),
    [
        ((), "members"),
        ((TeamMember(kind="community_support_centre", name="包括"), TEAM[2]), "members[0].kind"),
        ((TeamMember(kind="csw", name="CSW"),), "members[0].staff_id"),
        ((TEAM[0], TEAM[0], TEAM[2]), "members[1].name"),
        ((TEAM[0], TEAM[1]), "members"),
    ],
    ids=["empty", "not-a-team-role", "csw-without-staff-id", "twice", "no-csw"],
)
def test_a_team_is_refused_naming_the_field(members: tuple[TeamMember, ...], field: str) -> None:
    with pytest.raises(InvalidCommand) as refused:
        network.decide_set_team(network.TeamState(), team_cmd(*members), now=T0, codes=CODES)
    assert refused.value.field == field
    assert refused.value.reason is not None, "every refusal of the team form has the client's words"


# --- the network meeting ------------------------------------------------------------------------------


def test_a_meeting_records_its_members_issues_and_cases_each_under_its_own_case() -> None:
    cmd = meeting_cmd(
        issues=(NetworkIssue(category="living_environment", description="老朽家屋が増えている"),),
        cases=(
            c.SharedCase(case_id="p-a", basis=ShareBasis(kind="statutory", reference="地域ケア会議"), summary="見守り"),
            c.SharedCase(summary="匿名の事例: 買い物に困る高齢者"),
        ),
    )
    held, shared, anonymous = decide_meeting(cmd)
    assert isinstance(held, NetworkMeetingHeld)
    assert (held.month, held.outside_participants, held.team_version, held.cases_discussed) == ("2014-06", 2, 1, 2)
    assert [(i.issue_id, i.category) for i in held.issues] == [("i-1", "living_environment")]
    assert isinstance(shared, NetworkMeetingCaseDiscussed) and shared.case_id == "p-a"
    assert shared.basis.kind == "statutory" and shared.discussion_id == "i-2"
    assert isinstance(anonymous, NetworkMeetingCaseDiscussed) and anonymous.case_id is None
    assert "summary" in NetworkMeetingCaseDiscussed.personal_fields
    state = network.MeetingState()
    for e in (held, shared, anonymous):
        state = network.apply_meeting(state, e)
    assert (state.meeting_id, state.issues, state.cases) == ("m-1", 1, 2)
    # the handler's case_of: a case discussed belongs to its case, the meeting to its own id
    assert [network_handlers._meeting_case(state, e) for e in (held, shared, anonymous)] == ["m-1", "p-a", "m-1"]


def test_a_case_named_before_outside_members_needs_consent_or_a_statutory_basis() -> None:
    with pytest.raises(InvalidCommand, match="consent") as refused:
        decide_meeting(meeting_cmd(cases=(c.SharedCase(case_id="p-a", summary="見守り"),)))
    assert refused.value.field == "cases[0].basis"
    with pytest.raises(InvalidCommand) as no_ref:
        decide_meeting(meeting_cmd(cases=(c.SharedCase(case_id="p-a", basis=ShareBasis(kind="consent"), summary="x"),)))
    assert no_ref.value.field == "cases[0].basis.reference"
    # Council staff only: a case may be named without a basis.
    staff_only = (MeetingParticipant(name="CSW", kind="csw"), MeetingParticipant(name="職員", kind="council_staff"))
    [held, shared] = decide_meeting(
        meeting_cmd(participants=staff_only, cases=(c.SharedCase(case_id="p-a", summary="x"),))
    )
    assert held.outside_participants == 0 and shared.case_id == "p-a"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"issues": (NetworkIssue(category="weather", description="x"),)}, "issues[0].category"),
        ({"participants": (MeetingParticipant(name="x", kind="mayor"),)}, "participants[0].kind"),
        ({"participants": ()}, "participants"),
        ({"held_on": date(2014, 6, 30)}, "held_on"),
        ({"cases": (c.SharedCase(summary="  "),)}, "cases[0].summary"),
    ],
    ids=["issue-category", "member-kind", "no-members", "future", "blank-summary"],
)
def test_a_meeting_is_refused_naming_the_field(over: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidCommand) as refused:
        decide_meeting(meeting_cmd(**over))
    assert refused.value.field == field
    assert refused.value.reason is not None, "every refusal of the meeting form has the client's words"


def test_a_meeting_held_today_in_japan_is_recorded_before_9_am_jst() -> None:
    """held_on is a date in Japan: at 01:00 JST (16:00 UTC the day before) today's meeting is no
    future meeting, tomorrow's still is."""
    early = datetime(2014, 6, 21, 16, 0, tzinfo=UTC)  # 2014-06-22 01:00 JST

    def held_on(day: date) -> list[Any]:
        return decide_meeting(meeting_cmd(held_on=day), now=early)

    held = held_on(date(2014, 6, 22))
    assert held[0].held_on == date(2014, 6, 22)
    with pytest.raises(InvalidCommand) as refused:
        held_on(date(2014, 6, 23))
    assert refused.value.field == "held_on"


def test_a_district_without_a_team_holds_no_meeting_yet() -> None:
    with pytest.raises(InvalidCommand, match="no support team") as refused:
        decide_meeting(meeting_cmd(), team=network.TeamState())
    assert refused.value.field == "district_id"


# --- the desk -----------------------------------------------------------------------------------------


def desk_cmd(**over: Any) -> c.TakeDeskConsultation:
    values: dict[str, Any] = {
        "district_id": "yamato-3chome",
        "desk": "",
        "taken_at": T0 - timedelta(hours=1),
        "channel": "interview",
        "consulter": "近隣住民",
        "summary": "隣家の屋根が朽ちている",
        "issue_category": "living_environment",
        "consent_to_share": True,
        "recorded_by": "d-w1",
    }
    return c.TakeDeskConsultation(**{**values, **over})


def test_a_desk_consultation_gets_a_provisional_case_and_names_its_referral() -> None:
    [taken] = network.decide_take_desk_consultation(
        network.DeskState(), desk_cmd(), now=T0, consultation_id="k-1", referral_id="r-1", codes=CODES
    )
    assert isinstance(taken, DeskConsultationTaken)
    assert (taken.case_id, taken.desk, taken.referral_id) == ("district-desk-k-1", network.DESK_NAME, "r-1")
    [known] = network.decide_take_desk_consultation(
        network.DeskState(), desk_cmd(case_id="p-a"), now=T0, consultation_id="k-2", referral_id="r-2", codes=CODES
    )
    assert known.case_id == "p-a"
    assert {"consulter", "summary"} <= DeskConsultationTaken.personal_fields


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"issue_category": "weather"}, "issue_category"),
        ({"taken_at": T0 + timedelta(days=1)}, "taken_at"),
        ({"summary": " "}, "summary"),
    ],
    ids=["channel", "issue-category", "future", "blank"],
)
def test_a_desk_consultation_is_refused_naming_the_field(over: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidCommand) as refused:
        network.decide_take_desk_consultation(
            network.DeskState(), desk_cmd(**over), now=T0, consultation_id="k-1", referral_id="r-1", codes=CODES
        )
    assert refused.value.field == field


# --- handlers on a fake unit of work ----------------------------------------------------------------------


@pytest.fixture
def kit() -> Any:
    return SimpleNamespace(uow=FakeUnitOfWorkFactory(clock=FixedClock(T0), ids=iter_ids("x-1", "x-2", "x-3", "x-4")))


def districts(kit: Any) -> None:
    as_manager = CommandContext(actor=MANAGER, correlation_id="c")
    for area_id, kind, parent in (("ebina", "city", None), ("north", "daily_life", "ebina")):
        handlers.define_area(
            kit,
            as_manager,
            c.DefineArea(
                area_id=area_id, kind=kind, name=area_id, parent_id=parent, address_prefixes=(), defined_by="m"
            ),
        )
    handlers.define_area(
        kit,
        as_manager,
        c.DefineArea(
            area_id="yamato-3chome",
            kind="district_council",
            name="大和",
            parent_id="north",
            address_prefixes=(),
            defined_by="m",
        ),
    )


def test_the_team_handler_versions_the_team_and_refuses_a_stale_change(kit: Any) -> None:
    districts(kit)
    first = network_handlers.set_team(kit, AS_WORKER, team_cmd(*TEAM))
    assert first["version"] == 1 and first["members"][2]["staff_id"] == "d-w1"
    changed = team_cmd(*TEAM[1:], note="住民コーディネーター不在")
    assert network_handlers.set_team(kit, AS_WORKER.expecting(1), changed)["version"] == 2
    with pytest.raises(ConcurrencyConflict):
        network_handlers.set_team(kit, AS_WORKER.expecting(1), team_cmd(*TEAM))
    assert [type(e) for e in kit.uow.events("district-team-yamato-3chome")] == [DistrictSupportTeamSet] * 2


def test_the_team_of_an_undefined_district_is_refused(kit: Any) -> None:
    with pytest.raises(Exception) as refused:
        network_handlers.set_team(kit, AS_WORKER, team_cmd(*TEAM))
    assert getattr(refused.value, "field", None) == "district_id"
    assert kit.uow.stored == []
