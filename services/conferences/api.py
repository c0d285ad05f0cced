"""Conferences' HTTP routes (ケース会議・地域ケア会議): parse → authorise → call a handler.

Conferences staff (workers, managers) schedule and record conferences, record the outside
participants' secrecy undertakings (守秘義務), assign action items, record advice at case-study
meetings and schedule reviews. Staff of any department present cases at a case-study meeting
(事例検討会, open to all staff). An action item is marked done by conferences staff or by staff of
the department it was assigned to (the domain checks which); one assigned to another department is
also a referral in that department's inbox, whose completion completes the item. Any department
reads; special-care details are redacted for departments other than conferences unless the
conference recorded a basis.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.conferences import handlers, queries
from services.conferences.domain import commands as c
from services.conferences.domain.values import ActionItemSpec
from services.conferences.responses import (
    ActionItemList,
    ConferencePage,
    ConferenceReply,
    ConferenceView,
    MinutesView,
    ReviewList,
)
from services.conferences.schemas import (
    ActionItemBody,
    AdviceBody,
    CompleteBody,
    HeldBody,
    ReviewBody,
    ScheduleBody,
    StudyCaseBody,
    UndertakingBody,
)
from shared.dates import local_date
from shared.web import Edge, KitDep, Limit, Offset, edge

__all__ = ["router"]

Writer = Annotated[Edge, edge(departments={"conferences"}, roles={"worker", "manager"})]
Staff = Annotated[Edge, edge(roles={"worker", "manager"})]
Reader = Annotated[Edge, edge()]

router = APIRouter()
meetings = APIRouter(prefix="/conferences", tags=["conferences 会議"])
work = APIRouter(tags=["action items and reviews 役割分担・経過確認"])


@meetings.post(
    "",
    status_code=201,
    summary="会議の設定 / schedule a conference about a case",
    response_model=ConferenceReply,
    response_model_exclude_unset=True,
)
def schedule(body: ScheduleBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.ScheduleConference.of(body, case_id=body.case_id or "", scheduled_by=at.actor.staff_id)
    return at.submit(handlers.schedule_conference, kit, cmd, body)


@meetings.get("", summary="会議一覧 / conferences by case, kind and status", response_model=ConferencePage)
def list_conferences(
    kit: KitDep,
    at: Reader,
    case_id: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.read(
        kit, queries.list_conferences(kit, case_id=case_id, kind=kind, status=status, limit=limit, offset=offset)
    )


@meetings.get(
    "/{conference_id}", summary="会議記録 / one conference (details on a basis only)", response_model=ConferenceView
)
def get_conference(conference_id: str, kit: KitDep, at: Reader) -> dict[str, Any]:
    return at.read(kit, queries.conference_detail(kit, conference_id, at.actor))


@meetings.post(
    "/{conference_id}/held",
    summary="会議の記録 / record it held: participants, basis, decisions",
    response_model=ConferenceReply,
    response_model_exclude_unset=True,
)
def record_held(conference_id: str, body: HeldBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RecordConferenceHeld.of(body, conference_id=conference_id, recorded_by=at.actor.staff_id)
    return at.submit(handlers.record_held, kit, cmd, body)


@meetings.post(
    "/{conference_id}/action-items",
    status_code=201,
    summary="役割の追加 / assign one more action item",
    response_model=ConferenceReply,
    response_model_exclude_unset=True,
)
def assign_action_item(conference_id: str, body: ActionItemBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    item = ActionItemSpec(**body.model_dump(exclude={"expected_version"}))
    cmd = c.AssignActionItem(conference_id=conference_id, item=item, assigned_by=at.actor.staff_id)
    return at.submit(handlers.assign_action_item, kit, cmd, body)


@meetings.post(
    "/{conference_id}/action-items/{action_id}/complete",
    summary="役割の実施 / mark an action item done (conferences or the assigned department)",
    response_model=ConferenceReply,
    response_model_exclude_unset=True,
)
def complete_action_item(
    conference_id: str, action_id: str, body: CompleteBody, kit: KitDep, at: Staff
) -> dict[str, Any]:
    cmd = c.CompleteActionItem.of(
        body,
        conference_id=conference_id,
        action_id=action_id,
        completed_by=at.actor.staff_id,
        completed_by_department=at.actor.department,
    )
    return at.submit(handlers.complete_action_item, kit, cmd, body)


@meetings.post(
    "/{conference_id}/reviews",
    status_code=201,
    summary="経過確認の予定 / schedule a follow-up review",
    response_model=ConferenceReply,
    response_model_exclude_unset=True,
)
def schedule_review(conference_id: str, body: ReviewBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.ScheduleReview.of(body, conference_id=conference_id, scheduled_by=at.actor.staff_id)
    return at.submit(handlers.schedule_review, kit, cmd, body)


@meetings.post(
    "/{conference_id}/undertakings",
    status_code=201,
    summary="守秘義務の誓約 / record an outside participant's secrecy undertaking",
    response_model=ConferenceReply,
    response_model_exclude_unset=True,
)
def record_undertaking(conference_id: str, body: UndertakingBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RecordSecrecyUndertaking.of(body, conference_id=conference_id, recorded_by=at.actor.staff_id)
    return at.submit(handlers.record_undertaking, kit, cmd, body)


@meetings.get(
    "/{conference_id}/minutes",
    summary="議事録 (送付用) / what the minutes may show one participant (basis and undertaking decide)",
    response_model=MinutesView,
)
def minutes(
    conference_id: str,
    kit: KitDep,
    at: Writer,
    participant_name: Annotated[str, Query(min_length=1, max_length=200, description="as in the minutes")],
    organisation: Annotated[str, Query(min_length=1, max_length=200, description="as in the minutes")],
) -> dict[str, Any]:
    return at.read(kit, queries.minutes_for(kit, conference_id, participant_name, organisation))


@meetings.post(
    "/{conference_id}/study-cases",
    status_code=201,
    summary="事例の提出 / present a case at a case-study meeting (staff of any department)",
    response_model=ConferenceReply,
    response_model_exclude_unset=True,
)
def present_study_case(conference_id: str, body: StudyCaseBody, kit: KitDep, at: Staff) -> dict[str, Any]:
    cmd = c.PresentStudyCase.of(
        body, conference_id=conference_id, presented_by=at.actor.staff_id, presented_by_department=at.actor.department
    )
    return at.submit(handlers.present_study_case, kit, cmd, body)


@meetings.post(
    "/{conference_id}/study-cases/{study_case_id}/advice",
    status_code=201,
    summary="助言の記録 / record an adviser's advice on one presented case",
    response_model=ConferenceReply,
    response_model_exclude_unset=True,
)
def record_advice(conference_id: str, study_case_id: str, body: AdviceBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RecordAdvice.of(
        body, conference_id=conference_id, study_case_id=study_case_id, recorded_by=at.actor.staff_id
    )
    return at.submit(handlers.record_advice, kit, cmd, body)


@work.get(
    "/action-items",
    summary="役割一覧 / action items by assignee (e.g. districts) and state (what is to be done on a basis only)",
    response_model=ActionItemList,
)
def list_action_items(
    kit: KitDep,
    at: Reader,
    assignee: Annotated[str | None, Query(description="a department or agency code, e.g. districts")] = None,
    case_id: str | None = None,
    done: bool | None = None,
    limit: Limit = 100,
) -> dict[str, Any]:
    return at.read(kit, queries.action_items(kit, at.actor, assignee=assignee, case_id=case_id, done=done, limit=limit))


@work.get("/reviews", summary="経過確認の予定 / reviews due", response_model=ReviewList)
def due_reviews(
    kit: KitDep,
    at: Reader,
    until: Annotated[date | None, Query(description="due on or before (default: a week from today)")] = None,
    case_id: str | None = None,
    limit: Limit = 100,
) -> dict[str, Any]:
    return at.read(
        kit,
        queries.due_reviews(
            kit,
            at.actor,
            until=until or (local_date(kit.clock.now()) + timedelta(days=7)),
            case_id=case_id,
            limit=limit,
        ),
    )


router.include_router(meetings)
router.include_router(work)
