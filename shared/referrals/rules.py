"""Automatic referral rules (自動つなぎルール): data, reviewed by a manager, evaluated purely.

A rule file (``rules/<department>.yaml``) holds a version and a list of rules::

    version: "2025.1"
    rules:
      - id: loans.denied_to_budget_consultation   # stable: part of every referral id it makes
        version: 1                                # raise when the rule's meaning changes
        description: 貸付不承認の世帯を家計相談へつなぐ
        trigger: loans.LoanApplicationDenied      # one event type or a list of them
        condition: {field: missed_count, gte: 2}  # optional; see shared.referrals.conditions
        target_kind: department                   # department | external
        target: intake
        reason_category: household_budget
        priority: normal                          # normal | urgent | same_day
        deadline: P3D                             # ISO-8601 (P3D, PT8H, P1DT12H) or {days: 3, hours: 4}
        basis: {kind: none}                       # optional; {kind: statutory, reference: ...}
        enabled: true                             # optional, default true
        reviewed_by: staff-0001                   # optional pair: who reviewed, when approved
        approved_at: 2025-04-01

The source department of a referral is the prefix of the cause event type (``loans.`` → loans).
:func:`evaluate` gives each firing the id ``uuid5(REFERRAL_NAMESPACE, "<rule id>:<cause event id>")``:
a redelivered cause event yields the same id (the handler's append then finds the stream exists),
and two rules firing on one cause yield two ids. The rule *version* is not part of the id, so a
revised rule replaying old events does not refer the same case twice.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from shared.errors import InvalidCommand
from shared.referrals.codes import ReferralCodes, load_referral_codes
from shared.referrals.conditions import Condition, ConditionError, matches, parse_condition
from shared.referrals.events import ReferralBasis, ReferralMade
from shared.referrals.model import BASIS_KINDS, PRIORITIES

__all__ = [
    "AUTOMATIC_ACTOR",
    "REFERRAL_NAMESPACE",
    "Rule",
    "RuleError",
    "RuleSet",
    "default_rules",
    "evaluate",
    "load_rules",
    "parse_duration",
    "parse_rule_file",
    "referral_id_for",
    "rule_set",
]

REFERRAL_NAMESPACE = uuid.UUID("e364a22e-ebd8-4091-936b-18a423986b05")
AUTOMATIC_ACTOR = "system:referral-rules"
RULES_DIR = Path(__file__).with_name("rules")

_REQUIRED = (
    "id",
    "version",
    "description",
    "trigger",
    "target_kind",
    "target",
    "reason_category",
    "priority",
    "deadline",
)
_OPTIONAL = ("condition", "basis", "enabled", "reviewed_by", "approved_at")
_EVENT_TYPE = re.compile(r"^([a-z][a-z_]*)\.[A-Z][A-Za-z0-9]*$")
_RULE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_DURATION = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")
_DURATION_KEYS = ("weeks", "days", "hours", "minutes")


class RuleError(ConditionError):
    """A rule file is invalid; the message names the file, the rule and what to fix."""


@dataclass(frozen=True)
class Rule:
    """One automatic referral rule, validated."""

    id: str
    version: int
    description: str
    triggers: tuple[str, ...]
    condition: Condition | None
    target_kind: str
    target: str
    reason_category: str
    priority: str
    deadline: timedelta
    basis: ReferralBasis = field(default_factory=ReferralBasis)
    enabled: bool = True
    reviewed_by: str | None = None
    approved_at: date | None = None
    source_file: str = ""

    @property
    def source_department(self) -> str:
        return self.triggers[0].split(".", 1)[0]

    @property
    def reviewed(self) -> bool:
        return self.reviewed_by is not None and self.approved_at is not None

    def fires_on(self, event_type: str, data: Mapping[str, Any]) -> bool:
        return (
            self.enabled and event_type in self.triggers and (self.condition is None or matches(self.condition, data))
        )


@dataclass(frozen=True)
class RuleSet:
    """The rules in force, with the file versions and a checksum a manager can compare."""

    rules: tuple[Rule, ...]
    versions: Mapping[str, str] = field(default_factory=dict)
    checksum: str = ""

    @property
    def version(self) -> str:
        """e.g. ``intake@2025.1 loans@2025.1 sha256:1a2b3c4d5e6f``."""
        files = " ".join(f"{name}@{v}" for name, v in sorted(self.versions.items()))
        return f"{files} sha256:{self.checksum[:12]}".strip()

    def for_event(self, event_type: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled and event_type in r.triggers)

    def awaiting_review(self) -> tuple[Rule, ...]:
        """Rules with no reviewer/approval date: the manager's to-do list."""
        return tuple(r for r in self.rules if not r.reviewed)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


