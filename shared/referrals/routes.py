"""HTTP routes of the referral desk, the same in every department service (紹介・つなぎ).

Like every service's routes they take the kit's edge (:func:`shared.web.edge`): the actor, the
correlation id and ``If-Match`` come in as a command context; a read leaves the access trail
(:meth:`shared.web.Edge.read`), and every reply about one referral carries its ``version`` as the
ETag. An answer (accept, decline, ...) sent with a stale ``If-Match`` is refused with 409 and
nothing is recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from shared.referrals.commands import (
    AcceptReferral,
    CancelReferral,
    CompleteReferral,
    DeclineReferral,
    MakeReferral,
    RecordExternalOutcome,
)
from shared.referrals.desk import ReferralDesk
from shared.text import Code, Line, Ref, Text
from shared.web import Edge, Limit, Offset, edge

__all__ = ["referral_router"]

Staff = Annotated[Edge, edge()]
Manager = Annotated[Edge, edge(roles={"manager", "admin", "system"})]
EscalationReader = Annotated[Edge, edge(roles={"manager", "director", "admin", "system"})]
"""Escalations are read by the managers and by the 局長 (director), who reads what a manager reads."""


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

    case_id: Ref = Field(min_length=1, description="the person or household id the referral is about")
    person_id: Ref | None = None
    household_id: Ref | None = None
    target_kind: Literal["department", "external"]
    target: Code = Field(min_length=1, description="a department (intake, loans, ...) or an agency code")
    reason_category: Code = Field(min_length=1)
    reason_detail: Text | None = Field(default=None, description="special-care details (要配慮個人情報)")
    priority: Literal["normal", "urgent", "same_day"] = "normal"
    deadline: datetime | None = Field(default=None, description="answer wanted by; or give deadline_days")
    deadline_days: int | None = Field(default=None, ge=1, le=90)
    basis_kind: Literal["consent", "statutory", "none"] = "none"
    basis_reference: Line | None = None


class AcceptBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Text | None = None


class ReasonBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Line = Field(min_length=1, description="required: the other side reads it")


class OutcomeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Code = Field(min_length=1, description="a referral outcome code")
    note: Text | None = None


class ReferralView(BaseModel):
    """A referral as the reading department may see it (:func:`shared.referrals.view.visible_referral`):
    special-care free text withheld from the other side without a basis is ``null`` and named in
    ``redacted``, so a screen says 非開示 instead of showing nothing."""

    model_config = ConfigDict(extra="allow")

    referral_id: str
    case_id: str
    person_id: str | None = None
    household_id: str | None = None
    source_department: str
    target_kind: Literal["department", "external"]
    target: str
    reason_category: str | None = Field(description="null when it is itself special-care and withheld")
    reason_detail: str | None = None
    priority: Literal["normal", "urgent", "same_day"]
    status: Literal["made", "accepted", "declined", "completed", "cancelled", "expired"]
    deadline: datetime | None = None
    made_at: datetime | None = None
    made_by: str | None = None
    basis_kind: Literal["consent", "statutory", "none"]
    automatic: bool = False
    rule_id: str | None = None
    rule_version: int | None = None
    accepted_at: datetime | None = None
    accepted_by: str | None = None
    accept_note: str | None = None
    declined_at: datetime | None = None
    declined_by: str | None = None
    decline_reason: str | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    outcome: str | None = None
    outcome_note: str | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    expired_at: datetime | None = None
    escalated_to: str | None = Field(default=None, description="department:role the expiry escalated to")
    redacted: list[str] = []
    version: int = Field(description="the stream version: send it as If-Match with an answer")


class ReferralPage(BaseModel):
    """A page of an inbox, outbox or escalation list, with the counts by status for its header."""

    items: list[ReferralView]
    total: int
    limit: int
    offset: int
    counts: dict[str, int] = Field(description="every status of the same side and narrowing, whatever is listed")


def referral_router(desk: ReferralDesk) -> APIRouter:
    router = APIRouter(prefix="/referrals", tags=["referrals 紹介"])

    @router.post("", status_code=201, summary="紹介する / make a referral", response_model=ReferralView)
    def make(body: ReferralRequest, at: Staff) -> dict[str, Any]:
        now = desk.kit.clock.now()
        deadline = body.deadline or now + timedelta(days=body.deadline_days or 7)
        if deadline.tzinfo is None:
            deadline = deadline.replace(tzinfo=UTC)
        cmd = MakeReferral(
            referral_id=desk.kit.uow.ids(),
            by=at.actor.staff_id,
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
        return at.reply(desk.make(at.command(), cmd))

    @router.get("/inbox", summary="受付箱 / referrals addressed to this department", response_model=ReferralPage)
    def inbox(
        at: Staff,
        status: Annotated[str | None, Query()] = None,
        priority: Annotated[str | None, Query()] = None,
        case_id: Annotated[str | None, Query()] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        page = desk.inbox(at.actor, status=status, priority=priority, case_id=case_id, limit=limit, offset=offset)
        return at.read(desk.kit, page)

    @router.get(
        "/outbox",
        summary="紹介した案件 / referrals this department made, with their answers",
        response_model=ReferralPage,
    )
    def outbox(
        at: Staff,
        status: Annotated[str | None, Query()] = None,
        priority: Annotated[str | None, Query()] = None,
        case_id: Annotated[str | None, Query()] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        page = desk.outbox(at.actor, status=status, priority=priority, case_id=case_id, limit=limit, offset=offset)
        return at.read(desk.kit, page)

    @router.get(
        "/escalations",
        summary="期限切れの紹介 / unanswered referrals escalated to managers",
        response_model=ReferralPage,
    )
    def escalations(at: EscalationReader, limit: Limit = 50) -> dict[str, Any]:
        return at.read(desk.kit, desk.escalations(at.actor, limit=limit))

    @router.post("/expire-overdue", summary="期限切れ処理 / expire and escalate overdue referrals now")
    def expire(at: Manager) -> dict[str, Any]:
        return {"expired": desk.expire_overdue()}

    @router.get("/rules", summary="自動つなぎルール / the automatic referral rules in force")
    def rules(at: Staff) -> dict[str, Any]:
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

    @router.get("/{referral_id}", summary="紹介の詳細 / one referral", response_model=ReferralView)
    def get(referral_id: str, at: Staff) -> dict[str, Any]:
        return at.read(desk.kit, desk.get(referral_id, at.actor))

    @router.post("/{referral_id}/accept", summary="受理 / accept", response_model=ReferralView)
    def accept(referral_id: str, body: AcceptBody, at: Staff) -> dict[str, Any]:
        cmd = AcceptReferral(referral_id=referral_id, by=at.actor.staff_id, note=body.note)
        return at.reply(desk.accept(at.command(), cmd))

    @router.post(
        "/{referral_id}/decline", summary="受理しない / decline (reason required)", response_model=ReferralView
    )
    def decline(referral_id: str, body: ReasonBody, at: Staff) -> dict[str, Any]:
        cmd = DeclineReferral(referral_id=referral_id, by=at.actor.staff_id, reason=body.reason)
        return at.reply(desk.decline(at.command(), cmd))

    @router.post("/{referral_id}/complete", summary="対応完了 / complete with an outcome", response_model=ReferralView)
    def complete(referral_id: str, body: OutcomeBody, at: Staff) -> dict[str, Any]:
        cmd = CompleteReferral(referral_id=referral_id, by=at.actor.staff_id, outcome=body.outcome, note=body.note)
        return at.reply(desk.complete(at.command(), cmd))

    @router.post("/{referral_id}/cancel", summary="取り下げ / cancel (reason required)", response_model=ReferralView)
    def cancel(referral_id: str, body: ReasonBody, at: Staff) -> dict[str, Any]:
        cmd = CancelReferral(referral_id=referral_id, by=at.actor.staff_id, reason=body.reason)
        return at.reply(desk.cancel(at.command(), cmd))

    @router.post(
        "/{referral_id}/outcome",
        summary="外部機関の対応結果 / record an outside agency's outcome",
        response_model=ReferralView,
    )
    def outcome(referral_id: str, body: OutcomeBody, at: Staff) -> dict[str, Any]:
        cmd = RecordExternalOutcome(referral_id=referral_id, by=at.actor.staff_id, outcome=body.outcome, note=body.note)
        return at.reply(desk.record_outcome(at.command(), cmd))

    return router
