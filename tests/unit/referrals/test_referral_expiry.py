"""Deadlines: an unanswered referral expires once and is escalated to a source manager."""

from __future__ import annotations

from datetime import timedelta

from shared.referrals import (
    ReferralAccepted,
    ReferralEscalated,
    ReferralExpired,
    ReferralState,
    Status,
    apply,
    decide_expire,
    fold,
)
from tests.unit.referrals.referral_builders import DEADLINE, T0, made

AFTER = DEADLINE + timedelta(seconds=1)


def test_an_unanswered_referral_past_its_deadline_expires_and_escalates_to_the_source_manager(
    internal: ReferralState,
) -> None:
    expired, escalated = decide_expire(internal, AFTER)
    assert isinstance(expired, ReferralExpired) and expired.deadline == DEADLINE and expired.at == AFTER
    assert isinstance(escalated, ReferralEscalated)
    assert (escalated.to_role, escalated.department) == ("manager", "loans")
    assert fold([expired, escalated], internal) is not None


def test_nothing_expires_at_or_before_the_deadline(internal: ReferralState) -> None:
    assert decide_expire(internal, T0) == []
    assert decide_expire(internal, DEADLINE) == []


def test_expiry_is_idempotent(internal: ReferralState) -> None:
    state = fold(decide_expire(internal, AFTER), internal)
    assert state is not None and state.status is Status.EXPIRED
    assert decide_expire(state, AFTER + timedelta(days=1)) == []


def test_an_answered_referral_never_expires(internal: ReferralState) -> None:
    accepted = apply(internal, ReferralAccepted(referral_id="ref-1", by="s", at=T0 + timedelta(hours=1)))
    assert decide_expire(accepted, AFTER) == []


def test_an_unknown_referral_never_expires() -> None:
    assert decide_expire(None, AFTER) == []
    only_answer = fold([ReferralAccepted(referral_id="ref-1", by="s", at=T0)])
    assert decide_expire(only_answer, AFTER) == []


def test_an_external_referral_expires_to_the_source_manager_too(external: ReferralState) -> None:
    _, escalated = decide_expire(external, AFTER)
    assert isinstance(escalated, ReferralEscalated) and escalated.department == "loans"


def test_a_same_day_referral_expires_after_its_short_deadline() -> None:
    state = fold([made(priority="same_day", deadline=T0 + timedelta(hours=8))])
    assert decide_expire(state, T0 + timedelta(hours=8, minutes=1)) != []
