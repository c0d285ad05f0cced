"""Conferences' command handlers: one function per command (会議の処理).

Each is one :func:`shared.commands.execute` (or :func:`~shared.commands.create` for a new
conference) on the ``conference-{conference_id}`` aggregate (:data:`CONFERENCE`): load, check the
conference exists and the caller's expected version (a lost update is a 409), decide, record
(``case_id`` = the conference's case), rewrite the read rows on the same connection, commit.

A conference that answers a referral (``referral_id``) takes its case from the referral, which must
be addressed to conferences and accepted first (``POST /referrals/{id}/accept``).

Action items become work: an action item assigned to another council department is, in the same
unit of work, a referral (紹介) from conferences to that department
(``conference.action_item_referral_id``), on the conference's basis, due by the item's date; it
lands in the department's referral inbox. The department accepts and completes the referral, and
conferences' consumer (:mod:`services.conferences.consumers`) then completes the item. An item
marked done here instead withdraws (cancels) its still-open referral in the same unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from services.conferences.adapters import rows
from services.conferences.domain import case_study, conference, meeting, secrecy
from services.conferences.domain.commands import (
    AssignActionItem,
    CompleteActionItem,
    PresentStudyCase,
    RecordAdvice,
    RecordConferenceHeld,
    RecordSecrecyUndertaking,
    ScheduleConference,
    ScheduleReview,
)
from services.conferences.domain.errors import ConferenceNotFound
from services.conferences.domain.events import CONFERENCE_EVENTS, ActionItemAssigned
from shared.commands import Aggregate, CommandContext, Outcome, create, execute, execute_in
from shared.dates import JST
from shared.events import DomainEvent
from shared.reference import load_code_lists
from shared.referrals import (
    REFERRAL_EVENTS,
    CancelReferral,
    MakeReferral,
    ReferralEvent,
    ReferralState,
    Status,
    decide_cancel,
    decide_make,
    load_referral_codes,
)
from shared.referrals import apply as referral_apply
from shared.referrals import projection as referral_projection
from shared.referrals.desk import stream_of
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork

__all__ = [
    "CONFERENCE",
    "CONFERENCE_FOLD",
    "assign_action_item",
    "complete_action_item",
    "present_study_case",
    "record_advice",
    "record_held",
    "record_undertaking",
    "schedule_conference",
    "schedule_review",
]

CONFERENCE_FOLD = Fold(conference.ConferenceState, conference.apply, CONFERENCE_EVENTS)


def _project(uow: UnitOfWork, state: conference.ConferenceState, _events: Sequence[DomainEvent], version: int) -> None:
    rows.save(uow.conn, state, version, uow.now())


CONFERENCE: Aggregate[conference.ConferenceState] = Aggregate(
    name="conference",
    prefix="conference",
    fold=CONFERENCE_FOLD,
    not_found=lambda cid: ConferenceNotFound(f"no conference {cid!r} was scheduled", field="conference_id"),
    case_of=lambda s, _event: s.case_id,
    project=_project,
    id_field="conference_id",
)


ACTION_ITEM_REASON = "conference_action_item"
"""The referral reason of an action item that became a referral (会議で合意した役割)."""


def _apply_referral(state: ReferralState | None, event: DomainEvent) -> ReferralState | None:
    return referral_apply(state, event) if isinstance(event, ReferralEvent) else state


REFERRAL_FOLD: Fold[ReferralState | None] = Fold(lambda: None, _apply_referral, REFERRAL_EVENTS)
_OPEN_REFERRAL = {Status.MADE, Status.ACCEPTED, Status.EXPIRED}


def _departments() -> frozenset[str]:
    return load_referral_codes().departments


def _record_referral(uow: UnitOfWork, referral_id: str, case_id: str, events: Sequence[DomainEvent]) -> None:
    """Record referral events on conferences' own ``referral-<id>`` stream and project them (as the desk does)."""
    _state, version = uow.load(stream_of(referral_id), REFERRAL_FOLD)
    envelopes = uow.record(stream_of(referral_id), version, events, case_id=case_id)
    if envelopes:
        referral_projection.project(uow.conn, envelopes)


