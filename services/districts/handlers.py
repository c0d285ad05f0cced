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
from services.districts.domain import district_case
from services.districts.domain.commands import (
    EndWatchOver,
    RaiseWatchConcern,
    RecordOutreachVisit,
    RecordSalonAttendance,
    StartWatchOver,
    TakeVolunteerRole,
)
from services.districts.domain.errors import DistrictCaseNotFound
from services.districts.domain.events import DISTRICT_EVENTS
from shared.commands import Aggregate, CommandContext, Outcome, execute, execute_in
from shared.errors import InvalidCommand
from shared.reference import load_code_lists
from shared.referrals import projection as referral_projection
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork

__all__ = [
    "CASE",
    "CASE_FOLD",
    "DEPARTMENT",
    "end_watch_over",
    "raise_concern",
    "record_salon_attendance",
    "record_visit",
    "start_watch_over",
    "take_volunteer_role",
]

DEPARTMENT = "districts"
CASE_FOLD = Fold(district_case.DistrictCaseState, district_case.apply, DISTRICT_EVENTS)


def _project(uow: UnitOfWork, state: district_case.DistrictCaseState, events: Any, version: int) -> None:
    rows.save(uow.conn, state, events, version, uow.now())


CASE: Aggregate[district_case.DistrictCaseState] = Aggregate(
    name="district case",
    prefix="district-case",
    fold=CASE_FOLD,
    exists=lambda s: s.case_id is not None,
    not_found=lambda case_id: DistrictCaseNotFound(
        f"no district looks after case {case_id!r}: record the watch-over concern (or the accepted referral) first",
        field="case_id",
    ),
    case_of=lambda s, _event: s.case_id,
    project=_project,
    id_field="case_id",
)


def _reply(outcome: Outcome[district_case.DistrictCaseState], **extra: Any) -> dict[str, Any]:
    return outcome.reply("case_id", "district_id", "status", "refused", **extra)


def raise_concern(kit: ServiceKit, ctx: CommandContext, cmd: RaiseWatchConcern) -> dict[str, Any]:
    """見守りの気づき (or an accepted referral) opens the case in its district, or adds to it."""
    concern_id = kit.uow.ids()
    with kit.uow(ctx.actor, correlation_id=ctx.correlation_id, causation_id=ctx.causation_id) as uow:
        if cmd.referral_id:
            case_id = referral_projection.case_of_accepted_referral(
                uow.conn, cmd.referral_id, DEPARTMENT, cmd.case_id, before="recording the concern it brings"
            )
            cmd = cmd.model_copy(update={"case_id": case_id})
        if not cmd.case_id:
            raise InvalidCommand("case_id is required unless the concern comes with a referral_id", field="case_id")
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


def record_salon_attendance(kit: ServiceKit, ctx: CommandContext, cmd: RecordSalonAttendance) -> dict[str, Any]:
    """サロン参加."""
    attendance_id = kit.uow.ids()
    return _reply(
        execute(
            kit.uow,
            ctx,
            CASE,
            cmd.case_id,
            lambda s, u: district_case.decide_record_salon_attendance(s, cmd, now=u.now(), attendance_id=attendance_id),
        ),
        attendance_id=attendance_id,
    )


def take_volunteer_role(kit: ServiceKit, ctx: CommandContext, cmd: TakeVolunteerRole) -> dict[str, Any]:
    """担い手の役割."""
    role_id = kit.uow.ids()
    return _reply(
        execute(
            kit.uow,
            ctx,
            CASE,
            cmd.case_id,
            lambda s, u: district_case.decide_take_volunteer_role(s, cmd, now=u.now(), role_id=role_id),
        ),
        role_id=role_id,
    )
