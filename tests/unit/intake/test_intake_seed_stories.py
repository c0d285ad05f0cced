"""The seed stories of the intake desk, played as domain sequences (decide → fold → decide ...)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from services.intake.domain.commands import (
    AcknowledgeSupervisorComment,
    AddSupervisorComment,
    GiveConsent,
    IdentifySubject,
    OpenConsultation,
    RecordAssessment,
    RecordContact,
    ScheduleFollowUp,
    SetSupportPlan,
)
from services.intake.domain.consent_ledger import ConsentLedger, decide_give_consent, replay_consents
from services.intake.domain.consultation import (
    ConsultationState,
    decide_identify_subject,
    decide_open_consultation,
    replay,
)
from services.intake.domain.events import ConsultationOpened, ContactRecorded, SubjectIdentified
from services.intake.domain.support import (
    decide_acknowledge_supervisor_comment,
    decide_add_supervisor_comment,
    decide_record_assessment,
    decide_record_contact,
    decide_schedule_follow_up,
    decide_set_support_plan,
)
from services.intake.domain.values import PlanStep, Responsible
from shared.consent import Recipient, disclosure_basis
from shared.events import DomainEvent
from shared.reference import load_code_lists
from shared.registry.commands import RegisterPerson
from shared.registry.model import PersonState, decide_register_person, replay_person

CODES = load_code_lists("2014.1")
DAY0 = datetime(2015, 4, 6, 0, 0, tzinfo=UTC)  # 09:00 in Japan


def at(days: int, hours: int = 0) -> datetime:
    return DAY0 + timedelta(days=days, hours=hours)


class Stream:
    """A consultation stream kept in memory: every decision's events are folded at once."""

    def __init__(self) -> None:
        self.events: list[DomainEvent] = []
        self.state = ConsultationState()

    def __call__(self, decide: Callable[[ConsultationState], list[DomainEvent]]) -> list[DomainEvent]:
        new = decide(self.state)
        self.events += new
        self.state = replay(new, self.state)
        return new


def test_isolated_mrs_a_stays_open_with_a_community_plan_after_she_cannot_be_reached_and_refuses() -> None:
    """大和: neighbours → 民生委員 raise a concern about an isolated elderly woman nobody can name."""
    stream = Stream()
    [opened] = stream(
        lambda s: decide_open_consultation(
            s,
            OpenConsultation(
                subject_description="○○町3丁目の一人暮らしの高齢女性(Aさん)。家にネズミが出ている",
                source="welfare_commissioner",
                source_detail="近隣住民から相談を受けた民生委員",
                channel="phone",
                issues=("housing", "other"),
                urgency="urgent",
                isolated=True,
                opened_by="csw-yamato",
            ),
            now=at(0),
            consultation_id="c-mrs-a",
            codes=CODES,
        )
    )
    # What the outreach rule reads: an isolated person raised by a welfare commissioner.
    assert isinstance(opened, ConsultationOpened)
    assert (opened.isolated, opened.source, opened.person_id, opened.case_id) == (
        True,
        "welfare_commissioner",
        None,
        "c-mrs-a",
    )

    for day, outcome, channel in ((1, "not_reached", "home_visit"), (8, "refused", "outreach")):
        stream(
            lambda s, day=day, outcome=outcome, channel=channel: decide_record_contact(
                s,
                RecordContact(
                    consultation_id="c-mrs-a",
                    channel=channel,
                    party="self",
                    outcome=outcome,
                    summary="訪問したが応答なし" if outcome == "not_reached" else "玄関先で支援を断られた",
                    recorded_by="centre-staff",
                ),
                now=at(day),
                contact_id=f"k-{day}",
                codes=CODES,
            )
        )

    # 地域ケア会議 agrees: the centre leads engagement, residents watch, progress is shared regularly.
    stream(
        lambda s: decide_set_support_plan(
            s,
            SetSupportPlan(
                consultation_id="c-mrs-a",
                goal="本人の同意なく介入せず、関係を保ちながら見守る",
                steps=(
                    PlanStep(
                        rung="community_capacity",
                        action="近隣住民・民生委員による見守り",
                        responsible=Responsible(kind="community", name="近隣住民・民生委員"),
                    ),
                    PlanStep(
                        rung="existing_mechanisms",
                        action="包括が継続して関わる",
                        responsible=Responsible(kind="agency", name="地域包括支援センター"),
                    ),
                    PlanStep(
                        rung="community_capacity",
                        action="定期的な進捗共有",
                        responsible=Responsible(kind="department", name="地域福祉課"),
                        due_on=date(2015, 5, 15),
                    ),
                ),
                set_by="csw-yamato",
            ),
            now=at(14),
            codes=CODES,
        )
    )
    stream(
        lambda s: decide_schedule_follow_up(
            s,
            ScheduleFollowUp(
                consultation_id="c-mrs-a", due_on=date(2015, 5, 15), purpose="進捗共有", scheduled_by="csw-yamato"
            ),
            now=at(14),
            follow_up_id="f-1",
        )
    )

    state = stream.state
    assert state.status == "open" and state.outcome is None  # not closed: the case goes on
    assert not state.identified and state.case_id == "c-mrs-a"
    assert state.contact_count == 3
    assert [c.outcome for c in state.contacts] == ["not_reached", "refused"]
    assert state.plan is not None
    assert [step.rung for step in state.plan.steps] == [
        "existing_mechanisms",
        "community_capacity",
        "community_capacity",
    ]
    assert state.plan.steps[0].responsible.name == "地域包括支援センター"
    assert [f.due_on for f in state.open_follow_ups] == [date(2015, 5, 15)]
    assert all(e.case_id == "c-mrs-a" for e in stream.events if isinstance(e, ContactRecorded))

    # Months later her name becomes known: the provisional case moves to her person record.
    [identified] = stream(
        lambda s: decide_identify_subject(
            s, IdentifySubject(consultation_id="c-mrs-a", person_id="p-mrs-a", identified_by="centre-staff"), now=at(60)
        )
    )
    assert isinstance(identified, SubjectIdentified)
    assert (identified.provisional_case_id, identified.case_id) == ("c-mrs-a", "p-mrs-a")


