"""Who reads what (閲覧権限): the one rule every service applies to the records it holds.

==========  ==============================================================================
role        reads the special-care details (要配慮個人情報) of records held by ...
==========  ==============================================================================
worker      its own department; another department's only on the person's consent or a
            statutory basis (:func:`shared.consent.disclosure_basis`), or a meeting it
            asked for, took part in or took work from (conferences)
manager     the same as a worker (plus the decisions and supervision of its department)
director    the same as a manager (局長: the last approval step, e.g. of activity records)
auditor     none: an audit reads *who read what* (access logs) and whether the records are
            whole (chain verification) of any case; codes, statuses and dates, never narratives
admin       none: platform operations see codes, statuses and counts, never details
system      none over HTTP: automation acts on events
==========  ==============================================================================

docs/PRIVACY.md writes the whole policy down; the services call :func:`reads_own_records` rather
than testing roles themselves, so the rule changes in one place. Every read of personal data by a
route of any service is recorded as :class:`PersonalDataRead` (:func:`record_reads`, called by
``shared.web.Edge.read``): who, which subject, which fields were shown or withheld, and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from shared.envelope import Actor
from shared.events import DomainEvent, EventRegistry
from shared.uow import UnitOfWorkFactory

__all__ = [
    "ACCESS_EVENTS",
    "DETAIL_ROLES",
    "PersonalDataRead",
    "read_of",
    "reads_details",
    "reads_own_records",
    "record_reads",
]

DETAIL_ROLES = frozenset({"worker", "manager", "director"})
"""Roles that read personal details at all (of their own department's records, or on a basis)."""


def reads_own_records(viewer: Actor, holder: str) -> bool:
    """Whether ``viewer`` reads the details of records ``holder`` (a department) keeps, without any
    further basis: staff of that department in a role that reads details."""
    return viewer.department == holder and viewer.role in DETAIL_ROLES


def reads_details(viewer: Actor) -> bool:
    """Whether ``viewer``'s role reads personal details at all (on its department's or a basis)."""
    return viewer.role in DETAIL_ROLES


# --- the access trail (閲覧記録): every read of personal data leaves an event ---------------------


class PersonalDataRead(DomainEvent):
    """閲覧記録: a staff member read a person's or a case's data through a service's route.

    One event per subject read (a list read leaves one per row it showed), recorded under the
    subject as its case so an audit of the case finds it; it names the fields shown and those
    withheld, never their values.
    """

    event_type: ClassVar[str] = "access.PersonalDataRead"

    subject_id: str
    route: str
    purpose: str
    viewer_id: str
    viewer_department: str
    viewer_role: str
    fields_shown: tuple[str, ...]
    fields_redacted: tuple[str, ...]
    read_at: datetime


ACCESS_EVENTS = EventRegistry([PersonalDataRead])

_SUBJECT_KEYS = (
    "case_id",
    "person_id",
    "household_id",
    "consultation_id",
    "application_id",
    "conference_id",
    "referral_id",
)
_NOT_FIELDS = frozenset({"redacted", "version", "items", "total", "counts", "limit", "offset"})


def _subject(row: Mapping[str, Any]) -> str | None:
    return next((str(row[k]) for k in _SUBJECT_KEYS if row.get(k)), None)


def read_of(result: Mapping[str, Any]) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """The subjects a response shows, each with the fields shown and the fields withheld."""
    rows = result.get("items") if isinstance(result.get("items"), list) else [result]
    out = []
    for row in rows or ():
        if not isinstance(row, Mapping) or (subject := _subject(row)) is None:
            continue
        redacted = tuple(sorted(str(r) for r in row.get("redacted") or ()))
        shown = tuple(
            sorted(
                k for k, v in row.items() if k not in _NOT_FIELDS and k not in redacted and v not in (None, "", [], {})
            )
        )
        out.append((subject, shown, redacted))
    return out


def record_reads(
    uows: UnitOfWorkFactory,
    actor: Actor,
    route: str,
    purpose: str,
    result: Mapping[str, Any],
    *,
    correlation_id: str | None = None,
) -> int:
    """Record that ``actor`` read ``result`` through ``route`` for ``purpose``: one
    :class:`PersonalDataRead` per subject shown, in one transaction; returns how many."""
    reads = read_of(result)
    if not reads:
        return 0
    with uows(actor, correlation_id=correlation_id) as uow:
        now = uow.now()
        for subject, shown, redacted in reads:
            event = PersonalDataRead(
                subject_id=subject,
                route=route,
                purpose=purpose,
                viewer_id=actor.staff_id,
                viewer_department=actor.department,
                viewer_role=actor.role,
                fields_shown=shown,
                fields_redacted=redacted,
                read_at=now,
            )
            uow.record(f"access-{uow.new_id()}", 0, [event], case_id=subject)
        uow.commit()
    return len(reads)
