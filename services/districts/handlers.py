"""Districts' command handlers: one function per command (地区担当の処理).

Each is one :func:`shared.commands.execute` on the ``district-case-{case_id}`` aggregate
(:data:`CASE`): load, check the case exists and the caller's expected version (a lost update is a
409), decide, record, update the read rows on the same connection, commit.

A concern that comes as a referral (``referral_id``, e.g. intake's automatic isolation outreach)
takes its case from the referral, which must be addressed to districts and accepted first
(``POST /referrals/{id}/accept``).
"""

from __future__ import annotations

from typing import Any

from services.districts.adapters import rows
from services.districts.domain import area, district_case, district_file, registry, schedule
from services.districts.domain.commands import (
    AssignDistrictCsw,
    ChangeAreaAddresses,
    DefineArea,
    EndWatchOver,
    EvaluateDistrictGoal,
    MarkEventCoverage,
    OpenDistrictFile,
    RaiseWatchConcern,
    RecordDistrictPopulation,
    RecordOutreachVisit,
    RecordSalonAttendance,
    RegisterHelper,
    RegisterLocalResource,
    ScheduleDistrictEvent,
    StartWatchOver,
    TakeVolunteerRole,
)
from services.districts.domain.errors import (
    AreaNotFound,
    DistrictCaseNotFound,
    DistrictFileNotFound,
    ResourceNotFound,
    ScheduledEventNotFound,
)
from services.districts.domain.events import DISTRICT_EVENTS
from shared.commands import Aggregate, CommandContext, Outcome, execute, execute_in, referenced, saving
from shared.errors import InvalidCommand
from shared.reference import load_code_lists
from shared.referrals import projection as referral_projection
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork

__all__ = [
    "AREA",
    "CASE",
    "CASE_FOLD",
    "DEPARTMENT",
    "FILE",
    "HELPER",
    "RESOURCE",
    "SCHEDULE",
    "assign_csw",
    "change_area_addresses",
    "define_area",
    "end_watch_over",
    "evaluate_goal",
    "mark_coverage",
    "open_file",
    "raise_concern",
    "record_population",
    "record_salon_attendance",
    "record_visit",
    "register_helper",
    "register_resource",
    "schedule_event",
    "start_watch_over",
    "take_volunteer_role",
]

DEPARTMENT = "districts"
CASE_FOLD = Fold(district_case.DistrictCaseState, district_case.apply, DISTRICT_EVENTS)


CASE: Aggregate[district_case.DistrictCaseState] = Aggregate(
    name="district case",
    prefix="district-case",
    fold=CASE_FOLD,
    not_found=lambda case_id: DistrictCaseNotFound(
        f"no district looks after case {case_id!r}: record the watch-over concern (or the accepted referral) first",
        field="case_id",
    ),
    project=saving(rows.save),
    id_field="case_id",
)


def _reply(outcome: Outcome[district_case.DistrictCaseState], **extra: Any) -> dict[str, Any]:
    return outcome.reply("case_id", "district_id", "status", "refused", **extra)


def raise_concern(kit: ServiceKit, ctx: CommandContext, cmd: RaiseWatchConcern) -> dict[str, Any]:
    """見守りの気づき (or an accepted referral) opens the case in its district, or adds to it."""
    concern_id = kit.uow.ids()
    with ctx.unit_of_work(kit.uow) as uow:
        if cmd.referral_id:
            case_id = referral_projection.case_of_accepted_referral(
                uow.conn, cmd.referral_id, DEPARTMENT, cmd.case_id, before="recording the concern it brings"
            )
            cmd = cmd.model_copy(update={"case_id": case_id})
        if not cmd.case_id:
            raise InvalidCommand(
                "case_id is required unless the concern comes with a referral_id", field="case_id", reason="required"
            )
        opening = cmd

        def decide(state: district_case.DistrictCaseState, u: UnitOfWork) -> list[Any]:
            return district_case.decide_raise_concern(
                state, opening, now=u.now(), concern_id=concern_id, codes=load_code_lists()
            )

        outcome = execute_in(uow, ctx, CASE, cmd.case_id, decide, new=None)
        uow.commit()
    return _reply(outcome, concern_id=concern_id)


