"""Value objects shared by the intake desk's commands and events."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "CLOSURE_OUTCOMES",
    "CONTACT_OUTCOMES",
    "URGENCIES",
    "ClosureOutcome",
    "ContactOutcome",
    "PlanStep",
    "Responsible",
    "Urgency",
]

Urgency = Literal["normal", "urgent", "same_day"]
"""緊急度: normal (通常), urgent (緊急), same_day (即日対応)."""
URGENCIES: tuple[Urgency, ...] = ("normal", "urgent", "same_day")

ContactOutcome = Literal["reached", "not_reached", "refused"]
"""接触結果: reached the person or party (接触できた), not reached (不在・不通), refused (拒否)."""
CONTACT_OUTCOMES: tuple[ContactOutcome, ...] = ("reached", "not_reached", "refused")

ClosureOutcome = Literal["solved", "connected_to_service", "referred_outside", "person_declined", "lost_contact"]
"""終結理由: solved (解決), connected to a council service (社協内サービスへつないだ), referred outside
(外部機関へつないだ), the person declined (本人拒否), lost contact (連絡途絶)."""
CLOSURE_OUTCOMES: tuple[ClosureOutcome, ...] = (
    "solved",
    "connected_to_service",
    "referred_outside",
    "person_declined",
    "lost_contact",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Responsible(_Frozen):
    """担当: who carries a plan step: a council department, an outside agency, the community
    (residents, 民生委員, 地区社協) or the person/household themselves."""

    kind: Literal["department", "agency", "community", "person"]
    name: str


class PlanStep(_Frozen):
    """支援計画の一手: a step on the support ladder (``support_ladder`` code), its action, who
    carries it and by when."""

    rung: str
    action: str
    responsible: Responsible
    due_on: date | None = None
