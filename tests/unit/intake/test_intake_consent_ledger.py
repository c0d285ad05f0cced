"""Consent ledger: giving, withdrawing, statutory sharing, and the policy reading the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services.intake.domain.commands import GiveConsent, RecordStatutorySharing, WithdrawConsent
from services.intake.domain.consent_ledger import (
    ConsentLedger,
    decide_give_consent,
    decide_record_statutory_sharing,
    decide_withdraw_consent,
    replay_consents,
)
from services.intake.domain.errors import ConsentNotFound
from services.intake.domain.events import ConsentGiven, ConsentWithdrawn, StatutorySharingRecorded
from shared.consent import SUPPORT_MEETING_BASIS, Recipient, disclosure_basis
from shared.errors import AlreadyExists, IllegalTransition, InvalidCommand

NOW = datetime(2015, 4, 1, 1, 0, tzinfo=UTC)
LOANS = Recipient(kind="department", id="loans")
CENTRE = Recipient(kind="agency", id="community_support_centre")


def give(state: ConsentLedger | None = None, consent_id: str = "cs1", **kw: Any) -> list[ConsentGiven]:
    fields = {
        "person_id": "p1",
        "recipients": (LOANS, CENTRE),
        "purposes": ("support_coordination",),
        "valid_until": date(2016, 3, 31),
        "recorded_by": "s1",
        **kw,
    }
    events = decide_give_consent(
        state or ConsentLedger(), GiveConsent.model_validate(fields), now=NOW, consent_id=consent_id
    )
    return [e for e in events if isinstance(e, ConsentGiven)]


def ledger() -> ConsentLedger:
    return replay_consents(give())


def withdraw(state: ConsentLedger, now: datetime = NOW + timedelta(days=10), **kw: Any) -> list[ConsentWithdrawn]:
    fields = {"person_id": "p1", "consent_id": "cs1", "recorded_by": "s1", **kw}
    events = decide_withdraw_consent(state, WithdrawConsent.model_validate(fields), now=now)
    return [e for e in events if isinstance(e, ConsentWithdrawn)]


def share(state: ConsentLedger | None = None, **kw: Any) -> list[StatutorySharingRecorded]:
    fields = {
        "person_id": "p1",
        "meeting_id": "m1",
        "recipients": (Recipient(kind="department", id="districts"),),
        "secrecy_duty_acknowledged": True,
        "recorded_by": "s1",
        **kw,
    }
    events = decide_record_statutory_sharing(
        state or ConsentLedger(), RecordStatutorySharing.model_validate(fields), now=NOW, sharing_id="sh1"
    )
    return [e for e in events if isinstance(e, StatutorySharingRecorded)]


def test_giving_consent_records_scope_purpose_and_validity_given_now_by_default() -> None:
    [event] = give()
    assert event == ConsentGiven(
        consent_id="cs1",
        person_id="p1",
        recipients=(LOANS, CENTRE),
        purposes=("support_coordination",),
        given_at=NOW,
        valid_until=date(2016, 3, 31),
        recorded_at=NOW,
        recorded_by="s1",
    )


def test_a_consent_signed_earlier_is_recorded_with_its_own_moment() -> None:
    [event] = give(given_at=NOW - timedelta(days=1))
    assert event.given_at == NOW - timedelta(days=1) and event.recorded_at == NOW


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"recipients": ()}, "recipients"),
        ({"recipients": (Recipient(kind="agency", id=" "),)}, "recipients[0].id"),
        ({"purposes": (" ",)}, "purposes"),
        ({"valid_until": date(2015, 3, 31)}, "valid_until"),
        ({"given_at": NOW + timedelta(minutes=1)}, "given_at"),
        ({"given_at": datetime(2015, 4, 1, 9, 0)}, "given_at"),
        ({"recorded_by": ""}, "recorded_by"),
    ],
)
def test_giving_consent_with_bad_values_is_refused_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidCommand) as refused:
        give(**overrides)
    assert refused.value.field == field


def test_a_consent_id_is_used_once_and_a_ledger_holds_one_person() -> None:
    with pytest.raises(AlreadyExists):
        give(ledger())
    with pytest.raises(InvalidCommand) as refused:
        give(ledger(), "cs2", person_id="p2")
    assert refused.value.field == "person_id"


def test_withdrawing_ends_the_basis_from_that_moment() -> None:
    [event] = withdraw(ledger(), reason="本人の意向")
    assert event.withdrawn_at == NOW + timedelta(days=10) and event.reason == "本人の意向"
    state = replay_consents([event], ledger())

    def basis_at(at: datetime) -> object:
        return disclosure_basis(state.consents, state.statutory_records, "p1", LOANS, "support_coordination", at)

    assert basis_at(event.withdrawn_at - timedelta(seconds=1)) is not None
    assert basis_at(event.withdrawn_at) is None


def test_withdrawing_unknown_twice_before_giving_or_in_the_future_is_refused() -> None:
    with pytest.raises(ConsentNotFound):
        withdraw(ledger(), consent_id="cs9")
    state = replay_consents(withdraw(ledger()), ledger())
    with pytest.raises(IllegalTransition):
        withdraw(state)
    with pytest.raises(InvalidCommand) as refused:
        withdraw(ledger(), withdrawn_at=NOW - timedelta(seconds=1))
    assert refused.value.field == "withdrawn_at"
    with pytest.raises(InvalidCommand) as refused:
        withdraw(ledger(), withdrawn_at=NOW + timedelta(days=11))
    assert refused.value.field == "withdrawn_at"


def test_statutory_sharing_in_a_support_meeting_is_recorded_and_becomes_a_basis() -> None:
    [event] = share()
    assert (event.basis, event.meeting_id, event.secrecy_duty_acknowledged, event.shared_at) == (
        SUPPORT_MEETING_BASIS,
        "m1",
        True,
        NOW,
    )
    state = replay_consents([event])
    found = disclosure_basis(
        state.consents, state.statutory_records, "p1", Recipient(kind="department", id="districts"), "x", NOW
    )
    assert found is not None and found.kind == "statutory" and found.reference_id == "sh1"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"secrecy_duty_acknowledged": False}, "secrecy_duty_acknowledged"),
        ({"basis": "case_conference"}, "basis"),
        ({"recipients": ()}, "recipients"),
        ({"meeting_id": ""}, "meeting_id"),
        ({"shared_at": NOW + timedelta(hours=1)}, "shared_at"),
    ],
)
def test_statutory_sharing_with_bad_values_is_refused_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidCommand) as refused:
        share(**overrides)
    assert refused.value.field == field


def test_a_sharing_id_is_used_once() -> None:
    with pytest.raises(AlreadyExists):
        share(replay_consents(share()))
