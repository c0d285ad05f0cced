"""District work and conferences as first-class entries of the case view, redacted by the same rules.

The events are built with the districts' and conferences' own event models (their published
contracts); reporting reads them only as data.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from services.conferences.domain.events import (
    ActionItemAssigned,
    ActionItemCompleted,
    ConferenceHeld,
    ConferenceReviewScheduled,
    ConferenceScheduled,
)
from services.conferences.domain.values import Participant, ShareBasis
from services.districts.domain.events import (
    OutreachVisitRecorded,
    SalonAttended,
    VolunteerRoleTaken,
    WatchConcernRaised,
    WatchOverEnded,
    WatchOverStarted,
)
from services.districts.domain.values import Watcher
from services.reporting.contracts import coded_fields, occurred_field, personal_fields, sensitive_codes
from services.reporting.domain.case_view import REDACTED, CaseView, TimelineEntry, build_case_view
from shared.envelope import Actor
from tests.integration.reporting.builders import T0, History, consent

D = timedelta(days=1)
DISTRICTS = Actor(staff_id="d-w1", department="districts", role="worker")
LOANS = Actor(staff_id="l-w1", department="loans", role="worker")
CONFERENCES = Actor(staff_id="c-w1", department="conferences", role="worker")


def story(with_consent_for_loans: bool = False) -> History:
    """Mr. T's shape: a concern, visits, watch-over, a salon, a volunteer role, a case meeting."""
    h = History()
    d = {"case_id": "P1", "district_id": "hayama-isshiki"}
    h.add(
        "districts",
        "district-case-P1",
        "P1",
        WatchConcernRaised(
            **d,
            concern_id="c1",
            reported_by="friend",
            reporter="友人E",
            concern="家から出ない",
            referral_id=None,
            raised_at=T0,
            raised_by="d-w1",
            code_list_version="2014.1",
        ),
        T0,
    )
    for n, outcome in enumerate(("not_reached", "reached"), start=1):
        h.add(
            "districts",
            "district-case-P1",
            "P1",
            OutreachVisitRecorded(
                **d,
                visit_id=f"v{n}",
                visited_at=T0 + n * D,
                outcome=outcome,
                visitors=("CSW",),
                note="玄関先で話せた",
                recorded_at=T0 + n * D,
                recorded_by="d-w1",
            ),
            T0 + n * D,
        )
    h.add(
        "districts",
        "district-case-P1",
        "P1",
        WatchOverStarted(
            **d,
            watch_id="w1",
            watchers=(Watcher(name="友人E", role="neighbour"),),
            frequency="weekly",
            approach="in_contact",
            started_on=(T0 + 3 * D).date(),
            started_at=T0 + 3 * D,
            started_by="d-w1",
        ),
        T0 + 3 * D,
    )
    h.add(
        "districts",
        "district-case-P1",
        "P1",
        SalonAttended(
            **d,
            attendance_id="s1",
            salon_name="男の料理教室",
            attended_on=(T0 + 4 * D).date(),
            first_visit=True,
            note="楽しそう",
            recorded_at=T0 + 4 * D,
            recorded_by="d-w1",
        ),
        T0 + 4 * D,
    )
    h.add(
        "districts",
        "district-case-P1",
        "P1",
        VolunteerRoleTaken(
            **d,
            role_id="r1",
            role="instructor",
            activity="男の料理教室の講師",
            started_on=(T0 + 30 * D).date(),
            recorded_at=T0 + 30 * D,
            recorded_by="d-w1",
        ),
        T0 + 30 * D,
    )
    c = {"conference_id": "k1", "case_id": "P1"}
    h.add(
        "conferences",
        "conference-k1",
        "P1",
        ConferenceScheduled(
            **c,
            kind="case_conference",
            purpose="見守りの役割分担",
            scheduled_for=T0 + 5 * D,
            referral_id=None,
            scheduled_at=T0 + D,
            scheduled_by="c-w1",
            code_list_version="2014.1",
        ),
        T0 + D,
    )
    h.add(
        "conferences",
        "conference-k1",
        "P1",
        ConferenceHeld(
            **c,
            held_at=T0 + 5 * D,
            participants=(
                Participant(name="CSW", organisation="社協", kind="staff"),
                Participant(name="友人E", organisation="友人", kind="resident"),
                Participant(name="包括", organisation="地域包括支援センター", kind="agency"),
            ),
            outside_participants=2,
            basis=ShareBasis(kind="consent", reference="consent-P1"),
            summary="本人は料理が得意",
            decisions=("友人Eさんと同行訪問",),
            person_wishes="人の役に立ちたい",
            recorded_at=T0 + 5 * D,
            recorded_by="c-w1",
        ),
        T0 + 5 * D,
    )
    h.add(
        "conferences",
        "conference-k1",
        "P1",
        ActionItemAssigned(
            **c,
            action_id="a1",
            description="サロンへ同行する",
            assignee_kind="department",
            assignee="districts",
            due_on=(T0 + 10 * D).date(),
            assigned_at=T0 + 5 * D,
            assigned_by="c-w1",
        ),
        T0 + 5 * D,
    )
    h.add(
        "conferences",
        "conference-k1",
        "P1",
        ActionItemCompleted(
            **c,
            action_id="a1",
            note="同行した",
            completed_at=T0 + 4 * D + D,
            completed_by="d-w1",
            completed_by_department="districts",
        ),
        T0 + 6 * D,
    )
    h.add(
        "conferences",
        "conference-k1",
        "P1",
        ConferenceReviewScheduled(
            **c,
            review_id="rv1",
            due_on=date(2015, 9, 1),
            purpose="経過確認",
            scheduled_at=T0 + 6 * D,
            scheduled_by="c-w1",
        ),
        T0 + 6 * D,
    )
    if with_consent_for_loans:
        h.add("intake", "consents-P1", "P1", consent("P1", T0, "loans", "coordination"), T0)
    return h


