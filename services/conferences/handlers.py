"""Conferences' command handlers: one function per command (会議の処理).

Each opens a unit of work for the acting staff member, loads ``conference-{id}``, lets the pure
domain decide, records the events (``case_id`` = the conference's case), rewrites the read rows on
the same connection and commits. ``expected_version`` (the version the caller read) turns a lost
update into a 409.

A conference that answers a referral (``referral_id``) takes its case from the referral, which must
be addressed to conferences and accepted first (``POST /referrals/{id}/accept``).
"""

from __future__ import annotations

from collections.abc import Callable
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
from shared.envelope import Actor
from shared.errors import IllegalTransition, InvalidCommand, NotFound
from shared.events import DomainEvent
from shared.reference import load_code_lists
from shared.referrals import projection as referral_projection
from shared.referrals.model import Status
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork, check_expected_version

__all__ = [
    "CONFERENCE_FOLD",
    "assign_action_item",
    "complete_action_item",
    "conference_stream",
    "record_held",
    "schedule_conference",
    "schedule_review",
]

CONFERENCE_FOLD = Fold(conference.ConferenceState, conference.apply, CONFERENCE_EVENTS)


def conference_stream(conference_id: str) -> str:
    return f"conference-{conference_id}"


def _finish(
    uow: UnitOfWork, state: conference.ConferenceState, version: int, events: list[DomainEvent], **extra: Any
) -> dict[str, Any]:
    new_state = conference.replay(events, state)
    assert new_state.conference_id is not None and new_state.case_id is not None
    uow.record(conference_stream(new_state.conference_id), version, events, case_id=new_state.case_id)
    version += len(events)
    rows.save(uow.conn, new_state, version, uow.now())
    uow.commit()
    return {
        "conference_id": new_state.conference_id,
        "case_id": new_state.case_id,
        "status": new_state.status,
        "version": version,
        **extra,
    }


def _case_of_referral(uow: UnitOfWork, referral_id: str, case_id: str | None) -> str:
    """The case of an accepted referral to conferences; the caller's case id must agree with it."""
    state = referral_projection.load_state(uow.conn, referral_id)
    if state is None or state.made is None:
        raise NotFound(f"referral {referral_id} is not known to conferences", field="referral_id")
    made = state.made
    if made.target_kind != "department" or made.target != conference.CONFERENCE_DEPARTMENT:
        raise InvalidCommand(
            f"referral {referral_id} is addressed to {made.target}, not conferences", field="referral_id"
        )
    if state.status != Status.ACCEPTED:
        raise IllegalTransition(
            f"referral {referral_id} is {state.status.value}: accept it (POST /referrals/{referral_id}/accept) "
            "before scheduling the conference it asks for"
        )
    if case_id and case_id != made.case_id:
        raise InvalidCommand(
            f"case_id {case_id!r} differs from the referral's case {made.case_id!r}: leave case_id out", field="case_id"
        )
    return made.case_id


def schedule_conference(
    kit: ServiceKit, actor: Actor, cmd: ScheduleConference, *, correlation_id: str | None = None
) -> dict[str, Any]:
    """会議を設定する."""
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        if cmd.referral_id:
            cmd = cmd.model_copy(update={"case_id": _case_of_referral(uow, cmd.referral_id, cmd.case_id)})
        conference_id = uow.new_id()
        state, version = uow.load(conference_stream(conference_id), CONFERENCE_FOLD)
        events = conference.decide_schedule(
            state, cmd, now=uow.now(), conference_id=conference_id, codes=load_code_lists()
        )
        return _finish(uow, state, version, events)


def _change(
    kit: ServiceKit,
    actor: Actor,
    conference_id: str,
    expected_version: int | None,
    correlation_id: str | None,
    decide: Callable[[conference.ConferenceState, UnitOfWork], list[DomainEvent]],
    **extra: Any,
) -> dict[str, Any]:
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        stream = conference_stream(conference_id)
        state, version = uow.load(stream, CONFERENCE_FOLD)
        if state.conference_id is None:
            raise ConferenceNotFound(f"no conference {conference_id!r} was scheduled", field="conference_id")
        check_expected_version(stream, version, expected_version)
        return _finish(uow, state, version, decide(state, uow), **extra)


def record_held(
    kit: ServiceKit,
    actor: Actor,
    cmd: RecordConferenceHeld,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """会議の記録: participants, basis, decisions and the action items agreed."""
    action_ids = [kit.uow.ids() for _ in cmd.action_items]
    return _change(
        kit,
        actor,
        cmd.conference_id,
        expected_version,
        correlation_id,
        lambda s, uow: conference.decide_record_held(s, cmd, now=uow.now(), action_ids=action_ids),
        action_ids=action_ids,
    )


def assign_action_item(
    kit: ServiceKit,
    actor: Actor,
    cmd: AssignActionItem,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """役割を追加する."""
    action_id = kit.uow.ids()
    return _change(
        kit,
        actor,
        cmd.conference_id,
        expected_version,
        correlation_id,
        lambda s, uow: conference.decide_assign_action_item(s, cmd, now=uow.now(), action_id=action_id),
        action_id=action_id,
    )


def complete_action_item(
    kit: ServiceKit,
    actor: Actor,
    cmd: CompleteActionItem,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """役割の実施を記録する."""
    return _change(
        kit,
        actor,
        cmd.conference_id,
        expected_version,
        correlation_id,
        lambda s, uow: conference.decide_complete_action_item(s, cmd, now=uow.now()),
        action_id=cmd.action_id,
    )


def schedule_review(
    kit: ServiceKit,
    actor: Actor,
    cmd: ScheduleReview,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """経過確認を予定する."""
    review_id = kit.uow.ids()
    return _change(
        kit,
        actor,
        cmd.conference_id,
        expected_version,
        correlation_id,
        lambda s, uow: conference.decide_schedule_review(s, cmd, now=uow.now(), review_id=review_id),
        review_id=review_id,
    )
