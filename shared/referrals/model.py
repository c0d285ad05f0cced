"""The referral aggregate: a commutative fold over both sides' events, and pure decisions.

Status is derived from the facts seen so far, never from arrival order
------------------------------------------------------------------------
The source service records Made/Cancelled/Expired/Escalated/OutcomeRecorded and the target service
records Accepted/Declined/Completed; a consumer may see the two streams interleaved in any order,
or a redelivered event twice. So :func:`apply` only *stores* each fact (one slot per event kind,
an identical redelivery is a no-op) and :attr:`ReferralState.status` ranks the facts present::

    completed (ReferralCompleted or ReferralOutcomeRecorded)
      > cancelled > declined > accepted > expired > made

Why this order: what actually happened to the person outranks what the source intended (a
completion that crosses a cancel stands); the source's withdrawal outranks an answer that did not
finish (a cancel after an accept stops the work; a cancel crossing a decline is still a cancel);
any answer outranks an expiry (a late answer is better than none; the escalation stays in history).
"Expired" therefore means *overdue and escalated, still answerable*. Because the fold is a
per-slot union and the ranking ignores order, every interleaving of the same events gives the
same state. Two *different* events of one kind (which the decisions never produce) resolve to the
earlier ``at``, then the smaller payload, so even that stays deterministic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TypeVar, get_args

from shared.errors import Forbidden, IllegalTransition, InvalidCommand, NotFound
from shared.referrals.codes import ReferralCodes, load_referral_codes
from shared.referrals.commands import (
    AcceptReferral,
    CancelReferral,
    CompleteReferral,
    DeclineReferral,
    MakeReferral,
    RecordExternalOutcome,
)
from shared.referrals.events import (
    BasisKind,
    Priority,
    ReferralAccepted,
    ReferralBasis,
    ReferralCancelled,
    ReferralCompleted,
    ReferralDeclined,
    ReferralEscalated,
    ReferralEvent,
    ReferralExpired,
    ReferralMade,
    ReferralOutcomeRecorded,
)

__all__ = [
    "ReferralState",
    "Status",
    "apply",
    "decide_accept",
    "decide_cancel",
    "decide_complete",
    "decide_decline",
    "decide_expire",
    "decide_make",
    "decide_record_outcome",
    "fold",
]


class Status(StrEnum):
    MADE = "made"  # 紹介済み・未回答
    ACCEPTED = "accepted"  # 受理
    DECLINED = "declined"  # 受理せず
    COMPLETED = "completed"  # 対応完了
    CANCELLED = "cancelled"  # 取下げ
    EXPIRED = "expired"  # 期限切れ（上長へ報告済み、まだ回答できる）


PRIORITIES: tuple[str, ...] = get_args(Priority)
BASIS_KINDS: tuple[str, ...] = get_args(BasisKind)


@dataclass(frozen=True)
class ReferralState:
    """Every fact known about one referral, one slot per event kind."""

    referral_id: str
    made: ReferralMade | None = None
    accepted: ReferralAccepted | None = None
    declined: ReferralDeclined | None = None
    completed: ReferralCompleted | None = None
    cancelled: ReferralCancelled | None = None
    expired: ReferralExpired | None = None
    escalated: ReferralEscalated | None = None
    outcome: ReferralOutcomeRecorded | None = None

    @property
    def status(self) -> Status:
        if self.completed is not None or self.outcome is not None:
            return Status.COMPLETED
        if self.cancelled is not None:
            return Status.CANCELLED
        if self.declined is not None:
            return Status.DECLINED
        if self.accepted is not None:
            return Status.ACCEPTED
        if self.expired is not None:
            return Status.EXPIRED
        return Status.MADE

    @property
    def version(self) -> int:
        """How many facts are known: the referral's ETag. It only grows, in whatever order both sides'
        events arrive, so an ``If-Match`` on it refuses an answer given on a stale reading."""
        return sum(getattr(self, slot) is not None for slot in _SLOTS.values())

    @property
    def known(self) -> bool:
        """False while only the other side's events have arrived (ReferralMade not yet seen)."""
        return self.made is not None

    def require_made(self) -> ReferralMade:
        if self.made is None:
            raise NotFound(f"referral {self.referral_id} has not been made (no ReferralMade seen)")
        return self.made


_SLOTS: dict[type[ReferralEvent], str] = {
    ReferralMade: "made",
    ReferralAccepted: "accepted",
    ReferralDeclined: "declined",
    ReferralCompleted: "completed",
    ReferralCancelled: "cancelled",
    ReferralExpired: "expired",
    ReferralEscalated: "escalated",
    ReferralOutcomeRecorded: "outcome",
}

_E = TypeVar("_E", bound=ReferralEvent)


def _order(event: ReferralEvent) -> tuple[datetime, str]:
    return event.at, json.dumps(event.payload(), sort_keys=True)


