"""HTTP routes of the referral desk, the same in every department service (紹介・つなぎ)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from shared.auth import CurrentActor, require
from shared.envelope import Actor
from shared.referrals.commands import (
    AcceptReferral,
    CancelReferral,
    CompleteReferral,
    DeclineReferral,
    MakeReferral,
    RecordExternalOutcome,
)
from shared.referrals.desk import ReferralDesk
from shared.web import Limit, Offset, correlation_id

__all__ = ["referral_router"]

Manager = Annotated[Actor, Depends(require(roles={"manager", "admin", "system"}))]


class ReferralRequest(BaseModel):
    """紹介の申請: refer a case to another department or an outside agency."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "case_id": "hh-2c1e",
                    "household_id": "hh-2c1e",
                    "target_kind": "department",
                    "target": "intake",
                    "reason_category": "household_budget",
                    "reason_detail": "家賃の滞納が3か月。家計の見直しが必要",
                    "priority": "normal",
                    "deadline_days": 3,
                    "basis_kind": "consent",
                    "basis_reference": "consent-71a0",
                }
            ]
        },
    )

    case_id: str = Field(min_length=1, description="the person or household id the referral is about")
    person_id: str | None = None
    household_id: str | None = None
    target_kind: Literal["department", "external"]
    target: str = Field(min_length=1, description="a department (intake, loans, ...) or an agency code")
    reason_category: str = Field(min_length=1)
    reason_detail: str | None = Field(default=None, description="special-care details (要配慮個人情報)")
    priority: Literal["normal", "urgent", "same_day"] = "normal"
    deadline: datetime | None = Field(default=None, description="answer wanted by; or give deadline_days")
    deadline_days: int | None = Field(default=None, ge=1, le=90)
    basis_kind: Literal["consent", "statutory", "none"] = "none"
    basis_reference: str | None = None


class AcceptBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = None


class ReasonBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, description="required: the other side reads it")


class OutcomeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: str = Field(min_length=1, description="a referral outcome code")
    note: str | None = None


def referral_router(desk: ReferralDesk) -> APIRouter:
    router = APIRouter(prefix="/referrals", tags=["referrals 紹介"])

    @router.post("", status_code=201, summary="紹介する / make a referral")
    def make(body: ReferralRequest, request: Request, actor: CurrentActor) -> dict[str, Any]:
        now = desk.kit.clock.now()
        deadline = body.deadline or now + timedelta(days=body.deadline_days or 7)
        if deadline.tzinfo is None:
            deadline = deadline.replace(tzinfo=UTC)
        cmd = MakeReferral(
            referral_id=desk.kit.uow.ids(),
            by=actor.staff_id,
            case_id=body.case_id,
            person_id=body.person_id,
            household_id=body.household_id,
            target_kind=body.target_kind,
            target=body.target,
            reason_category=body.reason_category,
            reason_detail=body.reason_detail,
            priority=body.priority,
            deadline=deadline,
            basis_kind=body.basis_kind,
            basis_reference=body.basis_reference,
        )
        return desk.make(actor, cmd, correlation_id=correlation_id(request))

    @router.get("/inbox", summary="受付箱 / referrals addressed to this department")
    def inbox(
        actor: CurrentActor,
        status: Annotated[str | None, Query()] = None,
        priority: Annotated[str | None, Query()] = None,
        case_id: Annotated[str | None, Query()] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        return desk.inbox(actor, status=status, priority=priority, case_id=case_id, limit=limit, offset=offset)

    @router.get("/outbox", summary="紹介した案件 / referrals this department made, with their answers")
    def outbox(
        actor: CurrentActor,
        status: Annotated[str | None, Query()] = None,
        priority: Annotated[str | None, Query()] = None,
        case_id: Annotated[str | None, Query()] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        return desk.outbox(actor, status=status, priority=priority, case_id=case_id, limit=limit, offset=offset)

    @router.get("/escalations", summary="期限切れの紹介 / unanswered referrals escalated to managers")
    def escalations(actor: Manager, limit: Limit = 50) -> dict[str, Any]:
        return desk.escalations(actor, limit=limit)

    @router.post("/expire-overdue", summary="期限切れ処理 / expire and escalate overdue referrals now")
    def expire(actor: Manager) -> dict[str, Any]:
        return {"expired": desk.expire_overdue()}

    @router.get("/rules", summary="自動つなぎルール / the automatic referral rules in force")
    def rules(actor: CurrentActor) -> dict[str, Any]:
        return {
            "version": desk.rules.version,
            "checksum": desk.rules.checksum,
            "rules": [
                {
                    "id": r.id,
                    "version": r.version,
                    "description": r.description,
                    "triggers": list(r.triggers),
                    "target_kind": r.target_kind,
                    "target": r.target,
                    "reason_category": r.reason_category,
                    "priority": r.priority,
                    "deadline_hours": r.deadline.total_seconds() / 3600,
                    "enabled": r.enabled,
                    "reviewed_by": r.reviewed_by,
                    "approved_at": r.approved_at.isoformat() if r.approved_at else None,
                }
                for r in desk.rules
            ],
            "awaiting_review": [r.id for r in desk.rules.awaiting_review()],
        }

    @router.get("/{referral_id}", summary="紹介の詳細 / one referral")
    def get(referral_id: str, actor: CurrentActor) -> dict[str, Any]:
        return desk.get(referral_id, actor)

    @router.post("/{referral_id}/accept", summary="受理 / accept")
    def accept(referral_id: str, body: AcceptBody, request: Request, actor: CurrentActor) -> dict[str, Any]:
        cmd = AcceptReferral(referral_id=referral_id, by=actor.staff_id, note=body.note)
        return desk.accept(actor, cmd, correlation_id=correlation_id(request))

    @router.post("/{referral_id}/decline", summary="受理しない / decline (reason required)")
    def decline(referral_id: str, body: ReasonBody, request: Request, actor: CurrentActor) -> dict[str, Any]:
        cmd = DeclineReferral(referral_id=referral_id, by=actor.staff_id, reason=body.reason)
        return desk.decline(actor, cmd, correlation_id=correlation_id(request))

    @router.post("/{referral_id}/complete", summary="対応完了 / complete with an outcome")
    def complete(referral_id: str, body: OutcomeBody, request: Request, actor: CurrentActor) -> dict[str, Any]:
        cmd = CompleteReferral(referral_id=referral_id, by=actor.staff_id, outcome=body.outcome, note=body.note)
        return desk.complete(actor, cmd, correlation_id=correlation_id(request))

    @router.post("/{referral_id}/cancel", summary="取り下げ / cancel (reason required)")
    def cancel(referral_id: str, body: ReasonBody, request: Request, actor: CurrentActor) -> dict[str, Any]:
        cmd = CancelReferral(referral_id=referral_id, by=actor.staff_id, reason=body.reason)
        return desk.cancel(actor, cmd, correlation_id=correlation_id(request))

    @router.post("/{referral_id}/outcome", summary="外部機関の対応結果 / record an outside agency's outcome")
    def outcome(referral_id: str, body: OutcomeBody, request: Request, actor: CurrentActor) -> dict[str, Any]:
        cmd = RecordExternalOutcome(referral_id=referral_id, by=actor.staff_id, outcome=body.outcome, note=body.note)
        return desk.record_outcome(actor, cmd, correlation_id=correlation_id(request))

    return router
