"""Both sides' events folded in any interleaving, with redeliveries, give one well-defined state."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest

from shared.referrals import (
    ReferralAccepted,
    ReferralCancelled,
    ReferralCompleted,
    ReferralDeclined,
    ReferralEscalated,
    ReferralEvent,
    ReferralExpired,
    ReferralOutcomeRecorded,
    ReferralState,
    Status,
    apply,
    fold,
)
from tests.unit.referrals.referral_builders import DEADLINE, T0, made

MADE = made()
ACCEPTED = ReferralAccepted(referral_id="ref-1", by="staff-intake-1", at=T0 + timedelta(hours=1))
DECLINED = ReferralDeclined(referral_id="ref-1", by="staff-intake-1", reason="対象外", at=T0 + timedelta(hours=1))
COMPLETED = ReferralCompleted(referral_id="ref-1", by="staff-intake-1", outcome="resolved", at=T0 + timedelta(days=2))
CANCELLED = ReferralCancelled(referral_id="ref-1", by="staff-loans-1", reason="転居", at=T0 + timedelta(days=1))
EXPIRED = ReferralExpired(referral_id="ref-1", deadline=DEADLINE, at=DEADLINE + timedelta(minutes=5))
ESCALATED = ReferralEscalated(referral_id="ref-1", department="loans", at=DEADLINE + timedelta(minutes=5))
OUTCOME = ReferralOutcomeRecorded(
    referral_id="ref-1", by="staff-loans-1", outcome="resolved", at=T0 + timedelta(days=5)
)


def every_order(events: list[ReferralEvent]) -> set[ReferralState]:
    states = set()
    for order in itertools.permutations(events):
        state = fold(order)
        assert state is not None
        states.add(state)
    return states


@pytest.mark.parametrize(
    ("events", "status"),
    [
        ([MADE], Status.MADE),
        ([MADE, ACCEPTED], Status.ACCEPTED),
        ([MADE, DECLINED], Status.DECLINED),
        ([MADE, ACCEPTED, COMPLETED], Status.COMPLETED),
        # the source cancels after the target accepted: the work stops
        ([MADE, ACCEPTED, CANCELLED], Status.CANCELLED),
        # the target completed while the source's cancel crossed it: what happened stands
        ([MADE, ACCEPTED, CANCELLED, COMPLETED], Status.COMPLETED),
        # a cancel crossing a decline: still cancelled (the source withdrew it)
        ([MADE, DECLINED, CANCELLED], Status.CANCELLED),
        # the source timed out while the target's answer was in flight: the answer wins
        ([MADE, EXPIRED, ESCALATED, ACCEPTED], Status.ACCEPTED),
        ([MADE, EXPIRED, ESCALATED, DECLINED], Status.DECLINED),
        ([MADE, EXPIRED, ESCALATED], Status.EXPIRED),
        ([MADE, EXPIRED, ESCALATED, ACCEPTED, COMPLETED], Status.COMPLETED),
        ([MADE, EXPIRED, ESCALATED, CANCELLED], Status.CANCELLED),
        ([MADE, EXPIRED, ESCALATED, OUTCOME], Status.COMPLETED),
    ],
)
def test_every_interleaving_of_both_sides_gives_the_same_state(events: list[ReferralEvent], status: Status) -> None:
    (state,) = every_order(events)
    assert state.status is status


def test_the_target_side_arriving_first_is_kept_until_the_referral_is_known() -> None:
    early = fold([ACCEPTED])
    assert early is not None and not early.known and early.status is Status.ACCEPTED
    assert apply(early, MADE) == fold([MADE, ACCEPTED])


def test_a_redelivered_event_changes_nothing() -> None:
    once = fold([MADE, ACCEPTED, COMPLETED])
    assert fold([MADE, ACCEPTED, ACCEPTED, MADE, COMPLETED, COMPLETED]) == once


def test_two_different_events_of_one_kind_resolve_to_the_earlier_in_any_order() -> None:
    late = ReferralAccepted(referral_id="ref-1", by="staff-intake-2", at=T0 + timedelta(hours=3))
    (state,) = every_order([MADE, ACCEPTED, late])
    assert state.accepted == ACCEPTED


def test_random_shuffles_with_duplicates_converge() -> None:
    events: list[ReferralEvent] = [MADE, EXPIRED, ESCALATED, ACCEPTED, CANCELLED, COMPLETED]
    expected = fold(events)
    rng = random.Random(7)
    for _ in range(200):
        sample = events + rng.choices(events, k=4)
        rng.shuffle(sample)
        assert fold(sample) == expected


def test_an_event_of_another_referral_is_not_folded_in() -> None:
    state = fold([MADE])
    with pytest.raises(ValueError, match="ref-2"):
        apply(state, ReferralAccepted(referral_id="ref-2", by="s", at=T0))


def test_folding_nothing_gives_no_referral() -> None:
    assert fold([]) is None


def test_the_version_counts_the_facts_known_in_any_order_and_a_redelivery_does_not_raise_it() -> None:
    events: list[ReferralEvent] = [MADE, ACCEPTED, CANCELLED, COMPLETED]
    assert {s.version for s in every_order(events)} == {4}
    assert [s.version for s in (apply(None, MADE), apply(apply(None, MADE), ACCEPTED))] == [1, 2]
    assert {s.version for s in every_order([MADE, ACCEPTED, ACCEPTED])} == {2}
