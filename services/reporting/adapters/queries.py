"""Queries over one generation of the read models. Never commit; callers own the connection."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, and_, func, or_, select

from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.readmodel import ts
from services.reporting.domain.case_view import TimelineEntry
from services.reporting.domain.follow_ups import FACT_TYPES, Fact, stalled
from shared.dates import JST
from shared.envelope import Actor

Edge = tuple[str, str, str]
EdgeSource = Callable[[Sequence[str]], Iterable[Edge]]


def period_bounds(start: date, end: date) -> tuple[str, str]:
    """A period of local (JST) dates, both inclusive, as [lo, hi) fixed-width UTC text."""
    lo = datetime.combine(start, time(0), JST)
    hi = datetime.combine(end + timedelta(days=1), time(0), JST)
    return ts(lo), ts(hi)


# -- case identity ---------------------------------------------------------------------------


def case_group(case_id: str, edges: EdgeSource) -> list[str]:
    """The ids of one case: ``case_id`` with its linked duplicates (``same``, transitive), and one
    ``member`` hop: a person's households, a household's members (each with its own duplicates)."""

    def closure(start: set[str], kinds: set[str]) -> set[str]:
        seen, frontier = set(start), set(start)
        while frontier:
            found: set[str] = set()
            for a, b, kind in edges(sorted(frontier)):
                if kind in kinds:
                    found.update((a, b))
            frontier = found - seen
            seen |= found
        return seen

    same = closure({case_id}, {"same"})
    neighbours: set[str] = set()
    for a, b, kind in edges(sorted(same)):
        if kind == "member":
            neighbours.update({a, b} - same)
    return sorted(same | (closure(neighbours, {"same"}) if neighbours else set()))


def live_edges(conn: Connection, gen: int) -> EdgeSource:
    def fetch(ids: Sequence[str]) -> list[Edge]:
        rows = conn.execute(
            select(rm.links.c.a, rm.links.c.b, rm.links.c.kind).where(
                rm.links.c.gen == gen, or_(rm.links.c.a.in_(ids), rm.links.c.b.in_(ids))
            )
        )
        return [(a, b, k) for a, b, k in rows]

    return fetch


def timeline(conn: Connection, gen: int, case_ids: Sequence[str]) -> list[TimelineEntry]:
    t = rm.timeline
    rows = conn.execute(
        select(t).where(t.c.gen == gen, t.c.case_id.in_(case_ids)).order_by(t.c.at, t.c.event_id)
    ).mappings()
    return [
        TimelineEntry(
            event_id=r["event_id"],
            time=datetime.fromisoformat(r["at"]),
            stream_version=r["stream_version"],
            department=r["source"],
            type=r["type"],
            case_id=r["case_id"],
            subject=r["subject"],
            actor=Actor(
                staff_id=r["actor_id"], department=r["actor_department"], role=r["actor_role"], name=r["actor_name"]
            ),
            data=json.loads(r["data"]),
        )
        for r in rows
    ]


# -- statistics (the seed's tables) ----------------------------------------------------------


def table1_counts(conn: Connection, gen: int, lo: str, hi: str) -> dict[tuple[str, str], int]:
    c = rm.loan_contacts.c
    rows = conn.execute(
        select(c.fund_type, c.kind, func.count())
        .where(c.gen == gen, c.at >= lo, c.at < hi)
        .group_by(c.fund_type, c.kind)
    )
    return {(f, k): int(n) for f, k, n in rows}


def _initial(gen: int, lo: str, hi: str) -> Any:
    c = rm.loan_consultations.c
    return and_(c.gen == gen, c.initial.is_(True), c.opened_at >= lo, c.opened_at < hi)


def table2_counts(conn: Connection, gen: int, lo: str, hi: str) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    c, i = rm.loan_consultations.c, rm.issues.c
    initial = {
        f: int(n)
        for f, n in conn.execute(select(c.fund_type, func.count()).where(_initial(gen, lo, hi)).group_by(c.fund_type))
    }
    rows = conn.execute(
        select(c.fund_type, i.category, func.count(func.distinct(c.consultation_id)))
        .select_from(
            rm.loan_consultations.join(
                rm.issues,
                and_(i.gen == c.gen, i.consultation_id == c.consultation_id, i.department == "loans"),
            )
        )
        .where(_initial(gen, lo, hi))
        .group_by(c.fund_type, i.category)
    )
    return initial, {(f, cat): int(n) for f, cat, n in rows}


def table3_counts(conn: Connection, gen: int, lo: str, hi: str) -> dict[tuple[str, str], int]:
    c, r = rm.loan_consultations.c, rm.loan_responses.c
    rows = conn.execute(
        select(c.fund_type, r.response, func.count())
        .select_from(
            rm.loan_consultations.join(rm.loan_responses, and_(r.gen == c.gen, r.consultation_id == c.consultation_id))
        )
        .where(_initial(gen, lo, hi))
        .group_by(c.fund_type, r.response)
    )
    return {(f, resp): int(n) for f, resp, n in rows}


# -- referrals -------------------------------------------------------------------------------


class Referral(BaseModel):
    referral_id: str
    case_id: str | None = None
    source_department: str | None = None
    target: str | None = None
    made_at: datetime | None = None
    deadline: datetime | None = None
    cause_event_id: str | None = None
    steps: dict[str, datetime] = {}

    @property
    def status(self) -> str:
        for step in ("completed", "cancelled", "declined", "accepted", "expired"):
            if step in self.steps:
                return step
        return "made"


def referrals(conn: Connection, gen: int) -> dict[str, Referral]:
    s = rm.referral_steps.c
    out: dict[str, Referral] = {}
    for r in conn.execute(select(rm.referral_steps).where(s.gen == gen).order_by(s.at, s.event_id)).mappings():
        ref = out.setdefault(r["referral_id"], Referral(referral_id=r["referral_id"]))
        at = datetime.fromisoformat(r["at"])
        ref.steps.setdefault(r["step"], at)  # the earliest of each step
        if r["step"] == "made":
            ref.case_id = r["case_id"]
            ref.source_department = r["source_department"]
            ref.target = r["target"]
            ref.made_at = at
            ref.deadline = datetime.fromisoformat(r["deadline"]) if r["deadline"] else None
            ref.cause_event_id = r["cause_event_id"]
    return out


class FlowRow(BaseModel):
    source_department: str
    target: str
    made: int
    accepted: int
    declined: int
    completed: int
    expired: int
    median_hours_to_accept: float | None


def referral_flow(conn: Connection, gen: int, lo: str, hi: str) -> list[FlowRow]:
    """紹介の流れ: per department pair, referrals made in the period and what became of them."""
    lo_t, hi_t = datetime.fromisoformat(lo), datetime.fromisoformat(hi)
    pairs: dict[tuple[str, str], list[Referral]] = defaultdict(list)
    for ref in referrals(conn, gen).values():
        if ref.made_at is None or not (lo_t <= ref.made_at < hi_t):
            continue
        pairs[(ref.source_department or "?", ref.target or "?")].append(ref)
    rows = []
    for (source, target), refs in sorted(pairs.items()):
        waits = [
            (r.steps["accepted"] - r.made_at).total_seconds() / 3600
            for r in refs
            if "accepted" in r.steps and r.made_at is not None
        ]
        rows.append(
            FlowRow(
                source_department=source,
                target=target,
                made=len(refs),
                accepted=sum("accepted" in r.steps for r in refs),
                declined=sum("declined" in r.steps for r in refs),
                completed=sum("completed" in r.steps for r in refs),
                expired=sum("expired" in r.steps for r in refs),
                median_hours_to_accept=round(statistics.median(waits), 2) if waits else None,
            )
        )
    return rows


# -- follow-up list (要フォロー) ---------------------------------------------------------------


class FollowUpItem(BaseModel):
    """One reason a case is on 要フォロー (a case may have several): see :mod:`..domain.follow_ups`."""

    case_id: str
    reason: str  # closed_without_service | denied_referral_declined | denied_referral_expired | referral_overdue
    #              | person_refused | action_item_overdue | review_due | follow_up_overdue
    department: str
    since: datetime
    reference_id: str


def follow_up_list(conn: Connection, gen: int, now: datetime) -> list[FollowUpItem]:
    """要フォロー: cases that reached no service, or whose support has stalled (one row per reason)."""
    refs = referrals(conn, gen)
    # A closure without service is followed up unless a referral still carries the case somewhere
    # (made, accepted or completed); a denial's referral that came back is listed as such instead.
    moving = {r.case_id for r in refs.values() if r.case_id and r.status in ("made", "accepted", "completed")}
    came_back = {
        r.case_id for r in refs.values() if r.case_id and r.cause_event_id and r.status in ("declined", "expired")
    }
    items: list[FollowUpItem] = []
    c = rm.closures.c
    for r in conn.execute(select(rm.closures).where(c.gen == gen, c.reached_service.is_(False))).mappings():
        if r["case_id"] not in moving | came_back:
            items.append(
                FollowUpItem(
                    case_id=r["case_id"],
                    reason="closed_without_service",
                    department=r["department"],
                    since=datetime.fromisoformat(r["at"]),
                    reference_id=r["consultation_id"],
                )
            )
    by_cause: dict[str, list[Referral]] = defaultdict(list)
    for ref in refs.values():
        if ref.cause_event_id:
            by_cause[ref.cause_event_id].append(ref)
    d = rm.denials.c
    for r in conn.execute(select(rm.denials).where(d.gen == gen)).mappings():
        for ref in by_cause.get(r["event_id"], []):
            if ref.status in ("declined", "expired"):
                items.append(
                    FollowUpItem(
                        case_id=r["case_id"],
                        reason=f"denied_referral_{ref.status}",
                        department="loans",
                        since=ref.steps[ref.status],
                        reference_id=r["application_id"],
                    )
                )
    for ref in refs.values():
        if ref.made_at is None or ref.case_id is None:
            continue
        late = ref.status == "expired" or (ref.status == "made" and ref.deadline is not None and ref.deadline < now)
        if late:
            items.append(
                FollowUpItem(
                    case_id=ref.case_id,
                    reason="referral_overdue",
                    department=ref.source_department or "?",
                    since=ref.deadline or ref.made_at,
                    reference_id=ref.referral_id,
                )
            )
    t = rm.timeline.c
    facts = (
        Fact(r.type, r.case_id, r.source, datetime.fromisoformat(r.at), json.loads(r.data))
        for r in conn.execute(
            select(t.type, t.case_id, t.source, t.at, t.data).where(t.gen == gen, t.type.in_(FACT_TYPES))
        )
    )
    items += [FollowUpItem(**vars(s)) for s in stalled(facts, now)]
    return sorted(items, key=lambda i: (i.since, i.case_id, i.reason, i.reference_id))