def record_visit(kit: ServiceKit, ctx: CommandContext, cmd: RecordOutreachVisit) -> dict[str, Any]:
    """アウトリーチ訪問."""
    visit_id = kit.uow.ids()
    return _reply(
        execute(
            kit.uow,
            ctx,
            CASE,
            cmd.case_id,
            lambda s, u: district_case.decide_record_visit(s, cmd, now=u.now(), visit_id=visit_id),
        ),
        visit_id=visit_id,
    )


def start_watch_over(kit: ServiceKit, ctx: CommandContext, cmd: StartWatchOver) -> dict[str, Any]:
    """見守り開始."""
    watch_id = kit.uow.ids()
    return _reply(
        execute(
            kit.uow,
            ctx,
            CASE,
            cmd.case_id,
            lambda s, u: district_case.decide_start_watch_over(s, cmd, now=u.now(), watch_id=watch_id),
        ),
        watch_id=watch_id,
    )


def end_watch_over(kit: ServiceKit, ctx: CommandContext, cmd: EndWatchOver) -> dict[str, Any]:
    """見守り終了."""
    return _reply(
        execute(kit.uow, ctx, CASE, cmd.case_id, lambda s, u: district_case.decide_end_watch_over(s, cmd, now=u.now()))
    )


def _resource(uow: UnitOfWork, resource_id: str | None) -> registry.ResourceState | None:
    """The registered resource a command names (422 naming ``resource_id`` when there is none)."""
    if not resource_id:
        return None
    return referenced(uow, RESOURCE, resource_id, "resource_id", "register it first (POST /resources)")


def record_salon_attendance(kit: ServiceKit, ctx: CommandContext, cmd: RecordSalonAttendance) -> dict[str, Any]:
    """サロン参加, at a named salon or a registered one (``resource_id``)."""
    attendance_id = kit.uow.ids()
    with ctx.unit_of_work(kit.uow) as uow:
        resource = _resource(uow, cmd.resource_id)
        outcome = execute_in(
            uow,
            ctx,
            CASE,
            cmd.case_id,
            lambda s, u: district_case.decide_record_salon_attendance(
                s, cmd, now=u.now(), attendance_id=attendance_id, resource=resource
            ),
        )
        uow.commit()
    return _reply(outcome, attendance_id=attendance_id)


def take_volunteer_role(kit: ServiceKit, ctx: CommandContext, cmd: TakeVolunteerRole) -> dict[str, Any]:
    """担い手の役割, in a named activity or a registered resource (``resource_id``)."""
    role_id = kit.uow.ids()
    with ctx.unit_of_work(kit.uow) as uow:
        resource = _resource(uow, cmd.resource_id)
        outcome = execute_in(
            uow,
            ctx,
            CASE,
            cmd.case_id,
            lambda s, u: district_case.decide_take_volunteer_role(
                s, cmd, now=u.now(), role_id=role_id, resource=resource
            ),
        )
        uow.commit()
    return _reply(outcome, role_id=role_id)


# --- areas (圏域) ----------------------------------------------------------------------------------


AREA: Aggregate[area.AreaState] = Aggregate(
    name="area",
    prefix="district-area",
    fold=Fold(area.AreaState, area.apply, DISTRICT_EVENTS),
    not_found=lambda area_id: AreaNotFound(
        f"no area {area_id!r}: define it first (POST /areas)",
        field="area_id",
        reason="unknown_reference",
        ctx={"id": area_id},
    ),
    project=saving(rows.save_area),
    id_field="area_id",
)


def define_area(kit: ServiceKit, ctx: CommandContext, cmd: DefineArea) -> dict[str, Any]:
    """圏域の設定: under an existing parent of the right kind; an area id is used once."""
    with ctx.unit_of_work(kit.uow) as uow:
        parent = uow.load(AREA.stream(cmd.parent_id), AREA.fold)[0] if cmd.parent_id else None
        found = parent if parent is not None and parent.area_id is not None else None
        outcome = execute_in(
            uow,
            ctx,
            AREA,
            cmd.area_id,
            lambda s, u: area.decide_define_area(s, cmd, parent=found, now=u.now()),
            new=True,
        )
        uow.commit()
    return outcome.reply("area_id", "kind", "name", "parent_id")