def view(h: History, viewer: Actor) -> CaseView:
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
    ]
    return build_case_view(
        "P1",
        ["P1"],
        entries,
        viewer=viewer,
        purpose="coordination",
        now=T0 + 40 * D,
        personal_fields=personal_fields,
        occurred_field=occurred_field,
        coded_fields=coded_fields,
        sensitive_codes=sensitive_codes,
    )


def test_district_work_is_a_first_class_part_of_the_case_view_for_the_district_team() -> None:
    work = view(story(), DISTRICTS).district_work

    assert work is not None and work.district_ids == ["hayama-isshiki"]
    assert [c["concern"] for c in work.concerns] == ["家から出ない"] and work.concerns[0]["reported_by"] == "friend"
    assert [v["outcome"] for v in work.visits] == ["not_reached", "reached"] and work.visits_reached == 1
    assert work.watch_over is not None and work.watch_over.approach == "in_contact" and work.watch_over.watchers == 1
    assert [s["salon_name"] for s in work.salons] == ["男の料理教室"]
    assert [(r["role"], r["activity"]) for r in work.volunteer_roles] == [("instructor", "男の料理教室の講師")]


def test_an_ended_watch_over_shows_when_it_ended_as_a_time_and_why() -> None:
    """Seen as a serializer warning in a browser test: the end time stayed the event's text in a
    field typed as a time."""
    h = story()
    ended = WatchOverEnded(
        case_id="P1",
        district_id="hayama-isshiki",
        watch_id="w1",
        reason="転居",
        ended_at=T0 + 10 * D,
        ended_by="d-w1",
    )
    h.add("districts", "district-case-P1", "P1", ended, T0 + 10 * D)
    work = view(h, DISTRICTS).district_work

    assert work is not None and work.watch_over is not None
    assert work.watch_over.ended_at == T0 + 10 * D and isinstance(work.watch_over.ended_at, datetime)
    assert work.watch_over.end_reason == "転居"


