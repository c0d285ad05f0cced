"""The error tree shared by every service's domain.

::

    DomainError                 a command that the domain refuses (no HTTP in here)
    ├── NotFound                the named aggregate does not exist            → 404
    ├── InvalidCommand          input that is well-formed but not acceptable   → 422
    ├── IllegalTransition       the aggregate's state forbids this command     → 409
    │   └── AlreadyExists       the id was already used to start a stream       → 409
    ├── ConcurrencyConflict     the stream moved on since the caller read it    → 409
    └── Forbidden               the actor's department/role/consent forbids it → 403

``shared.web`` maps these to status codes with a body that says what to fix; services
subclass them for their own words but never raise HTTP exceptions from the domain.

The message is English, for the API's users and the logs. A refusal staff can meet on a screen
also names its ``reason`` (a stable key such as ``in_future``) with the values it speaks of
(``ctx``), so that the web client says it in Japanese (its catalogue's ``errors.domain.<reason>``)::

    raise InvalidCommand(f"held_on {day} is in the future", field="held_on", reason="in_future")

:data:`REASONS` lists every reason; a test checks that raises use only these and that the client's
catalogues say each of them.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "REASONS",
    "AlreadyExists",
    "ConcurrencyConflict",
    "DomainError",
    "Forbidden",
    "IllegalTransition",
    "InvalidCommand",
    "NotFound",
    "UnknownReference",
]


REASONS = frozenset(
    {
        "required",  # a field left empty
        "at_least_one",  # a list given empty
        "in_future",  # a day or moment that has not happened yet
        "in_past",  # a due date already gone (ctx: today)
        "before_earliest",  # before the day or moment it follows (ctx: earliest)
        "not_positive_yen",  # an amount of yen that is not a positive whole number
        "unknown_code",  # not in the code list (ctx: allowed)
        "unknown_reference",  # names a record that is not registered (ctx: id)
        "needs_time_zone",  # a moment without its UTC offset
        "basis_required",  # sharing a case with outside members needs its basis (consent or statute)
        "basis_reference",  # a basis needs its record (the consent id, the law or meeting)
        "consent_needed",  # a case shared by its id with outside members needs the person's consent
        "consent_refused",  # the person refused support: no intervention without consent
        "secrecy_undertaking",  # an outside participant has not undertaken secrecy (守秘義務)
        "secrecy_acknowledgement",  # sharing without consent needs the members' secrecy duty acknowledged
        "out_of_range",  # a day outside the span the record allows (ctx: earliest, latest)
        "amount_mismatch",  # an amount other than the one decided (ctx: amount)
        "too_many",  # more entries than a record takes (ctx: max)
        "outside_month",  # a day outside the record's month (ctx: month)
        "code_format",  # an area or district code not in lower-case letters, digits, '-' or '_'
        "nothing_changed",  # a correction that changes nothing
        "subject_required",  # a consultation about nobody: a person, a household or a description
        "name_required",  # a person with neither name in kanji nor in kana
        "not_after_now",  # a deadline that is not in the future
        "not_a_participant",  # a name that is not among the conference's participants
        "too_small",  # a number below its least (ctx: min)
        "out_of_range_number",  # a number outside the span the record allows (ctx: first, last)
        "instalments_too_many",  # so many instalments that a month's amount is under one yen (ctx: count, amount)
        "single_instalment",  # one instalment repays the whole amount (ctx: amount)
        "monthly_too_high",  # the monthly amount repays the loan before the last instalment (ctx: most)
        "last_instalment_too_large",  # the last instalment twice the monthly amount or more (ctx: last, suggested)
        "after_first_due",  # a disbursement after the first due date (ctx: first_due)
        "exceeds_outstanding",  # a repayment over the outstanding balance (ctx: outstanding)
        "no_basis_in_force",  # no consent or statutory sharing lets the details go to this recipient
        "self_link",  # a record linked to itself
        "listed_twice",  # one person or member listed twice
    }
)
"""The refusals with words of their own in the web client (``errors.domain.<reason>``)."""

Ctx = Mapping[str, str | int]


class DomainError(Exception):
    """Base of all refusals. ``message`` says what was wrong and how to fix it; ``reason`` and
    ``ctx`` say the same for a client to put in its users' words (see :data:`REASONS`)."""

    code: str = "domain_error"

    def __init__(
        self, message: str, *, field: str | None = None, reason: str | None = None, ctx: Ctx | None = None
    ) -> None:
        super().__init__(message)
        if reason is not None and reason not in REASONS:
            raise ValueError(f"unknown refusal reason {reason!r}: add it to shared.errors.REASONS")
        self.message = message
        self.field = field
        self.reason = reason
        self.ctx = dict(ctx or {})


class NotFound(DomainError):
    code = "not_found"


class InvalidCommand(DomainError):
    code = "invalid"


class UnknownReference(InvalidCommand):
    """A body names a person, household or record that does not exist (422, naming the field):
    the request is wrong, not the URL; an orphan record would reach no case."""

    code = "unknown_reference"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class ConcurrencyConflict(DomainError):
    code = "conflict"


class Forbidden(DomainError):
    code = "forbidden"


class AlreadyExists(IllegalTransition):
    """登録済み: the id was already used to start a stream (person, household, consultation...)."""
