"""The consent ledger (同意台帳): one stream per person holding consents and statutory sharing.

Fold: :func:`apply_consents`. Decisions: :func:`decide_give_consent`, :func:`decide_withdraw_consent`,
:func:`decide_record_statutory_sharing`. The state hands the policy of :mod:`.consent` its records::

    ledger = replay_consents(events)
    disclosure_basis(ledger.consents, ledger.statutory_records, person_id, recipient, purpose, at)

Past moments are allowed (a signed form recorded the next day), future ones are not: the ledger
records what the person did, and a disclosure decided "as of" a time sees only what was true then.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from services.intake.domain.commands import GiveConsent, RecordStatutorySharing, WithdrawConsent
from services.intake.domain.errors import ConsentNotFound
from services.intake.domain.events import ConsentGiven, ConsentWithdrawn, StatutorySharingRecorded
from shared.checks import not_after, optional_text, required_text, unique
from shared.consent import SUPPORT_MEETING_BASIS, Consent, Recipient, StatutoryRecord
from shared.dates import local_date, local_minute
from shared.errors import AlreadyExists, IllegalTransition, InvalidCommand
from shared.events import DomainEvent, Replay

__all__ = [
    "STATUTORY_BASES",
    "ConsentLedger",
    "apply_consents",
    "decide_give_consent",
    "decide_record_statutory_sharing",
    "decide_withdraw_consent",
    "replay_consents",
]

STATUTORY_BASES: frozenset[str] = frozenset({SUPPORT_MEETING_BASIS})
"""Statutory bases under which sharing needs no consent; other meetings need the person's consent."""


@dataclass(frozen=True)
class ConsentLedger:
    """A person's consents and statutory sharing; ``ConsentLedger()`` is the empty ledger."""

    person_id: str | None = None
    consents: tuple[Consent, ...] = ()
    statutory_records: tuple[StatutoryRecord, ...] = ()

    def consent(self, consent_id: str) -> Consent | None:
        return next((c for c in self.consents if c.consent_id == consent_id), None)


def apply_consents(state: ConsentLedger, event: DomainEvent) -> ConsentLedger:
    """Fold one event into the ledger; events of other aggregates pass through."""
    if isinstance(event, ConsentGiven):
        consent = Consent(
            consent_id=event.consent_id,
            person_id=event.person_id,
            recipients=event.recipients,
            purposes=event.purposes,
            given_at=event.given_at,
            valid_until=event.valid_until,
        )
        return replace(state, person_id=event.person_id, consents=(*state.consents, consent))
    if isinstance(event, ConsentWithdrawn):
        consents = tuple(
            c.model_copy(update={"withdrawn_at": event.withdrawn_at}) if c.consent_id == event.consent_id else c
            for c in state.consents
        )
        return replace(state, consents=consents)
    if isinstance(event, StatutorySharingRecorded):
        record = StatutoryRecord(
            sharing_id=event.sharing_id,
            person_id=event.person_id,
            basis=event.basis,
            meeting_id=event.meeting_id,
            recipients=event.recipients,
            shared_at=event.shared_at,
            secrecy_duty_acknowledged=event.secrecy_duty_acknowledged,
        )
        return replace(state, person_id=event.person_id, statutory_records=(*state.statutory_records, record))
    return state


replay_consents = Replay(ConsentLedger, apply_consents)


def _check_person(state: ConsentLedger, person_id: str) -> str:
    person_id = required_text(person_id, "person_id", "the person's id")
    if state.person_id is not None and state.person_id != person_id:
        raise InvalidCommand(f"this ledger belongs to person {state.person_id!r}, not {person_id!r}", field="person_id")
    return person_id


def _recipients(recipients: tuple[Recipient, ...]) -> tuple[Recipient, ...]:
    if not recipients:
        raise InvalidCommand(
            "name at least one recipient (department or outside agency)", field="recipients", reason="at_least_one"
        )
    for i, recipient in enumerate(recipients):
        required_text(recipient.id, f"recipients[{i}].id", "the department or agency id")
    return tuple(dict.fromkeys(recipients))


