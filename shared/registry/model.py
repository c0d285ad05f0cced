"""Person and household registry (本人・世帯の登録): two aggregates, one stream each.

* :class:`PersonState`: a person record, its (special-care) details and the records linked to it
  as the same person.
* :class:`HouseholdState`: a household (世帯) and its current and former members.

Folds: :func:`apply_person`, :func:`apply_household` (events of other aggregates pass through).
Decisions: ``decide_*(state, command, *, now, ...) -> list[DomainEvent]``; they raise and emit
nothing when refused. Existence of the *other* aggregate (is the joining person registered?) is
checked by the handler, which owns the reads.

Linking (:func:`decide_link_person_records`) needs both records' states: the handler appends the
event to the kept record's stream and folds it into both records, as :func:`apply_person` does for
either side.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from shared.checks import optional_text, required_text
from shared.dates import local_date
from shared.errors import AlreadyExists, IllegalTransition, InvalidCommand
from shared.events import DomainEvent
from shared.registry.commands import (
    CorrectPersonDetails,
    JoinHousehold,
    LeaveHousehold,
    LinkPersonRecords,
    RegisterHousehold,
    RegisterPerson,
)
from shared.registry.errors import HouseholdNotFound, PersonNotFound
from shared.registry.events import (
    PERSON_DETAIL_FIELDS,
    HouseholdRegistered,
    MemberJoinedHousehold,
    MemberLeftHousehold,
    PersonDetailsCorrected,
    PersonRecordsLinked,
    PersonRegistered,
)

__all__ = [
    "HouseholdState",
    "Membership",
    "PersonDetails",
    "PersonState",
    "apply_household",
    "apply_person",
    "decide_correct_person_details",
    "decide_join_household",
    "decide_leave_household",
    "decide_link_person_records",
    "decide_register_household",
    "decide_register_person",
    "replay_household",
    "replay_person",
]

_TEXT_DETAILS = ("name_kanji", "name_kana", "address", "phone", "care_notes")


@dataclass(frozen=True)
class PersonDetails:
    """The personal details of a record (all special-care data)."""

    name_kanji: str | None = None
    name_kana: str | None = None
    birth_date: date | None = None
    address: str | None = None
    phone: str | None = None
    care_notes: str | None = None


@dataclass(frozen=True)
class PersonState:
    """A person record; ``PersonState()`` is the state of a stream with no events yet."""

    person_id: str | None = None
    details: PersonDetails = field(default_factory=PersonDetails)
    linked_person_ids: frozenset[str] = frozenset()
    registered_at: datetime | None = None

    @property
    def registered(self) -> bool:
        return self.person_id is not None


@dataclass(frozen=True)
class Membership:
    """One stay of a person in the household."""

    person_id: str
    relationship: str | None
    joined_on: date
    left_on: date | None = None


@dataclass(frozen=True)
class HouseholdState:
    """A household; ``HouseholdState()`` is the state of a stream with no events yet."""

    household_id: str | None = None
    address: str | None = None
    members: tuple[Membership, ...] = ()
    """Current members, in order of joining."""
    former_members: tuple[Membership, ...] = ()

    @property
    def registered(self) -> bool:
        return self.household_id is not None

    def member(self, person_id: str) -> Membership | None:
        return next((m for m in self.members if m.person_id == person_id), None)


# --- folds ----------------------------------------------------------------------------------------


def apply_person(state: PersonState, event: DomainEvent) -> PersonState:
    """Fold one event into a person record."""
    if isinstance(event, PersonRegistered):
        details = PersonDetails(**{name: getattr(event, name) for name in PERSON_DETAIL_FIELDS})
        return PersonState(person_id=event.person_id, details=details, registered_at=event.registered_at)
    if isinstance(event, PersonDetailsCorrected) and event.person_id == state.person_id:
        changes: dict[str, Any] = {
            name: getattr(event, name) for name in PERSON_DETAIL_FIELDS if getattr(event, name) is not None
        }
        changes.update(dict.fromkeys(event.cleared_fields))
        return replace(state, details=replace(state.details, **changes))
    if isinstance(event, PersonRecordsLinked):
        if event.person_id == state.person_id:
            return replace(state, linked_person_ids=state.linked_person_ids | {event.duplicate_person_id})
        if event.duplicate_person_id == state.person_id:
            return replace(state, linked_person_ids=state.linked_person_ids | {event.person_id})
    return state


def apply_household(state: HouseholdState, event: DomainEvent) -> HouseholdState:
    """Fold one event into a household."""
    if isinstance(event, HouseholdRegistered):
        return HouseholdState(household_id=event.household_id, address=event.address)
    if isinstance(event, MemberJoinedHousehold) and event.household_id == state.household_id:
        joined = Membership(event.person_id, event.relationship, event.joined_on)
        return replace(state, members=(*state.members, joined))
    if isinstance(event, MemberLeftHousehold) and event.household_id == state.household_id:
        current = state.member(event.person_id)
        if current is None:
            return state
        return replace(
            state,
            members=tuple(m for m in state.members if m.person_id != event.person_id),
            former_members=(*state.former_members, replace(current, left_on=event.left_on)),
        )
    return state


def replay_person(events: Iterable[DomainEvent], state: PersonState | None = None) -> PersonState:
    """Fold a stream's events from the initial (or a given) state."""
    folded = state if state is not None else PersonState()
    for event in events:
        folded = apply_person(folded, event)
    return folded


