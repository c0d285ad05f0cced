"""The loans domain keeps its promises to the rest of the platform: names, registry, exports."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, date, datetime
from types import ModuleType

import pytest
from pydantic import ValidationError

import services.loans.domain as domain
from services.loans.domain import commands, events
from services.loans.domain.events import (
    LOANS_EVENTS,
    InstalmentAllocation,
    InstalmentMissed,
    LoanConsultationOpened,
    RepaymentReceived,
)
from shared.events import DomainEvent

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
EVENT_CLASSES = [  # the events themselves, not their base classes (no event_type of their own)
    c for c in vars(events).values() if inspect.isclass(c) and issubclass(c, DomainEvent) and c.event_type
]
COMMAND_CLASSES = [
    c
    for c in vars(commands).values()
    if inspect.isclass(c) and issubclass(c, commands.Command) and c is not commands.Command
]
NOW = datetime(2015, 4, 1, 9, 0, tzinfo=UTC)


def test_every_loans_event_is_registered_under_its_own_name() -> None:
    assert len(EVENT_CLASSES) == 15
    assert set(LOANS_EVENTS.classes.values()) == set(EVENT_CLASSES)
    for cls in EVENT_CLASSES:
        assert cls.event_type == f"loans.{cls.__name__}"


@pytest.mark.parametrize("cls", [*EVENT_CLASSES, *COMMAND_CLASSES], ids=lambda c: c.__name__)
def test_every_event_and_command_names_its_japanese_term(cls: type) -> None:
    assert cls.__doc__ and JAPANESE.search(cls.__doc__.splitlines()[0])


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda c: c.__name__)
def test_every_event_carries_the_household_case_key_and_its_personal_fields_exist(cls: type[DomainEvent]) -> None:
    assert "household_id" in cls.model_fields
    assert "person_id" in cls.model_fields
    assert cls.personal_fields <= set(cls.model_fields)


def test_rule_relevant_events_carry_what_the_rules_read() -> None:
    assert {"household_id", "application_id", "reason"} <= set(events.LoanApplicationDenied.model_fields)
    assert {"missed_count"} <= set(InstalmentMissed.model_fields)
    assert "issues" in LoanConsultationOpened.model_fields
    assert "issues" in events.HouseholdIssuesRecorded.model_fields


def test_personal_free_text_is_marked_for_redaction() -> None:
    assert LoanConsultationOpened.personal_fields == {"summary"}
    assert events.LoanApplicationDenied.personal_fields == {"reason"}
    assert events.LoanContactRecorded.personal_fields == {"note"}


def test_events_round_trip_through_the_registry_as_json() -> None:
    original = RepaymentReceived(
        application_id="a",
        payment_id="p",
        household_id="hh",
        person_id="pp",
        amount=30_000,
        paid_on=date(2015, 5, 20),
        allocations=(InstalmentAllocation(number=1, amount=25_000), InstalmentAllocation(number=2, amount=5_000)),
        outstanding_after=70_000,
        recorded_at=NOW,
    )
    parsed = LOANS_EVENTS.parse(original.event_type, original.schema_version, original.payload())

    assert parsed == original


@pytest.mark.parametrize("cls", COMMAND_CLASSES, ids=lambda c: c.__name__)
def test_commands_are_frozen_and_refuse_unknown_fields(cls: type[commands.Command]) -> None:
    assert cls.model_config.get("frozen") is True
    assert cls.model_config.get("extra") == "forbid"


def test_a_command_cannot_be_changed_after_it_is_made() -> None:
    command = commands.CheckArrears(application_id="a", as_of=date(2015, 6, 1))
    with pytest.raises(ValidationError):
        command.as_of = date(2016, 1, 1)  # type: ignore[misc]


@pytest.mark.parametrize("module", [domain, events, commands], ids=lambda m: m.__name__)
def test_all_names_only_what_the_module_has_and_names_it_once(module: ModuleType) -> None:
    exported: list[str] = vars(module)["__all__"]
    assert all(hasattr(module, name) for name in exported)
    assert len(set(exported)) == len(exported)


@pytest.mark.parametrize("module", [events, commands], ids=lambda m: m.__name__)
def test_all_names_every_public_class_the_module_defines(module: ModuleType) -> None:
    defined = {
        name
        for name, value in vars(module).items()
        if inspect.isclass(value) and value.__module__ == module.__name__ and not name.startswith("_")
    }
    assert defined <= set(vars(module)["__all__"])