def referral_id_for(rule_id: str, cause_event_id: str) -> str:
    """The deterministic id of the referral a rule makes for one cause event."""
    return str(uuid.uuid5(REFERRAL_NAMESPACE, f"{rule_id}:{cause_event_id}"))


def parse_duration(raw: object, where: str = "deadline") -> timedelta:
    """``P3D``, ``PT8H``, ``P1DT12H``, ``P2W`` or ``{days: 3, hours: 4}``; months and years are refused
    (their length varies)."""
    if isinstance(raw, str):
        m = _DURATION.match(raw)
        if not m or raw in ("P", "PT") or raw.endswith("T"):
            raise RuleError(
                f"{where}: {raw!r} is not a duration; write e.g. P3D, PT8H, P1DT12H or {{days: 3}} "
                "(weeks, days, hours and minutes only)"
            )
        weeks, days, hours, minutes = (int(g) if g else 0 for g in m.groups())
        delta = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)
    elif isinstance(raw, Mapping):
        unknown = sorted(str(k) for k in raw if k not in _DURATION_KEYS)
        if unknown:
            raise RuleError(f"{where}: unknown unit {unknown[0]!r}; use {list(_DURATION_KEYS)}")
        for key, value in raw.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise RuleError(f"{where}: {key} must be a whole number ≥ 0, got {value!r}")
        delta = timedelta(**{str(k): v for k, v in raw.items()})
    else:
        raise RuleError(f"{where}: give a duration like P3D or {{days: 3}}, got {raw!r}")
    if delta <= timedelta(0):
        raise RuleError(f"{where}: the deadline must be longer than zero")
    return delta


