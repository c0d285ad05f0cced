"""Registry events (本人・世帯の登録): people and households, with stable ids, for every service.

Any desk may meet a person first (the loans desk often does), so these events are generic: they
carry no intake vocabulary, their types live under ``registry.`` rather than ``intake.``, and any
service may emit them for the people it registers. The reporting projection folds them into one
registry of cases. Duplicate records of one person are joined only by an explicit, audited
:class:`PersonRecordsLinked`: never merged silently.

Names, kana, birth date, address, phone and care notes are special-care personal data
(要配慮個人情報): they are listed in ``personal_fields`` and never appear in type names or keys.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from shared.events import DomainEvent, EventRegistry

__all__ = [
    "PERSON_DETAIL_FIELDS",
    "REGISTRY_EVENTS",
    "HouseholdRegistered",
    "MemberJoinedHousehold",
    "MemberLeftHousehold",
    "PersonDetailsCorrected",
    "PersonRecordsLinked",
    "PersonRegistered",
]

PERSON_DETAIL_FIELDS: tuple[str, ...] = (
    "name_kanji",
    "name_kana",
    "birth_date",
    "address",
    "phone",
    "care_notes",
)
"""The personal details of a person record; all special-care data."""


class PersonRegistered(DomainEvent):
    """本人登録: a person was registered with a stable id (by any service)."""

    event_type: ClassVar[str] = "registry.PersonRegistered"
    personal_fields: ClassVar[frozenset[str]] = frozenset(PERSON_DETAIL_FIELDS)

    person_id: str
    name_kanji: str | None
    name_kana: str | None
    birth_date: date | None
    address: str | None
    phone: str | None
    care_notes: str | None
    """Notes about disability, illness, DV, debts (障害・疾病・DV・負債に関する記録)."""
    registered_at: datetime
    registered_by: str


class PersonDetailsCorrected(DomainEvent):
    """本人情報の訂正: some details of a person record were corrected; ``None`` = unchanged."""

    event_type: ClassVar[str] = "registry.PersonDetailsCorrected"
    personal_fields: ClassVar[frozenset[str]] = frozenset({*PERSON_DETAIL_FIELDS, "reason"})

    person_id: str
    name_kanji: str | None = None
    name_kana: str | None = None
    birth_date: date | None = None
    address: str | None = None
    phone: str | None = None
    care_notes: str | None = None
    cleared_fields: tuple[str, ...] = ()
    reason: str
    corrected_at: datetime
    corrected_by: str


class PersonRecordsLinked(DomainEvent):
    """同一人物の記録の統合: two person records were found to be the same person.

    ``person_id`` is the record kept as the case key; ``duplicate_person_id`` the other one. Both
    histories fold into one case; neither record is deleted.
    """

    event_type: ClassVar[str] = "registry.PersonRecordsLinked"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason"})

    person_id: str
    duplicate_person_id: str
    reason: str
    linked_at: datetime
    linked_by: str


class HouseholdRegistered(DomainEvent):
    """世帯登録: a household (世帯) was registered with a stable id (by any service)."""

    event_type: ClassVar[str] = "registry.HouseholdRegistered"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"address"})

    household_id: str
    address: str | None
    registered_at: datetime
    registered_by: str


class MemberJoinedHousehold(DomainEvent):
    """世帯員の加入: a registered person became a member of the household."""

    event_type: ClassVar[str] = "registry.MemberJoinedHousehold"

    household_id: str
    person_id: str
    relationship: str | None
    joined_on: date
    recorded_at: datetime
    recorded_by: str


class MemberLeftHousehold(DomainEvent):
    """世帯員の離脱: a person stopped being a member of the household (moved out, died, ...)."""

    event_type: ClassVar[str] = "registry.MemberLeftHousehold"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason"})

    household_id: str
    person_id: str
    left_on: date
    reason: str | None
    recorded_at: datetime
    recorded_by: str


REGISTRY_EVENTS = EventRegistry(
    [
        PersonRegistered,
        PersonDetailsCorrected,
        PersonRecordsLinked,
        HouseholdRegistered,
        MemberJoinedHousehold,
        MemberLeftHousehold,
    ]
)
