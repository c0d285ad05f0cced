"""Monthly activity records (地区活動記録) and their approval: one stream per staff member and month,
``district-activity-{record_id}`` (:func:`record_id_of`).

The author writes the month's entries (date, district, 関わりの目的, what was done, 所感) and submits
the record. It is approved in two steps: first by 地域福祉課長 (a districts ``manager``), then by 局長
(the ``director``). Each step may approve, comment, or return the record for rework with a reason;
a returned record goes back to its author, who sees the comments, revises and resubmits it, and the
approval starts again from the first step. Nobody approves, or returns, their own record.

Statuses::

    draft ──submit──▶ submitted ──課長 approves──▶ manager_approved ──局長 approves──▶ approved
      ▲                   │                               │
      └──── returned ◀────┴──────── either returns ───────┘   (the author revises and resubmits)

Fold: :func:`apply`. Decisions: ``decide_*``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal

from services.districts.domain.commands import (
    ApproveActivityRecord,
    CommentActivityRecord,
    ReturnActivityRecord,
    SubmitActivityRecord,
    WriteActivityRecord,
)
from services.districts.domain.events import (
    ActivityRecordApproved,
    ActivityRecordCommented,
    ActivityRecordReturned,
    ActivityRecordSubmitted,
    ActivityRecordWritten,
)
from services.districts.domain.values import ActivityEntry, ApprovalStep
from shared.checks import optional_text, required_text
from shared.dates import local_date
from shared.errors import Forbidden, IllegalTransition, InvalidCommand
from shared.events import DomainEvent, absorb

__all__ = [
    "MAX_ENTRIES",
    "STATUSES",
    "ActivityRecordState",
    "ActivityStatus",
    "Remark",
    "apply",
    "decide_approve",
    "decide_comment",
    "decide_return",
    "decide_submit",
    "decide_write",
    "record_id_of",
    "replay_state",
    "waiting_step",
]

ActivityStatus = Literal["draft", "submitted", "manager_approved", "approved", "returned"]
STATUSES: tuple[ActivityStatus, ...] = ("draft", "submitted", "manager_approved", "approved", "returned")
MAX_ENTRIES = 200
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_STEP_NAME = {"manager": "地域福祉課長 (manager)", "director": "局長 (director)"}


def record_id_of(staff_id: str, month: str) -> str:
    """The one record of a staff member and month: ``ar-YYYY-MM-<16 hex of the staff id>`` (staff ids
    of the identity provider are opaque and may be long; the id stays short and stable)."""
    return f"ar-{month}-{hashlib.sha256(staff_id.encode()).hexdigest()[:16]}"


@dataclass(frozen=True)
class Remark:
    """A comment, a return (with its reason) or an approval's comment, for the author to read."""

    kind: Literal["comment", "returned", "approved"]
    step: ApprovalStep
    text: str | None
    by: str
    by_name: str | None
    at: datetime


@dataclass(frozen=True)
class ActivityRecordState:
    """A staff member's record of a month; ``ActivityRecordState()`` is a stream with no events yet."""

    record_id: str | None = None
    staff_id: str | None = None
    author_name: str | None = None
    month: str | None = None
    entries: tuple[ActivityEntry, ...] = ()
    status: ActivityStatus = "draft"
    submissions: int = 0
    manager_approved_by: str | None = None
    director_approved_by: str | None = None
    remarks: tuple[Remark, ...] = ()
    updated_at: datetime | None = None


def waiting_step(state: ActivityRecordState) -> ApprovalStep | None:
    """The step the record waits for: 課長 when submitted, 局長 after the 課長 approved, else none."""
    if state.status == "submitted":
        return "manager"
    if state.status == "manager_approved":
        return "director"
    return None


