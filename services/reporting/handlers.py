"""Reporting's use cases: read models for the API and the CLI; every case read is recorded.

Reads open one connection, take the active generation once and answer from it, so a blue-green
switch in between changes nothing for a read in flight. A case read appends
``reporting.CaseViewed`` to reporting's own event store through the unit of work (the relay
publishes it on ``reporting.events``).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import select

from services.reporting.adapters import archive, district_queries, queries
from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.generations import active_generation
from services.reporting.contracts import coded_fields, occurred_field, personal_fields, sensitive_codes
from services.reporting.domain.areas import CaseArea, case_areas
from services.reporting.domain.case_view import CaseView, TimelineEntry, build_case_view
from services.reporting.domain.events import REPORTING_EVENTS, CaseViewed
from services.reporting.domain.statistics import StatTable, table1, table2, table3
from services.reporting.projection import ACCESS_PREFIX
from shared.access import PersonalDataRead, record_reads
from shared.commands import Aggregate, CommandContext, execute
from shared.db import reading
from shared.envelope import Actor, Envelope
from shared.errors import ConcurrencyConflict, Forbidden, InvalidCommand, NotFound
from shared.eventstore import ChainReport, events_table, verify_envelopes
from shared.reference import load_code_lists
from shared.service import ServiceKit
from shared.uow import Fold

READER_ROLES = frozenset({"worker", "manager", "auditor", "director"})
AUDIT_ROLES = frozenset({"manager", "auditor", "director"})


def _entry(env: Envelope) -> TimelineEntry:
    return TimelineEntry(
        event_id=env.id,
        time=env.time,
        stream_version=env.streamversion,
        department=env.source,
        type=env.type,
        case_id=env.caseid,
        subject=env.subject,
        actor=env.actor,
        data=dict(env.data),
    )


def _require_purpose(purpose: str) -> str:
    purpose = purpose.strip()
    if not purpose:
        raise InvalidCommand("say why you read this case: pass purpose=<reason>", field="purpose", reason="required")
    return purpose


def case_view(
    kit: ServiceKit,
    case_id: str,
    viewer: Actor,
    purpose: str,
    as_of: datetime | None = None,
    *,
    correlation_id: str | None = None,
    _resolving: bool = False,
) -> CaseView:
    """ケースの全体像. Without ``as_of``: the active read model; with it: folded from the archive.

    Any id of the case leads to it: a person or household id, a provisional case id, or the id of
    a consultation, application, referral or conference (its stream's events name their case).
    """
    if viewer.role not in READER_ROLES:
        raise Forbidden(
            f"role {viewer.role!r} may not read case records; allowed: {sorted(READER_ROLES)}",
            reason="role_not_allowed",
            ctx={"role": viewer.role},
        )
    purpose = _require_purpose(purpose)
    now = kit.clock.now()
    with reading(kit.engine) as conn:
        if as_of is None:
            gen = active_generation(conn)
            ids = queries.case_group(case_id, queries.live_edges(conn, gen))
            entries = queries.timeline(conn, gen, ids)
        else:
            ids = queries.case_group(
                case_id, lambda frontier: [e[:3] for e in archive.edges_as_of(conn, frontier, as_of)]
            )
            entries = [_entry(e) for e in archive.events_for_cases(conn, ids) if not e.type.startswith(ACCESS_PREFIX)]
    if not entries and not _resolving:
        resolved = _case_of_part(kit, case_id)
        if resolved is not None:
            return case_view(kit, resolved, viewer, purpose, as_of, correlation_id=correlation_id, _resolving=True)
    if not entries or (as_of is not None and all(e.time > as_of for e in entries)):
        raise NotFound(f"no events are recorded for case {case_id}" + (f" by {as_of.isoformat()}" if as_of else ""))
    view = build_case_view(
        case_id,
        ids,
        entries,
        viewer=viewer,
        purpose=purpose,
        now=now,
        personal_fields=personal_fields,
        occurred_field=occurred_field,
        coded_fields=coded_fields,
        sensitive_codes=sensitive_codes,
        as_of=as_of,
    )
    view.areas = _case_areas(kit, view, as_of)
    _record_view(kit, view, viewer, now, correlation_id)
    return view


def _case_areas(kit: ServiceKit, view: CaseView, as_of: datetime | None) -> list[CaseArea]:
    """The case's areas (圏域) as the areas stood (at ``as_of``), from the timeline the viewer sees."""
    with reading(kit.engine) as conn:
        defined = district_queries.areas(conn, active_generation(conn), rm.ts(as_of) if as_of else None)
    facts = ((e.type, e.data, e.redacted) for e in view.timeline)
    return case_areas(view.case_id, view.case_ids, facts, defined)


ACCESS_LOG: Aggregate[None] = Aggregate(
    name="case access log",
    prefix="case-access",
    fold=Fold(lambda: None, lambda state, _event: state, REPORTING_EVENTS),
    exists=lambda _state: True,
    not_found=lambda case_id: NotFound(f"no access log of case {case_id}", field="case_id"),
    case_of=lambda _state, _event: None,  # the stream's id: the case read
    id_field="case_id",
)
"""閲覧記録: one stream per requested case id (``case-access-{id}``); its hash chain proves the log is complete."""


def _case_of_part(kit: ServiceKit, part_id: str) -> str | None:
    """The case a consultation, application, referral, conference ... id belongs to, if any."""
    prefixes: list[str] = getattr(kit.settings, "case_part_prefixes", [])
    with reading(kit.engine) as conn:
        cases = archive.cases_of_subjects(conn, [part_id, *(f"{p}-{part_id}" for p in prefixes)])
    return cases[-1] if cases and cases[-1] != part_id else None


def _record_view(kit: ServiceKit, view: CaseView, viewer: Actor, now: datetime, cid: str | None) -> None:
    event = CaseViewed(
        case_id=view.case_id,
        case_ids=tuple(view.case_ids),
        purpose=view.purpose,
        as_of=view.as_of,
        viewed_at=now,
        viewer_id=viewer.staff_id,
        viewer_department=viewer.department,
        viewer_role=viewer.role,
        redacted_entries=sum(1 for e in view.timeline if e.redacted),
        entries=len(view.timeline),
    )
    # Two staff reading one case at once both append to its access stream: the later one retries
    # on the moved version rather than losing its trace.
    for attempt in range(5):
        try:
            execute(
                kit.uow,
                CommandContext(actor=viewer, correlation_id=cid),
                ACCESS_LOG,
                view.case_id,
                lambda _state, _uow: [event],
                new=None,
            )
            return
        except ConcurrencyConflict:
            if attempt == 4:
                raise


class AccessRecord(BaseModel):
    """One read of the case: a case view here, or a read of its data through another service's route."""

    case_id: str
    viewed_at: datetime
    viewer_id: str
    viewer_department: str
    viewer_role: str
    purpose: str
    as_of: datetime | None = None
    redacted_entries: int = 0
    service: str = "reporting"
    route: str = "/cases/{case_id}"
    fields_shown: list[str] = []
    fields_redacted: list[str] = []
    viewer_name: str | None = None
    """The reader's display name as their sign-in gave it (e.g. 相談 太郎), when it did."""


def access_log(
    kit: ServiceKit, case_id: str, viewer: Actor, as_of: datetime | None = None, *, correlation_id: str | None = None
) -> list[AccessRecord]:
    """閲覧記録: who read this case (and its linked records), when, why and which fields, in reporting
    and in every other service; manager and auditor only. Reading the log is itself recorded."""
    if viewer.role not in AUDIT_ROLES:
        raise Forbidden(
            f"only {sorted(AUDIT_ROLES)} may read access logs", reason="role_not_allowed", ctx={"role": viewer.role}
        )
    with reading(kit.engine) as conn:
        gen = active_generation(conn)
        ids = queries.case_group(case_id, queries.live_edges(conn, gen))
        rows = conn.execute(
            select(events_table.c.data, events_table.c.actor_name)
            .where(events_table.c.event_type == CaseViewed.event_type, events_table.c.case_id.in_(ids))
            .order_by(events_table.c.position)
        )
        records = [
            AccessRecord.model_validate_json(data).model_copy(update={"viewer_name": name}) for data, name in rows
        ]
        elsewhere = [e for e in archive.events_for_cases(conn, ids) if e.type == PersonalDataRead.event_type]
    records += [
        AccessRecord(
            case_id=e.caseid,
            viewed_at=e.data["read_at"],
            viewer_id=e.data["viewer_id"],
            viewer_department=e.data["viewer_department"],
            viewer_role=e.data["viewer_role"],
            purpose=e.data["purpose"],
            service=e.source,
            route=e.data["route"],
            fields_shown=list(e.data["fields_shown"]),
            fields_redacted=list(e.data["fields_redacted"]),
            viewer_name=e.actor.name,
        )
        for e in elsewhere
    ]
    record_reads(
        kit.uow,
        viewer,
        "/cases/{case_id}/access-log",
        "audit",
        {"case_id": case_id, "records": len(records)},
        correlation_id=correlation_id,
    )
    records.sort(key=lambda r: r.viewed_at)
    return [r for r in records if as_of is None or r.viewed_at <= as_of]


class ChainCheck(BaseModel):
    case_id: str
    streams: int
    events_checked: int
    ok: bool
    problems: dict[str, list[str]]


def verify_case(kit: ServiceKit, case_id: str) -> ChainCheck:
    """Check the hash chain of every stream of the case as archived: altered or missing events.

    A stream is chained within the store that wrote it; ADR 0002 keeps one referral stream in two
    departments' stores (the maker's and the answerer's), each with its own versions and chain, so
    each (store, stream) is checked on its own and a problem names the store.
    """
    with reading(kit.engine) as conn:
        ids = queries.case_group(case_id, lambda f: [e[:3] for e in archive.edges_as_of(conn, f, None)])
        subjects = sorted({e.subject for e in archive.events_for_cases(conn, ids)})
        reports: list[tuple[str, ChainReport]] = []
        for subject in subjects:
            by_store: dict[str, list[Envelope]] = {}
            for env in archive.events_for_subject(conn, subject):
                by_store.setdefault(env.source, []).append(env)
            reports += [(store, verify_envelopes(subject, envs)) for store, envs in sorted(by_store.items())]
    if not reports:
        raise NotFound(f"no events are archived for case {case_id}")
    problems: dict[str, list[str]] = {}
    for store, report in reports:
        if report.problems:
            problems.setdefault(report.stream_id, []).extend(f"{store}: {p}" for p in report.problems)
    return ChainCheck(
        case_id=case_id,
        streams=len(reports),
        events_checked=sum(r.events_checked for _, r in reports),
        ok=not problems,
        problems=problems,
    )


# -- statistics ------------------------------------------------------------------------------


def _check_period(start: date, end: date) -> tuple[str, str]:
    if end < start:
        raise InvalidCommand("the period ends before it starts: pass from <= to", field="to", reason="period_reversed")
    return queries.period_bounds(start, end)


def statistics_tables(kit: ServiceKit, start: date, end: date) -> list[StatTable]:
    lo, hi = _check_period(start, end)
    codes = load_code_lists()
    with reading(kit.engine) as conn:
        gen = active_generation(conn)
        t1 = queries.table1_counts(conn, gen, lo, hi)
        initial, t2 = queries.table2_counts(conn, gen, lo, hi)
        t3 = queries.table3_counts(conn, gen, lo, hi)
    period = (start, end)
    return [table1(codes, period, t1), table2(codes, period, initial, t2), table3(codes, period, t3)]


def referral_flow(kit: ServiceKit, start: date, end: date) -> list[queries.FlowRow]:
    lo, hi = _check_period(start, end)
    with reading(kit.engine) as conn:
        rows = queries.referral_flow(conn, active_generation(conn), lo, hi)
    return rows


def district_issues(kit: ServiceKit, start: date, end: date) -> list[district_queries.DistrictIssues]:
    lo, hi = _check_period(start, end)
    with reading(kit.engine) as conn:
        rows = district_queries.district_issues(conn, active_generation(conn), lo, hi)
    return rows


def follow_up_list(kit: ServiceKit) -> list[queries.FollowUpItem]:
    with reading(kit.engine) as conn:
        rows = queries.follow_up_list(conn, active_generation(conn), kit.clock.now())
    return rows
