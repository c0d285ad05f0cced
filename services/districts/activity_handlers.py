"""Handlers of the monthly activity records (地区活動記録) and their approval (課長 → 局長).

Each is one :func:`shared.commands.execute` on the ``district-activity-{record_id}`` aggregate
(:data:`ACTIVITY`): load, check the expected version (a stale edit is a 409), decide, record,
update the read row on the same connection, commit. A record's id is its author's and month's
(:func:`services.districts.domain.activity_record.record_id_of`): writing a month's record the
first time opens it, later writes revise it.
"""

from __future__ import annotations

from typing import Any

from services.districts.adapters import activity_rows
from services.districts.domain import activity_record as ar
from services.districts.domain.commands import (
    ApproveActivityRecord,
    CommentActivityRecord,
    ReturnActivityRecord,
    SubmitActivityRecord,
    WriteActivityRecord,
)
from services.districts.domain.errors import ActivityRecordNotFound
from services.districts.domain.events import DISTRICT_EVENTS
from shared.commands import Aggregate, CommandContext, Outcome, execute, saving
from shared.errors import AlreadyExists
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork

__all__ = [
    "ACTIVITY",
    "ACTIVITY_FOLD",
    "approve_record",
    "comment_record",
    "return_record",
    "revise_record",
    "submit_record",
    "write_record",
]

ACTIVITY_FOLD = Fold(ar.ActivityRecordState, ar.apply, DISTRICT_EVENTS)


ACTIVITY: Aggregate[ar.ActivityRecordState] = Aggregate(
    name="activity record",
    prefix="district-activity",
    fold=ACTIVITY_FOLD,
    not_found=lambda rid: ActivityRecordNotFound(
        f"no activity record {rid!r}: its author writes it first (POST /activity-records)", field="record_id"
    ),
    project=saving(activity_rows.save_record),
    id_field="record_id",
)


def _reply(outcome: Outcome[ar.ActivityRecordState]) -> dict[str, Any]:
    return outcome.reply("record_id", "staff_id", "month", "status")


def write_record(kit: ServiceKit, ctx: CommandContext, cmd: WriteActivityRecord) -> dict[str, Any]:
    """作成: the author's record of the month, which must not exist yet."""
    month = (cmd.month or "").strip()
    record_id = ar.record_id_of(cmd.staff_id, month)

    def decide(state: ar.ActivityRecordState, u: UnitOfWork) -> list[Any]:
        if state.record_id is not None:
            raise AlreadyExists(
                f"you have an activity record of {state.month} already ({record_id}): revise it "
                f"(PUT /activity-records/{record_id})",
                field="month",
                reason="record_of_month_exists",
                ctx={"month": month},
            )
        return ar.decide_write(state, cmd, now=u.now(), record_id=record_id)

    return _reply(execute(kit.uow, ctx, ACTIVITY, record_id, decide, new=None))


def revise_record(kit: ServiceKit, ctx: CommandContext, record_id: str, cmd: WriteActivityRecord) -> dict[str, Any]:
    """修正: the author's entries, as a whole, while the record is a draft or returned."""
    return _reply(
        execute(
            kit.uow,
            ctx,
            ACTIVITY,
            record_id,
            lambda s, u: ar.decide_write(s, cmd, now=u.now(), record_id=record_id),
        )
    )


def submit_record(kit: ServiceKit, ctx: CommandContext, cmd: SubmitActivityRecord) -> dict[str, Any]:
    """提出・再提出."""
    return _reply(execute(kit.uow, ctx, ACTIVITY, cmd.record_id, lambda s, u: ar.decide_submit(s, cmd, now=u.now())))


def approve_record(kit: ServiceKit, ctx: CommandContext, cmd: ApproveActivityRecord) -> dict[str, Any]:
    """承認 (課長, then 局長)."""
    return _reply(execute(kit.uow, ctx, ACTIVITY, cmd.record_id, lambda s, u: ar.decide_approve(s, cmd, now=u.now())))


def comment_record(kit: ServiceKit, ctx: CommandContext, cmd: CommentActivityRecord) -> dict[str, Any]:
    """コメント."""
    return _reply(execute(kit.uow, ctx, ACTIVITY, cmd.record_id, lambda s, u: ar.decide_comment(s, cmd, now=u.now())))


def return_record(kit: ServiceKit, ctx: CommandContext, cmd: ReturnActivityRecord) -> dict[str, Any]:
    """差し戻し."""
    return _reply(execute(kit.uow, ctx, ACTIVITY, cmd.record_id, lambda s, u: ar.decide_return(s, cmd, now=u.now())))