def test_conferences_show_participant_kinds_decisions_action_items_and_reviews() -> None:
    [meeting] = view(story(), CONFERENCES).conferences

    assert (meeting.kind, meeting.status, meeting.basis) == ("case_conference", "held", "consent")
    assert meeting.participant_kinds == {"agency": 1, "resident": 1, "staff": 1}
    assert meeting.outside_participants == 2 and meeting.decisions == ["友人Eさんと同行訪問"]
    [item] = meeting.action_items
    assert (item.assignee, item.done, item.completed_by_department) == ("districts", True, "districts")
    assert isinstance(item.completed_at, datetime), "the view carries a time, not the text of one"
    assert [r.due_on for r in meeting.reviews] == [date(2015, 9, 1)]
    assert "友人E" not in str(meeting.participant_kinds)  # kinds, never names


def test_another_department_without_consent_sees_the_entries_but_not_the_special_care_fields() -> None:
    seen = view(story(), LOANS)

    assert seen.district_work is not None
    assert (
        seen.district_work.concerns[0]["concern"] == REDACTED and seen.district_work.concerns[0]["reporter"] == REDACTED
    )
    assert [v["outcome"] for v in seen.district_work.visits] == ["not_reached", "reached"]
    [meeting] = seen.conferences
    assert meeting.decisions == REDACTED and meeting.person_wishes == REDACTED and meeting.purpose == REDACTED
    assert meeting.action_items[0].description == REDACTED and meeting.participant_kinds["agency"] == 1


def test_with_the_persons_consent_the_department_sees_them_in_full() -> None:
    seen = view(story(with_consent_for_loans=True), LOANS)
    assert seen.district_work is not None and seen.district_work.concerns[0]["concern"] == "家から出ない"
    assert seen.conferences[0].decisions == ["友人Eさんと同行訪問"]


def test_a_case_no_district_or_conference_touched_has_no_such_entries() -> None:
    h = History()
    h.add("intake", "consents-P1", "P1", consent("P1", T0, "loans", "coordination"), T0)
    seen = view(h, LOANS)
    assert seen.district_work is None and seen.conferences == []


def test_the_timeline_follows_when_things_happened_then_what_caused_what() -> None:
    """A meeting held 45 days ago but recorded today comes before today's referral; the action items
    it agreed (recorded with it) come after it."""
    from tests.integration.reporting.builders import referral

    h = History()
    c = {"conference_id": "k9", "case_id": "P1"}
    today = T0 + 45 * D
    h.add(
        "loans",
        "ref-9",
        "P1",
        referral("ref-9", "P1", today - timedelta(hours=2), today + 3 * D),
        today - timedelta(hours=2),
    )
    h.add(
        "conferences",
        "conference-k9",
        "P1",
        ActionItemAssigned(
            **c,
            action_id="a9",
            description="訪問",
            assignee_kind="department",
            assignee="districts",
            due_on=None,
            assigned_at=today,
            assigned_by="c-w1",
        ),
        today,
    )
    h.envelopes.reverse()  # arrival order must not matter
    h.add(
        "conferences",
        "conference-k9",
        "P1",
        ConferenceHeld(
            **c,
            held_at=T0,
            participants=(Participant(name="CSW", organisation="社協", kind="staff"),),
            outside_participants=0,
            basis=ShareBasis(),
            summary=None,
            decisions=(),
            person_wishes=None,
            recorded_at=today,
            recorded_by="c-w1",
        ),
        today,
    )
    timeline = view(h, CONFERENCES).timeline
    order = [e.type for e in timeline]
    assert order == ["conferences.ConferenceHeld", "referral.ReferralMade", "conferences.ActionItemAssigned"]
    # The entry says when the meeting was held (its place) beside when it was recorded (its time).
    assert (timeline[0].occurred_at, timeline[0].time) == (T0, today)
    assert [e.occurred_at for e in timeline[1:]] == [None, None]  # recorded when they happened


