"""The ``LoanConsultation`` aggregate (貸付相談): one stream per consultation.

A consultation is opened with its first contact, gathers more contacts, household issues (世帯の課題)
and responses (対応), and is closed with an outcome. Closing without any response marks it as having
reached no service, so that it lands on the follow-up list.

    state = fold_consultation(events)
    events = decide_record_response(state, command, now=now, response_id=new_id, codes=codes)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from services.loans.domain.commands import (
    CloseLoanConsultation,
    ConsultationOutcome,
    OpenLoanConsultation,
    RecordHouseholdIssues,
    RecordLoanContact,
    RecordResponse,
)
from services.loans.domain.errors import ConsultationClosed, LoanConsultationNotFound
from services.loans.domain.events import (
    HouseholdIssuesRecorded,
    LoanConsultationClosed,
    LoanConsultationOpened,
    LoanContactRecorded,
    ResponseRecorded,
)
from services.loans.domain.validation import require_aware, require_id, require_optional_id
from shared.errors import IllegalTransition, InvalidCommand
from shared.events import DomainEvent, absorb
from shared.reference import CodeLists

__all__ = [
    "LOAN_APPLICATION_RESPONSE",
    "ConsultationState",
    "ConsultationStatus",
    "RecordedResponse",
    "apply_consultation",
    "decide_close_consultation",
    "decide_open_consultation",
    "decide_record_contact",
    "decide_record_issues",
    "decide_record_response",
    "fold_consultation",
]

LOAN_APPLICATION_RESPONSE = "loan_application"
"""The one response code the closing rules depend on (借入申請)."""


class ConsultationStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class RecordedResponse:
    response_id: str
    response: str


@dataclass(frozen=True)
class ConsultationState:
    """What the decisions need to know about one consultation."""

    status: ConsultationStatus = ConsultationStatus.NEW
    consultation_id: str = ""
    household_id: str = ""
    person_id: str | None = None
    fund_type: str = ""
    kind: str = ""
    initial: bool = False
    loan_application_id: str | None = None
    issues: tuple[str, ...] = ()
    responses: tuple[RecordedResponse, ...] = ()
    contact_ids: frozenset[str] = frozenset()
    contact_count: int = 0
    outcome: str | None = None
    reached_service: bool | None = None

    @property
    def response_codes(self) -> tuple[str, ...]:
        return tuple(r.response for r in self.responses)


# --- fold --------------------------------------------------------------------------------------


def apply_consultation(state: ConsultationState, event: DomainEvent) -> ConsultationState:
    """The state after one event of the consultation's stream."""
    match event:
        case LoanConsultationOpened():
            return absorb(ConsultationState(), event, status=ConsultationStatus.OPEN, contact_count=1)
        case LoanContactRecorded():
            return replace(
                state,
                contact_ids=state.contact_ids | {event.contact_id},
                contact_count=state.contact_count + 1,
            )
        case HouseholdIssuesRecorded():
            return replace(state, issues=_merge(state.issues, event.issues))
        case ResponseRecorded():
            response = RecordedResponse(event.response_id, event.response)
            return replace(state, responses=(*state.responses, response))
        case LoanConsultationClosed():
            return replace(
                state,
                status=ConsultationStatus.CLOSED,
                outcome=event.outcome,
                reached_service=event.reached_service,
            )
    raise TypeError(f"{type(event).__name__} is not an event of a loan consultation")


def fold_consultation(events: Iterable[DomainEvent], state: ConsultationState | None = None) -> ConsultationState:
    """Rebuild a consultation from its events (from the initial state unless one is given)."""
    current = state if state is not None else ConsultationState()
    for event in events:
        current = apply_consultation(current, event)
    return current


# --- decisions ---------------------------------------------------------------------------------


def decide_open_consultation(
    state: ConsultationState,
    command: OpenLoanConsultation,
    *,
    now: datetime,
    consultation_id: str,
    codes: CodeLists,
) -> list[DomainEvent]:
    """貸付相談受付: open the consultation; its first contact is part of the opening."""
    require_aware(now)
    if state.status is not ConsultationStatus.NEW:
        raise IllegalTransition(
            f"consultation {state.consultation_id} is already opened: record a contact on it instead",
            field="consultation_id",
            reason="already_recorded",
        )
    require_id(consultation_id, "consultation_id")
    require_id(command.household_id, "household_id")
    require_optional_id(command.person_id, "person_id")
    require_optional_id(command.loan_application_id, "loan_application_id")
    codes.require("loan_fund_types", command.fund_type, field_name="fund_type")
    codes.require("loan_consultation_kinds", command.kind, field_name="kind")
    _require_contact_codes(codes, command.channel, command.counterpart)
    issues = _unique(command.issues)
    codes.require("household_issue_categories", *issues, field_name="issues")
    return [
        LoanConsultationOpened.of(
            command, consultation_id=consultation_id, issues=issues, opened_at=now, code_list_version=codes.version
        )
    ]