def apply(state: ActivityRecordState, event: DomainEvent) -> ActivityRecordState:
    if isinstance(event, ActivityRecordWritten):
        return absorb(state, event, author_name=event.author_name or state.author_name, updated_at=event.written_at)
    if isinstance(event, ActivityRecordSubmitted):
        return replace(
            state,
            status="submitted",
            submissions=state.submissions + 1,
            manager_approved_by=None,
            director_approved_by=None,
            updated_at=event.submitted_at,
        )
    if isinstance(event, ActivityRecordApproved):
        remark = Remark(
            "approved", event.step, event.comment, event.approved_by, event.approver_name, event.approved_at
        )
        if event.step == "manager":
            return replace(
                state,
                status="manager_approved",
                manager_approved_by=event.approved_by,
                remarks=(*state.remarks, remark),
                updated_at=event.approved_at,
            )
        return replace(
            state,
            status="approved",
            director_approved_by=event.approved_by,
            remarks=(*state.remarks, remark),
            updated_at=event.approved_at,
        )
    if isinstance(event, ActivityRecordCommented):
        remark = Remark(
            "comment", event.step, event.comment, event.commented_by, event.commenter_name, event.commented_at
        )
        return replace(state, remarks=(*state.remarks, remark), updated_at=event.commented_at)
    if isinstance(event, ActivityRecordReturned):
        remark = Remark("returned", event.step, event.reason, event.returned_by, event.returner_name, event.returned_at)
        return replace(
            state,
            status="returned",
            manager_approved_by=None,
            director_approved_by=None,
            remarks=(*state.remarks, remark),
            updated_at=event.returned_at,
        )
    return state


def replay_state(events: Iterable[DomainEvent], state: ActivityRecordState | None = None) -> ActivityRecordState:
    current = state or ActivityRecordState()
    for event in events:
        current = apply(current, event)
    return current


def _check_month(month: str) -> str:
    month = month.strip()
    if not _MONTH.fullmatch(month):
        raise InvalidCommand(
            f"month must be YYYY-MM (e.g. 2014-06), got {month!r}", field="month", reason="month_format"
        )
    return month


def _check_entries(entries: tuple[ActivityEntry, ...], month: str, today: date) -> tuple[ActivityEntry, ...]:
    if len(entries) > MAX_ENTRIES:
        raise InvalidCommand(
            f"at most {MAX_ENTRIES} entries a month, got {len(entries)}",
            field="entries",
            reason="too_many",
            ctx={"max": MAX_ENTRIES},
        )
    for n, entry in enumerate(entries):
        if entry.on.isoformat()[:7] != month:
            raise InvalidCommand(
                f"entries[{n}].on {entry.on.isoformat()} is not in the record's month {month}",
                field=f"entries.{n}.on",
                reason="outside_month",
                ctx={"month": month},
            )
        if entry.on > today:
            raise InvalidCommand(
                f"entries[{n}].on {entry.on.isoformat()} is in the future: record an involvement once it happened",
                field=f"entries.{n}.on",
                reason="in_future",
            )
        required_text(entry.purpose, f"entries.{n}.purpose", "the purpose of the involvement (関わりの目的)")
        required_text(entry.done, f"entries.{n}.done", "what was done")
    return tuple(sorted(entries, key=lambda e: e.on))


def _require_record(state: ActivityRecordState, record_id: str) -> tuple[str, str, str]:
    if state.record_id is None or state.staff_id is None or state.month is None:
        raise InvalidCommand(
            f"no activity record {record_id!r}", field="record_id", reason="unknown_reference", ctx={"id": record_id}
        )
    return state.record_id, state.staff_id, state.month


def decide_write(
    state: ActivityRecordState, cmd: WriteActivityRecord, *, now: datetime, record_id: str
) -> list[DomainEvent]:
    """作成・修正: only the author, and only while the record is a draft or returned to them."""
    month = _check_month(cmd.month or state.month or "")
    if state.staff_id is not None and state.staff_id != cmd.written_by:
        raise Forbidden("only the author writes an activity record", field="record_id", reason="author_only")
    if state.status not in ("draft", "returned"):
        raise IllegalTransition(
            f"the record is {state.status}: it can be changed only as a draft or after it was returned",
            field="entries",
            reason="record_status",
            ctx={"status": state.status},
        )
    if state.month is not None and state.month != month:
        raise InvalidCommand(f"the record is of {state.month}, not {month}", field="month")
    return [
        ActivityRecordWritten.of(
            cmd,
            record_id=record_id,
            month=month,
            author_name=optional_text(cmd.author_name),
            entries=_check_entries(cmd.entries, month, local_date(now)),
            written_at=now,
        )
    ]


