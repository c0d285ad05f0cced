"""Routes of the monthly activity records (地区活動記録) and their approval (課長 → 局長).

District staff (workers, managers) write their own month's record and submit it; the districts
managers (地域福祉課長) take the first approval step and the director (局長, role ``director``) the
second; either may comment or return the record for rework with a reason. The staff meeting (職員会議)
lists a month's records of all district staff. Records are the districts department's: other
departments read none of them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from services.districts import activity_handlers as handlers
from services.districts import activity_queries as queries
from services.districts.domain import commands as c
from services.districts.domain.values import ActivityEntry
from services.districts.edges import Approver, DistrictStaff, Writer
from services.districts.responses import ActivityRecordPage, ActivityRecordReply, ActivityRecordView
from services.districts.schemas import (
    ActivityApprovalBody,
    ActivityCommentBody,
    ActivityEntryBody,
    ActivityRecordBody,
    ActivityReturnBody,
    ActivityRevisionBody,
    ActivitySubmitBody,
)
from shared.web import Edge, KitDep, Limit, Month, Offset, OptionalMonth

__all__ = ["router"]

RecordId = Annotated[str, Path(min_length=1, max_length=128, description="the record's id (ar-YYYY-MM-...)")]
StatusParam = Annotated[
    str | None, Query(pattern="^(draft|submitted|manager_approved|approved|returned)$", description="only this status")
]

router = APIRouter(prefix="/activity-records", tags=["activity records 地区活動記録"])


def _entries(entries: list[ActivityEntryBody]) -> tuple[ActivityEntry, ...]:
    return tuple(ActivityEntry(**e.model_dump()) for e in entries)


def _step(at: Edge) -> Any:
    return queries.STEP_OF_ROLE[at.actor.role]


@router.post(
    "",
    status_code=201,
    summary="地区活動記録の作成 / open your activity record of a month (one per month)",
    response_model=ActivityRecordReply,
)
def write_record(body: ActivityRecordBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.WriteActivityRecord.of(
        body,
        staff_id=at.actor.staff_id,
        author_name=at.actor.name,
        entries=_entries(body.entries),
        written_by=at.actor.staff_id,
    )
    return at.submit(handlers.write_record, kit, cmd, body)


@router.get(
    "",
    summary="職員会議 / the month's activity records of all district staff, their status and remarks",
    response_model=ActivityRecordPage,
)
def staff_meeting(
    kit: KitDep,
    at: DistrictStaff,
    month: Month,
    status: StatusParam = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.reply(queries.list_month(kit, month=month, status=status, limit=limit, offset=offset))


@router.get(
    "/mine", summary="自分の地区活動記録 / your own records and their remarks", response_model=ActivityRecordPage
)
def my_records(
    kit: KitDep, at: DistrictStaff, month: OptionalMonth = None, limit: Limit = 24, offset: Offset = 0
) -> dict[str, Any]:
    return at.reply(queries.list_mine(kit, at.actor, month=month, limit=limit, offset=offset))


@router.get(
    "/queue",
    summary="承認待ち / records waiting for your step (課長: submitted; 局長: approved by the 課長)",
    response_model=ActivityRecordPage,
)
def approval_queue(kit: KitDep, at: Approver, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    return at.reply(queries.queue(kit, at.actor, limit=limit, offset=offset))


@router.get(
    "/{record_id}", summary="地区活動記録 / one record with its entries and remarks", response_model=ActivityRecordView
)
def get_record(record_id: RecordId, kit: KitDep, at: DistrictStaff) -> dict[str, Any]:
    return at.reply(queries.get_record(kit, record_id))


@router.put(
    "/{record_id}",
    summary="地区活動記録の修正 / your entries as a whole (a draft, or returned to you)",
    response_model=ActivityRecordReply,
)
def revise_record(record_id: RecordId, body: ActivityRevisionBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.WriteActivityRecord(
        staff_id=at.actor.staff_id,
        author_name=at.actor.name,
        entries=_entries(body.entries),
        written_by=at.actor.staff_id,
    )
    return at.reply(handlers.revise_record(kit, at.command(body.expected_version), record_id, cmd))


@router.post("/{record_id}/submit", summary="提出・再提出 / submit your record", response_model=ActivityRecordReply)
def submit_record(record_id: RecordId, body: ActivitySubmitBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.SubmitActivityRecord.of(body, record_id=record_id, submitted_by=at.actor.staff_id)
    return at.submit(handlers.submit_record, kit, cmd, body)


@router.post(
    "/{record_id}/approve",
    summary="承認 / approve at your step (課長 first, then 局長); never your own record",
    response_model=ActivityRecordReply,
)
def approve_record(record_id: RecordId, body: ActivityApprovalBody, kit: KitDep, at: Approver) -> dict[str, Any]:
    cmd = c.ApproveActivityRecord.of(
        body, record_id=record_id, step=_step(at), approved_by=at.actor.staff_id, approver_name=at.actor.name
    )
    return at.submit(handlers.approve_record, kit, cmd, body)


@router.post("/{record_id}/comment", summary="コメント / a remark for the author", response_model=ActivityRecordReply)
def comment_record(record_id: RecordId, body: ActivityCommentBody, kit: KitDep, at: Approver) -> dict[str, Any]:
    cmd = c.CommentActivityRecord.of(
        body, record_id=record_id, step=_step(at), commented_by=at.actor.staff_id, commenter_name=at.actor.name
    )
    return at.submit(handlers.comment_record, kit, cmd, body)


@router.post(
    "/{record_id}/return",
    summary="差し戻し / return the record to its author for rework, with the reason",
    response_model=ActivityRecordReply,
)
def return_record(record_id: RecordId, body: ActivityReturnBody, kit: KitDep, at: Approver) -> dict[str, Any]:
    cmd = c.ReturnActivityRecord.of(
        body, record_id=record_id, step=_step(at), returned_by=at.actor.staff_id, returner_name=at.actor.name
    )
    return at.submit(handlers.return_record, kit, cmd, body)
