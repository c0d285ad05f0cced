"""People and households (本人・世帯): the search index and its queries.

:func:`project` folds ``registry.*`` events into the tables, whether intake recorded them (on the
unit of work's connection) or another service did (from Kafka, through ``consumers.py``). Linked
duplicate records share a ``canonical_id`` (the record kept), so search shows one person per
case. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, true

from services.intake.adapters.tables import household_members, households, people
from shared.columns import row_of
from shared.events import DomainEvent
from shared.registry.events import (
    PERSON_DETAIL_FIELDS,
    HouseholdRegistered,
    MemberJoinedHousehold,
    MemberLeftHousehold,
    PersonDetailsCorrected,
    PersonRecordsLinked,
    PersonRegistered,
)
from shared.registry.normalise import normalise_name, normalise_phone

__all__ = [
    "address_key",
    "get_household",
    "get_person",
    "households_of",
    "list_households",
    "person_group",
    "project",
    "search_people",
]


def address_key(text: str | None) -> str | None:
    """Addresses are matched like names: width-folded, kana-folded, spaces removed."""
    return normalise_name(text) or None if text else None


def _keys(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name_kanji_key": normalise_name(row["name_kanji"]) if row.get("name_kanji") else None,
        "name_kana_key": normalise_name(row["name_kana"]) if row.get("name_kana") else None,
        "phone_key": normalise_phone(row["phone"]) if row.get("phone") else None,
        "address_key": address_key(row.get("address")),
    }


def project(conn: Connection, event: DomainEvent, *, service: str, at: datetime) -> None:
    """Fold one registry event into the read tables; a repeated registration is ignored."""
    stamp = at.isoformat()
    if isinstance(event, PersonRegistered):
        if get_person(conn, event.person_id) is not None:
            return
        details: dict[str, Any] = {name: getattr(event, name) for name in PERSON_DETAIL_FIELDS}
        details["birth_date"] = event.birth_date.isoformat() if event.birth_date else None
        conn.execute(
            people.insert().values(
                person_id=event.person_id,
                canonical_id=event.person_id,
                **details,
                **_keys(details),
                registered_by_service=service,
                registered_at=event.registered_at.isoformat(),
                updated_at=stamp,
            )
        )
    elif isinstance(event, PersonDetailsCorrected):
        current = get_person(conn, event.person_id)
        if current is None:
            return
        changes: dict[str, Any] = {n: getattr(event, n) for n in PERSON_DETAIL_FIELDS if getattr(event, n) is not None}
        if event.birth_date is not None:
            changes["birth_date"] = event.birth_date.isoformat()
        changes.update(dict.fromkeys(event.cleared_fields))
        merged = {**current, **changes}
        conn.execute(
            people.update()
            .where(people.c.person_id == event.person_id)
            .values(**changes, **_keys(merged), updated_at=stamp)
        )
    elif isinstance(event, PersonRecordsLinked):
        _link(conn, kept=event.person_id, duplicate=event.duplicate_person_id, stamp=stamp)
    elif isinstance(event, HouseholdRegistered):
        if conn.execute(
            select(households.c.household_id).where(households.c.household_id == event.household_id)
        ).first():
            return
        conn.execute(
            households.insert().values(
                household_id=event.household_id,
                address=event.address,
                address_key=address_key(event.address),
                registered_by_service=service,
                registered_at=event.registered_at.isoformat(),
                updated_at=stamp,
            )
        )
    elif isinstance(event, MemberJoinedHousehold):
        conn.execute(household_members.insert().values(**row_of(event, household_members)))
    elif isinstance(event, MemberLeftHousehold):
        m = household_members.c
        conn.execute(
            household_members.update()
            .where(m.household_id == event.household_id, m.person_id == event.person_id, m.left_on.is_(None))
            .values(left_on=event.left_on.isoformat())
        )


def _link(conn: Connection, *, kept: str, duplicate: str, stamp: str) -> None:
    """Fold ``duplicate`` (and every record already folded into it) into ``kept``'s case."""
    root = conn.execute(select(people.c.canonical_id).where(people.c.person_id == kept)).scalar()
    old = conn.execute(select(people.c.canonical_id).where(people.c.person_id == duplicate)).scalar()
    if root is None or old is None or root == old:
        return
    conn.execute(people.update().where(people.c.canonical_id == old).values(canonical_id=root, updated_at=stamp))


