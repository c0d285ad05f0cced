"""Disclosure policy: may special-care details go to this recipient at this moment?"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from shared import consent as consent_module
from shared.consent import (
    SUPPORT_MEETING_BASIS,
    Basis,
    Consent,
    Recipient,
    StatutoryRecord,
    consent_in_force,
    disclosure_basis,
)

LOANS = Recipient(kind="department", id="loans")
DISTRICTS = Recipient(kind="department", id="districts")
CENTRE = Recipient(kind="agency", id="community_support_centre")
GIVEN = datetime(2015, 4, 1, 1, 0, tzinfo=UTC)
PURPOSE = "support_coordination"

CONSENT = Consent(
    consent_id="cs1",
    person_id="p1",
    recipients=(LOANS, CENTRE),
    purposes=(PURPOSE,),
    given_at=GIVEN,
    valid_until=date(2015, 9, 30),
)
STATUTORY = StatutoryRecord(
    sharing_id="sh1",
    person_id="p1",
    basis=SUPPORT_MEETING_BASIS,
    meeting_id="m1",
    recipients=(DISTRICTS,),
    shared_at=datetime(2015, 5, 1, 5, 0, tzinfo=UTC),
    secrecy_duty_acknowledged=True,
)


def basis(at: datetime, recipient: Recipient = LOANS, purpose: str = PURPOSE, **kw: object) -> Basis | None:
    consents = kw.get("consents", [CONSENT])
    statutory = kw.get("statutory", [])
    person_id = kw.get("person_id", "p1")
    return disclosure_basis(consents, statutory, person_id, recipient, purpose, at)  # type: ignore[arg-type]


def test_a_consent_in_force_for_the_recipient_and_purpose_is_a_basis() -> None:
    assert basis(GIVEN + timedelta(days=1)) == Basis(kind="consent", reference_id="cs1", legal_basis="consent")
    assert basis(GIVEN + timedelta(days=1), CENTRE) is not None


def test_no_basis_before_the_consent_was_given() -> None:
    assert basis(GIVEN - timedelta(seconds=1)) is None
    assert basis(GIVEN) is not None


def test_the_consent_lasts_until_the_end_of_its_last_day_in_japan() -> None:
    last_minute_jst = datetime(2015, 9, 30, 14, 59, tzinfo=UTC)  # 23:59 JST on 30 Sep
    assert basis(last_minute_jst) is not None
    assert basis(last_minute_jst + timedelta(minutes=1)) is None  # 00:00 JST on 1 Oct: expired


def test_no_basis_from_the_moment_of_withdrawal_but_the_past_keeps_its_basis() -> None:
    withdrawn_at = datetime(2015, 6, 1, 3, 0, tzinfo=UTC)
    withdrawn = CONSENT.model_copy(update={"withdrawn_at": withdrawn_at})
    assert basis(withdrawn_at - timedelta(seconds=1), consents=[withdrawn]) is not None
    assert basis(withdrawn_at, consents=[withdrawn]) is None
    assert basis(withdrawn_at + timedelta(days=1), consents=[withdrawn]) is None


def test_no_basis_for_a_recipient_or_purpose_outside_the_consent() -> None:
    at = GIVEN + timedelta(days=1)
    assert basis(at, DISTRICTS) is None
    assert basis(at, Recipient(kind="agency", id="loans")) is None  # same id, other kind
    assert basis(at, LOANS, "marketing") is None


def test_another_persons_consent_is_no_basis() -> None:
    assert basis(GIVEN + timedelta(days=1), person_id="p2") is None


def test_a_statutory_meeting_record_is_a_basis_for_its_members_from_the_sharing_on() -> None:
    at = STATUTORY.shared_at
    assert basis(at, DISTRICTS, statutory=[STATUTORY]) == Basis(
        kind="statutory", reference_id="sh1", legal_basis=SUPPORT_MEETING_BASIS
    )
    assert basis(at, DISTRICTS, "anything_the_meeting_needs", statutory=[STATUTORY]) is not None
    assert basis(at - timedelta(seconds=1), DISTRICTS, statutory=[STATUTORY]) is None
    assert basis(at, Recipient(kind="agency", id="police"), statutory=[STATUTORY]) is None


def test_a_statutory_record_without_acknowledged_secrecy_duty_is_no_basis() -> None:
    unsworn = STATUTORY.model_copy(update={"secrecy_duty_acknowledged": False})
    assert basis(STATUTORY.shared_at, DISTRICTS, statutory=[unsworn]) is None


def test_the_persons_consent_is_preferred_over_a_statutory_record() -> None:
    both = STATUTORY.model_copy(update={"recipients": (LOANS,)})
    found = basis(STATUTORY.shared_at, LOANS, statutory=[both])
    assert found is not None and found.kind == "consent"


def test_among_several_consents_the_earliest_in_force_is_named() -> None:
    later = CONSENT.model_copy(update={"consent_id": "cs0", "given_at": GIVEN + timedelta(days=3)})
    found = basis(GIVEN + timedelta(days=5), consents=[later, CONSENT])
    assert found is not None and found.reference_id == "cs1"


def test_the_moment_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        basis(datetime(2015, 5, 1, 9, 0))
    with pytest.raises(ValueError):
        consent_in_force(CONSENT, datetime(2015, 5, 1, 9, 0))


def test_the_policy_module_knows_nothing_of_the_intake_desk() -> None:
    source = Path(consent_module.__file__).read_text(encoding="utf-8")
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert all("intake" not in line and "services" not in line and "from ." not in line for line in imports)
