"""Builders for the referral tests: a loans → intake referral, with exact times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.referrals import (
    MakeReferral,
    ReferralMade,
    ReferralState,
    decide_make,
    fold,
)

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=3)


def make_command(**overrides: Any) -> MakeReferral:
    fields: dict[str, Any] = {
        "referral_id": "ref-1",
        "by": "staff-loans-1",
        "case_id": "hh-1",
        "household_id": "hh-1",
        "target_kind": "department",
        "target": "intake",
        "reason_category": "household_budget",
        "reason_detail": "年金を管理できず、月末に食費が尽きる",
        "priority": "normal",
        "deadline": DEADLINE,
        "basis_kind": "consent",
        "basis_reference": "consent-7",
    }
    fields.update(overrides)
    return MakeReferral(**fields)


def made(department: str = "loans", **overrides: Any) -> ReferralMade:
    (event,) = decide_make(None, make_command(**overrides), department=department, now=T0)
    return event


def state_of(*events: Any) -> ReferralState:
    state = fold(events)
    assert state is not None
    return state
