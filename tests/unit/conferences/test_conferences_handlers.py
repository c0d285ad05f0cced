"""Conferences' handlers on a fake unit of work: what each command records, refuses and projects.

No database; the same handlers over SQLite, with their read rows and HTTP, are in
``tests/integration/conferences``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from services.conferences import handlers
from services.conferences.domain import commands as c
from services.conferences.domain.errors import (
    ConferenceNotFound,
    NoSharingBasis,
    NotTheAssignee,
    WrongConferenceState,
)
from services.conferences.domain.events import (
    ActionItemAssigned,
    ActionItemCompleted,
    ConferenceHeld,
    ConferenceReviewScheduled,
    ConferenceScheduled,
)
from services.conferences.domain.values import ActionItemSpec, Participant, ShareBasis
from shared.clock import FixedClock
from shared.commands import CommandContext
from shared.envelope import Actor
from shared.errors import ConcurrencyConflict, InvalidCommand
from shared.testing import FakeUnitOfWorkFactory, iter_ids

T0 = datetime(2015, 6, 1, 1, 0, tzinfo=UTC)
STAFF = Actor(staff_id="c-w1", department="conferences", role="worker")
AT = CommandContext(actor=STAFF, correlation_id="corr-c")
AGENCY = Participant(name="包括 職員", organisation="地域包括支援センター", kind="agency")
TO_DISTRICTS = ActionItemSpec(description="サロンを勧める", assignee_kind="department", assignee="districts")
STREAM = "conference-conf-1"


@pytest.fixture
def kit() -> Any:
    return SimpleNamespace(uow=FakeUnitOfWorkFactory(clock=FixedClock(T0), ids=iter_ids("conf-1")))


def schedule(kit: Any) -> dict[str, Any]:
    cmd = c.ScheduleConference(
        case_id="p-t", kind="case_conference", purpose="見守りの役割分担", scheduled_for=T0, scheduled_by="c-w1"
    )
    return handlers.schedule_conference(kit, AT, cmd)


def review(conference_id: str) -> c.ScheduleReview:
    return c.ScheduleReview(conference_id=conference_id, due_on=date(2015, 7, 1), purpose="経過", scheduled_by="c")


def hold(kit: Any, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "participants": (AGENCY,),
        "basis": ShareBasis(kind="consent", reference="consent-1"),
        "action_items": (TO_DISTRICTS,),
    }
    values.update(fields)
    cmd = c.RecordConferenceHeld(conference_id="conf-1", held_at=T0, recorded_by="c-w1", **values)
    return handlers.record_held(kit, AT, cmd)


def test_scheduling_starts_a_new_conference_stream_under_the_cases_id(kit: Any) -> None:
    reply = schedule(kit)

    assert reply == {"conference_id": "conf-1", "case_id": "p-t", "status": "scheduled", "version": 1}
    [stored] = kit.uow.stored
    assert (stored.stream_id, stored.case_id, stored.actor) == ("conference-conf-1", "p-t", STAFF)
    assert isinstance(stored.event, ConferenceScheduled) and kit.uow.projected == [("_project", 1)]


def test_a_review_of_a_conference_never_scheduled_is_refused_and_nothing_is_written(kit: Any) -> None:
    with pytest.raises(ConferenceNotFound, match="was scheduled") as refused:
        handlers.schedule_review(kit, AT, review("nothing"))
    assert refused.value.field == "conference_id" and kit.uow.stored == []


def test_a_stale_expected_version_is_a_conflict_before_the_domain_is_asked(kit: Any) -> None:
    cid = schedule(kit)["conference_id"]
    with pytest.raises(ConcurrencyConflict):
        handlers.schedule_review(kit, CommandContext(actor=STAFF, expected_version=2), review(cid))
    with pytest.raises(WrongConferenceState, match="not been held"):
        handlers.schedule_review(kit, CommandContext(actor=STAFF, expected_version=1), review(cid))
    assert [type(e) for e in kit.uow.events("conference-conf-1")] == [ConferenceScheduled]
    assert kit.uow.commits == 1


def test_holding_records_the_conference_and_its_action_items_under_new_action_ids(kit: Any) -> None:
    schedule(kit)

    reply = hold(kit)

    assert reply == {
        "conference_id": "conf-1",
        "case_id": "p-t",
        "status": "held",
        "version": 3,
        "action_ids": ["id-1"],
    }
    assert [type(e) for e in kit.uow.events(STREAM)] == [ConferenceScheduled, ConferenceHeld, ActionItemAssigned]
    assert {r.case_id for r in kit.uow.stored} == {"p-t"} and kit.uow.projected == [("_project", 1), ("_project", 3)]


def test_a_refusal_of_the_domain_writes_nothing(kit: Any) -> None:
    schedule(kit)
    with pytest.raises(NoSharingBasis):
        hold(kit, basis=ShareBasis())
    assert [type(e) for e in kit.uow.events(STREAM)] == [ConferenceScheduled] and kit.uow.commits == 1


def test_the_assigned_department_completes_its_item_and_another_department_may_not(kit: Any) -> None:
    schedule(kit)
    [action_id] = hold(kit)["action_ids"]

    def complete(department: str) -> dict[str, Any]:
        actor = Actor(staff_id=f"{department}-w1", department=department, role="worker")
        cmd = c.CompleteActionItem(
            conference_id="conf-1", action_id=action_id, completed_by=actor.staff_id, completed_by_department=department
        )
        return handlers.complete_action_item(kit, CommandContext(actor=actor), cmd)

    with pytest.raises(NotTheAssignee):
        complete("loans")
    assert complete("districts") == {
        "conference_id": "conf-1",
        "case_id": "p-t",
        "status": "held",
        "version": 4,
        "action_id": action_id,
    }
    assert isinstance(kit.uow.events(STREAM)[-1], ActionItemCompleted)


def test_assigning_an_item_and_scheduling_a_review_reply_with_the_ids_they_drew(kit: Any) -> None:
    schedule(kit)
    hold(kit, action_items=())
    assign = c.AssignActionItem(conference_id="conf-1", item=TO_DISTRICTS, assigned_by="c-w1")

    assigned = handlers.assign_action_item(kit, AT, assign)
    reviewed = handlers.schedule_review(kit, AT, review("conf-1"))

    assert (assigned["action_id"], assigned["version"]) == ("id-1", 3)
    assert (reviewed["review_id"], reviewed["version"]) == ("id-2", 4)
    assert [type(e) for e in kit.uow.events(STREAM)][-2:] == [ActionItemAssigned, ConferenceReviewScheduled]


# --- action items become referrals; undertakings; case studies ---------------------------------------


def test_an_action_item_for_another_department_becomes_a_referral_to_it_in_the_same_commit(kit: Any) -> None:
    from services.conferences.domain.conference import action_item_referral_id
    from shared.referrals import ReferralMade

    schedule(kit)
    commits = kit.uow.commits
    reply = hold(kit, action_items=(TO_DISTRICTS.model_copy(update={"due_on": date(2015, 6, 30)}),))

    [action_id] = reply["action_ids"]
    [made] = kit.uow.events(f"referral-{action_item_referral_id(action_id)}")
    assert isinstance(made, ReferralMade) and kit.uow.commits == commits + 1
    assert (made.source_department, made.target_kind, made.target) == ("conferences", "department", "districts")
    assert (made.reason_category, made.reason_detail, made.made_by) == (
        "conference_action_item",
        "サロンを勧める",
        "c-w1",
    )
    assert (made.basis.kind, made.basis.reference, made.case_id) == ("consent", "consent-1", "p-t")
    assert made.deadline == datetime(2015, 6, 30, 15, 0, tzinfo=UTC)  # the end of the due day in Japan
    [stored] = [r for r in kit.uow.stored if r.stream_id.startswith("referral-")]
    assert stored.actor == STAFF


def test_items_for_agencies_or_conferences_itself_make_no_referral(kit: Any) -> None:
    schedule(kit)
    own = ActionItemSpec(description="記録をまとめる", assignee_kind="department", assignee="conferences")
    agency = ActionItemSpec(description="経過を共有", assignee_kind="agency", assignee="community_support_centre")
    hold(kit, action_items=(own, agency))

    assert not [r for r in kit.uow.stored if r.stream_id.startswith("referral-")]


def test_an_item_for_an_unknown_department_is_refused_and_nothing_is_written(kit: Any) -> None:
    schedule(kit)
    stored = len(kit.uow.stored)
    wrong = ActionItemSpec(description="x", assignee_kind="department", assignee="accounting")
    with pytest.raises(InvalidCommand) as refused:
        hold(kit, action_items=(wrong,))
    assert refused.value.field == "action_items[0].assignee" and len(kit.uow.stored) == stored


def test_an_item_marked_done_at_the_conferences_desk_withdraws_its_open_referral(kit: Any) -> None:
    from services.conferences.domain.conference import action_item_referral_id
    from shared.referrals import ReferralCancelled

    schedule(kit)
    [action_id] = hold(kit)["action_ids"]
    cmd = c.CompleteActionItem(
        conference_id="conf-1", action_id=action_id, completed_by="c-w1", completed_by_department="conferences"
    )
    handlers.complete_action_item(kit, AT, cmd)

    _made, cancelled = kit.uow.events(f"referral-{action_item_referral_id(action_id)}")
    assert isinstance(cancelled, ReferralCancelled) and cancelled.by == "c-w1"


def test_an_undertaking_and_a_case_study_with_advice_are_recorded_on_the_conference_stream(kit: Any) -> None:
    study = c.ScheduleConference(case_id="", kind="case_study", purpose="事例検討", scheduled_for=T0, scheduled_by="c")
    assert handlers.schedule_conference(kit, AT, study)["case_id"] == "study-conf-1"
    expert = Participant(name="弁護士 A", organisation="アドバイザリースタッフ", kind="expert")
    pledge = c.RecordSecrecyUndertaking(
        conference_id="conf-1",
        participant_name=expert.name,
        organisation=expert.organisation,
        participant_kind="expert",
        undertaken_on=date(2015, 5, 1),
        recorded_by="c-w1",
    )
    assert handlers.record_undertaking(kit, AT, pledge)["version"] == 2
    loans = CommandContext(actor=Actor(staff_id="l-w1", department="loans", role="worker"))
    case = c.PresentStudyCase(
        conference_id="conf-1", summary="貸付相談", presented_by="l-w1", presented_by_department="loans"
    )
    study_case_id = handlers.present_study_case(kit, loans, case)["study_case_id"]
    handlers.record_held(
        kit,
        AT,
        c.RecordConferenceHeld(conference_id="conf-1", held_at=T0, participants=(expert,), recorded_by="c-w1"),
    )
    advice = c.RecordAdvice(
        conference_id="conf-1",
        study_case_id=study_case_id,
        adviser_name=expert.name,
        expertise="law",
        advice="法テラスを案内する",
        recorded_by="c-w1",
    )
    reply = handlers.record_advice(kit, AT, advice)

    assert reply["version"] == 5 and reply["study_case_id"] == study_case_id
    types = [type(e).__name__ for e in kit.uow.events(STREAM)]
    assert types[-1] == "CaseStudyAdviceRecorded" and "SecrecyUndertakingRecorded" in types