def _deadline(due_on: Any, now: datetime) -> datetime:
    """The end of the item's due day (JST), or two weeks when it has none or it is already over."""
    if due_on is not None:
        end = datetime.combine(due_on + timedelta(days=1), time(0, 0), tzinfo=JST)
        if end > now:
            return end
        return now + timedelta(days=3)
    return now + timedelta(days=14)


def _refer_assigned_items(
    uow: UnitOfWork, state: conference.ConferenceState, events: Sequence[DomainEvent], by: str
) -> None:
    """Each new action item assigned to another council department becomes a referral to it."""
    assert state.case_id is not None
    for event in events:
        if not isinstance(event, ActionItemAssigned) or event.assignee_kind != "department":
            continue
        if event.assignee == conference.CONFERENCE_DEPARTMENT:
            continue
        basis = state.basis
        cmd = MakeReferral(
            referral_id=conference.action_item_referral_id(event.action_id),
            by=by,
            case_id=state.case_id,
            target_kind="department",
            target=event.assignee,
            reason_category=ACTION_ITEM_REASON,
            reason_detail=event.description,
            deadline=_deadline(event.due_on, uow.now()),
            basis_kind=basis.kind,
            basis_reference=basis.reference if basis.kind != "none" else None,
        )
        made = decide_make(None, cmd, department=conference.CONFERENCE_DEPARTMENT, now=uow.now())
        _record_referral(uow, cmd.referral_id, state.case_id, made)


def _withdraw_referral(uow: UnitOfWork, state: conference.ConferenceState, action_id: str, by: str) -> None:
    """An item marked done at the conferences desk withdraws its referral while it is still open."""
    item = state.action_item(action_id)
    if item is None or item.assignee_kind != "department" or item.assignee == conference.CONFERENCE_DEPARTMENT:
        return
    referral_id = conference.action_item_referral_id(action_id)
    local, _version = uow.load(stream_of(referral_id), REFERRAL_FOLD)
    if local is None or local.made is None or local.status not in _OPEN_REFERRAL:
        return
    cmd = CancelReferral(referral_id=referral_id, by=by, reason="役割の実施が会議の記録で完了とされた")
    cancelled = decide_cancel(local, cmd, department=conference.CONFERENCE_DEPARTMENT, now=uow.now())
    assert state.case_id is not None
    _record_referral(uow, referral_id, state.case_id, cancelled)


def _reply(outcome: Outcome[conference.ConferenceState], **extra: Any) -> dict[str, Any]:
    return outcome.reply("conference_id", "case_id", "status", **extra)


def schedule_conference(kit: ServiceKit, ctx: CommandContext, cmd: ScheduleConference) -> dict[str, Any]:
    """会議を設定する (or the conference an accepted referral asks for: its case comes from the referral,
    read in the same unit of work that records the conference)."""

    def decide(state: conference.ConferenceState, uow: UnitOfWork, conference_id: str) -> list[DomainEvent]:
        scheduling = cmd
        if cmd.referral_id:
            case_id = referral_projection.case_of_accepted_referral(
                uow.conn,
                cmd.referral_id,
                conference.CONFERENCE_DEPARTMENT,
                cmd.case_id,
                before="scheduling the conference it asks for",
            )
            scheduling = cmd.model_copy(update={"case_id": case_id})
        return meeting.decide_schedule(
            state, scheduling, now=uow.now(), conference_id=conference_id, codes=load_code_lists()
        )

    return _reply(create(kit.uow, ctx, CONFERENCE, decide))