def decide_record_contact(
    state: ConsultationState,
    command: RecordLoanContact,
    *,
    now: datetime,
    contact_id: str,
    codes: CodeLists,
) -> list[DomainEvent]:
    """相談対応記録: one more contact on an open consultation."""
    require_aware(now)
    _require_open(state, command.consultation_id, "record a contact")
    require_id(contact_id, "contact_id")
    if contact_id in state.contact_ids:
        raise IllegalTransition(
            f"contact {contact_id} is already recorded", field="contact_id", reason="already_recorded"
        )
    fund_type = command.fund_type if command.fund_type is not None else state.fund_type
    codes.require("loan_fund_types", fund_type, field_name="fund_type")
    _require_contact_codes(codes, command.channel, command.counterpart)
    return [
        LoanContactRecorded.of(
            command,
            consultation_id=state.consultation_id,
            contact_id=contact_id,
            household_id=state.household_id,
            person_id=state.person_id,
            fund_type=fund_type,
            kind=state.kind,
            contacted_at=now,
            code_list_version=codes.version,
        )
    ]


def decide_record_issues(
    state: ConsultationState,
    command: RecordHouseholdIssues,
    *,
    now: datetime,
    codes: CodeLists,
) -> list[DomainEvent]:
    """世帯の課題: record newly seen issues; issues already recorded emit nothing."""
    require_aware(now)
    _require_open(state, command.consultation_id, "record household issues")
    if not command.issues:
        raise InvalidCommand(
            "issues is empty: name at least one household_issue_categories code", field="issues", reason="at_least_one"
        )
    issues = _unique(command.issues)
    codes.require("household_issue_categories", *issues, field_name="issues")
    new = tuple(i for i in issues if i not in state.issues)
    if not new:
        return []
    return [
        HouseholdIssuesRecorded(
            consultation_id=state.consultation_id,
            household_id=state.household_id,
            person_id=state.person_id,
            issues=new,
            recorded_at=now,
            code_list_version=codes.version,
        )
    ]


def decide_record_response(
    state: ConsultationState,
    command: RecordResponse,
    *,
    now: datetime,
    response_id: str,
    codes: CodeLists,
) -> list[DomainEvent]:
    """対応状況: record one response given to the consultation."""
    require_aware(now)
    _require_open(state, command.consultation_id, "record a response")
    require_id(response_id, "response_id")
    if any(r.response_id == response_id for r in state.responses):
        raise IllegalTransition(
            f"response {response_id} is already recorded", field="response_id", reason="already_recorded"
        )
    codes.require("responses", command.response, field_name="response")
    return [
        ResponseRecorded.of(
            command,
            consultation_id=state.consultation_id,
            response_id=response_id,
            household_id=state.household_id,
            person_id=state.person_id,
            recorded_at=now,
            code_list_version=codes.version,
        )
    ]


def decide_close_consultation(
    state: ConsultationState,
    command: CloseLoanConsultation,
    *,
    now: datetime,
) -> list[DomainEvent]:
    """相談終結: close the consultation; with no response it reached no service (要フォロー)."""
    require_aware(now)
    _require_open(state, command.consultation_id, "close it")
    responses = state.response_codes
    if command.outcome is ConsultationOutcome.LOAN_APPLIED and LOAN_APPLICATION_RESPONSE not in responses:
        raise InvalidCommand(
            f"outcome {command.outcome.value} needs a {LOAN_APPLICATION_RESPONSE!r} response: "
            "record the response first or choose another outcome",
            field="outcome",
            reason="outcome_needs_application",
        )
    if command.outcome is ConsultationOutcome.SOLVED_BY_OTHER_MEANS and not any(
        r != LOAN_APPLICATION_RESPONSE for r in responses
    ):
        raise InvalidCommand(
            f"outcome {command.outcome.value} needs at least one response other than "
            f"{LOAN_APPLICATION_RESPONSE!r}: record how it was solved first or choose another outcome",
            field="outcome",
            reason="outcome_needs_other_response",
        )
    return [
        LoanConsultationClosed(
            consultation_id=state.consultation_id,
            household_id=state.household_id,
            person_id=state.person_id,
            outcome=command.outcome.value,
            reached_service=bool(responses),
            responses=responses,
            note=command.note,
            closed_at=now,
        )
    ]


# --- helpers -----------------------------------------------------------------------------------


def _require_open(state: ConsultationState, consultation_id: str, action: str) -> None:
    if state.status is ConsultationStatus.NEW:
        raise LoanConsultationNotFound(
            f"no loan consultation {consultation_id!r}: open it before you {action}",
            field="consultation_id",
        )
    if consultation_id != state.consultation_id:
        raise ValueError(
            f"command for consultation {consultation_id!r} decided on the state of {state.consultation_id!r}"
        )
    if state.status is ConsultationStatus.CLOSED:
        raise ConsultationClosed(
            f"consultation {consultation_id} is closed ({state.outcome}): open a new consultation "
            f"for household {state.household_id} to {action}",
            field="consultation_id",
            reason="closed_open_new",
        )


def _require_contact_codes(codes: CodeLists, channel: str, counterpart: str) -> None:
    codes.require("contact_channels", channel, field_name="channel")
    codes.require("consultation_sources", counterpart, field_name="counterpart")


def _unique(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def _merge(existing: tuple[str, ...], new: Iterable[str]) -> tuple[str, ...]:
    return _unique((*existing, *new))
