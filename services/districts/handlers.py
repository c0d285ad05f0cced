"""Districts' command handlers: one function per command (地区担当の処理).

Each opens a unit of work for the acting staff member, loads ``district-case-{case_id}``, lets the
pure domain decide, records the events, updates the read rows on the same connection and commits.
``expected_version`` (the version the caller read) turns a lost update into a 409.

A concern that comes as a referral (``referral_id``, e.g. intake's automatic isolation outreach)
takes its case from the referral, which must be addressed to districts and accepted first
(``POST /referrals/{id}/accept``).
"""

from __future__ import annotations

from collections.abc import Callable
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
from services.districts.domain.events import DISTRICT_EVENTS
from shared.envelope import Actor
from shared.errors import IllegalTransition, InvalidCommand, NotFound
from shared.events import DomainEvent
from shared.reference import load_code_lists
from shared.referrals import projection as referral_projection
from shared.referrals.model import Status
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork, check_expected_version

__all__ = [
    "CASE_FOLD",
    "DEPARTMENT",
    "case_stream",
    "end_watch_over",
    "raise_concern",
    "record_salon_attendance",
    "record_visit",
    "start_watch_over",
    "take_volunteer_role",
]

DEPARTMENT = "districts"
CASE_FOLD = Fold(district_case.DistrictCaseState, district_case.apply, DISTRICT_EVENTS)

Decide = Callable[[district_case.DistrictCaseState, UnitOfWork], list[DomainEvent]]


def case_stream(case_id: str) -> str:
    return f"district-case-{case_id}"


def _case_of_referral(uow: UnitOfWork, referral_id: str, case_id: str | None) -> str:
    """The case of an accepted referral to districts; the caller's case id must agree with it."""
    state = referral_projection.load_state(uow.conn, referral_id)
    if state is None or state.made is None:
        raise NotFound(f"referral {referral_id} is not known to districts", field="referral_id")
    made = state.made
    if made.target_kind != "department" or made.target != DEPARTMENT:
        raise InvalidCommand(
            f"referral {referral_id} is addressed to {made.target}, not districts", field="referral_id"
        )
    if state.status != Status.ACCEPTED:
        raise IllegalTransition(
            f"referral {referral_id} is {state.status.value}: accept it (POST /referrals/{referral_id}/accept) "
            "before recording the concern it brings"
        )
    if case_id and case_id != made.case_id:
        raise InvalidCommand(
            f"case_id {case_id!r} differs from the referral's case {made.case_id!r}: leave case_id out", field="case_id"
        )
    return made.case_id


def _run(uow: UnitOfWork, case_id: str, expected_version: int | None, decide: Decide, **extra: Any) -> dict[str, Any]:
    stream = case_stream(case_id)
    state, version = uow.load(stream, CASE_FOLD)
    check_expected_version(stream, version, expected_version)
    events = decide(state, uow)
    new_state = district_case.replay(events, state)
    assert new_state.case_id is not None
    uow.record(stream, version, events, case_id=new_state.case_id)
    version += len(events)
    rows.save(uow.conn, new_state, events, version, uow.now())
    uow.commit()
    return {
        "case_id": new_state.case_id,
        "district_id": new_state.district_id,
        "status": new_state.status,
        "refused": new_state.refused,
        "version": version,
        **extra,
    }


def raise_concern(
    kit: ServiceKit,
    actor: Actor,
    cmd: RaiseWatchConcern,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """見守りの気づき (or an accepted referral) opens the case in its district, or adds to it."""
    concern_id = kit.uow.ids()
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        if cmd.referral_id:
            cmd = cmd.model_copy(update={"case_id": _case_of_referral(uow, cmd.referral_id, cmd.case_id)})
        if not cmd.case_id:
            raise InvalidCommand("case_id is required unless the concern comes with a referral_id", field="case_id")
        return _run(
            uow,
            cmd.case_id,
            expected_version,
            lambda s, u: district_case.decide_raise_concern(
                s, cmd, now=u.now(), concern_id=concern_id, codes=load_code_lists()
            ),
            concern_id=concern_id,
        )


def _change(
    kit: ServiceKit,
    actor: Actor,
    case_id: str,
    expected_version: int | None,
    correlation_id: str | None,
    decide: Decide,
    **extra: Any,
) -> dict[str, Any]:
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        return _run(uow, case_id, expected_version, decide, **extra)


def record_visit(
    kit: ServiceKit,
    actor: Actor,
    cmd: RecordOutreachVisit,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """アウトリーチ訪問."""
    visit_id = kit.uow.ids()
    return _change(
        kit,
        actor,
        cmd.case_id,
        expected_version,
        correlation_id,
        lambda s, u: district_case.decide_record_visit(s, cmd, now=u.now(), visit_id=visit_id),
        visit_id=visit_id,
    )


def start_watch_over(
    kit: ServiceKit,
    actor: Actor,
    cmd: StartWatchOver,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """見守り開始."""
    watch_id = kit.uow.ids()
    return _change(
        kit,
        actor,
        cmd.case_id,
        expected_version,
        correlation_id,
        lambda s, u: district_case.decide_start_watch_over(s, cmd, now=u.now(), watch_id=watch_id),
        watch_id=watch_id,
    )


def end_watch_over(
    kit: ServiceKit,
    actor: Actor,
    cmd: EndWatchOver,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """見守り終了."""
    return _change(
        kit,
        actor,
        cmd.case_id,
        expected_version,
        correlation_id,
        lambda s, u: district_case.decide_end_watch_over(s, cmd, now=u.now()),
    )


def record_salon_attendance(
    kit: ServiceKit,
    actor: Actor,
    cmd: RecordSalonAttendance,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """サロン参加."""
    attendance_id = kit.uow.ids()
    return _change(
        kit,
        actor,
        cmd.case_id,
        expected_version,
        correlation_id,
        lambda s, u: district_case.decide_record_salon_attendance(s, cmd, now=u.now(), attendance_id=attendance_id),
        attendance_id=attendance_id,
    )


def take_volunteer_role(
    kit: ServiceKit,
    actor: Actor,
    cmd: TakeVolunteerRole,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """担い手の役割."""
    role_id = kit.uow.ids()
    return _change(
        kit,
        actor,
        cmd.case_id,
        expected_version,
        correlation_id,
        lambda s, u: district_case.decide_take_volunteer_role(s, cmd, now=u.now(), role_id=role_id),
        role_id=role_id,
    )
