"""Queries for district and area statistics (地区・圏域の集計) over one generation of the read models:
district issues by month, the monthly schedule's coverage, resources, district files, issue
accumulation, activity records and the figures by area. Never commit; callers own the connection."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, select

from services.reporting.adapters import readmodel as rm
from services.reporting.domain import areas as area_domain
from shared.dates import JST

# -- district issues -------------------------------------------------------------------------


class DistrictIssues(BaseModel):
    district_id: str
    month: str  # YYYY-MM (JST)
    counts: dict[str, int]


UNASSIGNED = "(未割当)"


def district_issues(conn: Connection, gen: int, lo: str, hi: str) -> list[DistrictIssues]:
    """地区ごとの課題: household issue categories per district per month (cases placed by district events)."""
    dc = rm.case_districts.c
    district: dict[str, tuple[str, str]] = {}
    for case_id, district_id, at in conn.execute(select(dc.case_id, dc.district_id, dc.at).where(dc.gen == gen)):
        if case_id not in district or (at, district_id) > district[case_id]:
            district[case_id] = (at, district_id)
    i = rm.issues.c
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for case_id, category, at in conn.execute(
        select(i.case_id, i.category, i.at).where(i.gen == gen, i.at >= lo, i.at < hi)
    ):
        month = datetime.fromisoformat(at).astimezone(JST).strftime("%Y-%m")
        counts[(district.get(case_id, ("", UNASSIGNED))[1], month)][category] += 1
    return [
        DistrictIssues(district_id=d, month=m, counts=dict(sorted(c.items()))) for (d, m), c in sorted(counts.items())
    ]


# -- districts: schedule coverage and resources ------------------------------------------------


class CoverageCounts(BaseModel):
    """One district's month of the schedule (地域事業): events and what the departments answered."""

    district_id: str
    scheduled: int
    handled: int  # events at least one department handles (対応する)
    uncovered: int  # events no department handles (yet)
    escalated: int  # events sent to the managers (他課との調整)
    by_department: dict[str, tuple[int, int]]  # department -> (handles, declines): each one's latest answer


def district_schedule(conn: Connection, gen: int, month: str, district_id: str | None) -> list[CoverageCounts]:
    """地域事業の対応状況: per district, the events held in ``month`` (YYYY-MM) and their coverage.

    A department's answer to an event is its latest mark (by time, then event id); an event counts
    once however often it was escalated."""
    e, s = rm.district_events.c, rm.district_event_steps.c
    where = [e.gen == gen, e.held_on >= f"{month}-01", e.held_on <= f"{month}-31"]
    if district_id is not None:
        where.append(e.district_id == district_id)
    events: dict[str, str] = {}  # schedule id -> district (the first scheduling wins; ids are unique)
    for schedule_id, district in conn.execute(
        select(e.schedule_id, e.district_id).where(*where).order_by(e.at, e.event_id)
    ):
        events.setdefault(schedule_id, district)
    latest: dict[tuple[str, str], tuple[str, str, str]] = {}  # (schedule, department) -> (at, event id, step)
    escalated: set[str] = set()
    ids = sorted(events)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for schedule_id, step, department, at, event_id in conn.execute(
            select(s.schedule_id, s.step, s.department, s.at, s.event_id).where(s.gen == gen, s.schedule_id.in_(chunk))
        ):
            if step == "escalated":
                escalated.add(schedule_id)
            elif department is not None:
                key = (schedule_id, department)
                if key not in latest or (at, event_id) > latest[key][:2]:
                    latest[key] = (at, event_id, step)
    answers_of: dict[str, dict[str, str]] = defaultdict(dict)
    for (schedule_id, dept), (_, _, step) in latest.items():
        answers_of[schedule_id][dept] = step
    out: dict[str, CoverageCounts] = {}
    for schedule_id, district in sorted(events.items()):
        row = out.setdefault(
            district,
            CoverageCounts(district_id=district, scheduled=0, handled=0, uncovered=0, escalated=0, by_department={}),
        )
        row.scheduled += 1
        answers = answers_of.get(schedule_id, {})
        if "handles" in answers.values():
            row.handled += 1
        else:
            row.uncovered += 1
        if schedule_id in escalated:
            row.escalated += 1
        for dept, step in answers.items():
            handles, declines = row.by_department.get(dept, (0, 0))
            row.by_department[dept] = (handles + (step == "handles"), declines + (step == "declines"))
    return [out[d] for d in sorted(out)]


