"""The code lists a referral is validated against: departments, outside agencies, reasons, outcomes.

Referral-specific lists live in ``codes.yaml`` next to this module; reason categories are those
lists' ``referral_reasons`` plus every household issue category of :mod:`shared.reference`::

    codes = load_referral_codes()
    codes.require_target("external", "legal_aid")
    codes.require_reason("household_budget")
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from shared.errors import InvalidCommand
from shared.reference import Code, CodeLists, load_code_lists, parse_code_lists

__all__ = ["ReferralCodes", "load_referral_codes", "reason_codes", "referral_code_lists"]

_FILE = Path(__file__).with_name("codes.yaml")


@dataclass(frozen=True)
class ReferralCodes:
    """The allowed codes of one version, with ``require_*`` checks raising :class:`InvalidCommand`."""

    version: str
    departments: frozenset[str]
    external_agencies: frozenset[str]
    reasons: frozenset[str]
    outcomes: frozenset[str]

    def require_department(self, department: str, *, field: str = "department") -> None:
        _require(department, self.departments, "department", field, self.version)

    def require_target(self, kind: str, target: str, *, field: str = "target") -> None:
        if kind == "department":
            _require(target, self.departments, "department", field, self.version)
        elif kind == "external":
            _require(target, self.external_agencies, "external agency", field, self.version)
        else:
            raise InvalidCommand(
                f"unknown target_kind {kind!r}; use 'department' or 'external'",
                field="target_kind",
                reason="unknown_code",
                ctx={"allowed": "department, external"},
            )

    def require_reason(self, reason: str, *, field: str = "reason_category") -> None:
        _require(reason, self.reasons, "reason category", field, self.version)

    def require_outcome(self, outcome: str, *, field: str = "outcome") -> None:
        _require(outcome, self.outcomes, "referral outcome", field, self.version)


def _require(code: str, allowed: frozenset[str], what: str, field: str, version: str) -> None:
    if code not in allowed:
        raise InvalidCommand(
            f"unknown {what} {code!r}; allowed (referral codes {version}): {sorted(allowed)}",
            field=field,
            reason="unknown_code",
            ctx={"allowed": ", ".join(sorted(allowed))},
        )


def _codes(raw: dict[str, Any], name: str) -> frozenset[str]:
    return frozenset(str(entry["code"]) for entry in raw.get(name) or [])


def build_referral_codes(raw: dict[str, Any], reference: CodeLists) -> ReferralCodes:
    """Combine a parsed ``codes.yaml`` with the shared reference lists (exposed for tests)."""
    issues = reference.code_set("household_issue_categories")
    return ReferralCodes(
        version=f"{raw['version']}+reference-{reference.version}",
        departments=_codes(raw, "departments"),
        external_agencies=_codes(raw, "external_agencies"),
        reasons=_codes(raw, "referral_reasons") | issues,
        outcomes=_codes(raw, "referral_outcomes"),
    )


@cache
def load_referral_codes() -> ReferralCodes:
    """The referral codes shipped with this package, combined with the newest reference lists."""
    with _FILE.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return build_referral_codes(raw, load_code_lists())


@cache
def referral_code_lists() -> CodeLists:
    """The referral lists with their labels (departments, external agencies, reasons, outcomes), for screens."""
    with _FILE.open(encoding="utf-8") as fh:
        return parse_code_lists(yaml.safe_load(fh))


def reason_codes(reference: CodeLists) -> tuple[Code, ...]:
    """Every reason category a referral accepts, labelled: ``codes.yaml``'s ``referral_reasons``, then
    the household issue categories of ``reference`` that it does not name (their flags, e.g.
    ``sensitive``, kept), so a screen labels any reason a referral can carry."""
    own = referral_code_lists().codes("referral_reasons")
    named = {c.code for c in own}
    return own + tuple(c for c in reference.codes("household_issue_categories") if c.code not in named)
