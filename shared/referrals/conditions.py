"""A small, safe condition language for referral rules (no ``eval``).

A condition is a YAML mapping, either a combinator or a test of one field of the cause event::

    {all: [cond, ...]}     every one holds (an empty list holds)
    {any: [cond, ...]}     at least one holds
    {not: cond}            the inner one does not hold
    {field: issues, contains: dv_abuse}

Field tests (``field`` may be a dotted path into nested mappings, e.g. ``household.size``):

    equals / not_equals    same value and same kind (``true`` never equals ``1``)
    in / not_in            the field's value is (not) one of a list
    contains               the field is a list holding the value
    contains_any           the field is a list holding at least one of the values
    gt / gte / lt / lte    numbers only (booleans are not numbers here)
    exists                 ``true``: present and not null; ``false``: absent or null

A missing field or a value of the wrong kind makes a test false (so ``not`` of it is true); it
never raises while evaluating. Mistakes in the rule itself are caught when the rule is parsed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.errors import InvalidCommand

__all__ = ["All", "AnyOf", "Condition", "ConditionError", "FieldTest", "Not", "matches", "parse_condition"]

OPERATORS = (
    "equals",
    "not_equals",
    "in",
    "not_in",
    "contains",
    "contains_any",
    "gt",
    "gte",
    "lt",
    "lte",
    "exists",
)
_Scalar = str | int | float | bool


class ConditionError(InvalidCommand):
    """A rule's condition cannot be parsed; the message names where and what is allowed."""


@dataclass(frozen=True)
class FieldTest:
    field: str
    op: str
    value: Any


@dataclass(frozen=True)
class All:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    condition: Condition


Condition = FieldTest | All | AnyOf | Not

_MISSING = object()


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_scalar(v: object) -> bool:
    return isinstance(v, _Scalar)


def _same(a: object, b: object) -> bool:
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def _scalar_list(where: str, op: str, value: object) -> tuple[Any, ...]:
    if not isinstance(value, list) or not value or not all(_is_scalar(v) for v in value):
        raise ConditionError(f"{where}: '{op}' needs a non-empty list of plain values, got {value!r}")
    return tuple(value)


def parse_condition(raw: object, where: str = "condition") -> Condition:
    """Turn the YAML form into a condition tree, refusing anything not in the language."""
    if not isinstance(raw, Mapping):
        raise ConditionError(f"{where}: a condition is a mapping like {{field: x, equals: y}}, got {raw!r}")
    keys = set(raw)
    for combinator in ("all", "any"):
        if combinator in keys:
            if keys != {combinator}:
                raise ConditionError(f"{where}: '{combinator}' stands alone; extra keys {sorted(keys - {combinator})}")
            items = raw[combinator]
            if not isinstance(items, list):
                raise ConditionError(f"{where}: '{combinator}' needs a list of conditions")
            parsed = tuple(parse_condition(item, f"{where}.{combinator}[{i}]") for i, item in enumerate(items))
            return All(parsed) if combinator == "all" else AnyOf(parsed)
    if "not" in keys:
        if keys != {"not"}:
            raise ConditionError(f"{where}: 'not' stands alone; extra keys {sorted(keys - {'not'})}")
        return Not(parse_condition(raw["not"], f"{where}.not"))
    if "field" not in keys:
        raise ConditionError(f"{where}: missing 'field' (or use all/any/not); got keys {sorted(map(str, keys))}")
    field = raw["field"]
    if not isinstance(field, str) or not field or any(not part for part in field.split(".")):
        raise ConditionError(f"{where}: 'field' must be a name like issues or household.size, got {field!r}")
    ops = keys - {"field"}
    unknown = sorted(str(k) for k in ops if k not in OPERATORS)
    if unknown:
        raise ConditionError(f"{where}: unknown operator {unknown[0]!r}; use one of {list(OPERATORS)}")
    if len(ops) != 1:
        raise ConditionError(f"{where}: a field test has exactly one operator, got {sorted(map(str, ops))}")
    op = str(ops.pop())
    value = raw[op]
    if op in ("in", "not_in", "contains_any"):
        value = _scalar_list(where, op, value)
    elif op in ("gt", "gte", "lt", "lte"):
        if not _is_number(value):
            raise ConditionError(f"{where}: '{op}' compares numbers, got {value!r}")
    elif op == "exists":
        if not isinstance(value, bool):
            raise ConditionError(f"{where}: 'exists' takes true or false, got {value!r}")
    elif not _is_scalar(value):
        raise ConditionError(f"{where}: '{op}' takes a plain value (text, number, true/false), got {value!r}")
    return FieldTest(field=field, op=op, value=value)


def _lookup(data: Mapping[str, Any], path: str) -> Any:
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return _MISSING
        current = current[part]
    return current


def _test(t: FieldTest, actual: Any) -> bool:
    if t.op == "exists":
        return bool((actual is not _MISSING and actual is not None) == t.value)
    if actual is _MISSING or actual is None:
        return False
    if t.op == "equals":
        return _same(actual, t.value)
    if t.op == "not_equals":
        return not _same(actual, t.value)
    if t.op in ("in", "not_in"):
        found = _is_scalar(actual) and any(_same(actual, v) for v in t.value)
        return found if t.op == "in" else (_is_scalar(actual) and not found)
    if t.op in ("contains", "contains_any"):
        if not isinstance(actual, list | tuple | set | frozenset):
            return False
        wanted = (t.value,) if t.op == "contains" else t.value
        return any(_same(item, w) for item in actual for w in wanted)
    if not _is_number(actual):
        return False
    if t.op == "gt":
        return bool(actual > t.value)
    if t.op == "gte":
        return bool(actual >= t.value)
    if t.op == "lt":
        return bool(actual < t.value)
    return bool(actual <= t.value)


def matches(condition: Condition, data: Mapping[str, Any]) -> bool:
    """Whether the cause event's ``data`` satisfies the condition."""
    if isinstance(condition, All):
        return all(matches(c, data) for c in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(matches(c, data) for c in condition.conditions)
    if isinstance(condition, Not):
        return not matches(condition.condition, data)
    return _test(condition, _lookup(data, condition.field))