# --- queries ------------------------------------------------------------------------------------


def get_person(conn: Connection, person_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(people).where(people.c.person_id == person_id)).mappings().first()
    return dict(row) if row else None


def person_group(conn: Connection, person_id: str) -> list[str]:
    """Every record id of the same person (linked duplicates), ``person_id`` included."""
    root = conn.execute(select(people.c.canonical_id).where(people.c.person_id == person_id)).scalar()
    if root is None:
        return [person_id]
    ids = conn.execute(select(people.c.person_id).where(people.c.canonical_id == root)).scalars()
    return sorted({person_id, *ids})


def search_people(
    conn: Connection,
    *,
    name: str | None = None,
    birth_date: str | None = None,
    address: str | None = None,
    phone: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """People matching every given criterion, one row per person (the kept record of linked ones).

    A criterion matches any record of the person, so a duplicate spelled differently still finds
    the case. Name matches kanji or kana keys as a substring; phone and address as substrings.
    """
    p = people.c
    clauses: list[Any] = []
    if name:
        key = normalise_name(name)
        clauses.append(
            or_(p.name_kanji_key.contains(key, autoescape=True), p.name_kana_key.contains(key, autoescape=True))
        )
    if birth_date:
        clauses.append(p.birth_date == birth_date)
    if address:
        clauses.append(p.address_key.contains(address_key(address) or "", autoescape=True))
    if phone:
        clauses.append(p.phone_key.contains(normalise_phone(phone), autoescape=True))
    matching = select(p.canonical_id).where(and_(true(), *clauses)).distinct().subquery()
    total = conn.execute(select(func.count()).select_from(matching)).scalar_one()
    rows = conn.execute(
        select(people)
        .where(p.person_id.in_(select(matching.c.canonical_id)))
        .order_by(p.name_kana_key, p.name_kanji_key, p.person_id)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return [dict(r) for r in rows], int(total)


def names_of(conn: Connection, person_ids: Sequence[str]) -> dict[str, str]:
    """氏名: each registered person's name (kanji, else kana), by person id."""
    if not person_ids:
        return {}
    rows = conn.execute(
        select(people.c.person_id, people.c.name_kanji, people.c.name_kana).where(people.c.person_id.in_(person_ids))
    ).all()
    return {pid: name for pid, kanji, kana in rows if (name := kanji or kana)}


def linked_ids(conn: Connection, person_ids: Sequence[str]) -> dict[str, list[str]]:
    """For each kept record, the other records folded into it."""
    if not person_ids:
        return {}
    rows = conn.execute(
        select(people.c.canonical_id, people.c.person_id).where(
            people.c.canonical_id.in_(person_ids), people.c.person_id != people.c.canonical_id
        )
    ).all()
    out: dict[str, list[str]] = {pid: [] for pid in person_ids}
    for canonical, pid in rows:
        out[canonical].append(pid)
    return {k: sorted(v) for k, v in out.items()}


def households_of(conn: Connection, person_ids: Sequence[str]) -> list[dict[str, Any]]:
    m = household_members.c
    rows = conn.execute(
        select(household_members).where(m.person_id.in_(person_ids)).order_by(m.joined_on, m.household_id)
    ).mappings()
    return [dict(r) for r in rows]


def get_household(conn: Connection, household_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(households).where(households.c.household_id == household_id)).mappings().first()
    if row is None:
        return None
    m = household_members.c
    members = conn.execute(
        select(household_members).where(m.household_id == household_id).order_by(m.joined_on, m.person_id)
    ).mappings()
    return {**dict(row), "members": [dict(r) for r in members]}


def list_households(
    conn: Connection, *, address: str | None = None, person_id: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    h = households.c
    clauses: list[Any] = []
    if address:
        clauses.append(h.address_key.contains(address_key(address) or "", autoescape=True))
    if person_id:
        group = person_group(conn, person_id)
        clauses.append(
            h.household_id.in_(select(household_members.c.household_id).where(household_members.c.person_id.in_(group)))
        )
    total = conn.execute(select(func.count()).select_from(households).where(and_(true(), *clauses))).scalar_one()
    ids = conn.execute(
        select(h.household_id)
        .where(and_(true(), *clauses))
        .order_by(h.registered_at, h.household_id)
        .limit(limit)
        .offset(offset)
    ).scalars()
    return [hh for hid in ids if (hh := get_household(conn, hid)) is not None], int(total)