def _pick(current: _E | None, new: _E) -> _E:
    if current is None:
        return new
    return current if current == new else min(current, new, key=_order)


def apply(state: ReferralState | None, event: ReferralEvent) -> ReferralState:
    """Fold one event into the state; commutative and idempotent (see the module docstring)."""
    if state is None:
        state = ReferralState(referral_id=event.referral_id)
    elif state.referral_id != event.referral_id:
        raise ValueError(f"event of referral {event.referral_id} applied to referral {state.referral_id}")
    slot = _SLOTS[type(event)]
    return replace(state, **{slot: _pick(getattr(state, slot), event)})


def fold(events: Iterable[ReferralEvent], state: ReferralState | None = None) -> ReferralState | None:
    for event in events:
        state = apply(state, event)
    return state


# -- decisions ---------------------------------------------------------------------------------


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now


def _text(value: str | None, field: str) -> str:
    if value is None or not value.strip():
        raise InvalidCommand(f"{field} is required: say why in a few words", field=field, reason="required")
    return value.strip()


def _optional_text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _load(state: ReferralState | None, referral_id: str) -> tuple[ReferralState, ReferralMade]:
    if state is None:
        raise NotFound(f"referral {referral_id} not found")
    if state.referral_id != referral_id:
        raise InvalidCommand(
            f"command names referral {referral_id} but was given referral {state.referral_id}",
            field="referral_id",
        )
    return state, state.require_made()


def _require_target_department(made: ReferralMade, department: str, action: str) -> None:
    if made.target_kind != "department":
        raise Forbidden(
            f"referral {made.referral_id} goes to the outside agency {made.target!r}; no department "
            f"can {action} it: the source ({made.source_department}) records the agency's outcome instead",
            reason="referral_outside_agency",
        )
    if department != made.target:
        raise Forbidden(
            f"only the target department {made.target!r} may {action} referral {made.referral_id}, not {department!r}",
            reason="referral_not_yours",
        )


def _require_source_department(made: ReferralMade, department: str, action: str) -> None:
    if department != made.source_department:
        raise Forbidden(
            f"only the source department {made.source_department!r} may {action} referral "
            f"{made.referral_id}, not {department!r}",
            reason="referral_not_yours",
        )


def _require_status(state: ReferralState, allowed: set[Status], action: str) -> None:
    if state.status not in allowed:
        raise IllegalTransition(
            f"cannot {action} referral {state.referral_id}: it is {state.status.value}; "
            f"allowed only while it is {' or '.join(sorted(s.value for s in allowed))}",
            reason="referral_status",
            ctx={"status": state.status.value},
        )


def decide_make(
    state: ReferralState | None,
    cmd: MakeReferral,
    *,
    department: str,
    now: datetime,
    codes: ReferralCodes | None = None,
) -> list[ReferralMade]:
    """紹介: ``department`` (the actor's) becomes the source. ``codes`` defaults to the shipped lists."""
    now = _aware(now)
    codes = codes or load_referral_codes()
    if state is not None and state.made is not None:
        raise IllegalTransition(f"referral {cmd.referral_id} has already been made", reason="already_recorded")
    codes.require_department(department, field="source_department")
    codes.require_target(cmd.target_kind, cmd.target)
    codes.require_reason(cmd.reason_category)
    if cmd.priority not in PRIORITIES:
        raise InvalidCommand(
            f"unknown priority {cmd.priority!r}; use one of {list(PRIORITIES)}",
            field="priority",
            reason="unknown_code",
            ctx={"allowed": ", ".join(PRIORITIES)},
        )
    if cmd.basis_kind not in BASIS_KINDS:
        raise InvalidCommand(
            f"unknown basis kind {cmd.basis_kind!r}; use one of {list(BASIS_KINDS)}",
            field="basis_kind",
            reason="unknown_code",
            ctx={"allowed": ", ".join(BASIS_KINDS)},
        )
    if cmd.basis_kind != "none" and not (cmd.basis_reference or "").strip():
        raise InvalidCommand(
            f"a {cmd.basis_kind} basis needs the id of its consent or meeting record",
            field="basis_reference",
            reason="basis_reference",
        )
    if cmd.deadline.tzinfo is None or cmd.deadline.utcoffset() is None:
        raise InvalidCommand(
            "deadline needs a time zone (e.g. 2025-04-01T17:00:00+09:00)", field="deadline", reason="needs_time_zone"
        )
    if cmd.deadline <= now:
        raise InvalidCommand(
            f"deadline {cmd.deadline.isoformat()} is not after now", field="deadline", reason="not_after_now"
        )
    basis_reference = cmd.basis_reference.strip() if cmd.basis_kind != "none" and cmd.basis_reference else None
    return [
        ReferralMade(
            referral_id=_text(cmd.referral_id, "referral_id"),
            case_id=_text(cmd.case_id, "case_id"),
            person_id=_optional_text(cmd.person_id),
            household_id=_optional_text(cmd.household_id),
            source_department=department,
            target_kind=cmd.target_kind,
            target=cmd.target,
            reason_category=cmd.reason_category,
            reason_detail=_optional_text(cmd.reason_detail),
            priority=cmd.priority,
            deadline=cmd.deadline,
            basis=ReferralBasis(kind=cmd.basis_kind, reference=basis_reference),
            made_by=_text(cmd.by, "by"),
            at=now,
        )
    ]


