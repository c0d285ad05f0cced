"""Who reads what (閲覧権限): the one rule every service applies to the records it holds.

==========  ==============================================================================
role        reads the special-care details (要配慮個人情報) of records held by ...
==========  ==============================================================================
worker      its own department; another department's only on the person's consent or a
            statutory basis (:func:`shared.consent.disclosure_basis`), or a meeting it
            asked for, took part in or took work from (conferences)
manager     the same as a worker (plus the decisions and supervision of its department)
auditor     none: an audit reads *who read what* (access logs) and whether the records are
            whole (chain verification) of any case; codes, statuses and dates, never narratives
admin       none: platform operations see codes, statuses and counts, never details
system      none over HTTP: automation acts on events
==========  ==============================================================================

docs/PRIVACY.md writes the whole policy down; the services call :func:`reads_own_records` rather
than testing roles themselves, so the rule changes in one place.
"""

from __future__ import annotations

from shared.envelope import Actor

__all__ = ["DETAIL_ROLES", "reads_details", "reads_own_records"]

DETAIL_ROLES = frozenset({"worker", "manager"})
"""Roles that read personal details at all (of their own department's records, or on a basis)."""


def reads_own_records(viewer: Actor, holder: str) -> bool:
    """Whether ``viewer`` reads the details of records ``holder`` (a department) keeps, without any
    further basis: staff of that department in a role that reads details."""
    return viewer.department == holder and viewer.role in DETAIL_ROLES


def reads_details(viewer: Actor) -> bool:
    """Whether ``viewer``'s role reads personal details at all (on its department's or a basis)."""
    return viewer.role in DETAIL_ROLES
