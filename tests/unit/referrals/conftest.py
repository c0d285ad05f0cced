"""Fixtures of the referral tests: one loans → intake referral and one external one."""

from __future__ import annotations

import pytest

from shared.referrals import ReferralState
from tests.unit.referrals.referral_builders import made, state_of


@pytest.fixture
def internal() -> ReferralState:
    """loans refers household hh-1 to intake for budget consultation; nobody has answered."""
    return state_of(made())


@pytest.fixture
def external() -> ReferralState:
    """loans refers household hh-1 to the community support centre (地域包括支援センター)."""
    return state_of(made(target_kind="external", target="community_support_centre", reason_category="other"))