_ANSWERABLE = {Status.MADE, Status.EXPIRED}


def decide_accept(
    state: ReferralState | None, cmd: AcceptReferral, *, department: str, now: datetime
) -> list[ReferralAccepted]:
    """受理: by the target department, while the referral is unanswered (made, or expired but late)."""
    state, made = _load(state, cmd.referral_id)
    _require_target_department(made, department, "accept")
    _require_status(state, _ANSWERABLE, "accept")
    return [
        ReferralAccepted(
            referral_id=made.referral_id, by=_text(cmd.by, "by"), note=_optional_text(cmd.note), at=_aware(now)
        )
    ]


def decide_decline(
    state: ReferralState | None, cmd: DeclineReferral, *, department: str, now: datetime
) -> list[ReferralDeclined]:
    """受理せず: by the target department, with a reason, while the referral is unanswered."""
    state, made = _load(state, cmd.referral_id)
    _require_target_department(made, department, "decline")
    _require_status(state, _ANSWERABLE, "decline")
    return [
        ReferralDeclined(
            referral_id=made.referral_id,
            by=_text(cmd.by, "by"),
            reason=_text(cmd.reason, "reason"),
            at=_aware(now),
        )
    ]


def decide_complete(
    state: ReferralState | None,
    cmd: CompleteReferral,
    *,
    department: str,
    now: datetime,
    codes: ReferralCodes | None = None,
) -> list[ReferralCompleted]:
    """対応完了: by the target department, once it has accepted; ``outcome`` is an outcome code."""
    state, made = _load(state, cmd.referral_id)
    _require_target_department(made, department, "complete")
    _require_status(state, {Status.ACCEPTED}, "complete")
    (codes or load_referral_codes()).require_outcome(cmd.outcome)
    return [
        ReferralCompleted(
            referral_id=made.referral_id,
            by=_text(cmd.by, "by"),
            outcome=cmd.outcome,
            note=_optional_text(cmd.note),
            at=_aware(now),
        )
    ]


def decide_cancel(
    state: ReferralState | None, cmd: CancelReferral, *, department: str, now: datetime
) -> list[ReferralCancelled]:
    """取下げ: by the source department, with a reason, until the referral is declined or completed."""
    state, made = _load(state, cmd.referral_id)
    _require_source_department(made, department, "cancel")
    _require_status(state, {Status.MADE, Status.ACCEPTED, Status.EXPIRED}, "cancel")
    return [
        ReferralCancelled(
            referral_id=made.referral_id,
            by=_text(cmd.by, "by"),
            reason=_text(cmd.reason, "reason"),
            at=_aware(now),
        )
    ]


def decide_record_outcome(
    state: ReferralState | None,
    cmd: RecordExternalOutcome,
    *,
    department: str,
    now: datetime,
    codes: ReferralCodes | None = None,
) -> list[ReferralOutcomeRecorded]:
    """つなぎ先の対応記録: the source records what an outside agency did (made or expired → completed)."""
    state, made = _load(state, cmd.referral_id)
    _require_source_department(made, department, "record the outcome of")
    if made.target_kind != "external":
        raise IllegalTransition(
            f"referral {made.referral_id} goes to the department {made.target!r}; its outcome is "
            "recorded by that department when it completes the referral",
            reason="referral_not_yours",
        )
    _require_status(state, _ANSWERABLE, "record the outcome of")
    (codes or load_referral_codes()).require_outcome(cmd.outcome)
    return [
        ReferralOutcomeRecorded(
            referral_id=made.referral_id,
            by=_text(cmd.by, "by"),
            outcome=cmd.outcome,
            note=_optional_text(cmd.note),
            at=_aware(now),
        )
    ]


def decide_expire(state: ReferralState | None, now: datetime) -> list[ReferralExpired | ReferralEscalated]:
    """期限切れ: past the deadline with no answer → expiry + escalation to a source manager.

    Returns nothing in every other case (unknown, answered, already expired, not yet due), so a
    scheduler may call it as often as it likes.
    """
    now = _aware(now)
    if state is None or state.made is None or state.status is not Status.MADE:
        return []
    made = state.made
    if now <= made.deadline:
        return []
    return [
        ReferralExpired(referral_id=made.referral_id, deadline=made.deadline, at=now),
        ReferralEscalated(referral_id=made.referral_id, department=made.source_department, at=now),
    ]
