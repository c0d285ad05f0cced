"""Referral commands: what staff ask the referral domain to do.

Fields are typed but not constrained here, so that :mod:`shared.referrals.model` can refuse bad
input with :class:`shared.errors.InvalidCommand` and a message naming the allowed values. The acting
department is never a command field: the caller passes it from the authenticated actor.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

__all__ = [
    "AcceptReferral",
    "CancelReferral",
    "CompleteReferral",
    "DeclineReferral",
    "MakeReferral",
    "RecordExternalOutcome",
]


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    referral_id: str
    by: str


class MakeReferral(_Command):
    """紹介する: refer a case to a department or outside agency (``by`` is the staff id)."""

    case_id: str
    person_id: str | None = None
    household_id: str | None = None
    target_kind: str
    target: str
    reason_category: str
    reason_detail: str | None = None
    priority: str = "normal"
    deadline: datetime
    basis_kind: str = "none"
    basis_reference: str | None = None


class AcceptReferral(_Command):
    """受理する."""

    note: str | None = None


class DeclineReferral(_Command):
    """受理しない: the reason is required and goes back to the source."""

    reason: str


class CompleteReferral(_Command):
    """対応を完了する: ``outcome`` is a referral outcome code."""

    outcome: str
    note: str | None = None


class CancelReferral(_Command):
    """取り下げる: the reason is required."""

    reason: str


class RecordExternalOutcome(_Command):
    """つなぎ先の対応を記録する: what the outside agency did, recorded by the source."""

    outcome: str
    note: str | None = None
