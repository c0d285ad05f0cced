"""償還計画: the repayment schedule, a pure function of the approval terms.

Every instalment but the last is the monthly amount; the last absorbs the remainder, so the
instalments sum exactly to the principal::

    >>> [i.amount for i in build_schedule(100_000, 3, date(2015, 1, 31))]
    [33333, 33333, 33334]
    >>> [i.due_date.isoformat() for i in build_schedule(100_000, 3, date(2015, 1, 31))]
    ['2015-01-31', '2015-02-28', '2015-03-31']

Due dates are counted in months from the first due date (not from the previous instalment), so a
due day of 31 stays at the end of the month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from services.loans.domain.errors import InvalidTerms

__all__ = [
    "Instalment",
    "add_months",
    "build_schedule",
    "default_monthly_amount",
    "instalments",
    "last_amount",
]


@dataclass(frozen=True)
class Instalment:
    """One instalment (償還回) of the schedule: its number from 1, due date and amount in yen."""

    number: int
    due_date: date
    amount: int


def add_months(start: date, months: int) -> date:
    """``start`` moved by whole months, the day clamped to the end of a shorter month."""
    year, month_index = divmod(start.month - 1 + months, 12)
    year += start.year
    month = month_index + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def default_monthly_amount(principal: int, instalment_count: int) -> int:
    """The monthly amount when none is given: the principal divided evenly, rounded down."""
    return principal // instalment_count


def last_amount(principal: int, instalment_count: int, monthly_amount: int) -> int:
    """The last instalment, after checking that the terms make sense (else :class:`InvalidTerms`)."""
    if principal <= 0:
        raise InvalidTerms(
            f"the amount must be a positive number of yen, got {principal}", field="amount", reason="not_positive_yen"
        )
    if instalment_count <= 0:
        raise InvalidTerms(
            f"the number of instalments must be at least 1, got {instalment_count}",
            field="instalment_count",
            reason="too_small",
            ctx={"min": 1},
        )
    if monthly_amount <= 0:
        raise InvalidTerms(
            f"the monthly amount must be a positive number of yen, got {monthly_amount}; "
            f"with {instalment_count} instalments the amount {principal} is too small: "
            "choose fewer instalments",
            field="monthly_amount",
            reason="instalments_too_many",
            ctx={"count": instalment_count, "amount": principal},
        )
    if instalment_count == 1 and monthly_amount != principal:
        raise InvalidTerms(
            f"a single instalment repays the whole amount: set the monthly amount to {principal} or leave it out",
            field="monthly_amount",
            reason="single_instalment",
            ctx={"amount": principal},
        )
    last = principal - monthly_amount * (instalment_count - 1)
    if last <= 0:
        raise InvalidTerms(
            f"{instalment_count - 1} instalments of {monthly_amount} yen already reach the amount "
            f"{principal}; lower the monthly amount to at most "
            f"{(principal - 1) // max(instalment_count - 1, 1)} yen or choose fewer instalments",
            field="monthly_amount",
            reason="monthly_too_high",
            ctx={"most": (principal - 1) // max(instalment_count - 1, 1)},
        )
    if last >= 2 * monthly_amount:
        raise InvalidTerms(
            f"the last instalment would be {last} yen, at least twice the monthly amount "
            f"{monthly_amount}; raise the monthly amount (e.g. to "
            f"{default_monthly_amount(principal, instalment_count)}) or choose fewer instalments",
            field="monthly_amount",
            reason="last_instalment_too_large",
            ctx={"last": last, "suggested": default_monthly_amount(principal, instalment_count)},
        )
    return last


def build_schedule(
    principal: int,
    instalment_count: int,
    first_due_date: date,
    monthly_amount: int | None = None,
) -> tuple[Instalment, ...]:
    """The instalments for the terms; their amounts sum exactly to ``principal``."""
    if monthly_amount is not None:
        monthly = monthly_amount
    elif instalment_count > 0:
        monthly = default_monthly_amount(principal, instalment_count)
    else:
        monthly = 0  # last_amount refuses the instalment count first
    last = last_amount(principal, instalment_count, monthly)
    return instalments(instalment_count, first_due_date, monthly, last)


def instalments(
    instalment_count: int, first_due_date: date, monthly_amount: int, last_amount: int
) -> tuple[Instalment, ...]:
    """The instalments of already decided terms, without judging them again.

    Replaying an old approval must not fail when today's rules on terms are stricter than the
    rules it was decided under, so folds use this and decisions use :func:`build_schedule`.
    """
    return tuple(
        Instalment(
            number=n,
            due_date=add_months(first_due_date, n - 1),
            amount=last_amount if n == instalment_count else monthly_amount,
        )
        for n in range(1, instalment_count + 1)
    )
