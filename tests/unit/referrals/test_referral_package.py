"""The package's public surface: an honest ``__all__``, the event registry, event validation."""

from __future__ import annotations

import inspect

import pydantic
import pytest

import shared.referrals as referrals
from shared.referrals import REFERRAL_EVENTS, ReferralBasis, ReferralMade, evaluate, load_rules
from tests.unit.referrals.referral_builders import T0, made


def test_all_names_exactly_the_public_objects() -> None:
    public = {
        name
        for name, obj in vars(referrals).items()
        if not name.startswith("_") and not inspect.ismodule(obj) and name != "annotations"
    }
    assert set(referrals.__all__) == public
    assert sorted(referrals.__all__) == sorted(set(referrals.__all__))


def test_registry_knows_every_referral_event_under_the_referral_prefix() -> None:
    types = set(REFERRAL_EVENTS.classes)
    assert types == {
        "referral.ReferralMade",
        "referral.ReferralAccepted",
        "referral.ReferralDeclined",
        "referral.ReferralCompleted",
        "referral.ReferralCancelled",
        "referral.ReferralExpired",
        "referral.ReferralEscalated",
        "referral.ReferralOutcomeRecorded",
    }


def test_events_round_trip_through_the_registry() -> None:
    manual = made()
    (automatic,) = evaluate(load_rules(), "loans.LoanApplicationDenied", "ev-1", "hh-1", {}, T0)
    for event in (manual, automatic):
        assert REFERRAL_EVENTS.parse(event.event_type, 1, event.payload()) == event


def test_an_automatic_referral_names_its_rule_and_cause_completely() -> None:
    payload = made().payload() | {"rule_id": "loans.x"}
    with pytest.raises(pydantic.ValidationError, match="rule_id, rule_version"):
        ReferralMade.model_validate(payload)


def test_a_basis_other_than_none_needs_a_reference() -> None:
    with pytest.raises(pydantic.ValidationError):
        ReferralBasis(kind="consent")
    with pytest.raises(pydantic.ValidationError):
        ReferralBasis(kind="none", reference="c-1")


def test_event_times_must_be_aware() -> None:
    with pytest.raises(pydantic.ValidationError):
        ReferralMade.model_validate(made().payload() | {"deadline": "2025-04-04T09:00:00"})