def district_resources(conn: Connection, gen: int, district_id: str) -> dict[str, Counter[str]]:
    """地域資源・担い手: per category (resource | helper), how many are registered of each kind."""
    r = rm.district_resources.c
    kinds: dict[tuple[str, str], str] = {}  # (category, item id) -> kind at its first registration
    for category, item_id, kind in conn.execute(
        select(r.category, r.item_id, r.kind)
        .where(r.gen == gen, r.district_id == district_id)
        .order_by(r.at, r.event_id)
    ):
        kinds.setdefault((category, item_id), kind)
    out: dict[str, Counter[str]] = {"resource": Counter(), "helper": Counter()}
    for (category, _), kind in kinds.items():
        out.setdefault(category, Counter())[kind] += 1
    return out


class DistrictFileRow(BaseModel):
    """地区ファイル of one year: its CSW (地区担当, the latest assignment), goal and latest evaluation."""

    district_id: str
    fiscal_year: int
    csw_id: str | None = None
    goal: str | None = None
    evaluation: str | None = None
    opened_at: datetime | None = None


def district_file(conn: Connection, gen: int, district_id: str, fiscal_year: int) -> DistrictFileRow | None:
    f = rm.district_files.c
    found: DistrictFileRow | None = None
    for step, csw_id, text, at in conn.execute(
        select(f.step, f.csw_id, f.text, f.at)
        .where(f.gen == gen, f.district_id == district_id, f.fiscal_year == fiscal_year)
        .order_by(f.at, f.event_id)
    ):
        found = found or DistrictFileRow(district_id=district_id, fiscal_year=fiscal_year)
        if step == "opened":
            found.goal, found.opened_at = text, datetime.fromisoformat(at)
            found.csw_id = found.csw_id or csw_id
        elif step == "csw":
            found.csw_id = csw_id
        elif step == "evaluated":
            found.evaluation = text
    return found


# -- districts: the district issue accumulation (ケースの積み上げ) --------------------------------------


class IssueAccumulation(BaseModel):
    """One district's month: the district issues raised at network meetings and the consultations
    its desk took, by district issue category."""

    district_id: str
    month: str  # YYYY-MM (JST)
    meeting_issues: int
    desk_consultations: int
    by_category: dict[str, int]


def districts_within(conn: Connection, gen: int, area_id: str) -> list[str] | None:
    """The district council areas under ``area_id`` (itself included); ``None`` when no such area."""
    a = rm.areas.c
    parent: dict[str, str | None] = {}
    kind: dict[str, str] = {}
    for area, area_kind, parent_id in conn.execute(
        select(a.area_id, a.kind, a.parent_id).where(a.gen == gen).order_by(a.at, a.event_id)
    ):
        parent.setdefault(area, parent_id)
        kind.setdefault(area, area_kind)
    if area_id not in parent:
        return None

    def under(area: str) -> bool:
        seen: set[str] = set()
        current: str | None = area
        while current is not None and current not in seen:
            if current == area_id:
                return True
            seen.add(current)
            current = parent.get(current)
        return False

    return sorted(x for x in parent if kind[x] == "district_council" and under(x))


def district_issue_accumulation(
    conn: Connection, gen: int, first: str, last: str, district_ids: Sequence[str] | None
) -> list[IssueAccumulation]:
    """ケースの積み上げ: per district and month from ``first`` to ``last`` (YYYY-MM, inclusive)."""
    i = rm.district_issues.c
    where = [i.gen == gen, i.month >= first, i.month <= last]
    if district_ids is not None:
        where.append(i.district_id.in_(list(district_ids)))
    out: dict[tuple[str, str], IssueAccumulation] = {}
    for district_id, month, source, category in conn.execute(
        select(i.district_id, i.month, i.source, i.category).where(*where)
    ):
        row = out.setdefault(
            (district_id, month),
            IssueAccumulation(
                district_id=district_id, month=month, meeting_issues=0, desk_consultations=0, by_category={}
            ),
        )
        if source == "desk":
            row.desk_consultations += 1
        else:
            row.meeting_issues += 1
        row.by_category[category] = row.by_category.get(category, 0) + 1
    for row in out.values():
        row.by_category = dict(sorted(row.by_category.items()))
    return [out[k] for k in sorted(out)]


# -- districts: monthly activity records (地区活動記録) ----------------------------------------------

ACTIVITY_STATUSES = ("draft", "submitted", "manager_approved", "approved", "returned")


class ActivityRecordStatus(BaseModel):
    """One author's record of a month: its approval status (by its latest step), submissions, comments."""

    record_id: str
    staff_id: str
    author_name: str | None
    status: str
    submissions: int
    returns: int
    comments: int
    updated_at: str


