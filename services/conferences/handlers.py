"""Conferences' command handlers: one function per command (会議の処理).

Each is one :func:`shared.commands.execute` (or :func:`~shared.commands.create` for a new
conference) on the ``conference-{conference_id}`` aggregate (:data:`CONFERENCE`): load, check the
conference exists and the caller's expected version (a lost update is a 409), decide, record
(``case_id`` = the conference's case), rewrite the read rows on the same connection, commit.

A conference that answers a referral (``referral_id``) takes its case from the referral, which must
be addressed to conferences and accepted first (``POST /referrals/{id}/accept``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.conferences.adapters import rows
from services.conferences.domain import conference
from services.conferences.domain.commands import (
    AssignActionItem,
    CompleteActionItem,
    RecordConferenceHeld,
    ScheduleConference,
    ScheduleReview,
)
from services.conferences.domain.errors import ConferenceNotFound
from services.conferences.domain.events import CONFERENCE_EVENTS
from shared.commands import Aggregate, CommandContext, Outcome, create, execute
from shared.events import DomainEvent
from shared.reference import load_code_lists
from shared.referrals import projection as referral_projection
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork

__all__ = [
    "CONFERENCE",
    "CONFERENCE_FOLD",
    "assign_action_item",
    "complete_action_item",
    "record_held",
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
    exists=lambda s: s.conference_id is not None,
    not_found=lambda cid: ConferenceNotFound(f"no conference {cid!r} was scheduled", field="conference_id"),
    case_of=lambda s, _event: s.case_id,
    project=_project,
    id_field="conference_id",
)


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
        return conference.decide_schedule(
            state, scheduling, now=uow.now(), conference_id=conference_id, codes=load_code_lists()
        )

    return _reply(create(kit.uow, ctx, CONFERENCE, decide))


def record_held(kit: ServiceKit, ctx: CommandContext, cmd: RecordConferenceHeld) -> dict[str, Any]:
    """会議の記録: participants, basis, decisions and the action items agreed."""
    action_ids = [kit.uow.ids() for _ in cmd.action_items]
    outcome = execute(
        kit.uow,
        ctx,
        CONFERENCE,
        cmd.conference_id,
        lambda s, uow: conference.decide_record_held(s, cmd, now=uow.now(), action_ids=action_ids),
    )
    return _reply(outcome, action_ids=action_ids)


def assign_action_item(kit: ServiceKit, ctx: CommandContext, cmd: AssignActionItem) -> dict[str, Any]:
    """役割を追加する."""
    action_id = kit.uow.ids()
    outcome = execute(
        kit.uow,
        ctx,
        CONFERENCE,
        cmd.conference_id,
        lambda s, uow: conference.decide_assign_action_item(s, cmd, now=uow.now(), action_id=action_id),
    )
    return _reply(outcome, action_id=action_id)


def complete_action_item(kit: ServiceKit, ctx: CommandContext, cmd: CompleteActionItem) -> dict[str, Any]:
    """役割の実施を記録する."""
    outcome = execute(
        kit.uow,
        ctx,
        CONFERENCE,
        cmd.conference_id,
        lambda s, uow: conference.decide_complete_action_item(s, cmd, now=uow.now()),
    )
    return _reply(outcome, action_id=cmd.action_id)


def schedule_review(kit: ServiceKit, ctx: CommandContext, cmd: ScheduleReview) -> dict[str, Any]:
    """経過確認を予定する."""
    review_id = kit.uow.ids()
    outcome = execute(
        kit.uow,
        ctx,
        CONFERENCE,
        cmd.conference_id,
        lambda s, uow: conference.decide_schedule_review(s, cmd, now=uow.now(), review_id=review_id),
    )
    return _reply(outcome, review_id=review_id)