def change_area_addresses(kit: ServiceKit, ctx: CommandContext, cmd: ChangeAreaAddresses) -> dict[str, Any]:
    """住所範囲の変更."""
    return execute(
        kit.uow, ctx, AREA, cmd.area_id, lambda s, u: area.decide_change_addresses(s, cmd, now=u.now())
    ).reply("area_id", "kind", "name", "parent_id")


def district_area(uow: UnitOfWork, district_id: str) -> area.AreaState:
    """The district council area a record belongs to (422 naming ``district_id`` otherwise)."""
    found = referenced(
        uow,
        AREA,
        district_id,
        "district_id",
        "define the district council area first (POST /areas, kind district_council)",
    )
    if found.kind != "district_council":
        raise InvalidCommand(
            f"district_id {district_id!r} is a {found.kind} area, not a district council area (地区社協)",
            field="district_id",
            reason="not_a_district",
        )
    return found


# --- district files (地区ファイル) ----------------------------------------------------------------


FILE: Aggregate[district_file.DistrictFileState] = Aggregate(
    name="district file",
    prefix="district-file",
    fold=Fold(district_file.DistrictFileState, district_file.apply, DISTRICT_EVENTS),
    exists=lambda s: s.district_id is not None,
    not_found=lambda fid: DistrictFileNotFound(
        f"no district file {fid!r}: open the district's file for that fiscal year first", field="fiscal_year"
    ),
    case_of=lambda s, _event: s.file_id,
    project=saving(rows.save_file),
    id_field="fiscal_year",
)


def _file_reply(outcome: Outcome[district_file.DistrictFileState]) -> dict[str, Any]:
    return outcome.reply("file_id", "district_id", "fiscal_year", "csw_id")


def open_file(kit: ServiceKit, ctx: CommandContext, cmd: OpenDistrictFile) -> dict[str, Any]:
    """地区ファイル作成: one per district council area and fiscal year."""
    with ctx.unit_of_work(kit.uow) as uow:
        district_area(uow, cmd.district_id)
        outcome = execute_in(
            uow,
            ctx,
            FILE,
            district_file.file_id(cmd.district_id, cmd.fiscal_year),
            lambda s, u: district_file.decide_open_file(s, cmd, now=u.now()),
            new=True,
        )
        uow.commit()
    return _file_reply(outcome)


def assign_csw(kit: ServiceKit, ctx: CommandContext, cmd: AssignDistrictCsw) -> dict[str, Any]:
    """地区担当の変更."""
    fid = district_file.file_id(cmd.district_id, cmd.fiscal_year)
    return _file_reply(
        execute(kit.uow, ctx, FILE, fid, lambda s, u: district_file.decide_assign_csw(s, cmd, now=u.now()))
    )


def evaluate_goal(kit: ServiceKit, ctx: CommandContext, cmd: EvaluateDistrictGoal) -> dict[str, Any]:
    """年度評価."""
    fid = district_file.file_id(cmd.district_id, cmd.fiscal_year)
    return _file_reply(
        execute(kit.uow, ctx, FILE, fid, lambda s, u: district_file.decide_evaluate_goal(s, cmd, now=u.now()))
    )


def record_population(kit: ServiceKit, ctx: CommandContext, cmd: RecordDistrictPopulation) -> dict[str, Any]:
    """区分別人口."""
    fid = district_file.file_id(cmd.district_id, cmd.fiscal_year)
    return _file_reply(
        execute(
            kit.uow,
            ctx,
            FILE,
            fid,
            lambda s, u: district_file.decide_record_population(s, cmd, now=u.now(), codes=load_code_lists()),
        )
    )


# --- the resource and helper registry (element ⑤) -------------------------------------------------


