"""Intake's command handlers: one function per command (総合相談窓口の処理).

Each handler is one :func:`shared.commands.execute` on one of intake's aggregates, declared once:
:data:`PERSON` and :data:`HOUSEHOLD` (the registry, :mod:`.people`), :data:`CONSULTATION`
(:mod:`.consultations`) and :data:`CONSENTS` (the consent ledger, :mod:`.consents`); referrals
(:mod:`.referrals`) go through the kit's referral desk after the ledger's check. Handlers take
``(kit, ctx, command)``: a caller that read version *n* passes ``expected_version=n`` in the
:class:`~shared.commands.CommandContext` and a moved stream is refused with 409, never overwritten.

Streams (case id in brackets): ``person-{id}`` [person], ``household-{id}`` [household],
``consultation-{id}`` [person, else household, else the consultation id until identified],
``consents-{person_id}`` [person].
"""

from __future__ import annotations

from services.intake.handlers.consents import (
    CONSENT_FOLD,
    CONSENTS,
    find_basis,
    give_consent,
    record_statutory_sharing,
    withdraw_consent,
)
from services.intake.handlers.consultations import (
    CONSULTATION,
    CONSULTATION_FOLD,
    acknowledge_supervisor_comment,
    add_supervisor_comment,
    close_consultation,
    identify_subject,
    open_consultation,
    record_assessment,
    record_contact,
    reopen_consultation,
    schedule_follow_up,
    set_support_plan,
)
from services.intake.handlers.people import (
    HOUSEHOLD,
    HOUSEHOLD_FOLD,
    PERSON,
    PERSON_FOLD,
    correct_person_details,
    join_household,
    leave_household,
    link_person_records,
    register_household,
    register_person,
)
from services.intake.handlers.referrals import make_referral

__all__ = [
    "CONSENTS",
    "CONSENT_FOLD",
    "CONSULTATION",
    "CONSULTATION_FOLD",
    "HOUSEHOLD",
    "HOUSEHOLD_FOLD",
    "PERSON",
    "PERSON_FOLD",
    "acknowledge_supervisor_comment",
    "add_supervisor_comment",
    "close_consultation",
    "correct_person_details",
    "find_basis",
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
