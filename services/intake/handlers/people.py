"""Intake's registry handlers (本人・世帯): people and households, as any desk may register them.

Intake keeps the registry index (search, linked records, households) on the same connection as
the events. A person or household another desk registered first is known from that index, so
intake's own stream for it starts from the index (:func:`load_person`, :func:`load_household`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from services.intake.adapters import registry
from shared.commands import Aggregate, CommandContext, create, execute
from shared.errors import UnknownReference
from shared.events import DomainEvent
from shared.registry import model as people
from shared.registry.commands import (
    CorrectPersonDetails,
    JoinHousehold,
    LeaveHousehold,
    LinkPersonRecords,
    RegisterHousehold,
    RegisterPerson,
)
from shared.registry.errors import HouseholdNotFound, PersonNotFound
from shared.registry.events import REGISTRY_EVENTS
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork

__all__ = [
    "HOUSEHOLD",
    "HOUSEHOLD_FOLD",
    "PERSON",
    "PERSON_FOLD",
    "correct_person_details",
    "join_household",
    "leave_household",
    "link_person_records",
    "register_household",
    "register_person",
    "require_household",
    "require_person",
]

HOUSEHOLD_FOLD = Fold(people.HouseholdState, people.apply_household, REGISTRY_EVENTS)
PERSON_FOLD = Fold(people.PersonState, people.apply_person, REGISTRY_EVENTS)


def load_person(uow: UnitOfWork, person_id: str) -> tuple[people.PersonState, int]:
    """The person as intake knows it: its own stream, seeded from the registry index when another
    service registered the person first; linked records include every record of the same case."""
    row = registry.get_person(uow.conn, person_id)
    seed = people.PersonState()
    if row is not None:
        seed = people.PersonState(
            person_id=person_id,
            details=people.PersonDetails(
                name_kanji=row["name_kanji"],
                name_kana=row["name_kana"],
                birth_date=date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
                address=row["address"],
                phone=row["phone"],
                care_notes=row["care_notes"],
            ),
        )
    fold = Fold(lambda: seed, people.apply_person, REGISTRY_EVENTS)
    state, version = uow.load(PERSON.stream(person_id), fold)
    if state.registered:
        group = frozenset(registry.person_group(uow.conn, person_id)) - {person_id}
        state = replace(state, linked_person_ids=state.linked_person_ids | group)
    return state, version


def load_household(uow: UnitOfWork, household_id: str) -> tuple[people.HouseholdState, int]:
    row = registry.get_household(uow.conn, household_id)
    seed = people.HouseholdState()
    if row is not None:
        seed = people.HouseholdState(
            household_id=household_id,
            address=row["address"],
            members=tuple(
                people.Membership(m["person_id"], m["relationship"], date.fromisoformat(m["joined_on"]))
                for m in row["members"]
                if m["left_on"] is None
            ),
        )
    # Intake's own stream starts from the registry when another service registered the household;
    # membership changes intake recorded are then already in the index, so fold only registrations.
    state, version = uow.load(HOUSEHOLD.stream(household_id), HOUSEHOLD_FOLD)
    return (state if state.registered or row is None else seed), version


def _project_registry(uow: UnitOfWork, _state: object, events: Sequence[DomainEvent], _version: int) -> None:
    for event in events:
        registry.project(uow.conn, event, service="intake", at=uow.now())


PERSON: Aggregate[people.PersonState] = Aggregate(
    name="person",
    prefix="person",
    fold=PERSON_FOLD,
    exists=lambda s: s.registered,
    not_found=lambda pid: PersonNotFound(
        f"no person {pid!r} is registered; register the person first", field="person_id"
    ),
    project=_project_registry,
    load=load_person,
    id_field="person_id",
)
"""本人: a person record; the case of its events is the person."""

HOUSEHOLD: Aggregate[people.HouseholdState] = Aggregate(
    name="household",
    prefix="household",
    fold=HOUSEHOLD_FOLD,
    exists=lambda s: s.registered,
    not_found=lambda hid: HouseholdNotFound(f"no household {hid!r} is registered", field="household_id"),
    project=_project_registry,
    load=load_household,
    id_field="household_id",
)
"""世帯: a household and its members; the case of its events is the household."""


def require_person(uow: UnitOfWork, person_id: str, field: str = "person_id", *, in_path: bool = False) -> None:
    """A command that names a person needs the person registered (by any desk): named in the
    body, an unknown one is the body's mistake (422 naming ``field``); in the URL, a 404."""
    if registry.get_person(uow.conn, person_id) is None:
        if in_path:
            raise PersonNotFound(f"no person {person_id!r} is registered; register the person first", field=field)
        raise UnknownReference(
            f"{field}: no person {person_id!r} is registered; register the person first (POST /people)",
            field=field,
            reason="unknown_reference",
            ctx={"id": person_id},
        )


