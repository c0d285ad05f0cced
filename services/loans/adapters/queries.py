"""Reads of the read tables: search, lists with counts, one household's history.

Every list answers ``{"items": [...], "total": n, ...}`` with ``limit``/``offset`` paging. Periods
are dates, inclusive at both ends, in UTC.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, Select, Table, case, func, select

from services.loans.adapters.tables import applications, consultations, contacts, follow_ups, households, instalments
from shared.commands import Aggregate
from shared.eventstore import events_table
from shared.pages import counts_by, equal_to, page, page_of
from shared.registry.model import PersonState

__all__ = [
    "Search",
    "application",
    "applications_for_household",
    "consultation",
    "consultation_contacts",
    "consultations_for_household",
    "first_members",
    "follow_ups_list",
    "household",
    "households_of",
    "list_applications",
    "list_consultations",
    "person_names",
    "repaying_application_ids",
]


@dataclass(frozen=True)
class Search:
    """Filters of the desk's lists; ``None`` means any."""

    date_from: date | None = None
    date_to: date | None = None
    fund_type: str | None = None
    kind: str | None = None
    status: str | None = None
    household_id: str | None = None
    initial: bool | None = None
    limit: int = 50
    offset: int = 0

    def equal(self, table: Table, *names: str) -> list[ColumnElement[bool]]:
        """Equality clauses on ``table``'s columns of these names, for the filters that are set."""
        return equal_to(table, **{name: getattr(self, name) for name in names})


def _period(column: Any, search: Search) -> list[ColumnElement[bool]]:
    # Times are stored as ISO text in UTC; a date compares correctly with them as a prefix.
    conditions: list[ColumnElement[bool]] = []
    if search.date_from is not None:
        conditions.append(column >= search.date_from.isoformat())
    if search.date_to is not None:
        conditions.append(column < (search.date_to + timedelta(days=1)).isoformat())
    return conditions


def _json_list(raw: str | None) -> list[str]:
    return list(json.loads(raw)) if raw else []


def _consultation_row(row: RowMapping) -> dict[str, Any]:
    item = dict(row)
    item["issues"] = _json_list(item["issues"])
    item["responses"] = _json_list(item["responses"])
    return item


def list_consultations(conn: Connection, search: Search) -> dict[str, Any]:
    """Consultations opened in the period, with the period's contact counts (延件数・実数)."""
    c = consultations.c
    where = _period(c.opened_at, search) + search.equal(
        consultations, "fund_type", "kind", "status", "household_id", "initial"
    )
    rows, total = page_of(
        conn, consultations, where, (c.opened_at.desc(), c.consultation_id), search.limit, search.offset
    )
    return page(
        [_consultation_row(r) for r in rows],
        total,
        search.limit,
        search.offset,
        counts=contact_counts(conn, search),
    )


def contact_counts(conn: Connection, search: Search) -> dict[str, Any]:
    """延件数 (every contact) and 実数 (initial consultations) in the period, overall and per fund type."""
    where = _period(contacts.c.contacted_at, search)
    for column, value in (
        (contacts.c.fund_type, search.fund_type),
        (contacts.c.kind, search.kind),
        (contacts.c.household_id, search.household_id),
    ):
        if value is not None:
            where.append(column == value)
    initial = func.sum(case((contacts.c.initial.is_(True), 1), else_=0))
    query: Select[Any] = (
        select(contacts.c.fund_type, func.count(), initial).where(*where).group_by(contacts.c.fund_type)
    )
    by_fund = {r[0]: {"contacts": int(r[1]), "initial": int(r[2] or 0)} for r in conn.execute(query)}
    return {
        "contacts": sum(v["contacts"] for v in by_fund.values()),
        "initial": sum(v["initial"] for v in by_fund.values()),
        "by_fund_type": by_fund,
    }


def consultation(conn: Connection, consultation_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(consultations).where(consultations.c.consultation_id == consultation_id)).mappings().first()
    )
    return _consultation_row(row) if row is not None else None


def consultation_contacts(conn: Connection, consultation_id: str) -> list[dict[str, Any]]:
    """The consultation's contacts (延件数), oldest first."""
    rows = conn.execute(
        select(contacts)
        .where(contacts.c.consultation_id == consultation_id)
        .order_by(contacts.c.contacted_at, contacts.c.contact_id)
    )
    return [dict(r._mapping) for r in rows]


def consultations_for_household(conn: Connection, household_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(consultations)
        .where(consultations.c.household_id == household_id)
        .order_by(consultations.c.opened_at, consultations.c.consultation_id)
    ).mappings()
    return [_consultation_row(r) for r in rows]