def decide_submit(state: ActivityRecordState, cmd: SubmitActivityRecord, *, now: datetime) -> list[DomainEvent]:
    """提出 (or 再提出 after a return): by the author, with at least one entry."""
    record_id, staff_id, month = _require_record(state, cmd.record_id)
    if staff_id != cmd.submitted_by:
        raise Forbidden("only the author submits an activity record", field="record_id", reason="author_only")
    if state.status not in ("draft", "returned"):
        raise IllegalTransition(
            f"the record is already {state.status}: nothing to submit", field="record_id", reason="already_done"
        )
    if not state.entries:
        raise InvalidCommand(
            "write at least one entry before submitting the record", field="entries", reason="at_least_one"
        )
    return [
        ActivityRecordSubmitted(
            record_id=record_id,
            staff_id=staff_id,
            month=month,
            entry_count=len(state.entries),
            submitted_at=now,
            submitted_by=cmd.submitted_by,
        )
    ]


def _check_approver(state: ActivityRecordState, step: ApprovalStep, actor: str, doing: str) -> None:
    """The step must be the one the record waits for, and the approver not its author."""
    if actor == state.staff_id:
        raise Forbidden(
            f"nobody {doing} their own activity record: the {_STEP_NAME[step]} does",
            field="record_id",
            reason="not_own_record",
        )
    waiting = waiting_step(state)
    if waiting is None:
        raise IllegalTransition(
            f"the record is {state.status}: it waits for no approval (its author submits it first)",
            field="record_id",
            reason="record_status",
            ctx={"status": state.status},
        )
    if waiting != step:
        if step == "director":
            raise IllegalTransition(
                "the 地域福祉課長 (manager) approves the record first; the 局長 (director) decides after",
                field="step",
                reason="manager_first",
            )
        raise IllegalTransition(
            "the 地域福祉課長 (manager) has approved the record already; it waits for the 局長 (director)",
            field="step",
            reason="already_done",
        )


def decide_approve(state: ActivityRecordState, cmd: ApproveActivityRecord, *, now: datetime) -> list[DomainEvent]:
    """承認: 課長 first, then 局長; never the author."""
    record_id, staff_id, month = _require_record(state, cmd.record_id)
    _check_approver(state, cmd.step, cmd.approved_by, "approves")
    return [
        ActivityRecordApproved.of(
            cmd,
            record_id=record_id,
            staff_id=staff_id,
            month=month,
            comment=optional_text(cmd.comment),
            approved_at=now,
        )
    ]


def decide_return(state: ActivityRecordState, cmd: ReturnActivityRecord, *, now: datetime) -> list[DomainEvent]:
    """差し戻し: by the step the record waits for, with a reason; back to the author."""
    record_id, staff_id, month = _require_record(state, cmd.record_id)
    reason = required_text(cmd.reason, "reason", "what the author should rework")
    _check_approver(state, cmd.step, cmd.returned_by, "returns")
    return [
        ActivityRecordReturned.of(
            cmd, record_id=record_id, staff_id=staff_id, month=month, reason=reason, returned_at=now
        )
    ]


def decide_comment(state: ActivityRecordState, cmd: CommentActivityRecord, *, now: datetime) -> list[DomainEvent]:
    """コメント: an approver's remark on a submitted (or approved) record; not on a draft, not one's own."""
    record_id, staff_id, month = _require_record(state, cmd.record_id)
    comment = required_text(cmd.comment, "comment", "the remark for the author")
    if cmd.commented_by == staff_id:
        raise Forbidden(
            "comments on an activity record are the approvers'; the author revises it",
            field="record_id",
            reason="approvers_comment",
        )
    if state.status in ("draft", "returned"):
        raise IllegalTransition(
            f"the record is {state.status}: comment once its author has submitted it",
            field="record_id",
            reason="record_status",
            ctx={"status": state.status},
        )
    return [
        ActivityRecordCommented.of(
            cmd, record_id=record_id, staff_id=staff_id, month=month, comment=comment, commented_at=now
        )
    ]