def replay_household(events: Iterable[DomainEvent], state: HouseholdState | None = None) -> HouseholdState:
    """Fold a stream's events from the initial (or a given) state."""
    folded = state if state is not None else HouseholdState()
    for event in events:
        folded = apply_household(folded, event)
    return folded


# --- person decisions -----------------------------------------------------------------------------


def _require_person(state: PersonState, person_id: str) -> None:
    if not state.registered or state.person_id != person_id:
        raise PersonNotFound(f"no person {person_id!r} is registered; register the person first", field="person_id")


def decide_register_person(
    state: PersonState, command: RegisterPerson, *, now: datetime, person_id: str
) -> list[DomainEvent]:
    """本人登録: a new record under ``person_id``; a name in kanji or kana is required."""
    if state.registered:
        raise AlreadyExists(f"person {state.person_id!r} is already registered", field="person_id")
    name_kanji, name_kana = optional_text(command.name_kanji), optional_text(command.name_kana)
    if name_kanji is None and name_kana is None:
        raise InvalidCommand(
            "give name_kanji or name_kana; a subject whose name is unknown is described on the "
            "consultation (subject_description) until identified",
            field="name_kanji",
            reason="name_required",
        )
    _check_birth_date(command.birth_date, now)
    return [
        PersonRegistered(
            person_id=person_id,
            name_kanji=name_kanji,
            name_kana=name_kana,
            birth_date=command.birth_date,
            address=optional_text(command.address),
            phone=optional_text(command.phone),
            care_notes=optional_text(command.care_notes),
            registered_at=now,
            registered_by=required_text(command.registered_by, "registered_by", "the staff id"),
        )
    ]


def _check_birth_date(birth_date: date | None, now: datetime) -> None:
    if birth_date is not None and birth_date > local_date(now):
        raise InvalidCommand(f"birth_date {birth_date} is in the future", field="birth_date", reason="in_future")


def decide_correct_person_details(
    state: PersonState, command: CorrectPersonDetails, *, now: datetime
) -> list[DomainEvent]:
    """本人情報の訂正: only fields that really change are recorded; a reason is required."""
    _require_person(state, command.person_id)
    reason = required_text(command.reason, "reason", "why the details are corrected (audit)")
    unknown = [name for name in command.clear if name not in PERSON_DETAIL_FIELDS]
    if unknown:
        raise InvalidCommand(
            f"clear names unknown field(s) {unknown}; allowed: {list(PERSON_DETAIL_FIELDS)}", field="clear"
        )
    _check_birth_date(command.birth_date, now)
    changes: dict[str, Any] = {}
    for name in PERSON_DETAIL_FIELDS:
        value = getattr(command, name)
        if name in _TEXT_DETAILS:
            value = optional_text(value)
        if value is not None and name in command.clear:
            raise InvalidCommand(f"{name} is both given and cleared; do one", field=name)
        if value is not None and value != getattr(state.details, name):
            changes[name] = value
    cleared = tuple(name for name in dict.fromkeys(command.clear) if getattr(state.details, name) is not None)
    remaining = {name: getattr(state.details, name) for name in ("name_kanji", "name_kana")}
    remaining.update({k: v for k, v in changes.items() if k in remaining})
    remaining.update(dict.fromkeys(n for n in cleared if n in remaining))
    if not any(remaining.values()):
        raise InvalidCommand(
            "a person record keeps a name in kanji or kana; do not clear both", field="clear", reason="name_required"
        )
    if not changes and not cleared:
        raise InvalidCommand(
            "nothing to correct: every given value equals the record", field="person_id", reason="nothing_changed"
        )
    return [
        PersonDetailsCorrected(
            person_id=command.person_id,
            **changes,
            cleared_fields=cleared,
            reason=reason,
            corrected_at=now,
            corrected_by=required_text(command.corrected_by, "corrected_by", "the staff id"),
        )
    ]


