"""What the loans desk shows, and to whom (閲覧の範囲).

Who reads what:

==============================================  ===============================================
viewer                                          sees
==============================================  ===============================================
loans workers and managers                     everything in the read tables
                                                (:func:`shared.access.reads_own_records`)
staff of other departments                      codes, statuses, amounts, schedules, arrears and
                                                referrals; free text (summary, purpose, reasons),
                                                the person's name and sensitive issue codes (障害,
                                                病気, DV...) are withheld and named in ``redacted``
==============================================  ===============================================

The desk's lists serve the cross-department work of 総合相談 (an intake worker looks up whether a
household borrows and is in arrears) without spreading special-care data (要配慮個人情報).

Each row names its person (相談者・申請者, ``subject_name``) for the desk's own staff: the person
the record names, else the household's first member, as the desk registered them. The desk keeps
no person table: the name is folded from the person's ``registry.*`` events in its own store (the
details stay in the event); a person or household another desk registered has no name here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from services.loans.adapters import queries
from services.loans.handlers import PERSON, LoansDeps
from shared.access import reads_own_records
from shared.db import reading
from shared.envelope import Actor
from shared.errors import NotFound
from shared.referrals.desk import ReferralDesk
from shared.registry.normalise import normalise_name

__all__ = [
    "application",
    "applications",
    "consultation",
    "consultations",
    "follow_ups",
    "household_history",
    "households_named",
    "names_of",
    "sees_everything",
]

_FREE_TEXT = ("summary", "purpose", "decision_reason", "subject_name", "name")


def sees_everything(viewer: Actor) -> bool:
    return reads_own_records(viewer, "loans")


def _redact(deps: LoansDeps, item: dict[str, Any], viewer: Actor) -> dict[str, Any]:
    if sees_everything(viewer):
        return item
    shown = dict(item)
    redacted: list[str] = []
    for name in _FREE_TEXT:
        if shown.get(name):
            shown[name] = None
            redacted.append(name)
    if "issues" in shown:
        sensitive = deps.codes.flagged("household_issue_categories", "sensitive")
        kept = [i for i in shown["issues"] if i not in sensitive]
        if len(kept) != len(shown["issues"]):
            shown["issues"] = kept
            redacted.append("issues")
    shown["redacted"] = redacted
    return shown


def names_of(conn: Connection, person_ids: set[str] | None = None) -> dict[str, str]:
    """氏名 (kanji, else kana) of people registered here, by person id."""
    return {
        pid: name
        for pid, (kanji, kana) in queries.person_names(conn, PERSON, person_ids).items()
        if (name := kanji or kana)
    }


def _named(conn: Connection, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``items`` each with ``subject_name``: its person's name, else its household's first member's."""
    firsts = queries.first_members(conn, {i["household_id"] for i in items if not i.get("person_id")})
    subjects = {id(i): i.get("person_id") or firsts.get(i["household_id"]) for i in items}
    names = names_of(conn, {p for p in subjects.values() if p})
    return [{**i, "subject_name": names.get(subjects[id(i)] or "")} for i in items]


def households_named(deps: LoansDeps, name: str, limit: int) -> dict[str, Any]:
    """世帯の検索: the households the desk registered with a member whose name (kanji or kana, widths
    and kana forms folded as at intake's 本人検索) holds ``name``, each with its members' names."""
    key = normalise_name(name)
    with reading(deps.kit.engine) as conn:
        everyone = queries.person_names(conn, PERSON)
        matched = {pid for pid, names in everyone.items() if any(n and key in normalise_name(n) for n in names)}
        found = queries.households_of(conn, matched, limit)
    named = {pid: kanji or kana for pid, (kanji, kana) in everyone.items()}
    return {
        "name": name,
        "items": [
            {
                "household_id": h["household_id"],
                "registered_at": h["registered_at"],
                "members": [{"person_id": pid, "name": named.get(pid), "redacted": []} for pid in h["member_ids"]],
            }
            for h in found
        ],
    }


def _page(deps: LoansDeps, conn: Connection, page: dict[str, Any], viewer: Actor) -> dict[str, Any]:
    return {**page, "items": [_redact(deps, i, viewer) for i in _named(conn, page["items"])]}