def require_household(uow: UnitOfWork, household_id: str) -> None:
    """A household named in a body must be registered (422 naming ``household_id`` otherwise)."""
    if registry.get_household(uow.conn, household_id) is None:
        raise UnknownReference(
            f"household_id: no household {household_id!r} is registered; register it first (POST /households)",
            field="household_id",
            reason="unknown_reference",
            ctx={"id": household_id},
        )


def _person(outcome: Any, **extra: Any) -> dict[str, Any]:
    return {"person_id": outcome.id, **extra, "version": outcome.version}


def _household(outcome: Any) -> dict[str, Any]:
    return {"household_id": outcome.id, "version": outcome.version}


def register_person(kit: ServiceKit, ctx: CommandContext, cmd: RegisterPerson) -> dict[str, Any]:
    """本人登録: a new person record with a stable id."""
    return _person(
        create(
            kit.uow,
            ctx,
            PERSON,
            lambda s, uow, pid: people.decide_register_person(s, cmd, now=uow.now(), person_id=pid),
        )
    )


def correct_person_details(kit: ServiceKit, ctx: CommandContext, cmd: CorrectPersonDetails) -> dict[str, Any]:
    """本人情報の訂正."""
    return _person(
        execute(
            kit.uow,
            ctx,
            PERSON,
            cmd.person_id,
            lambda s, uow: people.decide_correct_person_details(s, cmd, now=uow.now()),
        )
    )


def link_person_records(kit: ServiceKit, ctx: CommandContext, cmd: LinkPersonRecords) -> dict[str, Any]:
    """同一人物の記録の統合: explicit and audited, recorded on the kept record's stream."""

    def decide(kept: people.PersonState, uow: UnitOfWork) -> list[DomainEvent]:
        duplicate, _ = load_person(uow, cmd.duplicate_person_id)
        return people.decide_link_person_records(kept, duplicate, cmd, now=uow.now())

    outcome = execute(kit.uow, ctx, PERSON, cmd.person_id, decide, new=None)
    return _person(outcome, duplicate_person_id=cmd.duplicate_person_id)


def register_household(kit: ServiceKit, ctx: CommandContext, cmd: RegisterHousehold) -> dict[str, Any]:
    """世帯登録: a household and its first members (each must be a registered person)."""

    def decide(state: people.HouseholdState, uow: UnitOfWork, household_id: str) -> list[DomainEvent]:
        for i, member in enumerate(cmd.members):
            require_person(uow, member.person_id, field=f"members[{i}].person_id")
        return people.decide_register_household(state, cmd, now=uow.now(), household_id=household_id)

    return _household(create(kit.uow, ctx, HOUSEHOLD, decide))


def join_household(kit: ServiceKit, ctx: CommandContext, cmd: JoinHousehold) -> dict[str, Any]:
    """世帯員の加入."""

    def decide(state: people.HouseholdState, uow: UnitOfWork) -> list[DomainEvent]:
        require_person(uow, cmd.member.person_id, field="member.person_id")
        return people.decide_join_household(state, cmd, now=uow.now())

    return _household(execute(kit.uow, ctx, HOUSEHOLD, cmd.household_id, decide))


def leave_household(kit: ServiceKit, ctx: CommandContext, cmd: LeaveHousehold) -> dict[str, Any]:
    """世帯員の離脱."""
    return _household(
        execute(
            kit.uow,
            ctx,
            HOUSEHOLD,
            cmd.household_id,
            lambda s, uow: people.decide_leave_household(s, cmd, now=uow.now()),
        )
    )