def record_held(kit: ServiceKit, ctx: CommandContext, cmd: RecordConferenceHeld) -> dict[str, Any]:
    """会議の記録: participants, basis, decisions and the action items agreed (those assigned to
    another department become referrals to it, in the same unit of work)."""
    action_ids = [kit.uow.ids() for _ in cmd.action_items]
    departments = _departments()
    with ctx.unit_of_work(kit.uow) as uow:
        outcome = execute_in(
            uow,
            ctx,
            CONFERENCE,
            cmd.conference_id,
            lambda s, u: meeting.decide_record_held(
                s, cmd, now=u.now(), action_ids=action_ids, departments=departments
            ),
        )
        _refer_assigned_items(uow, outcome.state, outcome.events, cmd.recorded_by)
        uow.commit()
    return _reply(outcome, action_ids=action_ids)


def assign_action_item(kit: ServiceKit, ctx: CommandContext, cmd: AssignActionItem) -> dict[str, Any]:
    """役割を追加する (to another department: also a referral to it)."""
    action_id = kit.uow.ids()
    departments = _departments()
    with ctx.unit_of_work(kit.uow) as uow:
        outcome = execute_in(
            uow,
            ctx,
            CONFERENCE,
            cmd.conference_id,
            lambda s, u: meeting.decide_assign_action_item(
                s, cmd, now=u.now(), action_id=action_id, departments=departments
            ),
        )
        _refer_assigned_items(uow, outcome.state, outcome.events, cmd.assigned_by)
        uow.commit()
    return _reply(outcome, action_id=action_id)


def complete_action_item_in(uow: UnitOfWork, ctx: CommandContext, cmd: CompleteActionItem) -> Outcome[Any]:
    """役割の実施 inside an open unit of work (the HTTP route's, or the consumer's savepoint)."""
    return execute_in(
        uow,
        ctx,
        CONFERENCE,
        cmd.conference_id,
        lambda s, u: meeting.decide_complete_action_item(s, cmd, now=u.now()),
    )


def complete_action_item(kit: ServiceKit, ctx: CommandContext, cmd: CompleteActionItem) -> dict[str, Any]:
    """役割の実施を記録する (its referral, still open, is withdrawn: the work is done)."""
    with ctx.unit_of_work(kit.uow) as uow:
        outcome = complete_action_item_in(uow, ctx, cmd)
        _withdraw_referral(uow, outcome.state, cmd.action_id, cmd.completed_by)
        uow.commit()
    return _reply(outcome, action_id=cmd.action_id)


def record_undertaking(kit: ServiceKit, ctx: CommandContext, cmd: RecordSecrecyUndertaking) -> dict[str, Any]:
    """守秘義務の誓約を記録する."""
    outcome = execute(
        kit.uow,
        ctx,
        CONFERENCE,
        cmd.conference_id,
        lambda s, uow: secrecy.decide_record_undertaking(s, cmd, now=uow.now()),
    )
    return _reply(outcome)


def present_study_case(kit: ServiceKit, ctx: CommandContext, cmd: PresentStudyCase) -> dict[str, Any]:
    """事例を出す (事例検討会)."""
    study_case_id = kit.uow.ids()
    outcome = execute(
        kit.uow,
        ctx,
        CONFERENCE,
        cmd.conference_id,
        lambda s, uow: case_study.decide_present_study_case(s, cmd, now=uow.now(), study_case_id=study_case_id),
    )
    return _reply(outcome, study_case_id=study_case_id)


def record_advice(kit: ServiceKit, ctx: CommandContext, cmd: RecordAdvice) -> dict[str, Any]:
    """助言を記録する (事例検討会)."""
    outcome = execute(
        kit.uow,
        ctx,
        CONFERENCE,
        cmd.conference_id,
        lambda s, uow: case_study.decide_record_advice(s, cmd, now=uow.now()),
    )
    return _reply(outcome, study_case_id=cmd.study_case_id)


def schedule_review(kit: ServiceKit, ctx: CommandContext, cmd: ScheduleReview) -> dict[str, Any]:
    """経過確認を予定する."""
    review_id = kit.uow.ids()
    outcome = execute(
        kit.uow,
        ctx,
        CONFERENCE,
        cmd.conference_id,
        lambda s, uow: meeting.decide_schedule_review(s, cmd, now=uow.now(), review_id=review_id),
    )
    return _reply(outcome, review_id=review_id)