def activity_records(conn: Connection, gen: int, month: str) -> list[ActivityRecordStatus]:
    """地区活動記録の承認状況 of ``month`` (YYYY-MM): each record's status is its latest step by stream
    version (a comment or a revision changes none; a record only written is a draft)."""
    a = rm.activity_records.c
    found: dict[str, dict[str, Any]] = {}
    for record_id, staff_id, name, step, version, at in conn.execute(
        select(a.record_id, a.staff_id, a.author_name, a.step, a.stream_version, a.at)
        .where(a.gen == gen, a.month == month)
        .order_by(a.record_id, a.stream_version)
    ):
        row = found.setdefault(
            record_id,
            {"staff_id": staff_id, "author_name": None, "status": "draft", "version": 0, "at": at, "n": Counter()},
        )
        row["n"][step] += 1
        if name:
            row["author_name"] = name
        if version >= row["version"]:
            row["version"], row["at"] = version, at
            if step in ACTIVITY_STATUSES:
                row["status"] = step
    out = [
        ActivityRecordStatus(
            record_id=rid,
            staff_id=r["staff_id"],
            author_name=r["author_name"],
            status=r["status"],
            submissions=r["n"]["submitted"],
            returns=r["n"]["returned"],
            comments=r["n"]["commented"],
            updated_at=r["at"],
        )
        for rid, r in found.items()
    ]
    return sorted(out, key=lambda r: (r.author_name or "", r.staff_id))


# -- areas (圏域): people, households, cases, resources per area ---------------------------------------

_AREA_FACTS = (
    *sorted(area_domain.ADDRESS_FACTS),
    "districts.LocalResourceRegistered",
    "districts.HelperRegistered",
    "intake.ConsultationOpened",
    "loans.LoanConsultationOpened",
)


def areas(conn: Connection, gen: int, as_of: str | None = None) -> dict[str, area_domain.Area]:
    """The areas with their names and latest address prefixes (those recorded by ``as_of``, if given)."""
    a, p = rm.areas.c, rm.area_prefixes.c
    defined = select(a.area_id, a.kind, a.parent_id).where(a.gen == gen)
    prefixes = select(p.area_id, p.name, p.address_prefixes).where(p.gen == gen)
    if as_of is not None:
        defined, prefixes = defined.where(a.at <= as_of), prefixes.where(p.at <= as_of)
    return area_domain.fold_areas(
        ((r[0], r[1], r[2]) for r in conn.execute(defined.order_by(a.at, a.event_id))),
        ((r[0], r[1], json.loads(r[2])) for r in conn.execute(prefixes.order_by(p.at, p.event_id))),
    )


def area_figures(conn: Connection, gen: int, kind: str) -> tuple[dict[str, area_domain.Area], area_domain.AreaFigures]:
    """The figures of every area of ``kind`` (see :func:`..domain.areas.area_figures`). Addresses are
    read from the timeline, where reporting keeps event data, and only counted."""
    defined = areas(conn, gen)
    t = rm.timeline.c
    registry_facts: list[tuple[str, dict[str, Any]]] = []
    opened: dict[str, str] = {}  # consultation id -> case id
    resource_address: dict[str, str | None] = {}
    helper_resource: dict[str, str | None] = {}
    for type_, case_id, data in conn.execute(
        select(t.type, t.case_id, t.data)
        .where(t.gen == gen, t.type.in_(_AREA_FACTS))
        .order_by(t.at, t.subject, t.stream_version, t.event_id)
    ):
        d = json.loads(data)
        if type_ in area_domain.ADDRESS_FACTS:
            registry_facts.append((type_, d))
        elif type_ == "districts.LocalResourceRegistered":
            address = d.get("address")
            resource_address.setdefault(str(d["resource_id"]), address if isinstance(address, str) else None)
        elif type_ == "districts.HelperRegistered":
            helper_resource.setdefault(str(d["helper_id"]), d.get("resource_id"))
        else:
            opened.setdefault(str(d["consultation_id"]), case_id)
    c = rm.closures.c
    closed = {str(x) for x in conn.execute(select(c.consultation_id).where(c.gen == gen)).scalars()}
    lk = rm.links.c
    groups = area_domain.SameGroups(
        (a, b) for a, b in conn.execute(select(lk.a, lk.b).where(lk.gen == gen, lk.kind == "same"))
    )
    r = rm.district_resources.c
    first: dict[tuple[str, str], str] = {}
    for category, item_id, district_id in conn.execute(
        select(r.category, r.item_id, r.district_id).where(r.gen == gen).order_by(r.at, r.event_id)
    ):
        first.setdefault((category, item_id), district_id)
    items = [
        area_domain.ResourceItem(
            category=category,
            item_id=item_id,
            district_id=district_id,
            address=resource_address.get(item_id) if category == "resource" else None,
            resource_id=helper_resource.get(item_id) if category == "helper" else None,
        )
        for (category, item_id), district_id in sorted(first.items())
    ]
    figures = area_domain.area_figures(
        kind,
        defined,
        area_domain.fold_registry(registry_facts),
        groups,
        sorted((cid, case) for cid, case in opened.items() if cid not in closed),
        items,
    )
    return defined, figures
