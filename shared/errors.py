"""The error tree shared by every service's domain.

::

    DomainError                 a command that the domain refuses (no HTTP in here)
    ├── NotFound                the named aggregate does not exist            → 404
    ├── InvalidCommand          input that is well-formed but not acceptable   → 422
    ├── IllegalTransition       the aggregate's state forbids this command     → 409
    │   └── AlreadyExists       the id was already used to start a stream       → 409
    ├── ConcurrencyConflict     the stream moved on since the caller read it    → 409
    └── Forbidden               the actor's department/role/consent forbids it → 403

``shared.refusals`` maps these to status codes with a body that says what to fix; services
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
    "known_reason",
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
        "already_recorded",  # the record (its id, or the same entry) is there already: a second submission
        "already_done",  # the step was taken already (acknowledged, withdrawn, held, done, submitted...)
        "closed_reopen_first",  # an intake consultation is closed (終結): reopen it to change it
        "closed_open_new",  # a loans consultation is closed: open a new one
        "not_closed",  # only a closed consultation can be reopened
        "other_subject",  # the consultation is already about another person or household
        "own_comment",  # the reviewer acknowledging their own comment
        "manager_only",  # supervisor comments are a manager's (課長・局長)
        "outcome_needs_application",  # the loan-applied outcome needs the application response recorded
        "outcome_needs_other_response",  # the other outcomes need a response other than the application
        "application_status",  # the loan application's status forbids the step (ctx: status)
        "record_status",  # the activity record's status forbids the step (ctx: status)
        "author_only",  # only the author writes or submits an activity record
        "not_own_record",  # nobody approves or returns their own activity record
        "approvers_comment",  # comments on an activity record are the approvers'
        "manager_first",  # the manager approves an activity record before the director decides
        "record_of_month_exists",  # the staff member's activity record of the month exists (ctx: month)
        "watch_already",  # the person is watched over already (ctx: since)
        "watch_none",  # the person is not watched over: nothing to end
        "other_district",  # the case is looked after in another district (ctx: district)
        "not_a_salon",  # the resource is not a salon or meeting place
        "not_a_district",  # the area named is not a district council area (地区社協)
        "csw_required",  # a support team needs the district's CSW
        "no_support_team",  # the district has no support team yet
        "not_held_yet",  # the conference is not recorded held yet
        "not_case_study",  # cases are presented at a case-study meeting (事例検討会) only
        "not_assignee",  # an action item is done by its department or conferences staff
        "outside_only",  # only outside participants give a secrecy undertaking
        "referral_status",  # the referral's status forbids the step (ctx: status)
        "referral_not_yours",  # the referral is another department's to act on
        "referral_outside_agency",  # a referral to an outside agency: its source records the outcome
        "referral_own_desk",  # referrals are acted on at one's own department's desk (ctx: department)
        "already_member",  # the person is in the household already
        "not_member",  # the person is not a current member of the household
        "period_reversed",  # a period that ends before it starts
        "department_not_allowed",  # the staff member's department may not do this (ctx: department)
        "role_not_allowed",  # the staff member's role may not do this (ctx: role)
        "stale_version",  # the record changed since the screen read it (every ConcurrencyConflict)
        "not_found",  # the record named does not exist (every NotFound; the message names its id)
        "month_format",  # a month not given as YYYY-MM
        "too_long",  # text longer than it may be (ctx: max)
        "area_top",  # a city is the top of the area hierarchy: it has no parent area
        "area_parent",  # an area's parent is not of the kind it lies in (ctx: kind, wanted)
        "resource_other_district",  # a helper named with a resource of another district (ctx: district)
        "event_too_large",  # a record larger than an event may be (ctx: max, in bytes)
    }
)
"""The refusals with words of their own in the web client (``errors.domain.<reason>``)."""

Ctx = Mapping[str, str | int]


def known_reason(reason: str | None) -> str | None:
    """``reason`` if it is one of :data:`REASONS` (or None); a ValueError where it is raised otherwise."""
    if reason is not None and reason not in REASONS:
        raise ValueError(f"unknown refusal reason {reason!r}: add it to shared.errors.REASONS")
    return reason


class DomainError(Exception):
    """Base of all refusals. ``message`` says what was wrong and how to fix it; ``reason`` and
    ``ctx`` say the same for a client to put in its users' words (see :data:`REASONS`)."""

    code: str = "domain_error"
    default_reason: str | None = None
    """The reason of every refusal of this kind that names none of its own."""

    def __init__(
        self, message: str, *, field: str | None = None, reason: str | None = None, ctx: Ctx | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.reason = known_reason(reason if reason is not None else self.default_reason)
        self.ctx = dict(ctx or {})


class NotFound(DomainError):
    code = "not_found"
    default_reason = "not_found"


class InvalidCommand(DomainError):
    code = "invalid"


class UnknownReference(InvalidCommand):
    """A body names a person, household or record that does not exist (422, naming the field):
    the request is wrong, not the URL; an orphan record would reach no case."""

    code = "unknown_reference"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class ConcurrencyConflict(DomainError):
    """The stream moved on since the caller read it: whoever raises it, the screen says "reload"."""

    code = "conflict"
    default_reason = "stale_version"


class Forbidden(DomainError):
    code = "forbidden"


class AlreadyExists(IllegalTransition):
    """登録済み: the id was already used to start a stream (person, household, consultation...)."""

    default_reason = "already_recorded"
