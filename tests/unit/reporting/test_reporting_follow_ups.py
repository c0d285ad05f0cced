"""要フォロー beyond referrals: stalled support, tested on several shapes of case (and on honest ones)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from services.reporting.domain.follow_ups import Fact, stalled

T0 = datetime(2014, 5, 1, 0, 0, tzinfo=UTC)
D = timedelta(days=1)
NOW = T0 + 60 * D


def fact(type_: str, case: str, at: datetime, department: str | None = None, **data: Any) -> Fact:
    return Fact(type_, case, department or type_.split(".")[0], at, data)


def reasons(*facts: Fact) -> set[tuple[str, str, str]]:
    return {(s.case_id, s.reason, s.reference_id) for s in stalled(facts, NOW)}


def mrs_a() -> list[Fact]:
    """She refused, the meeting agreed work and a review, intake set follow-ups: all still open."""
    return [
        fact("intake.FollowUpScheduled", "A", T0, follow_up_id="fu-1", consultation_id="c-1", due_on="2014-05-20"),
        fact("districts.OutreachVisitRecorded", "A", T0 + 2 * D, visit_id="v-1", outcome="refused"),
        fact(
            "conferences.ActionItemAssigned",
            "A",
            T0 + 10 * D,
            action_id="a-1",
            assignee_kind="department",
            assignee="districts",
            due_on="2014-06-01",
        ),
        fact(
            "conferences.ActionItemAssigned",
            "A",
            T0 + 10 * D,
            action_id="a-2",
            assignee_kind="agency",
            assignee="community_support_centre",
            due_on=None,
        ),
        fact("conferences.ConferenceReviewScheduled", "A", T0 + 10 * D, review_id="rv-1", due_on="2014-06-20"),
    ]


def test_a_person_who_refused_with_open_work_is_followed_up_for_every_stalled_reason() -> None:
    assert reasons(*mrs_a()) == {
        ("A", "person_refused", "v-1"),
        ("A", "action_item_overdue", "a-1"),
        ("A", "review_due", "rv-1"),
        ("A", "follow_up_overdue", "fu-1"),
    }


def test_support_that_moves_is_not_followed_up() -> None:
    honest = [
        fact("intake.FollowUpScheduled", "B", T0, follow_up_id="fu-2", consultation_id="c-2", due_on="2014-05-20"),
        fact("intake.ContactRecorded", "B", T0 + 19 * D, contact_id="k-1", outcome="reached", follow_up_id="fu-2"),
        fact(
            "conferences.ActionItemAssigned",
            "B",
            T0,
            action_id="a-3",
            assignee_kind="department",
            assignee="districts",
            due_on="2014-05-10",
        ),
        fact("conferences.ActionItemCompleted", "B", T0 + 5 * D, action_id="a-3"),
        fact("conferences.ConferenceReviewScheduled", "B", T0, review_id="rv-2", due_on="2014-12-01"),
    ]
    assert reasons(*honest) == set()


def test_a_refusal_with_nothing_left_open_and_a_follow_up_of_a_closed_consultation_are_not_listed() -> None:
    done = [
        fact("intake.ContactRecorded", "C", T0, contact_id="k-2", outcome="refused"),
        fact("intake.FollowUpScheduled", "C", T0, follow_up_id="fu-3", consultation_id="c-3", due_on="2014-05-05"),
        fact("intake.ConsultationClosed", "C", T0 + D, consultation_id="c-3", outcome="person_declined"),
    ]
    assert reasons(*done) == set()


def test_a_refusal_while_residents_still_watch_is_followed_up() -> None:
    watched = [
        fact("intake.ConsultationClosed", "E", T0, consultation_id="c-5", outcome="person_declined"),
        fact("districts.WatchOverStarted", "E", T0 + D, watch_id="w-1"),
    ]
    assert reasons(*watched) == {("E", "person_refused", "c-5")}
    assert reasons(*watched, fact("districts.WatchOverEnded", "E", T0 + 9 * D, watch_id="w-1")) == set()