def consultations(deps: LoansDeps, viewer: Actor, search: queries.Search) -> dict[str, Any]:
    with reading(deps.kit.engine) as conn:
        return _page(deps, conn, queries.list_consultations(conn, search), viewer)


def consultation(deps: LoansDeps, viewer: Actor, consultation_id: str) -> dict[str, Any]:
    """One consultation with its contacts (codes and times only: the notes stay in the events)."""
    with reading(deps.kit.engine) as conn:
        row = queries.consultation(conn, consultation_id)
        if row is None:
            raise NotFound(f"no loan consultation {consultation_id!r}: check the id", field="consultation_id")
        contacts = queries.consultation_contacts(conn, consultation_id)
        (named,) = _named(conn, [row])
    return {**_redact(deps, named, viewer), "contacts": contacts}


def applications(deps: LoansDeps, viewer: Actor, search: queries.Search) -> dict[str, Any]:
    with reading(deps.kit.engine) as conn:
        return _page(deps, conn, queries.list_applications(conn, search), viewer)


def application(deps: LoansDeps, viewer: Actor, application_id: str) -> dict[str, Any]:
    with reading(deps.kit.engine) as conn:
        row = queries.application(conn, application_id)
        if row is None:
            raise NotFound(f"no loan application {application_id!r}: check the id", field="application_id")
        (named,) = _named(conn, [row])
    return _redact(deps, named, viewer)


def follow_ups(deps: LoansDeps, viewer: Actor, search: queries.Search) -> dict[str, Any]:
    with reading(deps.kit.engine) as conn:
        return _page(deps, conn, queries.follow_ups_list(conn, search), viewer)


def household_history(deps: LoansDeps, viewer: Actor, household_id: str, desk: ReferralDesk | None) -> dict[str, Any]:
    """A household's loan history: consultations, applications and loans (schedule, arrears),
    follow-ups and the referrals about the household that the viewer's department may see."""
    with reading(deps.kit.engine) as conn:
        household = queries.household(conn, household_id)
        consults = _named(conn, queries.consultations_for_household(conn, household_id))
        apps = _named(conn, queries.applications_for_household(conn, household_id))
        follow = _named(
            conn, queries.follow_ups_list(conn, queries.Search(household_id=household_id, limit=500))["items"]
        )
        names = names_of(conn, set((household or {}).get("member_ids", [])))
    referrals = desk.for_case(household_id, viewer) if desk is not None else []
    if household is None and not consults and not apps and not referrals:
        raise NotFound(
            f"the loans desk knows nothing of household {household_id!r}: check the id", field="household_id"
        )
    in_arrears = [a for a in apps if a["arrears_count"] > 0]
    return {
        "household_id": household_id,
        "registered_here": household is not None,
        "consultations": [_redact(deps, i, viewer) for i in consults],
        "applications": [_redact(deps, i, viewer) for i in apps],
        "follow_ups": [_redact(deps, i, viewer) for i in follow],
        "members": [
            _redact(deps, {"person_id": pid, "name": names.get(pid)}, viewer)
            for pid in (household or {}).get("member_ids", [])
        ],
        "referrals": referrals,
        "summary": {
            "consultations": len(consults),
            "contacts": sum(i["contact_count"] for i in consults),
            "applications": len(apps),
            "loans_repaying": sum(1 for a in apps if a["status"] == "repaying"),
            "outstanding": sum(a["outstanding"] for a in apps),
            "in_arrears": bool(in_arrears),
            "arrears_amount": sum(a["arrears_amount"] for a in apps),
            "missed_instalments": sum(a["missed_count"] for a in apps),
            "open_referrals": sum(1 for r in referrals if r.get("status") in ("made", "accepted", "expired")),
        },
    }


def written(deps: LoansDeps, query: Callable[[Connection, str], dict[str, Any] | None], key: str) -> dict[str, Any]:
    """The read row of what a command just changed, for the loans staff member who changed it."""
    with reading(deps.kit.engine) as conn:
        row = query(conn, key)
    assert row is not None, f"{key} was just written"
    return row