def test_special_care_issue_codes_and_reasons_are_withheld_from_a_department_without_a_basis() -> None:
    """A DV victim's consultation: loans and districts see that it exists, not DV, illness or disability."""
    from tests.integration.reporting.builders import intake_opened, referral

    h = History()
    opened = intake_opened("ic-dv", "P1", T0, issues=("dv_abuse", "illness_injury", "disability", "employment"))
    opened = opened.model_copy(update={"urgency": "same_day", "urgency_reason": "dv_abuse: 即日対応"})
    h.add("intake", "consultation-ic-dv", "P1", opened, T0)
    dv_referral = referral("ref-dv", "P1", T0, T0 + D).model_copy(
        update={"source_department": "intake", "target": "loans", "reason_category": "dv_abuse"}
    )
    h.add("intake", "ref-dv", "P1", dv_referral, T0)

    for department in (LOANS, DISTRICTS):
        seen = view(h, department)
        opened_entry, referral_entry = seen.timeline
        assert opened_entry.data["issues"] == ["employment"] and "issues" in opened_entry.redacted
        assert opened_entry.data["urgency_reason"] == REDACTED
        assert referral_entry.data["reason_category"] == REDACTED and "reason_category" in referral_entry.redacted
        assert "dv_abuse" not in seen.model_dump_json()

    intake = Actor(staff_id="i-w1", department="intake", role="worker")
    assert view(h, intake).timeline[0].data["issues"] == ["dv_abuse", "illness_injury", "disability", "employment"]
    h.add("intake", "consents-P1", "P1", consent("P1", T0, "loans", "coordination"), T0)
    [with_consent] = [e for e in view(h, LOANS).timeline if e.type == "intake.ConsultationOpened"]
    assert with_consent.data["issues"] == ["dv_abuse", "illness_injury", "disability", "employment"]


def meeting_on_a_basis(basis: ShareBasis) -> History:
    """A 地域ケア会議 about P1: a districts CSW took part, intake was assigned a follow-up."""
    h = History()
    c = {"conference_id": "k2", "case_id": "P1"}
    h.add(
        "conferences",
        "conference-k2",
        "P1",
        ConferenceHeld(
            **c,
            held_at=T0,
            participants=(
                Participant(name="CSW", organisation="社協 地区担当", kind="staff", department="districts"),
                Participant(name="民生委員", organisation="民生委員", kind="resident"),
            ),
            outside_participants=1,
            basis=basis,
            summary="ネズミ発生家屋への対応",
            decisions=("遠くからの見守り",),
            person_wishes=None,
            recorded_at=T0,
            recorded_by="c-w1",
        ),
        T0,
    )
    h.add(
        "conferences",
        "conference-k2",
        "P1",
        ActionItemAssigned(
            **c,
            action_id="a2",
            description="本人へ電話",
            assignee_kind="department",
            assignee="intake",
            due_on=None,
            assigned_at=T0,
            assigned_by="c-w1",
        ),
        T0,
    )
    return h


def test_a_meeting_on_a_statutory_basis_shares_its_minutes_with_who_took_part_and_who_took_work() -> None:
    h = meeting_on_a_basis(ShareBasis(kind="statutory", reference="支援会議"))
    intake = Actor(staff_id="i-w1", department="intake", role="worker")
    for audience in (DISTRICTS, intake):
        [meeting] = view(h, audience).conferences
        assert meeting.decisions == ["遠くからの見守り"] and meeting.summary == "ネズミ発生家屋への対応"
    [shut] = view(h, LOANS).conferences
    assert shut.decisions == REDACTED and shut.action_items[0].description == REDACTED


def test_a_meeting_with_no_basis_shares_nothing_even_with_its_participants() -> None:
    [meeting] = view(meeting_on_a_basis(ShareBasis()), DISTRICTS).conferences
    assert meeting.decisions == REDACTED