def test_mr_t_brought_by_friend_e_gets_an_assessment_a_plan_across_the_ladder_and_follow_up() -> None:
    """葉山: friend E asks for help for Mr. T, 68, isolated, whose judgement is declining."""
    [registered] = decide_register_person(
        PersonState(),
        RegisterPerson(
            name_kanji="T",
            name_kana="てぃー",
            birth_date=date(1946, 10, 1),
            care_notes="判断力の低下",
            registered_by="csw-hayama",
        ),
        now=at(0),
        person_id="p-mr-t",
    )
    assert replay_person([registered]).details.care_notes == "判断力の低下"

    stream = Stream()
    [opened] = stream(
        lambda s: decide_open_consultation(
            s,
            OpenConsultation(
                person_id="p-mr-t",
                source="friend",
                source_detail="友人E",
                channel="interview",
                issues=("household_budget", "other"),
                own_words="一人で何とかやっている",
                wishes="今の家で暮らしたい",
                isolated=True,
                opened_by="csw-hayama",
            ),
            now=at(0, 1),
            consultation_id="c-mr-t",
            codes=CODES,
        )
    )
    assert isinstance(opened, ConsultationOpened)
    assert (opened.source, opened.isolated, opened.case_id, opened.urgency) == ("friend", True, "p-mr-t", "normal")

    # Mr. T agrees that the case meeting members may know his situation.
    anshin = Recipient(kind="department", id="daily_life_support")
    centre = Recipient(kind="agency", id="hayama_community_support_centre")
    consents = replay_consents(
        decide_give_consent(
            ConsentLedger(),
            GiveConsent(
                person_id="p-mr-t",
                recipients=(anshin, centre),
                purposes=("case_meeting",),
                valid_until=date(2016, 3, 31),
                recorded_by="csw-hayama",
            ),
            now=at(3),
            consent_id="cs-t",
        )
    )

    stream(
        lambda s: decide_record_contact(
            s,
            RecordContact(
                consultation_id="c-mr-t",
                channel="home_visit",
                party="self",
                outcome="reached",
                summary="自宅訪問。料理が得意と話す",
                recorded_by="csw-hayama",
            ),
            now=at(3),
            contact_id="k-1",
            codes=CODES,
        )
    )
    stream(
        lambda s: decide_record_assessment(
            s,
            RecordAssessment(
                consultation_id="c-mr-t",
                person_picture="68歳男性、独居、判断力の低下がみられる",
                family_picture="身寄りなし、友人Eとの付き合いのみ",
                wishes="今の家で暮らしたい",
                issues_text="金銭管理の不安、社会的孤立",
                obstacles="支援への警戒感",
                strengths="料理が得意、友人Eの存在",
                assessed_by="csw-hayama",
            ),
            now=at(5),
            codes=CODES,
        )
    )
    steps = (
        PlanStep(
            rung="new_programme",
            action="男性料理教室を立ち上げ、Tさんが講師を務める",
            responsible=Responsible(kind="department", name="地域福祉課"),
        ),
        PlanStep(
            rung="personal_capacity",
            action="定期訪問で生活リズムを整える",
            responsible=Responsible(kind="department", name="あんしんセンター"),
            due_on=date(2015, 5, 31),
        ),
        PlanStep(
            rung="existing_mechanisms",
            action="地区のサロンへの参加",
            responsible=Responsible(kind="community", name="地区社協サロン"),
        ),
        PlanStep(
            rung="community_capacity",
            action="友人Eと近隣による見守り",
            responsible=Responsible(kind="community", name="友人E・近隣住民"),
        ),
    )
    stream(
        lambda s: decide_set_support_plan(
            s, SetSupportPlan(consultation_id="c-mr-t", steps=steps, set_by="csw-hayama"), now=at(7), codes=CODES
        )
    )
    stream(
        lambda s: decide_schedule_follow_up(
            s,
            ScheduleFollowUp(
                consultation_id="c-mr-t",
                due_on=date(2015, 7, 1),
                purpose="日常生活自立支援事業の利用の働きかけ",
                scheduled_by="csw-hayama",
            ),
            now=at(7),
            follow_up_id="f-1",
        )
    )
    stream(
        lambda s: decide_add_supervisor_comment(
            s,
            AddSupervisorComment(
                consultation_id="c-mr-t", reviewer_id="manager-1", comment="本人の強みを活かした計画で良い"
            ),
            now=at(8),
            comment_id="r-1",
        )
    )
    stream(
        lambda s: decide_acknowledge_supervisor_comment(
            s,
            AcknowledgeSupervisorComment(consultation_id="c-mr-t", comment_id="r-1", acknowledged_by="csw-hayama"),
            now=at(9),
        )
    )
    stream(
        lambda s: decide_record_contact(
            s,
            RecordContact(
                consultation_id="c-mr-t",
                channel="home_visit",
                party="self",
                outcome="reached",
                follow_up_id="f-1",
                recorded_by="csw-hayama",
            ),
            now=datetime(2015, 7, 1, 1, 0, tzinfo=UTC),
            contact_id="k-2",
            codes=CODES,
        )
    )

    state = stream.state
    assert state.status == "open" and state.case_id == "p-mr-t"
    assert state.assessment is not None and state.assessment.strengths == "料理が得意、友人Eの存在"
    assert state.plan is not None
    assert [s.rung for s in state.plan.steps] == [
        "personal_capacity",
        "existing_mechanisms",
        "community_capacity",
        "new_programme",
    ]
    assert state.contact_count == 3 and state.open_follow_ups == ()
    assert state.unacknowledged_comments == ()
    assert all(getattr(e, "case_id", None) == "p-mr-t" for e in stream.events)

    # The case meeting members may see his special-care details; the loans desk may not.
    meeting_day = at(10)
    assert disclosure_basis(
        consents.consents, consents.statutory_records, "p-mr-t", centre, "case_meeting", meeting_day
    )
    assert (
        disclosure_basis(
            consents.consents,
            consents.statutory_records,
            "p-mr-t",
            Recipient(kind="department", id="loans"),
            "case_meeting",
            meeting_day,
        )
        is None
    )
