"""The snapshot codec and key on the services' real aggregate states (no database).

Every unit test that loads through the fake unit of work also checks, on each load, that a snapshot
taken halfway plus the remaining events folds to the full state (``snapshots.check_round_trip``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.districts.domain.district_case import DistrictCaseState
from services.intake.domain.consent_ledger import ConsentLedger
from services.loans.domain.consultation import ConsultationState, ConsultationStatus, RecordedResponse
from services.loans.domain.loan import LoanState, ScheduledInstalment
from shared import snapshots
from shared.consent import Consent, Recipient
from shared.events import DomainEvent
from shared.uow import Fold
from tests.support import TEST_EVENTS, Noted


def round_trip(value: Any) -> Any:
    return snapshots.decode(type(value), json.loads(json.dumps(snapshots.encode(value))))


STATES = [
    ConsultationState(
        status=ConsultationStatus.OPEN,
        consultation_id="c-1",
        household_id="h-1",
        issues=("debt", "rent"),
        responses=(RecordedResponse("r-1", "advice"), RecordedResponse("r-2", "referral")),
        contact_ids=frozenset({"k-1", "k-2", "k-3"}),
        contact_count=3,
        reached_service=None,
    ),
    LoanState(
        application_id="a-1",
        amount=300_000,
        approved_on=date(2026, 4, 1),
        instalments=(ScheduledInstalment(1, 10_000, date(2026, 5, 1), paid=5_000),),
        payment_ids=frozenset({"p-1"}),
        misses=frozenset({(1, date(2026, 5, 1)), (2, date(2026, 6, 1))}),
    ),
    DistrictCaseState(case_id="d-1", status="watched", salons=(("s-1", date(2026, 3, 3)),), roles=(("x", "y"),)),
    ConsentLedger(
        person_id="p-1",
        consents=(
            Consent(
                consent_id="k-1",
                person_id="p-1",
                recipients=(Recipient(kind="agency", id="shakyo"),),
                purposes=("support",),
                given_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
                valid_until=date(2027, 1, 1),
            ),
        ),
    ),
]


@pytest.mark.parametrize("state", STATES, ids=lambda s: type(s).__name__)
def test_real_aggregate_states_survive_their_snapshot(state: Any) -> None:
    assert snapshots._key_of(type(state)) is not None
    assert round_trip(state) == state
    assert round_trip(type(state)()) == type(state)()


def test_a_literal_outside_its_values_is_refused() -> None:
    raw = snapshots.encode(DistrictCaseState())
    raw["status"] = "deleted"
    with pytest.raises(snapshots.Unsupported):
        snapshots.decode(DistrictCaseState, raw)


@dataclass(frozen=True)
class Count:
    n: int = 0


@dataclass(frozen=True)
class CountRenamed:
    m: int = 0


@dataclass(frozen=True)
class CountBumped:
    SNAPSHOT_VERSION = 1
    n: int = 0


def bump(state: Any, event: DomainEvent) -> Any:
    return type(state)(state.n + 1) if hasattr(state, "n") else state


def test_the_key_changes_with_the_state_shape_and_an_explicit_version() -> None:
    keys = {snapshots.fold_key(Fold(cls, bump, TEST_EVENTS)) for cls in (Count, CountRenamed, CountBumped)}
    assert len(keys) == 3 and None not in keys
    assert snapshots.fold_key(Fold(lambda: None, bump, TEST_EVENTS)) is None


def test_snapshot_plus_tail_is_the_full_fold() -> None:
    fold = Fold(Count, bump, TEST_EVENTS)
    events = [Noted(text="x", n=i) for i in range(9)]
    snapshots.check_round_trip(fold, events, Count(9))
    with pytest.raises(AssertionError):
        snapshots.check_round_trip(fold, events, Count(8))


def test_an_unsupported_state_is_never_snapshotted() -> None:
    @dataclass(frozen=True)
    class Odd:
        when: complex = 0j

    assert snapshots.fold_key(Fold(Odd, lambda s, e: s, TEST_EVENTS)) is None
