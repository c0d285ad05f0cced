"""The rule condition language: every operator, combinators, and strict, never-raising evaluation."""

from __future__ import annotations

from typing import Any

import pytest

from shared.referrals import matches, parse_condition

DATA: dict[str, Any] = {
    "issues": ["dv_abuse", "housing"],
    "source": "neighbour",
    "isolated": True,
    "missed_count": 2,
    "household": {"size": 4, "members": None},
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "source", "equals": "neighbour"}, True),
        ({"field": "isolated", "equals": True}, True),
        ({"field": "missed_count", "equals": True}, False),
        ({"field": "source", "not_equals": "self"}, True),
        ({"field": "source", "in": ["neighbour", "welfare_commissioner"]}, True),
        ({"field": "source", "not_in": ["neighbour"]}, False),
        ({"field": "missing", "not_in": ["neighbour"]}, False),
        ({"field": "issues", "contains": "dv_abuse"}, True),
        ({"field": "source", "contains": "neigh"}, False),
        ({"field": "issues", "contains_any": ["debt_arrears", "housing"]}, True),
        ({"field": "issues", "contains_any": ["debt_arrears"]}, False),
        ({"field": "missed_count", "gte": 2}, True),
        ({"field": "missed_count", "gt": 2}, False),
        ({"field": "missed_count", "lte": 2}, True),
        ({"field": "missed_count", "lt": 2}, False),
        ({"field": "source", "gte": 2}, False),
        ({"field": "household.size", "gte": 3}, True),
        ({"field": "household.size.x", "gte": 3}, False),
        ({"field": "household.members", "exists": True}, False),
        ({"field": "household.members", "exists": False}, True),
        ({"field": "missing", "exists": False}, True),
        ({"field": "missing", "equals": "x"}, False),
        ({"not": {"field": "missing", "equals": "x"}}, True),
        ({"all": []}, True),
        ({"any": []}, False),
        ({"all": [{"field": "isolated", "equals": True}, {"field": "missed_count", "gte": 3}]}, False),
        ({"any": [{"field": "isolated", "equals": True}, {"field": "missed_count", "gte": 3}]}, True),
        (
            {
                "all": [
                    {"field": "issues", "contains": "dv_abuse"},
                    {"field": "source", "in": ["neighbour", "welfare_commissioner"]},
                    {"field": "isolated", "equals": True},
                    {"field": "missed_count", "gte": 2},
                    {"not": {"any": [{"field": "source", "equals": "self"}]}},
                ]
            },
            True,
        ),
    ],
)
def test_conditions_evaluate_strictly(condition: dict[str, Any], expected: bool) -> None:
    assert matches(parse_condition(condition), DATA) is expected


def test_an_unexpected_shape_of_event_data_makes_a_test_false_not_an_error() -> None:
    condition = parse_condition({"field": "issues", "contains": "dv_abuse"})
    assert matches(condition, {"issues": {"dv_abuse": True}}) is False
    assert matches(parse_condition({"field": "n", "gte": 1}), {"n": [1]}) is False