def _schedule(conn: Connection, application_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    schedules: dict[str, list[dict[str, Any]]] = {a: [] for a in application_ids}
    if not application_ids:
        return schedules
    rows = conn.execute(
        select(instalments)
        .where(instalments.c.application_id.in_(application_ids))
        .order_by(instalments.c.application_id, instalments.c.number)
    )
    for r in rows:
        item = dict(r._mapping)
        app_id = item.pop("application_id")
        item["remaining"] = item["amount"] - item["paid"]
        schedules[app_id].append(item)
    return schedules


def _with_schedules(conn: Connection, rows: Sequence[RowMapping]) -> list[dict[str, Any]]:
    items = [dict(r) for r in rows]
    schedules = _schedule(conn, [i["application_id"] for i in items])
    for item in items:
        item["schedule"] = schedules[item["application_id"]]
    return items


def list_applications(conn: Connection, search: Search) -> dict[str, Any]:
    """Applications submitted in the period, with counts per status."""
    a = applications.c
    where = _period(a.submitted_at, search) + search.equal(applications, "fund_type", "household_id")
    by_status = counts_by(conn, a.status, where)
    where += search.equal(applications, "status")
    rows, total = page_of(
        conn, applications, where, (a.submitted_at.desc(), a.application_id), search.limit, search.offset
    )
    return page(
        _with_schedules(conn, rows),
        total,
        search.limit,
        search.offset,
        counts={"by_status": by_status},
    )


def application(conn: Connection, application_id: str) -> dict[str, Any] | None:
    rows = conn.execute(select(applications).where(applications.c.application_id == application_id)).mappings().all()
    items = _with_schedules(conn, rows)
    return items[0] if items else None


def applications_for_household(conn: Connection, household_id: str) -> list[dict[str, Any]]:
    rows = (
        conn.execute(
            select(applications)
            .where(applications.c.household_id == household_id)
            .order_by(applications.c.submitted_at, applications.c.application_id)
        )
        .mappings()
        .all()
    )
    return _with_schedules(conn, rows)


def repaying_application_ids(conn: Connection) -> list[str]:
    return list(
        conn.execute(
            select(applications.c.application_id)
            .where(applications.c.status == "repaying")
            .order_by(applications.c.application_id)
        ).scalars()
    )


def follow_ups_list(conn: Connection, search: Search) -> dict[str, Any]:
    """要フォロー: consultations closed without reaching any service."""
    f = follow_ups.c
    where = _period(f.closed_at, search) + search.equal(follow_ups, "fund_type", "kind", "household_id")
    rows, total = page_of(conn, follow_ups, where, (f.closed_at.desc(), f.consultation_id), search.limit, search.offset)
    items = []
    for r in rows:
        item = dict(r)
        item["issues"] = _json_list(item["issues"])
        items.append(item)
    return page(items, total, search.limit, search.offset)


def household(conn: Connection, household_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(households).where(households.c.household_id == household_id)).first()
    if row is None:
        return None
    item = dict(row._mapping)
    item["member_ids"] = _json_list(item["member_ids"])
    return item


def first_members(conn: Connection, household_ids: set[str]) -> dict[str, str]:
    """The first member registered with each household the desk registered (by household id)."""
    if not household_ids:
        return {}
    rows = conn.execute(
        select(households.c.household_id, households.c.member_ids).where(households.c.household_id.in_(household_ids))
    )
    return {hid: members[0] for hid, raw in rows if (members := _json_list(raw))}


def person_names(
    conn: Connection, person: Aggregate[PersonState], person_ids: set[str] | None = None
) -> dict[str, tuple[str | None, str | None]]:
    """(氏名, カナ) of the people registered at this desk, by person id (all of them when
    ``person_ids`` is ``None``), folded from their ``registry.*`` events: the desk keeps no person
    table, the details stay in the event."""
    if person_ids is not None and not person_ids:
        return {}
    e = events_table.c
    where = (
        e.stream_id.like(person.stream("%")) if person_ids is None else e.stream_id.in_(map(person.stream, person_ids))
    )
    rows = conn.execute(
        select(e.stream_id, e.event_type, e.schema_version, e.data).where(where).order_by(e.stream_id, e.stream_version)
    )
    fold, states = person.fold, dict[str, PersonState]()
    for stream, event_type, version, data in rows:
        event = fold.registry.parse(event_type, version, json.loads(data))
        states[stream] = fold.apply(states.get(stream) or fold.initial(), event)
    return {s.person_id: (s.details.name_kanji, s.details.name_kana) for s in states.values() if s.person_id}


def households_of(conn: Connection, person_ids: set[str], limit: int) -> list[dict[str, Any]]:
    """The households the desk registered with any of ``person_ids`` among their members, newest first."""
    if not person_ids:
        return []
    found = []
    for row in conn.execute(select(households).order_by(households.c.registered_at.desc())).mappings():
        members = _json_list(row["member_ids"])
        if person_ids.intersection(members):
            found.append({**row, "member_ids": members})
            if len(found) == limit:
                break
    return found
