"""Event contracts as data: an event's data is checked against its committed JSON Schema."""

from __future__ import annotations

from datetime import UTC, datetime

from services.intake.domain.events import ConsultationOpened
from shared.contracts import EventContracts
from shared.envelope import Actor, Envelope

OPENED = ConsultationOpened(
    consultation_id="c-1",
    case_id="p-1",
    person_id=None,
    household_id=None,
    subject_description="近所の高齢女性",
    source="neighbour",
    source_detail=None,
    channel="phone",
    issues=("housing",),
    own_words=None,
    wishes=None,
    urgency="normal",
    urgency_reason=None,
    isolated=True,
    opened_at=datetime(2026, 10, 1, tzinfo=UTC),
    opened_by="s-1",
    code_list_version="2014.1",
)


def envelope(data: dict, *, type: str = "intake.ConsultationOpened", version: int = 1) -> Envelope:
    return Envelope(
        id="e-1",
        source="intake",
        type=type,
        time=datetime(2026, 10, 1, tzinfo=UTC),
        subject="consultation-c-1",
        caseid="p-1",
        actor=Actor(staff_id="s-1", department="intake", role="worker"),
        streamversion=1,
        schemaversion=version,
        data=data,
    )


CONTRACTS = EventContracts.load()


def test_an_event_as_its_model_writes_it_keeps_its_contract():
    assert CONTRACTS.violation(envelope(OPENED.payload())) is None


def test_a_missing_required_field_breaks_the_contract_and_is_named():
    data = {k: v for k, v in OPENED.payload().items() if k != "opened_by"}
    assert CONTRACTS.violation(envelope(data)) == ("intake.ConsultationOpened v1: 'opened_by' is a required property")


def test_a_time_without_its_offset_breaks_the_contract_and_names_the_field():
    problem = CONTRACTS.violation(envelope({**OPENED.payload(), "opened_at": "2026-10-01T09:00:00"}))
    assert problem is not None and problem.startswith("intake.ConsultationOpened v1: opened_at: ")
    assert "date-time" in problem
    assert CONTRACTS.violation(envelope({**OPENED.payload(), "opened_at": "2026-10-01T09:00:00Z"})) is None


def test_an_unpublished_type_is_not_checked_but_an_unpublished_version_of_a_known_type_is_refused():
    assert CONTRACTS.violation(envelope({"anything": 1}, type="somebody.Unknown")) is None
    problem = CONTRACTS.violation(envelope(OPENED.payload(), version=9))
    assert problem == "intake.ConsultationOpened v9 has no published contract (published: v1)"
