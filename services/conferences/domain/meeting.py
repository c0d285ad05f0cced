"""Decisions on the meeting itself (会議の進行): schedule it, record it held, assign and complete its
action items (役割), schedule reviews (経過確認).

Outside participants need a recorded basis (:class:`NoSharingBasis`) unless the meeting is a case-study
meeting; an action item's due day is not before the meeting. Each ``decide_*`` takes the state folded by
:func:`services.conferences.domain.conference.apply`, raises a :class:`shared.errors.DomainError` and
emits nothing when refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from services.conferences.domain.commands import (
    AssignActionItem,
    CompleteActionItem,
    RecordConferenceHeld,
    ScheduleConference,
    ScheduleReview,
)
from services.conferences.domain.conference import (
    CASE_STUDY,
    CONFERENCE_DEPARTMENT,
    KINDS,
    ConferenceState,
    apply,
    check_due,
    require_held,
    require_known,
)
from services.conferences.domain.errors import (
    ActionItemNotFound,
    AlreadyExists,
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
from services.conferences.domain.values import OUTSIDE_KINDS, ActionItemSpec, ShareBasis
from shared.checks import required_text
from shared.dates import local_date, require_aware
from shared.errors import InvalidCommand
from shared.events import DomainEvent
from shared.reference import CodeLists

__all__ = [
    "decide_assign_action_item",
    "decide_complete_action_item",
    "decide_record_held",
    "decide_schedule",
    "decide_schedule_review",
]


def _assigned(
    state: ConferenceState,
    item: ActionItemSpec,
    action_id: str,
    *,
    now: datetime,
    by: str,
    field_name: str,
    departments: frozenset[str] | None = None,
) -> ActionItemAssigned:
    assert state.conference_id is not None and state.case_id is not None and state.held_at is not None
    check_due(item.due_on, local_date(state.held_at), f"{field_name}.due_on")
    if item.assignee_kind == "department" and departments is not None and item.assignee not in departments:
        raise InvalidCommand(
            f"{field_name}.assignee {item.assignee!r} is not a council department: use one of {sorted(departments)}",
            field=f"{field_name}.assignee",
            reason="unknown_code",
            ctx={"allowed": ", ".join(sorted(departments))},
        )
    return ActionItemAssigned(
        conference_id=state.conference_id,
        case_id=state.case_id,
        action_id=action_id,
        description=item.description,
        assignee_kind=item.assignee_kind,
        assignee=item.assignee,
        due_on=item.due_on,
        assigned_at=now,
        assigned_by=by,
    )


def decide_schedule(
    state: ConferenceState, cmd: ScheduleConference, *, now: datetime, conference_id: str, codes: CodeLists
) -> list[DomainEvent]:
    """会議を設定する: a known kind, a case, a purpose, an aware time."""
    if state.status != "new":
        raise AlreadyExists(f"conference {conference_id} already exists")
    codes.require(KINDS, cmd.kind, field_name="kind")
    require_aware(cmd.scheduled_for, "scheduled_for")
    if cmd.kind == CASE_STUDY and not cmd.case_id.strip():
        case_id = f"study-{conference_id}"  # a case-study meeting discusses several cases, or none known
    else:
        case_id = required_text(cmd.case_id, "case_id", "the person, household or provisional case id")
    return [
        ConferenceScheduled.of(
            cmd,
            conference_id=conference_id,
            case_id=case_id,
            purpose=required_text(cmd.purpose, "purpose", "what the meeting is to decide"),
            referral_id=cmd.referral_id or None,
            scheduled_at=now,
            code_list_version=codes.version,
        )
    ]


def decide_record_held(
    state: ConferenceState,
    cmd: RecordConferenceHeld,
    *,
    now: datetime,
    action_ids: Sequence[str],
    departments: frozenset[str] | None = None,
) -> list[DomainEvent]:
    """会議の記録: once; outside participants need a statutory or consent basis with its reference
    (a case-study meeting excepted: its cases are discussed without identifying details)."""
    require_known(state, cmd.conference_id)
    if state.status == "held":
        raise WrongConferenceState(
            f"conference {cmd.conference_id} was already recorded as held: add action items or schedule a review",
            reason="already_done",
        )
    require_aware(cmd.held_at, "held_at")
    if cmd.held_at > now:
        raise InvalidCommand(
            f"held_at {cmd.held_at.isoformat()} is in the future: record the conference once it has been held",
            field="held_at",
            reason="in_future",
        )
    if not cmd.participants:
        raise InvalidCommand(
            "participants is required: name at least one participant", field="participants", reason="required"
        )
    outside = sum(1 for p in cmd.participants if p.kind in OUTSIDE_KINDS)
    if outside and cmd.basis.kind == "none" and not state.case_study:
        raise NoSharingBasis(
            f"{outside} participant(s) from outside the council took part: record the basis on which the case "
            "was shared (statutory: 支援会議・地域ケア会議, with the law or meeting; consent: the consent id)",
            field="basis",
            reason="basis_required",
        )
    if cmd.basis.kind != "none" and not (cmd.basis.reference or "").strip():
        raise InvalidCommand(
            f"a {cmd.basis.kind} basis needs its reference (the law or meeting, or the consent id)",
            field="basis.reference",
            reason="basis_reference",
        )
    if len(action_ids) != len(cmd.action_items):
        raise ValueError("one new action id per action item")
    decisions = tuple(d for d in cmd.decisions if d.strip())
    basis = cmd.basis if cmd.basis.kind != "none" else ShareBasis()
    assert state.conference_id is not None and state.case_id is not None
    held = ConferenceHeld.of(
        cmd,
        conference_id=state.conference_id,
        case_id=state.case_id,
        outside_participants=outside,
        basis=basis,
        summary=cmd.summary or None,
        decisions=decisions,
        person_wishes=cmd.person_wishes or None,
        recorded_at=now,
    )
    held_state = apply(state, held)
    items = [
        _assigned(
            held_state,
            item,
            aid,
            now=now,
            by=cmd.recorded_by,
            field_name=f"action_items[{i}]",
            departments=departments,
        )
        for i, (item, aid) in enumerate(zip(cmd.action_items, action_ids, strict=True))
    ]
    return [held, *items]


def decide_assign_action_item(
    state: ConferenceState,
    cmd: AssignActionItem,
    *,
    now: datetime,
    action_id: str,
    departments: frozenset[str] | None = None,
) -> list[DomainEvent]:
    """役割を追加する: only on a held conference."""
    require_held(state, cmd.conference_id, "assigning action items")
    return [
        _assigned(state, cmd.item, action_id, now=now, by=cmd.assigned_by, field_name="item", departments=departments)
    ]


def decide_complete_action_item(state: ConferenceState, cmd: CompleteActionItem, *, now: datetime) -> list[DomainEvent]:
    """役割の実施: once, by conferences staff or the department the item was assigned to."""
    require_held(state, cmd.conference_id, "completing action items")
    item = state.action_item(cmd.action_id)
    if item is None:
        raise ActionItemNotFound(
            f"conference {cmd.conference_id} has no action item {cmd.action_id!r}", field="action_id"
        )
    assignee_department = item.assignee if item.assignee_kind == "department" else None
    if cmd.completed_by_department not in {CONFERENCE_DEPARTMENT, assignee_department}:
        raise NotTheAssignee(
            f"action item {cmd.action_id} is assigned to {item.assignee_kind} {item.assignee!r}: "
            f"conferences staff{' or ' + assignee_department + ' staff' if assignee_department else ''} "
            "record it done",
            reason="not_assignee",
        )
    if item.done:
        raise WrongConferenceState(f"action item {cmd.action_id} is already done", reason="already_done")
    assert state.conference_id is not None and state.case_id is not None
    return [
        ActionItemCompleted.of(
            cmd, conference_id=state.conference_id, case_id=state.case_id, note=cmd.note or None, completed_at=now
        )
    ]


def decide_schedule_review(
    state: ConferenceState, cmd: ScheduleReview, *, now: datetime, review_id: str
) -> list[DomainEvent]:
    """経過確認を予定する: after the conference was held, on a later day."""
    require_held(state, cmd.conference_id, "scheduling a review")
    assert state.conference_id is not None and state.case_id is not None and state.held_at is not None
    held_on = local_date(state.held_at)
    if cmd.due_on <= held_on:
        raise InvalidCommand(
            f"due_on {cmd.due_on.isoformat()} is not after the conference ({held_on.isoformat()}): give a later date",
            field="due_on",
            reason="before_earliest",
            ctx={"earliest": (held_on + timedelta(days=1)).isoformat()},
        )
    return [
        ConferenceReviewScheduled.of(
            cmd,
            conference_id=state.conference_id,
            case_id=state.case_id,
            review_id=review_id,
            purpose=required_text(cmd.purpose, "purpose", "what the review is to look at"),
            scheduled_at=now,
        )
    ]
