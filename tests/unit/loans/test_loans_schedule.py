"""償還計画: the repayment schedule is a pure, exact function of the terms."""

from __future__ import annotations

from datetime import date

import pytest

from services.loans.domain.errors import InvalidTerms
from services.loans.domain.schedule import add_months, build_schedule
from shared.errors import InvalidCommand


@pytest.mark.parametrize(
    ("principal", "count", "monthly"),
    [
        (100_000, 3, None),
        (1, 1, None),
        (999_999, 7, None),
        (1_234_567, 60, None),
        (200_000, 12, 16_700),
        (200_000, 12, 16_666),
        (490_000, 24, 20_000),
    ],
)
def test_instalments_sum_exactly_to_the_principal(principal: int, count: int, monthly: int | None) -> None:
    schedule = build_schedule(principal, count, date(2015, 5, 31), monthly)

    assert len(schedule) == count
    assert sum(i.amount for i in schedule) == principal
    assert [i.number for i in schedule] == list(range(1, count + 1))


def test_last_instalment_absorbs_the_remainder_of_an_even_split() -> None:
    schedule = build_schedule(100_000, 3, date(2015, 5, 31))

    assert [i.amount for i in schedule] == [33_333, 33_333, 33_334]


def test_last_instalment_absorbs_the_remainder_of_a_rounded_monthly_amount() -> None:
    schedule = build_schedule(200_000, 12, date(2015, 5, 31), monthly_amount=16_700)

    assert [i.amount for i in schedule[:11]] == [16_700] * 11
    assert schedule[-1].amount == 200_000 - 11 * 16_700 == 16_300


def test_an_exact_split_has_equal_instalments() -> None:
    assert {i.amount for i in build_schedule(120_000, 12, date(2015, 5, 1))} == {10_000}


def test_due_dates_are_monthly_and_stay_at_the_end_of_the_month() -> None:
    schedule = build_schedule(60_000, 6, date(2015, 10, 31))

    assert [i.due_date for i in schedule] == [
        date(2015, 10, 31),
        date(2015, 11, 30),
        date(2015, 12, 31),
        date(2016, 1, 31),
        date(2016, 2, 29),
        date(2016, 3, 31),
    ]


def test_the_schedule_is_deterministic() -> None:
    assert build_schedule(777_777, 13, date(2015, 1, 15)) == build_schedule(777_777, 13, date(2015, 1, 15))


def test_adding_months_crosses_years_and_clamps_the_day() -> None:
    assert add_months(date(2015, 12, 15), 1) == date(2016, 1, 15)
    assert add_months(date(2015, 1, 31), 1) == date(2015, 2, 28)
    assert add_months(date(2015, 1, 31), 25) == date(2017, 2, 28)
    assert add_months(date(2015, 5, 31), 0) == date(2015, 5, 31)


@pytest.mark.parametrize(
    ("principal", "count", "monthly", "field"),
    [
        (0, 3, None, "amount"),
        (-100, 3, None, "amount"),
        (100_000, 0, 1_000, "instalment_count"),
        (100_000, -2, 1_000, "instalment_count"),
        (100_000, 3, 0, "monthly_amount"),
        (100_000, 3, -5, "monthly_amount"),
        (5, 10, None, "monthly_amount"),  # less than one yen a month
        (100_000, 3, 50_000, "monthly_amount"),  # two instalments already repay everything
        (100_000, 3, 10_000, "monthly_amount"),  # the last one would be a balloon of 80,000
        (100_000, 1, 50_000, "monthly_amount"),  # one instalment must be the whole amount
    ],
)
def test_terms_that_cannot_make_a_schedule_are_refused(
    principal: int, count: int, monthly: int | None, field: str
) -> None:
    with pytest.raises(InvalidTerms) as refused:
        build_schedule(principal, count, date(2015, 5, 31), monthly)

    assert isinstance(refused.value, InvalidCommand)
    assert refused.value.field == field


def test_a_too_high_monthly_amount_is_refused_with_the_highest_acceptable_one() -> None:
    with pytest.raises(InvalidTerms, match="at most 49999 yen") as refused:
        build_schedule(100_000, 3, date(2015, 5, 31), 50_000)
    # What the loans desk's screen says in Japanese (errors.domain.monthly_too_high).
    assert (refused.value.reason, refused.value.ctx) == ("monthly_too_high", {"most": 49_999})


@pytest.mark.parametrize(
    ("principal", "count", "monthly", "reason", "ctx"),
    [
        (100_000, 0, 1_000, "too_small", {"min": 1}),
        (5, 10, None, "instalments_too_many", {"count": 10, "amount": 5}),
        (100_000, 3, 10_000, "last_instalment_too_large", {"last": 80_000, "suggested": 33_333}),
        (100_000, 1, 50_000, "single_instalment", {"amount": 100_000}),
    ],
)
def test_a_refused_term_names_its_reason_and_the_figures_to_fix_it(
    principal: int, count: int, monthly: int | None, reason: str, ctx: dict[str, int]
) -> None:
    with pytest.raises(InvalidTerms) as refused:
        build_schedule(principal, count, date(2015, 5, 31), monthly)
    assert (refused.value.reason, refused.value.ctx) == (reason, ctx)


def test_the_module_examples_hold() -> None:
    import doctest

    from services.loans.domain import schedule

    assert doctest.testmod(schedule).failed == 0
