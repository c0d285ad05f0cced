"""Intake's command handlers: one function per command (総合相談窓口の処理).

Each opens a unit of work for the acting staff member, loads the stream it decides on, lets the
pure domain decide, records the events, updates intake's read tables on the same connection and
commits: events and read tables change together or not at all. A caller that read version *n*
passes ``expected_version=n``; if the stream moved on the handler refuses with
:class:`~shared.errors.ConcurrencyConflict` (409) instead of writing over a change it never saw.

Streams (``case_id`` in brackets): ``person-{id}`` [person], ``household-{id}`` [household],
``consultation-{id}`` [person, else household, else the consultation id until identified],
``consents-{person_id}`` [person].
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, TypeVar

from services.intake.adapters import consents as consent_rows
from services.intake.adapters import consultations as consultation_rows
from services.intake.adapters import registry
from services.intake.domain import consent_ledger, consultation
from services.intake.domain.commands import (
    AcknowledgeSupervisorComment,
    AddSupervisorComment,
    CloseConsultation,
    GiveConsent,
    IdentifySubject,
    OpenConsultation,
    RecordAssessment,
    RecordContact,
    RecordStatutorySharing,
    ReopenConsultation,
    ScheduleFollowUp,
    SetSupportPlan,
    WithdrawConsent,
)
from services.intake.domain.errors import ConsultationNotFound
from services.intake.domain.events import INTAKE_EVENTS
from services.intake.schemas import ReferralBody
from shared.consent import Basis, Recipient, disclosure_basis
from shared.envelope import Actor
from shared.errors import Forbidden, InvalidCommand
from shared.events import DomainEvent
from shared.reference import load_code_lists
from shared.referrals.commands import MakeReferral
from shared.referrals.desk import ReferralDesk
from shared.registry import model as people
from shared.registry.commands import (
    CorrectPersonDetails,
    JoinHousehold,
    LeaveHousehold,
    LinkPersonRecords,
    RegisterHousehold,
    RegisterPerson,
)
from shared.registry.errors import HouseholdNotFound, PersonNotFound
from shared.registry.events import REGISTRY_EVENTS
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork, check_expected_version

__all__ = [
    "CONSENT_FOLD",
    "CONSULTATION_FOLD",
    "HOUSEHOLD_FOLD",
    "PERSON_FOLD",
    "acknowledge_supervisor_comment",
    "add_supervisor_comment",
    "close_consultation",
    "correct_person_details",
    "give_consent",
    "identify_subject",
    "join_household",
    "leave_household",
    "link_person_records",
    "make_referral",
    "open_consultation",
    "record_assessment",
    "record_contact",
    "record_statutory_sharing",
    "register_household",
    "register_person",
    "reopen_consultation",
    "schedule_follow_up",
    "set_support_plan",
    "withdraw_consent",
]

S = TypeVar("S")

CONSULTATION_FOLD = Fold(consultation.ConsultationState, consultation.apply, INTAKE_EVENTS)
CONSENT_FOLD = Fold(consent_ledger.ConsentLedger, consent_ledger.apply_consents, INTAKE_EVENTS)
HOUSEHOLD_FOLD = Fold(people.HouseholdState, people.apply_household, REGISTRY_EVENTS)
PERSON_FOLD = Fold(people.PersonState, people.apply_person, REGISTRY_EVENTS)


def person_stream(person_id: str) -> str:
    return f"person-{person_id}"


def household_stream(household_id: str) -> str:
    return f"household-{household_id}"


def consultation_stream(consultation_id: str) -> str:
    return f"consultation-{consultation_id}"


def consents_stream(person_id: str) -> str:
    return f"consents-{person_id}"


def _record(uow: UnitOfWork, stream: str, version: int, events: Sequence[DomainEvent], *, case_id: str) -> int:
    uow.record(stream, version, events, case_id=case_id)
    return version + len(events)


# --- people (本人) ---------------------------------------------------------------------------------


def _load_person(uow: UnitOfWork, person_id: str) -> tuple[people.PersonState, int]:
    """The person as intake knows it: its own stream, seeded from the registry index when another
    service registered the person first; linked records include every record of the same case."""
    row = registry.get_person(uow.conn, person_id)
    seed = people.PersonState()
    if row is not None:
        seed = people.PersonState(
            person_id=person_id,
            details=people.PersonDetails(
                name_kanji=row["name_kanji"],
                name_kana=row["name_kana"],
                birth_date=date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
                address=row["address"],
                phone=row["phone"],
                care_notes=row["care_notes"],
            ),
        )
    fold = Fold(lambda: seed, people.apply_person, REGISTRY_EVENTS)
    state, version = uow.load(person_stream(person_id), fold)
    if state.registered:
        group = frozenset(registry.person_group(uow.conn, person_id)) - {person_id}
        state = replace(state, linked_person_ids=state.linked_person_ids | group)
    return state, version


def _require_person(uow: UnitOfWork, person_id: str, field: str = "person_id") -> None:
    if registry.get_person(uow.conn, person_id) is None:
        raise PersonNotFound(f"no person {person_id!r} is registered; register the person first", field=field)


def _project_registry(uow: UnitOfWork, events: Sequence[DomainEvent]) -> None:
    for event in events:
        registry.project(uow.conn, event, service="intake", at=uow.now())


def register_person(
    kit: ServiceKit, actor: Actor, cmd: RegisterPerson, *, correlation_id: str | None = None
) -> dict[str, Any]:
    """本人登録: a new person record with a stable id."""
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        person_id = uow.new_id()
        state, version = uow.load(person_stream(person_id), PERSON_FOLD)
        events = people.decide_register_person(state, cmd, now=uow.now(), person_id=person_id)
        version = _record(uow, person_stream(person_id), version, events, case_id=person_id)
        _project_registry(uow, events)
        uow.commit()
    return {"person_id": person_id, "version": version}


def correct_person_details(
    kit: ServiceKit,
    actor: Actor,
    cmd: CorrectPersonDetails,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """本人情報の訂正."""
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        state, version = _load_person(uow, cmd.person_id)
        check_expected_version(person_stream(cmd.person_id), version, expected_version)
        events = people.decide_correct_person_details(state, cmd, now=uow.now())
        version = _record(uow, person_stream(cmd.person_id), version, events, case_id=cmd.person_id)
        _project_registry(uow, events)
        uow.commit()
    return {"person_id": cmd.person_id, "version": version}


def link_person_records(
    kit: ServiceKit,
    actor: Actor,
    cmd: LinkPersonRecords,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """同一人物の記録の統合: explicit and audited, recorded on the kept record's stream."""
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        kept, version = _load_person(uow, cmd.person_id)
        check_expected_version(person_stream(cmd.person_id), version, expected_version)
        duplicate, _ = _load_person(uow, cmd.duplicate_person_id)
        events = people.decide_link_person_records(kept, duplicate, cmd, now=uow.now())
        version = _record(uow, person_stream(cmd.person_id), version, events, case_id=cmd.person_id)
        _project_registry(uow, events)
        uow.commit()
    return {"person_id": cmd.person_id, "duplicate_person_id": cmd.duplicate_person_id, "version": version}


