"""Intake's referrals (紹介・つなぎ): a referral claims a consent or statutory basis only when the
person's consent ledger holds one in force; the referral itself is the kit's referral desk's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.intake.adapters import consultations as consultation_rows
from services.intake.domain.errors import ConsultationNotFound
from services.intake.handlers.consents import find_basis
from services.intake.schemas import ReferralBody
from shared.commands import CommandContext
from shared.consent import Basis, Recipient
from shared.db import reading
from shared.errors import Forbidden, InvalidCommand
from shared.referrals.commands import MakeReferral
from shared.referrals.desk import ReferralDesk
from shared.service import ServiceKit

__all__ = ["DEFAULT_DEADLINES", "make_referral"]

DEFAULT_DEADLINES = {"same_day": timedelta(hours=8), "urgent": timedelta(days=1), "normal": timedelta(days=7)}


def make_referral(kit: ServiceKit, desk: ReferralDesk, ctx: CommandContext, req: ReferralBody) -> dict[str, Any]:
    """紹介する: intake claims a consent or statutory basis only when its ledger holds one in force.

    ``basis_kind="auto"`` uses whatever the ledger allows (else none: the target then sees that the
    referral exists and why, not the special-care details); ``consent``/``statutory`` are refused
    when no such record covers the target and purpose now.
    """
    case_id, person_id, household_id = req.case_id, req.person_id, req.household_id
    if req.consultation_id is not None:
        with reading(kit.engine) as conn:
            row = consultation_rows.get_row(conn, req.consultation_id)
        if row is None:
            raise ConsultationNotFound(f"no consultation {req.consultation_id!r} was opened", field="consultation_id")
        case_id = case_id or row["case_id"]
        person_id = person_id or row["person_id"]
        household_id = household_id or row["household_id"]
    if not case_id:
        raise InvalidCommand(
            "give case_id (person or household id) or consultation_id", field="case_id", reason="required"
        )
    recipient = Recipient(kind="department" if req.target_kind == "department" else "agency", id=req.target)
    basis: Basis | None = None
    if req.basis_kind != "none":
        basis = find_basis(kit, person_id, recipient, req.purpose, reference=req.basis_reference)
        if req.basis_kind in ("consent", "statutory") and (basis is None or basis.kind != req.basis_kind):
            raise Forbidden(
                f"no {req.basis_kind} record in force lets person {person_id!r}'s details go to "
                f"{recipient.kind} {recipient.id!r} for purpose {req.purpose!r}: record the person's consent "
                "(POST /people/{person_id}/consents) or statutory sharing first, or refer with basis_kind 'none' "
                "(the target then sees the referral and its reason category, not the details)",
                field="basis_kind",
                reason="no_basis_in_force",
            )
    deadline = kit.clock.now() + (
        timedelta(days=req.deadline_days) if req.deadline_days else DEFAULT_DEADLINES.get(req.priority, timedelta(7))
    )
    cmd = MakeReferral(
        referral_id=kit.uow.ids(),
        by=ctx.actor.staff_id,
        case_id=case_id,
        person_id=person_id,
        household_id=household_id,
        target_kind=req.target_kind,
        target=req.target,
        reason_category=req.reason_category,
        reason_detail=req.reason_detail,
        priority=req.priority,
        deadline=deadline,
        basis_kind=basis.kind if basis else "none",
        basis_reference=basis.reference_id if basis else None,
    )
    return desk.make(ctx.actor, cmd, correlation_id=ctx.correlation_id)