RESOURCE: Aggregate[registry.ResourceState] = Aggregate(
    name="local resource",
    prefix="district-resource",
    fold=Fold(registry.ResourceState, registry.apply_resource, DISTRICT_EVENTS),
    not_found=lambda rid: ResourceNotFound(f"no registered resource {rid!r}", field="resource_id"),
    project=saving(rows.save_registry),
    id_field="resource_id",
)

HELPER: Aggregate[registry.HelperState] = Aggregate(
    name="helper",
    prefix="district-helper",
    fold=Fold(registry.HelperState, registry.apply_helper, DISTRICT_EVENTS),
    not_found=lambda hid: ResourceNotFound(f"no registered helper {hid!r}", field="helper_id"),
    project=saving(rows.save_registry),
    id_field="helper_id",
)


def register_resource(kit: ServiceKit, ctx: CommandContext, cmd: RegisterLocalResource) -> dict[str, Any]:
    """地域資源の登録, in a defined district."""
    resource_id = kit.uow.ids()
    with ctx.unit_of_work(kit.uow) as uow:
        district_area(uow, cmd.district_id)
        outcome = execute_in(
            uow,
            ctx,
            RESOURCE,
            resource_id,
            lambda s, u: registry.decide_register_resource(
                s, cmd, now=u.now(), resource_id=resource_id, codes=load_code_lists()
            ),
            new=True,
        )
        uow.commit()
    return outcome.reply("resource_id", "district_id", "kind", "name")


def register_helper(kit: ServiceKit, ctx: CommandContext, cmd: RegisterHelper) -> dict[str, Any]:
    """担い手の登録, in a defined district, helping in one of its resources (if any)."""
    helper_id = kit.uow.ids()
    with ctx.unit_of_work(kit.uow) as uow:
        district_area(uow, cmd.district_id)
        resource = _resource(uow, cmd.resource_id)
        outcome = execute_in(
            uow,
            ctx,
            HELPER,
            helper_id,
            lambda s, u: registry.decide_register_helper(
                s, cmd, now=u.now(), helper_id=helper_id, codes=load_code_lists(), resource=resource
            ),
            new=True,
        )
        uow.commit()
    return outcome.reply("helper_id", "district_id", "kind", "name", "resource_id")


# --- the monthly district schedule (地域事業月間スケジュール) ---------------------------------------


SCHEDULE: Aggregate[schedule.ScheduleState] = Aggregate(
    name="scheduled district event",
    prefix="district-schedule",
    fold=Fold(schedule.ScheduleState, schedule.apply, DISTRICT_EVENTS),
    not_found=lambda eid: ScheduledEventNotFound(
        f"no scheduled district event {eid!r}: enter it in the schedule first", field="event_id"
    ),
    project=saving(rows.save_schedule),
    id_field="event_id",
)


def _schedule_reply(outcome: Outcome[schedule.ScheduleState]) -> dict[str, Any]:
    return outcome.reply("event_id", "district_id", "status", "handled_by", "declined_by")


def schedule_event(kit: ServiceKit, ctx: CommandContext, cmd: ScheduleDistrictEvent) -> dict[str, Any]:
    """地域事業の登録, in a defined district."""
    event_id = kit.uow.ids()
    with ctx.unit_of_work(kit.uow) as uow:
        district_area(uow, cmd.district_id)
        outcome = execute_in(
            uow,
            ctx,
            SCHEDULE,
            event_id,
            lambda s, u: schedule.decide_schedule(s, cmd, now=u.now(), event_id=event_id, codes=load_code_lists()),
            new=True,
        )
        uow.commit()
    return _schedule_reply(outcome)


def mark_coverage(kit: ServiceKit, ctx: CommandContext, cmd: MarkEventCoverage) -> dict[str, Any]:
    """対応の有無: the acting department's answer; nobody taking it escalates it to the managers."""
    return _schedule_reply(
        execute(kit.uow, ctx, SCHEDULE, cmd.event_id, lambda s, u: schedule.decide_mark_coverage(s, cmd, now=u.now()))
    )