def test_a_department_reads_what_its_staff_wrote_in_another_service() -> None:
    """The districts worker's completion note on a conference's action item (stored by conferences),
    on a meeting that shares nothing: only the author's department reads the note."""
    h = meeting_on_a_basis(ShareBasis())
    c = {"conference_id": "k2", "case_id": "P1"}
    h.add(
        "conferences",
        "conference-k2",
        "P1",
        ActionItemCompleted(
            **c,
            action_id="a2",
            note="電話で話せた",
            completed_at=T0 + D,
            completed_by="d-w1",
            completed_by_department="districts",
        ),
        T0 + D,
        author_department="districts",
    )
    [meeting] = view(h, DISTRICTS).conferences
    assert meeting.action_items[0].note == "電話で話せた" and meeting.decisions == REDACTED
    [other] = view(h, LOANS).conferences
    assert other.action_items[0].note == REDACTED


def test_the_next_follow_up_includes_conference_reviews_and_open_action_items() -> None:
    h = meeting_on_a_basis(ShareBasis(kind="statutory", reference="支援会議"))
    c = {"conference_id": "k2", "case_id": "P1"}
    h.add(
        "conferences",
        "conference-k2",
        "P1",
        ConferenceReviewScheduled(
            **c, review_id="rv2", due_on=(T0 + 20 * D).date(), purpose="経過確認", scheduled_at=T0, scheduled_by="c"
        ),
        T0,
    )
    h.add(
        "conferences",
        "conference-k2",
        "P1",
        ActionItemAssigned(
            **c,
            action_id="a3",
            description="民生委員と訪問",
            assignee_kind="department",
            assignee="districts",
            due_on=(T0 + 10 * D).date(),
            assigned_at=T0,
            assigned_by="c-w1",
        ),
        T0,
    )
    seen = view(h, DISTRICTS)
    assert seen.next_follow_up is not None
    assert (seen.next_follow_up.kind, seen.next_follow_up.follow_up_id, seen.next_follow_up.department) == (
        "action_item",
        "a3",
        "districts",
    )
    assert sorted(i.action_id for i in seen.open_action_items) == ["a2", "a3"]

    h.add(
        "conferences",
        "conference-k2",
        "P1",
        ActionItemCompleted(
            **c, action_id="a3", note=None, completed_at=T0 + D, completed_by="d", completed_by_department="districts"
        ),
        T0 + D,
        author_department="districts",
    )
    after = view(h, DISTRICTS)
    assert after.next_follow_up is not None and (after.next_follow_up.kind, after.next_follow_up.follow_up_id) == (
        "review",
        "rv2",
    )
    assert [i.action_id for i in after.open_action_items] == ["a2"]
    assert after.next_follow_up.purpose == "経過確認"
    # What the review is for is the meeting's personal data: withheld from a department with no part in it.
    hidden = view(h, LOANS).next_follow_up
    assert hidden is not None and (hidden.follow_up_id, hidden.purpose) == ("rv2", REDACTED)


def test_the_department_that_asked_for_a_meeting_on_a_basis_reads_its_minutes() -> None:
    from tests.integration.reporting.builders import referral

    h = meeting_on_a_basis(ShareBasis(kind="statutory", reference="支援会議"))
    request = referral("ref-k2", "P1", T0 - D, T0 + D).model_copy(
        update={"source_department": "loans", "target": "conferences", "reason_category": "case_conference"}
    )
    h.add("loans", "ref-k2", "P1", request, T0 - D)
    h.add(
        "conferences",
        "conference-k2",
        "P1",
        ConferenceScheduled(
            conference_id="k2",
            case_id="P1",
            kind="community_care_meeting",
            purpose="対応協議",
            scheduled_for=T0,
            referral_id="ref-k2",
            scheduled_at=T0 - D,
            scheduled_by="c-w1",
            code_list_version="2014.1",
        ),
        T0 - D,
    )
    [meeting] = view(h, LOANS).conferences
    assert meeting.decisions == ["遠くからの見守り"]
