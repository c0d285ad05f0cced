"""Event catalogue: registries, names, personal fields, wire round-trips, honest __all__."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime

import pytest

from services.intake.domain import INTAKE_EVENTS, REGISTRY_EVENTS
from services.intake.domain.events import ConsentGiven, ConsultationOpened, SupportPlanSet
from services.intake.domain.values import PlanStep, Responsible
from shared.consent import Recipient
from shared.events import DomainEvent
from shared.registry.events import PERSON_DETAIL_FIELDS, PersonRegistered

AT = datetime(2015, 4, 1, 0, 30, tzinfo=UTC)
ALL = {**REGISTRY_EVENTS.classes, **INTAKE_EVENTS.classes}


def test_registry_events_live_under_the_generic_registry_prefix() -> None:
    assert set(REGISTRY_EVENTS.classes) == {
        "registry.PersonRegistered",
        "registry.HouseholdRegistered",
        "registry.MemberJoinedHousehold",
        "registry.MemberLeftHousehold",
        "registry.PersonRecordsLinked",
        "registry.PersonDetailsCorrected",
    }


def test_intake_events_live_under_the_intake_prefix_and_do_not_overlap_the_registry() -> None:
    assert all(t.startswith("intake.") for t in INTAKE_EVENTS.classes)
    assert not set(INTAKE_EVENTS.classes) & set(REGISTRY_EVENTS.classes)
    assert len(INTAKE_EVENTS.classes) == 13


@pytest.mark.parametrize("event_type", sorted(ALL))
def test_event_type_names_carry_no_personal_words(event_type: str) -> None:
    lowered = event_type.lower()
    assert not any(word in lowered for word in ("dv", "abuse", "debt", "illness", "disability", "name", "address"))


@pytest.mark.parametrize("event_type", sorted(ALL))
def test_personal_fields_name_real_fields_and_every_event_has_a_japanese_docstring(event_type: str) -> None:
    cls = ALL[event_type]
    assert cls.personal_fields <= set(cls.model_fields)
    assert cls.__doc__ and any(ord(ch) > 0x3000 for ch in cls.__doc__.split(":")[0])


def test_person_details_are_all_special_care_fields() -> None:
    assert set(PERSON_DETAIL_FIELDS) == {"name_kanji", "name_kana", "birth_date", "address", "phone", "care_notes"}
    assert PersonRegistered.personal_fields == set(PERSON_DETAIL_FIELDS)
    assert {"own_words", "wishes", "subject_description"} <= ConsultationOpened.personal_fields


@pytest.mark.parametrize(
    "event",
    [
        PersonRegistered(
            person_id="p1",
            name_kanji="山田",
            name_kana=None,
            birth_date=date(1947, 1, 2),
            address=None,
            phone=None,
            care_notes=None,
            registered_at=AT,
            registered_by="s",
        ),
        SupportPlanSet(
            consultation_id="c1",
            case_id="p1",
            plan_version=1,
            goal=None,
            steps=(
                PlanStep(rung="personal_capacity", action="a", responsible=Responsible(kind="person", name="本人")),
            ),
            set_at=AT,
            set_by="s",
            code_list_version="2014.1",
        ),
        ConsentGiven(
            consent_id="cs1",
            person_id="p1",
            recipients=(Recipient(kind="agency", id="x"),),
            purposes=("p",),
            given_at=AT,
            valid_until=date(2016, 1, 1),
            recorded_at=AT,
            recorded_by="s",
        ),
    ],
)
def test_events_round_trip_through_their_json_payload(event: DomainEvent) -> None:
    registry = REGISTRY_EVENTS if event.event_type.startswith("registry.") else INTAKE_EVENTS
    assert registry.parse(event.event_type, event.schema_version, event.payload()) == event


@pytest.mark.parametrize(
    "module",
    [
        "services.intake.domain.commands",
        "shared.consent",
        "services.intake.domain.consent_ledger",
        "services.intake.domain.consultation",
        "services.intake.domain.errors",
        "services.intake.domain.events",
        "shared.registry.normalise",
        "shared.registry.model",
        "shared.registry.events",
        "shared.registry.commands",
        "shared.registry.errors",
        "services.intake.domain.values",
    ],
)
def test_every_name_in_all_exists(module: str) -> None:
    mod = importlib.import_module(module)
    assert all(hasattr(mod, name) for name in mod.__all__)