def decide_give_consent(
    state: ConsentLedger, command: GiveConsent, *, now: datetime, consent_id: str
) -> list[DomainEvent]:
    """同意取得: recipients and purposes named, valid until a date not before the giving."""
    person_id = _check_person(state, command.person_id)
    if state.consent(consent_id) is not None:
        raise AlreadyExists(f"consent {consent_id!r} is already recorded", field="consent_id")
    recipients = _recipients(command.recipients)
    purposes = unique(p for p in command.purposes if p.strip())
    if not purposes:
        raise InvalidCommand("name at least one purpose of the sharing", field="purposes", reason="at_least_one")
    given_at = command.given_at or now
    not_after(given_at, now, "given_at")
    if command.valid_until < local_date(given_at):
        raise InvalidCommand(
            f"valid_until {command.valid_until} is before the consent was given ({local_date(given_at)})",
            field="valid_until",
            reason="before_earliest",
            ctx={"earliest": local_date(given_at).isoformat()},
        )
    return [
        ConsentGiven(
            consent_id=consent_id,
            person_id=person_id,
            recipients=recipients,
            purposes=purposes,
            given_at=given_at,
            valid_until=command.valid_until,
            recorded_at=now,
            recorded_by=required_text(command.recorded_by, "recorded_by", "the staff id"),
        )
    ]


def decide_withdraw_consent(state: ConsentLedger, command: WithdrawConsent, *, now: datetime) -> list[DomainEvent]:
    """同意撤回: of a recorded consent, once, not before it was given."""
    person_id = _check_person(state, command.person_id)
    consent = state.consent(command.consent_id)
    if consent is None:
        raise ConsentNotFound(
            f"no consent {command.consent_id!r} is recorded for person {person_id!r}", field="consent_id"
        )
    if consent.withdrawn_at is not None:
        raise IllegalTransition(
            f"consent {command.consent_id!r} was already withdrawn at {consent.withdrawn_at.isoformat()}",
            field="consent_id",
            reason="already_done",
        )
    withdrawn_at = command.withdrawn_at or now
    not_after(withdrawn_at, now, "withdrawn_at")
    if withdrawn_at < consent.given_at:
        raise InvalidCommand(
            f"withdrawn_at {withdrawn_at.isoformat()} is before the consent was given ({consent.given_at.isoformat()})",
            field="withdrawn_at",
            reason="before_earliest",
            ctx={"earliest": local_minute(consent.given_at)},
        )
    return [
        ConsentWithdrawn(
            consent_id=command.consent_id,
            person_id=person_id,
            withdrawn_at=withdrawn_at,
            reason=optional_text(command.reason),
            recorded_at=now,
            recorded_by=required_text(command.recorded_by, "recorded_by", "the staff id"),
        )
    ]


def decide_record_statutory_sharing(
    state: ConsentLedger, command: RecordStatutorySharing, *, now: datetime, sharing_id: str
) -> list[DomainEvent]:
    """法定の情報共有: a statutory basis, the meeting, its members and their secrecy duty."""
    person_id = _check_person(state, command.person_id)
    if any(r.sharing_id == sharing_id for r in state.statutory_records):
        raise AlreadyExists(f"statutory sharing {sharing_id!r} is already recorded", field="sharing_id")
    if command.basis not in STATUTORY_BASES:
        raise InvalidCommand(
            f"basis {command.basis!r} is not a statutory basis; allowed: {sorted(STATUTORY_BASES)}. "
            "Other meetings need the person's consent (GiveConsent)",
            field="basis",
            reason="unknown_code",
            ctx={"allowed": ", ".join(sorted(STATUTORY_BASES))},
        )
    if not command.secrecy_duty_acknowledged:
        raise InvalidCommand(
            "the members' secrecy duty (守秘義務) must be acknowledged before sharing without consent",
            field="secrecy_duty_acknowledged",
            reason="secrecy_acknowledgement",
        )
    recipients = _recipients(command.recipients)
    shared_at = command.shared_at or now
    not_after(shared_at, now, "shared_at")
    return [
        StatutorySharingRecorded(
            sharing_id=sharing_id,
            person_id=person_id,
            basis=command.basis,
            meeting_id=required_text(command.meeting_id, "meeting_id", "the 支援会議 meeting id"),
            recipients=recipients,
            secrecy_duty_acknowledged=True,
            shared_at=shared_at,
            recorded_at=now,
            recorded_by=required_text(command.recorded_by, "recorded_by", "the staff id"),
        )
    ]
