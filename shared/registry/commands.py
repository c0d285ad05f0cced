"""Commands of the person and household registry (本人・世帯の登録), which every desk may issue.

Shapes only; :mod:`shared.registry.model` checks values against the state and refuses with
:class:`shared.errors.InvalidCommand` naming the field to fix.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from shared.domain import Command
from shared.text import Line, Ref

__all__ = [
    "CorrectPersonDetails",
    "HouseholdMember",
    "JoinHousehold",
    "LeaveHousehold",
    "LinkPersonRecords",
    "RegisterHousehold",
    "RegisterPerson",
]


class HouseholdMember(BaseModel):
    """世帯員: a registered person and their relationship (続柄) to the household, e.g. 本人, 妻, 長男."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: Ref
    relationship: Line | None = None


class RegisterPerson(Command):
    """本人登録: register a person; a name in kanji or kana is required."""

    name_kanji: str | None = None
    name_kana: str | None = None
    birth_date: date | None = None
    address: str | None = None
    phone: str | None = None
    care_notes: str | None = None
    registered_by: str


class CorrectPersonDetails(Command):
    """本人情報の訂正: correct some details; ``None`` leaves a field as it is, ``clear`` empties it."""

    person_id: str
    name_kanji: str | None = None
    name_kana: str | None = None
    birth_date: date | None = None
    address: str | None = None
    phone: str | None = None
    care_notes: str | None = None
    clear: tuple[str, ...] = ()
    reason: str
    corrected_by: str


class LinkPersonRecords(Command):
    """同一人物の記録の統合: declare that two person records are the same person, with a reason."""

    person_id: str
    duplicate_person_id: str
    reason: str
    linked_by: str


class RegisterHousehold(Command):
    """世帯登録: register a household, optionally with its first members."""

    address: str | None = None
    members: tuple[HouseholdMember, ...] = ()
    registered_by: str


class JoinHousehold(Command):
    """世帯員の加入: a registered person joins the household (today unless ``joined_on``)."""

    household_id: str
    member: HouseholdMember
    joined_on: date | None = None
    recorded_by: str


class LeaveHousehold(Command):
    """世帯員の離脱: a member leaves the household (today unless ``left_on``)."""

    household_id: str
    person_id: str
    left_on: date | None = None
    reason: str | None = None
    recorded_by: str
