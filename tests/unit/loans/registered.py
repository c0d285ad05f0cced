"""Households and people as another desk registered them (ids are platform-wide), recorded in the
loans desk's store through its own aggregates, so that a consultation or loan may name them."""

from __future__ import annotations

from services.loans.handlers import HOUSEHOLD, PERSON
from shared.commands import CommandContext, execute
from shared.envelope import Actor
from shared.registry.commands import HouseholdMember, RegisterHousehold, RegisterPerson
from shared.registry.model import decide_register_household, decide_register_person
from shared.uow import UnitOfWorkFactory

REGISTRAR = Actor(staff_id="l-registrar", department="loans", role="worker")


def register_person(uows: UnitOfWorkFactory, person_id: str) -> None:
    cmd = RegisterPerson(name_kanji=f"登録 {person_id}", registered_by=REGISTRAR.staff_id)
    ctx = CommandContext(actor=REGISTRAR)
    execute(
        uows,
        ctx,
        PERSON,
        person_id,
        lambda s, u: decide_register_person(s, cmd, now=u.now(), person_id=person_id),
        new=True,
    )


def register_household(uows: UnitOfWorkFactory, household_id: str, *member_ids: str) -> None:
    """``household_id`` with already registered ``member_ids`` as its members."""
    members = tuple(HouseholdMember(person_id=pid) for pid in member_ids)
    cmd = RegisterHousehold(members=members, registered_by=REGISTRAR.staff_id)
    ctx = CommandContext(actor=REGISTRAR)
    execute(
        uows,
        ctx,
        HOUSEHOLD,
        household_id,
        lambda s, u: decide_register_household(s, cmd, now=u.now(), household_id=household_id),
        new=True,
    )