def _parse_rule(raw: object, where: str, codes: ReferralCodes, source_file: str) -> Rule:
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: a rule is a mapping of {list(_REQUIRED)}")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise RuleError(f"{where}: 'id' must look like department.what_it_does, got {rule_id!r}")
    where = f"{where} ({rule_id})"
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise RuleError(f"{where}: missing field {missing[0]!r}; a rule needs {list(_REQUIRED)}")
    unknown = sorted(str(k) for k in raw if k not in _REQUIRED + _OPTIONAL)
    if unknown:
        raise RuleError(f"{where}: unknown field {unknown[0]!r}; allowed {list(_REQUIRED + _OPTIONAL)}")

    version = raw["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RuleError(f"{where}: 'version' is a whole number ≥ 1, got {version!r}")
    description = raw["description"]
    if not isinstance(description, str) or not description.strip():
        raise RuleError(f"{where}: 'description' says in words what the rule does")

    trigger = raw["trigger"]
    triggers = (trigger,) if isinstance(trigger, str) else trigger
    if not isinstance(triggers, list | tuple) or not triggers:
        raise RuleError(f"{where}: 'trigger' is an event type or a list of them")
    prefixes = set()
    for t in triggers:
        m = _EVENT_TYPE.match(t) if isinstance(t, str) else None
        if m is None:
            raise RuleError(f"{where}: trigger {t!r} is not an event type like loans.LoanApplicationDenied")
        prefixes.add(m.group(1))
    if len(prefixes) != 1:
        raise RuleError(f"{where}: all triggers of a rule come from one department, got {sorted(prefixes)}")
    (department,) = prefixes
    try:
        codes.require_department(department, field="trigger")
        codes.require_target(str(raw["target_kind"]), str(raw["target"]))
        codes.require_reason(str(raw["reason_category"]))
    except InvalidCommand as exc:
        raise RuleError(f"{where}: {exc.message}", field=exc.field) from None
    priority = raw["priority"]
    if priority not in PRIORITIES:
        raise RuleError(f"{where}: unknown priority {priority!r}; use one of {list(PRIORITIES)}")

    basis_raw = raw.get("basis") or {"kind": "none"}
    if not isinstance(basis_raw, Mapping) or basis_raw.get("kind") not in BASIS_KINDS:
        raise RuleError(f"{where}: 'basis' is {{kind: none|consent|statutory, reference: ...}}")
    try:
        basis = ReferralBasis.model_validate(dict(basis_raw))
    except ValueError as exc:
        raise RuleError(f"{where}: basis: {exc}") from None

    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise RuleError(f"{where}: 'enabled' is true or false")
    reviewed_by, approved_at = raw.get("reviewed_by"), raw.get("approved_at")
    if (reviewed_by is None) != (approved_at is None):
        raise RuleError(f"{where}: give both 'reviewed_by' and 'approved_at' (or neither)")
    if reviewed_by is not None and not isinstance(reviewed_by, str):
        raise RuleError(f"{where}: 'reviewed_by' is a staff id")
    if approved_at is not None and not isinstance(approved_at, date):
        raise RuleError(f"{where}: 'approved_at' is a date like 2025-04-01, got {approved_at!r}")
    if isinstance(approved_at, datetime):
        approved_at = approved_at.date()

    condition = None
    if raw.get("condition") is not None:
        try:
            condition = parse_condition(raw["condition"], f"{where}: condition")
        except ConditionError as exc:
            raise RuleError(exc.message) from None

    return Rule(
        id=rule_id,
        version=version,
        description=description.strip(),
        triggers=tuple(triggers),
        condition=condition,
        target_kind=str(raw["target_kind"]),
        target=str(raw["target"]),
        reason_category=str(raw["reason_category"]),
        priority=str(priority),
        deadline=parse_duration(raw["deadline"], f"{where}: deadline"),
        basis=basis,
        enabled=enabled,
        reviewed_by=reviewed_by,
        approved_at=approved_at,
        source_file=source_file,
    )


def parse_rule_file(raw: object, name: str, codes: ReferralCodes | None = None) -> tuple[str, tuple[Rule, ...]]:
    """Validate one parsed rule file; returns its version and rules. ``name`` appears in errors."""
    codes = codes or load_referral_codes()
    if not isinstance(raw, Mapping) or set(raw) - {"version", "rules"} or "rules" not in raw:
        raise RuleError(f"{name}: a rule file is a mapping with 'version' and 'rules'")
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        raise RuleError(f"{name}: 'version' is a quoted text like \"2025.1\"")
    if not isinstance(raw["rules"], list):
        raise RuleError(f"{name}: 'rules' is a list")
    rules = tuple(_parse_rule(item, f"{name}: rules[{i}]", codes, name) for i, item in enumerate(raw["rules"]))
    return version, rules


def rule_set(files: Mapping[str, str], codes: ReferralCodes | None = None) -> RuleSet:
    """Build a :class:`RuleSet` from file name → YAML text (pure: used by :func:`load_rules` and tests)."""
    versions: dict[str, str] = {}
    rules: list[Rule] = []
    canonical: list[object] = []
    seen: dict[str, str] = {}
    for name in sorted(files):
        try:
            raw = yaml.safe_load(files[name])
        except yaml.YAMLError as exc:
            raise RuleError(f"{name}: not valid YAML: {exc}") from None
        version, file_rules = parse_rule_file(raw, name, codes)
        versions[Path(name).stem] = version
        for rule in file_rules:
            if rule.id in seen:
                raise RuleError(f"{name}: rule id {rule.id!r} is already used in {seen[rule.id]}")
            seen[rule.id] = name
        rules.extend(file_rules)
        canonical.append([name, raw])
    digest = hashlib.sha256(
        json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    ).hexdigest()
    return RuleSet(rules=tuple(rules), versions=versions, checksum=digest)


def load_rules(paths: Iterable[Path] | None = None, codes: ReferralCodes | None = None) -> RuleSet:
    """Read rule files (default: every ``rules/*.yaml`` shipped here) into a validated :class:`RuleSet`."""
    chosen = sorted(paths) if paths is not None else sorted(RULES_DIR.glob("*.yaml"))
    return rule_set({p.name: p.read_text(encoding="utf-8") for p in chosen}, codes)


@cache
def default_rules() -> RuleSet:
    """The shipped rules, loaded once."""
    return load_rules()


def _optional_id(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def evaluate(
    rules: RuleSet | Iterable[Rule],
    event_type: str,
    event_id: str,
    case_id: str,
    data: Mapping[str, Any],
    time: datetime,
) -> list[ReferralMade]:
    """The referrals the rules make for one cause event, in rule id order.

    ``time`` is the cause event's time (aware); each deadline is ``time + rule.deadline``.
    ``person_id``/``household_id`` are copied from ``data`` when present.
    """
    if time.tzinfo is None or time.utcoffset() is None:
        raise InvalidCommand("the cause event's time needs a time zone", field="time")
    if not event_id or not case_id:
        raise InvalidCommand("a cause event needs its event id and case id", field="event_id")
    fired = sorted((r for r in rules if r.fires_on(event_type, data)), key=lambda r: r.id)
    return [
        ReferralMade(
            referral_id=referral_id_for(rule.id, event_id),
            case_id=case_id,
            person_id=_optional_id(data, "person_id"),
            household_id=_optional_id(data, "household_id"),
            source_department=rule.source_department,
            target_kind=rule.target_kind,
            target=rule.target,
            reason_category=rule.reason_category,
            priority=rule.priority,
            deadline=time + rule.deadline,
            basis=rule.basis,
            made_by=AUTOMATIC_ACTOR,
            rule_id=rule.id,
            rule_version=rule.version,
            cause_event_id=event_id,
            cause_event_type=event_type,
            at=time,
        )
        for rule in fired
    ]