# --- households (世帯) -----------------------------------------------------------------------------


def _load_household(uow: UnitOfWork, household_id: str) -> tuple[people.HouseholdState, int]:
    row = registry.get_household(uow.conn, household_id)
    seed = people.HouseholdState()
    if row is not None:
        seed = people.HouseholdState(
            household_id=household_id,
            address=row["address"],
            members=tuple(
                people.Membership(m["person_id"], m["relationship"], date.fromisoformat(m["joined_on"]))
                for m in row["members"]
                if m["left_on"] is None
            ),
        )
    # Intake's own stream starts from the registry when another service registered the household;
    # membership changes intake recorded are then already in the index, so fold only registrations.
    state, version = uow.load(household_stream(household_id), HOUSEHOLD_FOLD)
    return (state if state.registered or row is None else seed), version


def register_household(
    kit: ServiceKit, actor: Actor, cmd: RegisterHousehold, *, correlation_id: str | None = None
) -> dict[str, Any]:
    """世帯登録: a household and its first members (each must be a registered person)."""
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        for i, member in enumerate(cmd.members):
            _require_person(uow, member.person_id, field=f"members[{i}].person_id")
        household_id = uow.new_id()
        state, version = uow.load(household_stream(household_id), HOUSEHOLD_FOLD)
        events = people.decide_register_household(state, cmd, now=uow.now(), household_id=household_id)
        version = _record(uow, household_stream(household_id), version, events, case_id=household_id)
        _project_registry(uow, events)
        uow.commit()
    return {"household_id": household_id, "version": version}


