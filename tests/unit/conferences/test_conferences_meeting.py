"""The meeting's decisions (schedule, held, action items, reviews) and their refusals, with time and ids passed in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.conferences.domain import conference as conf
from services.conferences.domain import meeting
from services.conferences.domain.commands import (
    AssignActionItem,
    CompleteActionItem,
    RecordConferenceHeld,
    ScheduleConference,
    ScheduleReview,
)
from services.conferences.domain.errors import (
    ActionItemNotFound,
    AlreadyExists,
    ConferenceNotFound,
    NoSharingBasis,
    NotTheAssignee,
    WrongConferenceState,
)
from services.conferences.domain.events import ActionItemAssigned, ConferenceHeld, ConferenceScheduled
from services.conferences.domain.values import ActionItemSpec, Participant, ShareBasis
from shared.errors import InvalidCommand
from shared.reference import load_code_lists

T0 = datetime(2014, 5, 20, 5, 0, tzinfo=UTC)  # 14:00 in Japan
CODES = load_code_lists()
CENTRE = Participant(name="センター長", organisation="地域包括支援センター", kind="agency")
NEIGHBOUR = Participant(name="近隣住民", organisation="近隣住民", kind="resident")
CSW = Participant(name="地区担当CSW", organisation="市社協", kind="staff")
STATUTORY = ShareBasis(kind="statutory", reference="介護保険法第115条の48")
WATCH = ActionItemSpec(description="見守り", assignee_kind="department", assignee="districts", due_on=date(2014, 8, 31))
ENGAGE = ActionItemSpec(description="関わりのきっかけ", assignee_kind="agency", assignee="community_support_centre")


def scheduled(kind: str = "community_care_meeting") -> conf.ConferenceState:
    cmd = ScheduleConference(
        case_id="p-a", kind=kind, purpose="ネズミ発生家屋対策", scheduled_for=T0, scheduled_by="c1"
    )
    return conf.replay(meeting.decide_schedule(conf.ConferenceState(), cmd, now=T0, conference_id="m1", codes=CODES))


def held(
    *items: ActionItemSpec, participants: tuple[Participant, ...] = (CENTRE, NEIGHBOUR, CSW)
) -> conf.ConferenceState:
    state = scheduled()
    cmd = RecordConferenceHeld(
        conference_id="m1",
        held_at=T0,
        participants=participants,
        basis=STATUTORY,
        decisions=("本人の同意なしに介入しない",),
        action_items=items,
        recorded_by="c1",
    )
    ids = [f"a{i}" for i in range(len(items))]
    return conf.replay(meeting.decide_record_held(state, cmd, now=T0 + timedelta(hours=2), action_ids=ids), state)


def test_a_conference_is_scheduled_with_a_kind_from_the_code_list_and_records_the_version():
    [event] = meeting.decide_schedule(
        conf.ConferenceState(),
        ScheduleConference(case_id="p-a", kind="case_study", purpose="事例検討", scheduled_for=T0, scheduled_by="c1"),
        now=T0,
        conference_id="m1",
        codes=CODES,
    )
    assert isinstance(event, ConferenceScheduled)
    assert (event.kind, event.case_id, event.code_list_version) == ("case_study", "p-a", CODES.version)


def test_an_unknown_conference_kind_is_refused_naming_the_allowed_codes():
    cmd = ScheduleConference(case_id="p-a", kind="party", purpose="x", scheduled_for=T0, scheduled_by="c1")
    with pytest.raises(InvalidCommand, match="community_care_meeting") as refused:
        meeting.decide_schedule(conf.ConferenceState(), cmd, now=T0, conference_id="m1", codes=CODES)
    assert refused.value.field == "kind"


def test_a_conference_id_is_used_once():
    cmd = ScheduleConference(case_id="p-a", kind="case_conference", purpose="x", scheduled_for=T0, scheduled_by="c1")
    with pytest.raises(AlreadyExists):
        meeting.decide_schedule(scheduled(), cmd, now=T0, conference_id="m1", codes=CODES)


def test_a_held_conference_records_participants_outside_count_and_one_event_per_action_item():
    state = scheduled()
    cmd = RecordConferenceHeld(
        conference_id="m1",
        held_at=T0,
        participants=(CENTRE, NEIGHBOUR, CSW),
        basis=STATUTORY,
        action_items=(WATCH, ENGAGE),
        person_wishes="他人の世話にはなりたくない",
        recorded_by="c1",
    )
    events = meeting.decide_record_held(state, cmd, now=T0, action_ids=["a1", "a2"])
    assert [type(e) for e in events] == [ConferenceHeld, ActionItemAssigned, ActionItemAssigned]
    assert isinstance(events[0], ConferenceHeld) and events[0].outside_participants == 2
    after = conf.replay(events, state)
    assert after.status == "held" and [a.assignee for a in after.open_action_items] == [
        "districts",
        "community_support_centre",
    ]


def test_outside_participants_without_a_sharing_basis_are_refused():
    cmd = RecordConferenceHeld(conference_id="m1", held_at=T0, participants=(CENTRE, CSW), recorded_by="c1")
    with pytest.raises(NoSharingBasis, match="statutory") as refused:
        meeting.decide_record_held(scheduled(), cmd, now=T0, action_ids=[])
    assert refused.value.field == "basis"


def test_an_internal_meeting_needs_no_basis():
    cmd = RecordConferenceHeld(conference_id="m1", held_at=T0, participants=(CSW,), recorded_by="c1")
    [event] = meeting.decide_record_held(scheduled(), cmd, now=T0, action_ids=[])
    assert isinstance(event, ConferenceHeld) and event.basis.kind == "none"


def test_a_consent_basis_needs_the_consent_reference():
    cmd = RecordConferenceHeld(
        conference_id="m1", held_at=T0, participants=(CENTRE,), basis=ShareBasis(kind="consent"), recorded_by="c1"
    )
    with pytest.raises(InvalidCommand, match="reference"):
        meeting.decide_record_held(scheduled(), cmd, now=T0, action_ids=[])


def test_a_conference_cannot_be_recorded_before_it_happened_nor_twice():
    future = RecordConferenceHeld(
        conference_id="m1", held_at=T0 + timedelta(days=1), participants=(CSW,), recorded_by="c1"
    )
    with pytest.raises(InvalidCommand, match="future"):
        meeting.decide_record_held(scheduled(), future, now=T0, action_ids=[])
    again = RecordConferenceHeld(conference_id="m1", held_at=T0, participants=(CSW,), recorded_by="c1")
    with pytest.raises(WrongConferenceState):
        meeting.decide_record_held(held(), again, now=T0, action_ids=[])


def test_an_unscheduled_conference_is_not_found():
    cmd = RecordConferenceHeld(conference_id="m9", held_at=T0, participants=(CSW,), recorded_by="c1")
    with pytest.raises(ConferenceNotFound):
        meeting.decide_record_held(conf.ConferenceState(), cmd, now=T0, action_ids=[])


def test_an_action_item_due_before_the_conference_is_refused():
    early = ActionItemSpec(description="x", assignee_kind="person", assignee="本人", due_on=date(2014, 5, 1))
    with pytest.raises(InvalidCommand, match="before the conference") as refused:
        held(early)
    assert refused.value.field == "action_items[0].due_on"


def test_action_items_are_assigned_only_after_the_conference_was_held():
    with pytest.raises(WrongConferenceState, match="not been held"):
        meeting.decide_assign_action_item(
            scheduled(), AssignActionItem(conference_id="m1", item=ENGAGE, assigned_by="c1"), now=T0, action_id="a9"
        )
    [event] = meeting.decide_assign_action_item(
        held(), AssignActionItem(conference_id="m1", item=ENGAGE, assigned_by="c1"), now=T0, action_id="a9"
    )
    assert isinstance(event, ActionItemAssigned) and event.action_id == "a9"


def test_the_assigned_department_marks_its_action_item_done_once():
    state = held(WATCH)
    done = CompleteActionItem(
        conference_id="m1", action_id="a0", note="見守り開始", completed_by="d1", completed_by_department="districts"
    )
    after = conf.replay(meeting.decide_complete_action_item(state, done, now=T0), state)
    assert after.open_action_items == () and after.action_items[0].completed_by_department == "districts"
    with pytest.raises(WrongConferenceState, match="already done"):
        meeting.decide_complete_action_item(after, done, now=T0)


def test_another_department_may_not_mark_an_action_item_done():
    cmd = CompleteActionItem(conference_id="m1", action_id="a0", completed_by="l1", completed_by_department="loans")
    with pytest.raises(NotTheAssignee):
        meeting.decide_complete_action_item(held(WATCH), cmd, now=T0)


def test_conferences_staff_mark_an_outside_agencys_item_done_and_an_unknown_item_is_not_found():
    state = held(ENGAGE)
    by_conferences = CompleteActionItem(
        conference_id="m1", action_id="a0", completed_by="c1", completed_by_department="conferences"
    )
    assert meeting.decide_complete_action_item(state, by_conferences, now=T0)
    with pytest.raises(ActionItemNotFound):
        meeting.decide_complete_action_item(state, by_conferences.model_copy(update={"action_id": "zz"}), now=T0)


def test_a_review_is_scheduled_after_the_conference_day():
    state = held()
    [event] = meeting.decide_schedule_review(
        state,
        ScheduleReview(conference_id="m1", due_on=date(2014, 8, 20), purpose="経過共有", scheduled_by="c1"),
        now=T0,
        review_id="r1",
    )
    assert conf.apply(state, event).reviews[0].review_id == "r1"
    with pytest.raises(InvalidCommand, match="not after"):
        meeting.decide_schedule_review(
            state,
            ScheduleReview(conference_id="m1", due_on=date(2014, 5, 20), purpose="x", scheduled_by="c1"),
            now=T0,
            review_id="r2",
        )
