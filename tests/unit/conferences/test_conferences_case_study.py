"""Case-study meetings (事例検討会), secrecy undertakings (守秘義務) and what the minutes show a
participant: decisions and refusals of the conference aggregate, time and ids passed in."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.conferences.domain import case_study, meeting, secrecy
from services.conferences.domain import conference as conf
from services.conferences.domain.commands import (
    AssignActionItem,
    PresentStudyCase,
    RecordAdvice,
    RecordConferenceHeld,
    RecordSecrecyUndertaking,
    ScheduleConference,
)
from services.conferences.domain.errors import (
    NoSecrecyUndertaking,
    NoSharingBasis,
    StudyCaseNotFound,
    WrongConferenceState,
)
from services.conferences.domain.events import (
    CaseStudyAdviceRecorded,
    CaseStudyCasePresented,
    ConferenceScheduled,
    SecrecyUndertakingRecorded,
)
from services.conferences.domain.values import ActionItemSpec, Participant, ShareBasis
from shared.errors import InvalidCommand
from shared.reference import load_code_lists

T0 = datetime(2015, 6, 10, 1, 0, tzinfo=UTC)  # 10:00 in Japan
CODES = load_code_lists()
LAWYER = Participant(name="弁護士 A", organisation="アドバイザリースタッフ（法律）", kind="expert")
GUARDIAN = Participant(name="社会福祉士 B", organisation="アドバイザリースタッフ（後見）", kind="expert")
LOANS_STAFF = Participant(name="貸付担当", organisation="市社協", kind="staff", department="loans")
CENTRE = Participant(name="センター長", organisation="地域包括支援センター", kind="agency")


def scheduled(kind: str = "case_study", case_id: str = "") -> conf.ConferenceState:
    cmd = ScheduleConference(
        case_id=case_id, kind=kind, purpose="定例の事例検討会", scheduled_for=T0, scheduled_by="c1"
    )
    return conf.replay(meeting.decide_schedule(conf.ConferenceState(), cmd, now=T0, conference_id="s1", codes=CODES))


def pledge(state: conf.ConferenceState, who: Participant = LAWYER, **fields: object) -> conf.ConferenceState:
    values: dict[str, object] = {
        "conference_id": "s1",
        "participant_name": who.name,
        "organisation": who.organisation,
        "participant_kind": who.kind,
        "undertaken_on": date(2015, 6, 1),
        "reference": "誓約書 2015-07",
        "recorded_by": "c1",
    }
    values.update(fields)
    return conf.replay(secrecy.decide_record_undertaking(state, RecordSecrecyUndertaking(**values), now=T0), state)  # type: ignore[arg-type]


def present(state: conf.ConferenceState, **fields: object) -> conf.ConferenceState:
    values: dict[str, object] = {
        "conference_id": "s1",
        "summary": "貸付相談。貸せる・貸せないの判断以外を聞き取らなかった",
        "presented_by": "l-w1",
        "presented_by_department": "loans",
    }
    values.update(fields)
    cmd = PresentStudyCase(**values)  # type: ignore[arg-type]
    return conf.replay(case_study.decide_present_study_case(state, cmd, now=T0, study_case_id="k1"), state)


def hold(
    state: conf.ConferenceState, *participants: Participant, basis: ShareBasis | None = None
) -> conf.ConferenceState:
    cmd = RecordConferenceHeld(
        conference_id="s1",
        held_at=T0,
        participants=participants or (LAWYER, GUARDIAN, LOANS_STAFF),
        basis=basis or ShareBasis(),
        decisions=("時間軸で課題を整理する",),
        recorded_by="c1",
    )
    return conf.replay(meeting.decide_record_held(state, cmd, now=T0, action_ids=[]), state)


def advise(state: conf.ConferenceState, adviser: str = LAWYER.name, study_case_id: str = "k1") -> list[object]:
    cmd = RecordAdvice(
        conference_id="s1",
        study_case_id=study_case_id,
        adviser_name=adviser,
        expertise="law",
        advice="債務整理は法テラスの利用を検討する",
        recorded_by="c1",
    )
    return list(case_study.decide_record_advice(state, cmd, now=T0))


def test_a_case_study_meeting_needs_no_case_of_its_own_but_other_kinds_do() -> None:
    state = scheduled()
    assert state.case_id == "study-s1" and state.case_study

    with pytest.raises(InvalidCommand) as refused:
        scheduled(kind="case_conference")
    assert refused.value.field == "case_id"
    assert scheduled(case_id="p-7").case_id == "p-7"


def test_any_department_presents_cases_even_ones_that_reached_no_service_without_a_case_id() -> None:
    state = present(scheduled())

    [case] = state.study_cases
    assert (case.study_case_id, case.discussed_case_id, case.reached_service) == ("k1", None, False)
    assert case.presented_by_department == "loans"
    linked = present(state, discussed_case_id=" h-9 ", reached_service=True)
    assert linked.study_cases[1].discussed_case_id == "h-9"


def test_only_a_case_study_meeting_takes_presented_cases_and_each_needs_a_summary() -> None:
    with pytest.raises(WrongConferenceState, match="case_study"):
        present(scheduled(kind="case_conference", case_id="p-1"))
    with pytest.raises(InvalidCommand) as refused:
        present(scheduled(), summary="  ")
    assert refused.value.field == "summary"


def test_a_case_study_may_be_held_with_experts_on_no_basis_but_a_case_conference_may_not() -> None:
    assert hold(present(scheduled())).status == "held"
    with pytest.raises(NoSharingBasis):
        hold(scheduled(kind="case_conference", case_id="p-1"), CENTRE)


def test_advice_is_recorded_per_case_in_the_name_of_an_expert_who_undertook_secrecy() -> None:
    state = hold(pledge(present(scheduled())))

    [event] = advise(state)
    assert isinstance(event, CaseStudyAdviceRecorded)
    assert (event.study_case_id, event.adviser_name, event.adviser_organisation) == (
        "k1",
        LAWYER.name,
        LAWYER.organisation,
    )
    after = conf.replay([event], state)  # type: ignore[list-item]
    assert [a.advice for a in after.study_cases[0].advice] == ["債務整理は法テラスの利用を検討する"]


def test_advice_in_the_name_of_an_expert_without_an_undertaking_is_refused_naming_the_field() -> None:
    state = hold(present(scheduled()))

    with pytest.raises(NoSecrecyUndertaking, match="守秘義務") as refused:
        advise(state, GUARDIAN.name)
    assert refused.value.field == "adviser_name"
    assert [e for e in advise(pledge(state, GUARDIAN), GUARDIAN.name) if isinstance(e, CaseStudyAdviceRecorded)]


def test_staff_advise_without_an_undertaking_but_a_stranger_or_an_unknown_case_is_refused() -> None:
    state = hold(present(scheduled()))
    assert advise(state, LOANS_STAFF.name)
    with pytest.raises(InvalidCommand) as stranger:
        advise(state, "誰か")
    assert stranger.value.field == "adviser_name"
    with pytest.raises(StudyCaseNotFound):
        advise(state, study_case_id="k9")
    with pytest.raises(WrongConferenceState, match="not been held"):
        advise(present(scheduled()))


def test_an_undertaking_records_who_when_and_by_whom_once() -> None:
    state = pledge(scheduled())

    [u] = state.undertakings
    assert (u.participant_name, u.undertaken_on, u.reference, u.recorded_by, u.recorded_at) == (
        LAWYER.name,
        date(2015, 6, 1),
        "誓約書 2015-07",
        "c1",
        T0,
    )
    with pytest.raises(WrongConferenceState, match="already recorded"):
        pledge(state)


def test_only_outside_participants_undertake_and_not_on_a_future_day() -> None:
    with pytest.raises(InvalidCommand) as staff:
        pledge(scheduled(), LOANS_STAFF)
    assert staff.value.field == "participant_kind"
    with pytest.raises(InvalidCommand) as future:
        pledge(scheduled(), undertaken_on=date(2015, 6, 11))
    assert future.value.field == "undertaken_on"


def test_after_the_meeting_only_someone_who_took_part_undertakes() -> None:
    state = hold(scheduled(), LAWYER)
    with pytest.raises(InvalidCommand) as refused:
        pledge(state, GUARDIAN)
    assert refused.value.field == "participant_name"
    assert isinstance(
        secrecy.decide_record_undertaking(
            state,
            RecordSecrecyUndertaking(
                conference_id="s1",
                participant_name=LAWYER.name,
                organisation=LAWYER.organisation,
                participant_kind="expert",
                undertaken_on=date(2015, 6, 10),
                recorded_by="c1",
            ),
            now=T0,
        )[0],
        SecrecyUndertakingRecorded,
    )


def test_the_basis_and_the_undertaking_decide_what_the_minutes_show_a_participant() -> None:
    consent = ShareBasis(kind="consent", reference="consent-1")
    meeting = hold(scheduled(kind="case_conference", case_id="p-1"), CENTRE, LOANS_STAFF, basis=consent)
    assert not secrecy.participant_sees_details(meeting, CENTRE)  # no undertaking yet: withheld
    assert secrecy.participant_sees_details(meeting, LOANS_STAFF)  # council staff
    assert secrecy.participant_sees_details(pledge(meeting, CENTRE, undertaken_on=date(2015, 6, 10)), CENTRE)

    study = pledge(hold(scheduled()))  # a case study on no basis: anonymised cases to those who undertook
    assert secrecy.participant_sees_details(study, LAWYER) and not secrecy.participant_sees_details(study, GUARDIAN)


def test_an_action_item_for_an_unknown_department_is_refused_naming_the_field() -> None:
    state = hold(scheduled())
    item = ActionItemSpec(description="家計相談", assignee_kind="department", assignee="accounting")
    with pytest.raises(InvalidCommand) as refused:
        meeting.decide_assign_action_item(
            state,
            AssignActionItem(conference_id="s1", item=item, assigned_by="c1"),
            now=T0,
            action_id="a1",
            departments=frozenset({"intake", "districts"}),
        )
    assert refused.value.field == "item.assignee"
    assert (refused.value.reason, refused.value.ctx) == ("unknown_code", {"allowed": "districts, intake"})


def test_each_action_item_has_its_own_stable_referral_id() -> None:
    assert conf.action_item_referral_id("a1") == conf.action_item_referral_id("a1")
    assert conf.action_item_referral_id("a1") != conf.action_item_referral_id("a2")


def test_the_scheduled_event_of_a_case_study_carries_its_provisional_case() -> None:
    cmd = ScheduleConference(case_id="", kind="case_study", purpose="事例検討", scheduled_for=T0, scheduled_by="c1")
    [event] = meeting.decide_schedule(conf.ConferenceState(), cmd, now=T0, conference_id="s2", codes=CODES)
    assert isinstance(event, ConferenceScheduled) and event.case_id == "study-s2"
    assert not isinstance(event, CaseStudyCasePresented)