def join_household(
    kit: ServiceKit,
    actor: Actor,
    cmd: JoinHousehold,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """世帯員の加入."""
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        _require_person(uow, cmd.member.person_id, field="member.person_id")
        return _household_change(
            uow, cmd.household_id, expected_version, lambda s: people.decide_join_household(s, cmd, now=uow.now())
        )


def leave_household(
    kit: ServiceKit,
    actor: Actor,
    cmd: LeaveHousehold,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """世帯員の離脱."""
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        return _household_change(
            uow, cmd.household_id, expected_version, lambda s: people.decide_leave_household(s, cmd, now=uow.now())
        )


def _household_change(
    uow: UnitOfWork,
    household_id: str,
    expected_version: int | None,
    decide: Callable[[people.HouseholdState], list[DomainEvent]],
) -> dict[str, Any]:
    state, version = _load_household(uow, household_id)
    if not state.registered:
        raise HouseholdNotFound(f"no household {household_id!r} is registered", field="household_id")
    check_expected_version(household_stream(household_id), version, expected_version)
    events = decide(state)
    version = _record(uow, household_stream(household_id), version, events, case_id=household_id)
    _project_registry(uow, events)
    uow.commit()
    return {"household_id": household_id, "version": version}


# --- consultations (相談) --------------------------------------------------------------------------


def open_consultation(
    kit: ServiceKit, actor: Actor, cmd: OpenConsultation, *, correlation_id: str | None = None
) -> dict[str, Any]:
    """相談受付: about a registered person or household, or a subject not yet identified."""
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        if cmd.person_id:
            _require_person(uow, cmd.person_id)
        if cmd.household_id and registry.get_household(uow.conn, cmd.household_id) is None:
            raise HouseholdNotFound(f"no household {cmd.household_id!r} is registered", field="household_id")
        consultation_id = uow.new_id()
        stream = consultation_stream(consultation_id)
        state, version = uow.load(stream, CONSULTATION_FOLD)
        events = consultation.decide_open_consultation(
            state, cmd, now=uow.now(), consultation_id=consultation_id, codes=load_code_lists()
        )
        return _finish_consultation(uow, stream, state, version, events, opened_by=cmd.opened_by)


def _finish_consultation(
    uow: UnitOfWork,
    stream: str,
    state: consultation.ConsultationState,
    version: int,
    events: Sequence[DomainEvent],
    *,
    opened_by: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    new_state = consultation.replay(events, state)
    assert new_state.consultation_id is not None and new_state.case_id is not None
    # Each event carries its own case id (SubjectIdentified moves the case to the person).
    for event in events:
        uow.record(stream, version, [event], case_id=getattr(event, "case_id", new_state.case_id))
        version += 1
    consultation_rows.save(uow.conn, new_state, version, uow.now(), opened_by=opened_by)
    uow.commit()
    return {
        "consultation_id": new_state.consultation_id,
        "case_id": new_state.case_id,
        "status": new_state.status,
        "urgency": new_state.urgency,
        "version": version,
        **extra,
    }


def _consultation_change(
    kit: ServiceKit,
    actor: Actor,
    consultation_id: str,
    expected_version: int | None,
    correlation_id: str | None,
    decide: Callable[[consultation.ConsultationState, UnitOfWork], list[DomainEvent]],
    **extra: Any,
) -> dict[str, Any]:
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        stream = consultation_stream(consultation_id)
        state, version = uow.load(stream, CONSULTATION_FOLD)
        if state.consultation_id is None:
            raise ConsultationNotFound(f"no consultation {consultation_id!r} was opened", field="consultation_id")
        check_expected_version(stream, version, expected_version)
        return _finish_consultation(uow, stream, state, version, decide(state, uow), **extra)


def record_contact(
    kit: ServiceKit,
    actor: Actor,
    cmd: RecordContact,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
    contact_id: str | None = None,
) -> dict[str, Any]:
    """相談対応記録: one more contact (延件数)."""
    new_id = contact_id or kit.uow.ids()
    return _consultation_change(
        kit,
        actor,
        cmd.consultation_id,
        expected_version,
        correlation_id,
        lambda s, uow: consultation.decide_record_contact(
            s, cmd, now=uow.now(), contact_id=new_id, codes=load_code_lists()
        ),
        contact_id=new_id,
    )


def record_assessment(
    kit: ServiceKit,
    actor: Actor,
    cmd: RecordAssessment,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """アセスメント."""
    return _consultation_change(
        kit,
        actor,
        cmd.consultation_id,
        expected_version,
        correlation_id,
        lambda s, uow: consultation.decide_record_assessment(s, cmd, now=uow.now(), codes=load_code_lists()),
    )


def set_support_plan(
    kit: ServiceKit,
    actor: Actor,
    cmd: SetSupportPlan,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """支援計画の作成・見直し: steps ordered along the support ladder."""
    return _consultation_change(
        kit,
        actor,
        cmd.consultation_id,
        expected_version,
        correlation_id,
        lambda s, uow: consultation.decide_set_support_plan(s, cmd, now=uow.now(), codes=load_code_lists()),
    )


def schedule_follow_up(
    kit: ServiceKit,
    actor: Actor,
    cmd: ScheduleFollowUp,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """フォローアップ予定."""
    new_id = kit.uow.ids()
    return _consultation_change(
        kit,
        actor,
        cmd.consultation_id,
        expected_version,
        correlation_id,
        lambda s, uow: consultation.decide_schedule_follow_up(s, cmd, now=uow.now(), follow_up_id=new_id),
        follow_up_id=new_id,
    )


def identify_subject(
    kit: ServiceKit,
    actor: Actor,
    cmd: IdentifySubject,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """対象者の特定: the provisional case becomes the registered person's case."""

    def decide(state: consultation.ConsultationState, uow: UnitOfWork) -> list[DomainEvent]:
        _require_person(uow, cmd.person_id)
        if cmd.household_id and registry.get_household(uow.conn, cmd.household_id) is None:
            raise HouseholdNotFound(f"no household {cmd.household_id!r} is registered", field="household_id")
        return consultation.decide_identify_subject(state, cmd, now=uow.now())

    return _consultation_change(kit, actor, cmd.consultation_id, expected_version, correlation_id, decide)


def close_consultation(
    kit: ServiceKit,
    actor: Actor,
    cmd: CloseConsultation,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """終結."""
    return _consultation_change(
        kit,
        actor,
        cmd.consultation_id,
        expected_version,
        correlation_id,
        lambda s, uow: consultation.decide_close_consultation(s, cmd, now=uow.now()),
    )


def reopen_consultation(
    kit: ServiceKit,
    actor: Actor,
    cmd: ReopenConsultation,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """再開."""
    return _consultation_change(
        kit,
        actor,
        cmd.consultation_id,
        expected_version,
        correlation_id,
        lambda s, uow: consultation.decide_reopen_consultation(s, cmd, now=uow.now()),
    )


def add_supervisor_comment(
    kit: ServiceKit,
    actor: Actor,
    cmd: AddSupervisorComment,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """スーパーバイズ: only managers comment (checked here as well as at the route)."""
    if actor.role != "manager":
        raise Forbidden("only a manager (課長・局長) leaves supervisor comments")
    new_id = kit.uow.ids()
    return _consultation_change(
        kit,
        actor,
        cmd.consultation_id,
        expected_version,
        correlation_id,
        lambda s, uow: consultation.decide_add_supervisor_comment(s, cmd, now=uow.now(), comment_id=new_id),
        comment_id=new_id,
    )


def acknowledge_supervisor_comment(
    kit: ServiceKit,
    actor: Actor,
    cmd: AcknowledgeSupervisorComment,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """スーパーバイズ確認: the worker has read the comment."""
    return _consultation_change(
        kit,
        actor,
        cmd.consultation_id,
        expected_version,
        correlation_id,
        lambda s, uow: consultation.decide_acknowledge_supervisor_comment(s, cmd, now=uow.now()),
    )


# --- consent ledger (同意台帳) ----------------------------------------------------------------------


def _ledger_change(
    kit: ServiceKit,
    actor: Actor,
    person_id: str,
    expected_version: int | None,
    correlation_id: str | None,
    decide: Callable[[consent_ledger.ConsentLedger, UnitOfWork], list[DomainEvent]],
    **extra: Any,
) -> dict[str, Any]:
    with kit.uow(actor, correlation_id=correlation_id) as uow:
        _require_person(uow, person_id)
        stream = consents_stream(person_id)
        state, version = uow.load(stream, CONSENT_FOLD)
        check_expected_version(stream, version, expected_version)
        events = decide(state, uow)
        version = _record(uow, stream, version, events, case_id=person_id)
        for event in events:
            consent_rows.project(uow.conn, event)
        uow.commit()
    return {"person_id": person_id, "version": version, **extra}


def give_consent(
    kit: ServiceKit,
    actor: Actor,
    cmd: GiveConsent,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """同意取得."""
    new_id = kit.uow.ids()
    return _ledger_change(
        kit,
        actor,
        cmd.person_id,
        expected_version,
        correlation_id,
        lambda s, uow: consent_ledger.decide_give_consent(s, cmd, now=uow.now(), consent_id=new_id),
        consent_id=new_id,
    )


def withdraw_consent(
    kit: ServiceKit,
    actor: Actor,
    cmd: WithdrawConsent,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """同意撤回."""
    return _ledger_change(
        kit,
        actor,
        cmd.person_id,
        expected_version,
        correlation_id,
        lambda s, uow: consent_ledger.decide_withdraw_consent(s, cmd, now=uow.now()),
        consent_id=cmd.consent_id,
    )


def record_statutory_sharing(
    kit: ServiceKit,
    actor: Actor,
    cmd: RecordStatutorySharing,
    *,
    expected_version: int | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """法定の情報共有 (支援会議)."""
    new_id = kit.uow.ids()
    return _ledger_change(
        kit,
        actor,
        cmd.person_id,
        expected_version,
        correlation_id,
        lambda s, uow: consent_ledger.decide_record_statutory_sharing(s, cmd, now=uow.now(), sharing_id=new_id),
        sharing_id=new_id,
    )


# --- referrals (紹介・つなぎ) -----------------------------------------------------------------------

DEFAULT_DEADLINES = {"same_day": timedelta(hours=8), "urgent": timedelta(days=1), "normal": timedelta(days=7)}


def find_basis(
    kit: ServiceKit, person_id: str | None, recipient: Recipient, purpose: str, *, reference: str | None = None
) -> Basis | None:
    """The consent or statutory record that lets ``person_id``'s details go to ``recipient`` now.

    Consents recorded under any linked record of the person count. With ``reference`` only that
    record counts.
    """
    if person_id is None:
        return None
    with kit.engine.connect() as conn:
        group = registry.person_group(conn, person_id)
        given, statutory = consent_rows.records_for(conn, group)
        conn.rollback()
    if reference is not None:
        given = [c for c in given if c.consent_id == reference]
        statutory = [s for s in statutory if s.sharing_id == reference]
    now = kit.clock.now()
    for pid in group:
        basis = disclosure_basis(given, statutory, pid, recipient, purpose, now)
        if basis is not None:
            return basis
    return None


def make_referral(
    kit: ServiceKit, desk: ReferralDesk, actor: Actor, req: ReferralBody, *, correlation_id: str | None = None
) -> dict[str, Any]:
    """紹介する: intake claims a consent or statutory basis only when its ledger holds one in force.

    ``basis_kind="auto"`` uses whatever the ledger allows (else none: the target then sees that the
    referral exists and why, not the special-care details); ``consent``/``statutory`` are refused
    when no such record covers the target and purpose now.
    """
    case_id, person_id, household_id = req.case_id, req.person_id, req.household_id
    if req.consultation_id is not None:
        with kit.engine.connect() as conn:
            row = consultation_rows.get_row(conn, req.consultation_id)
            conn.rollback()
        if row is None:
            raise ConsultationNotFound(f"no consultation {req.consultation_id!r} was opened", field="consultation_id")
        case_id = case_id or row["case_id"]
        person_id = person_id or row["person_id"]
        household_id = household_id or row["household_id"]
    if not case_id:
        raise InvalidCommand("give case_id (person or household id) or consultation_id", field="case_id")
    recipient = Recipient(kind="department" if req.target_kind == "department" else "agency", id=req.target)
    basis: Basis | None = None
    if req.basis_kind != "none":
        basis = find_basis(kit, person_id, recipient, req.purpose, reference=req.basis_reference)
        if req.basis_kind in ("consent", "statutory") and (basis is None or basis.kind != req.basis_kind):
            raise Forbidden(
                f"no {req.basis_kind} record in force lets person {person_id!r}'s details go to "
                f"{recipient.kind} {recipient.id!r} for purpose {req.purpose!r}: record the person's consent "
                "(POST /people/{person_id}/consents) or statutory sharing first, or refer with basis_kind 'none' "
                "(the target then sees the referral and its reason category, not the details)",
                field="basis_kind",
            )
    deadline = kit.clock.now() + (
        timedelta(days=req.deadline_days) if req.deadline_days else DEFAULT_DEADLINES.get(req.priority, timedelta(7))
    )
    cmd = MakeReferral(
        referral_id=kit.uow.ids(),
        by=actor.staff_id,
        case_id=case_id,
        person_id=person_id,
        household_id=household_id,
        target_kind=req.target_kind,
        target=req.target,
        reason_category=req.reason_category,
        reason_detail=req.reason_detail,
        priority=req.priority,
        deadline=deadline,
        basis_kind=basis.kind if basis else "none",
        basis_reference=basis.reference_id if basis else None,
    )
    return desk.make(actor, cmd, correlation_id=correlation_id)
