"""Consultation aggregate: every decision and refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services.intake.domain.commands import (
    AcknowledgeSupervisorComment,
    AddSupervisorComment,
    CloseConsultation,
    IdentifySubject,
    OpenConsultation,
    RecordAssessment,
    RecordContact,
    ReopenConsultation,
    ScheduleFollowUp,
    SetSupportPlan,
)
from services.intake.domain.consultation import (
    ConsultationState,
    apply,
    decide_close_consultation,
    decide_identify_subject,
    decide_open_consultation,
    decide_reopen_consultation,
    replay,
)
from services.intake.domain.errors import ConsultationIsClosed, ConsultationNotFound
from services.intake.domain.events import (
    AssessmentRecorded,
    ConsultationClosed,
    ConsultationOpened,
    ConsultationReopened,
    ContactRecorded,
    FollowUpScheduled,
    SubjectIdentified,
    SupervisorCommentAcknowledged,
    SupervisorCommentAdded,
    SupportPlanSet,
)
from services.intake.domain.support import (
    decide_acknowledge_supervisor_comment,
    decide_add_supervisor_comment,
    decide_record_assessment,
    decide_record_contact,
    decide_schedule_follow_up,
    decide_set_support_plan,
)
from services.intake.domain.values import PlanStep, Responsible
from shared.errors import AlreadyExists, IllegalTransition, InvalidCommand
from shared.reference import load_code_lists

CODES = load_code_lists("2014.1")
T0 = datetime(2015, 4, 1, 0, 30, tzinfo=UTC)  # 09:30 in Japan
LATER = T0 + timedelta(hours=3)
TODAY = date(2015, 4, 1)

OPEN: dict[str, Any] = {
    "person_id": "p1",
    "source": "self",
    "channel": "interview",
    "issues": ("employment", "housing"),
    "own_words": "仕事を失い、2週間後に住まいを出なければならない",
    "wishes": "転居費用を借りたい",
    "opened_by": "s1",
}


def open_(state: ConsultationState | None = None, **overrides: Any) -> list[ConsultationOpened]:
    command = OpenConsultation.model_validate({**OPEN, **overrides})
    events = decide_open_consultation(state or ConsultationState(), command, now=T0, consultation_id="c1", codes=CODES)
    return [e for e in events if isinstance(e, ConsultationOpened)]


def opened(**overrides: Any) -> ConsultationState:
    return replay(open_(**overrides))


def closed() -> ConsultationState:
    state = opened()
    return replay(
        decide_close_consultation(
            state, CloseConsultation(consultation_id="c1", outcome="solved", closed_by="s1"), now=LATER
        ),
        state,
    )


def step(rung: str, action: str = "act", kind: str = "department", name: str = "地域福祉課", **kw: Any) -> PlanStep:
    return PlanStep(rung=rung, action=action, responsible=Responsible(kind=kind, name=name), **kw)  # type: ignore[arg-type]


# --- opening ----------------------------------------------------------------------------------------


def test_opening_about_a_person_records_every_rule_relevant_fact_and_uses_the_person_as_case() -> None:
    [event] = open_(isolated=True, urgency="urgent")
    assert event.consultation_id == "c1"
    assert event.case_id == "p1" and event.person_id == "p1" and event.household_id is None
    assert (event.source, event.channel, event.issues) == ("self", "interview", ("employment", "housing"))
    assert (event.urgency, event.urgency_reason, event.isolated) == ("urgent", None, True)
    assert event.opened_at == T0 and event.opened_by == "s1" and event.code_list_version == "2014.1"


def test_opening_about_a_household_only_uses_the_household_as_case() -> None:
    [event] = open_(person_id=None, household_id="h1")
    assert event.case_id == "h1"


def test_opening_about_an_unidentified_subject_uses_the_consultation_id_as_provisional_case() -> None:
    [event] = open_(person_id=None, subject_description="3丁目で一人暮らしの高齢女性", source="neighbour")
    assert event.case_id == "c1" and event.person_id is None
    assert event.subject_description == "3丁目で一人暮らしの高齢女性"


def test_opening_without_any_subject_is_refused() -> None:
    with pytest.raises(InvalidCommand) as refused:
        open_(person_id=None, subject_description="   ")
    assert refused.value.field == "subject_description"


def test_opening_counts_as_the_first_contact() -> None:
    assert ConsultationState().contact_count == 0
    assert opened().contact_count == 1


@pytest.mark.parametrize("asked", ["normal", "urgent"])
def test_a_dv_abuse_issue_raises_urgency_to_same_day_and_says_why(asked: str) -> None:
    [event] = open_(issues=("family_relations", "dv_abuse"), urgency=asked)
    assert event.urgency == "same_day"
    assert event.urgency_reason is not None and "dv_abuse" in event.urgency_reason
    assert "dv_abuse" in event.issues


def test_same_day_urgency_asked_with_dv_abuse_needs_no_reason() -> None:
    [event] = open_(issues=("dv_abuse",), urgency="same_day")
    assert event.urgency_reason is None


@pytest.mark.parametrize(
    "field, value",
    [("source", "postman"), ("channel", "carrier_pigeon"), ("issues", ("employment", "astrology"))],
)
def test_opening_with_an_unknown_code_is_refused_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(InvalidCommand) as refused:
        open_(**{field: value})
    assert refused.value.field == field
    assert "2014.1" in refused.value.message


def test_opening_without_issues_is_refused_and_duplicates_are_kept_once() -> None:
    with pytest.raises(InvalidCommand) as refused:
        open_(issues=())
    assert refused.value.field == "issues"
    [event] = open_(issues=("housing", "housing", "employment"))
    assert event.issues == ("housing", "employment")


def test_opening_an_already_opened_consultation_is_refused() -> None:
    with pytest.raises(AlreadyExists):
        open_(opened())


def test_opening_needs_the_staff_id() -> None:
    with pytest.raises(InvalidCommand) as refused:
        open_(opened_by=" ")
    assert refused.value.field == "opened_by"


# --- contacts ---------------------------------------------------------------------------------------


def contact(state: ConsultationState, contact_id: str = "k1", **overrides: Any) -> list[ContactRecorded]:
    fields = {"consultation_id": "c1", "channel": "phone", "party": "self", "outcome": "reached", "recorded_by": "s1"}
    command = RecordContact.model_validate({**fields, **overrides})
    events = decide_record_contact(state, command, now=LATER, contact_id=contact_id, codes=CODES)
    return [e for e in events if isinstance(e, ContactRecorded)]


def test_every_contact_counts_in_the_total_with_its_outcome() -> None:
    state = opened()
    for i, outcome in enumerate(["not_reached", "refused", "reached"]):
        state = replay(contact(state, f"k{i}", outcome=outcome), state)
    assert state.contact_count == 4
    assert [c.outcome for c in state.contacts] == ["not_reached", "refused", "reached"]


def test_a_contact_defaults_to_now_and_carries_the_case_id() -> None:
    [event] = contact(opened(), summary="電話で状況確認")
    assert event.contacted_at == LATER and event.case_id == "p1" and event.summary == "電話で状況確認"


def test_a_contact_in_the_future_before_the_opening_or_naive_is_refused() -> None:
    for when in (LATER + timedelta(minutes=1), T0 - timedelta(minutes=1), datetime(2015, 4, 1, 10)):
        with pytest.raises(InvalidCommand) as refused:
            contact(opened(), contacted_at=when)
        assert refused.value.field == "contacted_at"


def test_a_contact_with_unknown_channel_or_party_is_refused() -> None:
    with pytest.raises(InvalidCommand) as refused:
        contact(opened(), channel="fax")
    assert refused.value.field == "channel"
    with pytest.raises(InvalidCommand) as refused:
        contact(opened(), party="stranger")
    assert refused.value.field == "party"


def test_a_contact_id_is_used_once() -> None:
    state = replay(contact(opened()), opened())
    with pytest.raises(AlreadyExists):
        contact(state)


def test_a_contact_on_an_unknown_consultation_is_refused_as_not_found() -> None:
    with pytest.raises(ConsultationNotFound):
        contact(ConsultationState())
    with pytest.raises(ConsultationNotFound):
        contact(opened(), consultation_id="c2")


# --- follow-ups -------------------------------------------------------------------------------------


def schedule(state: ConsultationState, due_on: date = TODAY + timedelta(days=14), **kw: Any) -> list[FollowUpScheduled]:
    fields = {"consultation_id": "c1", "due_on": due_on, "purpose": "訪問して様子を確認", "scheduled_by": "s1", **kw}
    events = decide_schedule_follow_up(state, ScheduleFollowUp.model_validate(fields), now=LATER, follow_up_id="f1")
    return [e for e in events if isinstance(e, FollowUpScheduled)]


def test_a_follow_up_is_scheduled_and_done_by_the_contact_that_names_it() -> None:
    state = replay(schedule(opened()), opened())
    assert [f.follow_up_id for f in state.open_follow_ups] == ["f1"]
    state = replay(contact(state, follow_up_id="f1", channel="home_visit"), state)
    assert state.open_follow_ups == () and state.follow_ups[0].done_by_contact_id == "k1"


def test_a_follow_up_due_in_the_past_or_without_purpose_is_refused() -> None:
    with pytest.raises(InvalidCommand) as refused:
        schedule(opened(), due_on=TODAY - timedelta(days=1))
    assert refused.value.field == "due_on"
    with pytest.raises(InvalidCommand) as refused:
        schedule(opened(), purpose="")
    assert refused.value.field == "purpose"
    assert schedule(opened(), due_on=TODAY)[0].due_on == TODAY


def test_a_follow_up_id_is_used_once() -> None:
    with pytest.raises(AlreadyExists):
        schedule(replay(schedule(opened()), opened()))


def test_a_contact_naming_an_unknown_or_done_follow_up_is_refused() -> None:
    with pytest.raises(InvalidCommand) as refused:
        contact(opened(), follow_up_id="f9")
    assert refused.value.field == "follow_up_id"
    state = replay(schedule(opened()), opened())
    state = replay(contact(state, follow_up_id="f1"), state)
    with pytest.raises(IllegalTransition):
        contact(state, "k2", follow_up_id="f1")


# --- assessment -------------------------------------------------------------------------------------


def assess(state: ConsultationState, **overrides: Any) -> list[AssessmentRecorded]:
    fields = {
        "consultation_id": "c1",
        "person_picture": "68歳男性、独居、判断力の低下",
        "family_picture": "親族とは疎遠",
        "wishes": "自宅で暮らし続けたい",
        "issues_text": "金銭管理ができない",
        "obstacles": "支援を受けることへの抵抗",
        "strengths": "料理が得意、友人Eがいる",
        "assessed_by": "s1",
        **overrides,
    }
    events = decide_record_assessment(state, RecordAssessment.model_validate(fields), now=LATER, codes=CODES)
    return [e for e in events if isinstance(e, AssessmentRecorded)]


def test_an_assessment_keeps_the_issues_when_none_are_given() -> None:
    [event] = assess(opened())
    assert event.issues == ("employment", "housing") and event.issues_added == ()
    assert event.strengths == "料理が得意、友人Eがいる"
    assert replay([event], opened()).assessment == event


def test_an_assessment_names_the_issues_it_found() -> None:
    [event] = assess(opened(), issues=("employment", "housing", "debt_arrears", "dv_abuse"))
    assert event.issues_added == ("debt_arrears", "dv_abuse")
    assert replay([event], opened()).issues == ("employment", "housing", "debt_arrears", "dv_abuse")


def test_an_assessment_without_person_picture_unknown_issue_or_no_issues_is_refused() -> None:
    for overrides, field in (
        ({"person_picture": ""}, "person_picture"),
        ({"issues": ("gambling",)}, "issues"),
        ({"issues": ()}, "issues"),
    ):
        with pytest.raises(InvalidCommand) as refused:
            assess(opened(), **overrides)
        assert refused.value.field == field


# --- support plan -----------------------------------------------------------------------------------


def plan(state: ConsultationState, steps: tuple[PlanStep, ...], **kw: Any) -> list[SupportPlanSet]:
    command = SetSupportPlan.model_validate({"consultation_id": "c1", "steps": steps, "set_by": "s1", **kw})
    return [e for e in decide_set_support_plan(state, command, now=LATER, codes=CODES) if isinstance(e, SupportPlanSet)]


def test_a_support_plan_keeps_its_steps_in_ladder_order_and_versions_replace_each_other() -> None:
    steps = (
        step("community_capacity", "サロン参加の呼びかけ", "community", "地区社協"),
        step("personal_capacity", "家計の見える化", "person", "本人", due_on=TODAY + timedelta(days=30)),
        step("existing_mechanisms", "日常生活自立支援事業の案内", "department", "あんしんセンター"),
        step("community_capacity", "見守り", "community", "民生委員"),
    )
    [event] = plan(opened(), steps, goal="自宅での生活を続ける")
    assert [s.rung for s in event.steps] == [
        "personal_capacity",
        "existing_mechanisms",
        "community_capacity",
        "community_capacity",
    ]
    assert [s.action for s in event.steps][2:] == ["サロン参加の呼びかけ", "見守り"]  # stable within a rung
    assert event.plan_version == 1 and event.goal == "自宅での生活を続ける"
    state = replay([event], opened())
    [revised] = plan(state, (step("new_programme", "男性料理教室の創設"),))
    assert revised.plan_version == 2
    assert replay([revised], state).plan == revised


def test_a_support_plan_without_steps_or_with_a_bad_step_is_refused_naming_the_step() -> None:
    with pytest.raises(InvalidCommand) as refused:
        plan(opened(), ())
    assert refused.value.field == "steps"
    for bad, field in (
        (step("wishful_thinking"), "steps[1].rung"),
        (step("personal_capacity", action=" "), "steps[1].action"),
        (step("personal_capacity", name=""), "steps[1].responsible.name"),
        (step("personal_capacity", due_on=TODAY - timedelta(days=1)), "steps[1].due_on"),
    ):
        with pytest.raises(InvalidCommand) as refused:
            plan(opened(), (step("personal_capacity"), bad))
        assert refused.value.field == field


# --- identification ---------------------------------------------------------------------------------


def identify(state: ConsultationState, **kw: Any) -> list[SubjectIdentified]:
    command = IdentifySubject.model_validate({"consultation_id": "c1", "person_id": "p7", "identified_by": "s1", **kw})
    return [e for e in decide_identify_subject(state, command, now=LATER) if isinstance(e, SubjectIdentified)]


def test_identifying_an_unidentified_subject_moves_the_provisional_case_to_the_person() -> None:
    state = opened(person_id=None, subject_description="高齢女性")
    [event] = identify(state, household_id="h7")
    assert (event.provisional_case_id, event.case_id, event.person_id) == ("c1", "p7", "p7")
    after = replay([event], state)
    assert after.identified and after.case_id == "p7" and after.household_id == "h7"
    [later] = contact(after)
    assert later.case_id == "p7"


def test_identifying_the_person_of_a_household_consultation_keeps_the_household_case() -> None:
    [event] = identify(opened(person_id=None, household_id="h1"))
    assert event.case_id == "h1" and event.provisional_case_id == "h1"


def test_identifying_twice_or_into_another_household_is_refused() -> None:
    with pytest.raises(IllegalTransition) as refused:
        identify(opened())
    assert "link duplicate person records" in refused.value.message
    with pytest.raises(IllegalTransition) as refused:
        identify(opened(person_id=None, household_id="h1"), household_id="h2")
    assert refused.value.field == "household_id"


# --- supervision ------------------------------------------------------------------------------------


def comment(state: ConsultationState, **kw: Any) -> list[SupervisorCommentAdded]:
    fields = {"consultation_id": "c1", "reviewer_id": "m1", "comment": "家族関係も確認を", **kw}
    events = decide_add_supervisor_comment(
        state, AddSupervisorComment.model_validate(fields), now=LATER, comment_id="r1"
    )
    return [e for e in events if isinstance(e, SupervisorCommentAdded)]


def acknowledge(state: ConsultationState, **kw: Any) -> list[SupervisorCommentAcknowledged]:
    fields = {"consultation_id": "c1", "comment_id": "r1", "acknowledged_by": "s1", **kw}
    events = decide_acknowledge_supervisor_comment(
        state, AcknowledgeSupervisorComment.model_validate(fields), now=LATER
    )
    return [e for e in events if isinstance(e, SupervisorCommentAcknowledged)]


def test_a_supervisor_comment_records_the_reviewer_and_the_worker_acknowledges_it() -> None:
    [added] = comment(opened())
    assert (added.reviewer_id, added.comment, added.added_at) == ("m1", "家族関係も確認を", LATER)
    state = replay([added], opened())
    assert [c.comment_id for c in state.unacknowledged_comments] == ["r1"]
    [ack] = acknowledge(state)
    assert ack.acknowledged_by == "s1"
    assert replay([ack], state).unacknowledged_comments == ()


def test_a_comment_needs_text_and_a_reviewer_and_a_fresh_id() -> None:
    for field in ("comment", "reviewer_id"):
        with pytest.raises(InvalidCommand) as refused:
            comment(opened(), **{field: ""})
        assert refused.value.field == field
    with pytest.raises(AlreadyExists):
        comment(replay(comment(opened()), opened()))


def test_acknowledging_an_unknown_an_acknowledged_or_ones_own_comment_is_refused() -> None:
    with pytest.raises(InvalidCommand) as refused:
        acknowledge(opened())
    assert refused.value.field == "comment_id"
    state = replay(comment(opened()), opened())
    with pytest.raises(InvalidCommand) as refused:
        acknowledge(state, acknowledged_by="m1")
    assert refused.value.field == "acknowledged_by"
    state = replay(acknowledge(state), state)
    with pytest.raises(IllegalTransition):
        acknowledge(state)


# --- closing and reopening --------------------------------------------------------------------------


def test_closing_records_the_outcome_and_destination() -> None:
    command = CloseConsultation(
        consultation_id="c1",
        outcome="referred_outside",
        destination="生活保護(市福祉課)",
        note="申請同行",
        closed_by="s1",
    )
    [event] = decide_close_consultation(opened(), command, now=LATER)
    assert isinstance(event, ConsultationClosed)
    assert (event.outcome, event.destination, event.case_id, event.closed_at) == (
        "referred_outside",
        "生活保護(市福祉課)",
        "p1",
        LATER,
    )
    state = replay([event], opened())
    assert state.status == "closed" and state.outcome == "referred_outside"


@pytest.mark.parametrize("outcome", ["connected_to_service", "referred_outside"])
def test_closing_as_connected_or_referred_needs_a_destination(outcome: str) -> None:
    with pytest.raises(InvalidCommand) as refused:
        decide_close_consultation(
            opened(),
            CloseConsultation.model_validate({"consultation_id": "c1", "outcome": outcome, "closed_by": "s"}),
            now=LATER,
        )
    assert refused.value.field == "destination"


@pytest.mark.parametrize("outcome", ["solved", "person_declined", "lost_contact"])
def test_closing_with_other_outcomes_needs_no_destination(outcome: str) -> None:
    command = CloseConsultation.model_validate({"consultation_id": "c1", "outcome": outcome, "closed_by": "s"})
    assert len(decide_close_consultation(opened(), command, now=LATER)) == 1


def test_a_closed_consultation_refuses_every_change_but_reopening() -> None:
    state = closed()
    refusals = [
        lambda: contact(state),
        lambda: assess(state),
        lambda: plan(state, (step("personal_capacity"),)),
        lambda: schedule(state),
        lambda: identify(state),
        lambda: comment(state),
        lambda: acknowledge(state),
        lambda: decide_close_consultation(
            state, CloseConsultation(consultation_id="c1", outcome="solved", closed_by="s"), now=LATER
        ),
    ]
    for attempt in refusals:
        with pytest.raises(ConsultationIsClosed):
            attempt()


def test_reopening_a_closed_consultation_opens_it_again_with_a_reason() -> None:
    command = ReopenConsultation(consultation_id="c1", reason="再度の相談", reopened_by="s2")
    [event] = decide_reopen_consultation(closed(), command, now=LATER)
    assert isinstance(event, ConsultationReopened) and event.case_id == "p1"
    state = replay([event], closed())
    assert state.status == "open" and state.outcome is None
    assert len(contact(state)) == 1


def test_reopening_an_open_or_unknown_consultation_or_without_reason_is_refused() -> None:
    command = ReopenConsultation(consultation_id="c1", reason="x", reopened_by="s")
    with pytest.raises(IllegalTransition):
        decide_reopen_consultation(opened(), command, now=LATER)
    with pytest.raises(ConsultationNotFound):
        decide_reopen_consultation(ConsultationState(), command, now=LATER)
    with pytest.raises(InvalidCommand) as refused:
        decide_reopen_consultation(closed(), command.model_copy(update={"reason": ""}), now=LATER)
    assert refused.value.field == "reason"


def test_the_fold_ignores_events_of_other_streams() -> None:
    from shared.registry.events import HouseholdRegistered

    other = HouseholdRegistered(household_id="h1", address=None, registered_at=T0, registered_by="s")
    assert apply(opened(), other) == opened()