def decide_link_person_records(
    person: PersonState, duplicate: PersonState, command: LinkPersonRecords, *, now: datetime
) -> list[DomainEvent]:
    """同一人物の記録の統合: explicit and audited; never a record with itself, never twice."""
    if command.person_id == command.duplicate_person_id:
        raise InvalidCommand(
            "a record cannot be linked to itself; give the id of the other record",
            field="duplicate_person_id",
            reason="self_link",
        )
    _require_person(person, command.person_id)
    if not duplicate.registered or duplicate.person_id != command.duplicate_person_id:
        raise PersonNotFound(f"no person {command.duplicate_person_id!r} is registered", field="duplicate_person_id")
    if command.duplicate_person_id in person.linked_person_ids or command.person_id in duplicate.linked_person_ids:
        raise IllegalTransition(
            f"records {command.person_id!r} and {command.duplicate_person_id!r} are already linked",
            field="duplicate_person_id",
            reason="already_done",
        )
    return [
        PersonRecordsLinked(
            person_id=command.person_id,
            duplicate_person_id=command.duplicate_person_id,
            reason=required_text(command.reason, "reason", "why both records are the same person (audit)"),
            linked_at=now,
            linked_by=required_text(command.linked_by, "linked_by", "the staff id"),
        )
    ]


# --- household decisions --------------------------------------------------------------------------


def _require_household(state: HouseholdState, household_id: str) -> None:
    if not state.registered or state.household_id != household_id:
        raise HouseholdNotFound(
            f"no household {household_id!r} is registered; register the household first", field="household_id"
        )


def decide_register_household(
    state: HouseholdState, command: RegisterHousehold, *, now: datetime, household_id: str
) -> list[DomainEvent]:
    """世帯登録: the household, then one MemberJoinedHousehold per first member (joined today)."""
    if state.registered:
        raise AlreadyExists(f"household {state.household_id!r} is already registered", field="household_id")
    ids = [m.person_id for m in command.members]
    if len(set(ids)) != len(ids):
        raise InvalidCommand(f"members lists a person twice: {ids}", field="members", reason="listed_twice")
    recorded_by = required_text(command.registered_by, "registered_by", "the staff id")
    events: list[DomainEvent] = [
        HouseholdRegistered(
            household_id=household_id,
            address=optional_text(command.address),
            registered_at=now,
            registered_by=recorded_by,
        )
    ]
    for member in command.members:
        events.append(
            MemberJoinedHousehold(
                household_id=household_id,
                person_id=required_text(member.person_id, "members.person_id", "the member's person id"),
                relationship=optional_text(member.relationship),
                joined_on=local_date(now),
                recorded_at=now,
                recorded_by=recorded_by,
            )
        )
    return events


def decide_join_household(state: HouseholdState, command: JoinHousehold, *, now: datetime) -> list[DomainEvent]:
    """世帯員の加入: refused for a current member or a date in the future."""
    _require_household(state, command.household_id)
    person_id = required_text(command.member.person_id, "member.person_id", "the joining person's id")
    if state.member(person_id) is not None:
        raise IllegalTransition(
            f"person {person_id!r} is already a member of household {command.household_id!r}",
            field="member.person_id",
            reason="already_member",
        )
    joined_on = command.joined_on or local_date(now)
    if joined_on > local_date(now):
        raise InvalidCommand(f"joined_on {joined_on} is in the future", field="joined_on", reason="in_future")
    return [
        MemberJoinedHousehold(
            household_id=command.household_id,
            person_id=person_id,
            relationship=optional_text(command.member.relationship),
            joined_on=joined_on,
            recorded_at=now,
            recorded_by=required_text(command.recorded_by, "recorded_by", "the staff id"),
        )
    ]


def decide_leave_household(state: HouseholdState, command: LeaveHousehold, *, now: datetime) -> list[DomainEvent]:
    """世帯員の離脱: only a current member leaves, not before joining nor in the future."""
    _require_household(state, command.household_id)
    membership = state.member(command.person_id)
    if membership is None:
        raise IllegalTransition(
            f"person {command.person_id!r} is not a current member of household {command.household_id!r}",
            field="person_id",
            reason="not_member",
        )
    left_on = command.left_on or local_date(now)
    if left_on > local_date(now):
        raise InvalidCommand(f"left_on {left_on} is in the future", field="left_on", reason="in_future")
    if left_on < membership.joined_on:
        raise InvalidCommand(
            f"left_on {left_on} is before the person joined on {membership.joined_on}",
            field="left_on",
            reason="before_earliest",
            ctx={"earliest": membership.joined_on.isoformat()},
        )
    return [
        MemberLeftHousehold(
            household_id=command.household_id,
            person_id=command.person_id,
            left_on=left_on,
            reason=optional_text(command.reason),
            recorded_at=now,
            recorded_by=required_text(command.recorded_by, "recorded_by", "the staff id"),
        )
    ]
