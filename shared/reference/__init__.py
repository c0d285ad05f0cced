"""Versioned code lists (コード表): fund types, household issues, responses, sources, channels.

Councils change their lists from year to year, so lists are data, loaded from YAML files in this
folder (``codes-<version>.yaml``), never constants in code::

    codes = load_code_lists()                 # the newest version
    codes.require("household_issue_categories", "dv_abuse")
    codes.label("loan_fund_types", "emergency_small")   # '緊急小口資金'
    codes.flagged("household_issue_categories", "sensitive")  # {'disability', ...}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from shared.errors import InvalidCommand

__all__ = ["Code", "CodeLists", "load_code_lists", "parse_code_lists"]

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Code:
    """One entry of a code list: its code, the Japanese label and optional attributes."""

    code: str
    label: str
    group: str | None = None
    flags: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class CodeLists:
    """All code lists of one version."""

    version: str
    lists: dict[str, tuple[Code, ...]]
    raw: dict[str, Any]

    def codes(self, list_name: str) -> tuple[Code, ...]:
        try:
            return self.lists[list_name]
        except KeyError:
            raise KeyError(f"no code list named {list_name!r} in version {self.version}") from None

    def code_set(self, list_name: str) -> frozenset[str]:
        return frozenset(c.code for c in self.codes(list_name))

    def label(self, list_name: str, code: str) -> str:
        for c in self.codes(list_name):
            if c.code == code:
                return c.label
        raise KeyError(code)

    def group_of(self, list_name: str, code: str) -> str | None:
        for c in self.codes(list_name):
            if c.code == code:
                return c.group
        raise KeyError(code)

    def flagged(self, list_name: str, flag: str) -> frozenset[str]:
        """Codes of a list carrying a boolean attribute, e.g. ``sensitive`` or ``urgent``."""
        return frozenset(c.code for c in self.codes(list_name) if flag in c.flags)

    def require(self, list_name: str, *codes: str, field_name: str | None = None) -> None:
        """Raise :class:`InvalidCommand` naming the allowed codes when any code is unknown."""
        allowed = self.code_set(list_name)
        unknown = [c for c in codes if c not in allowed]
        if unknown:
            raise InvalidCommand(
                f"unknown {list_name} code(s) {unknown}; allowed (code list {self.version}): {sorted(allowed)}",
                field=field_name or list_name,
                reason="unknown_code",
                ctx={"allowed": ", ".join(sorted(allowed))},
            )


def parse_code_lists(raw: dict[str, Any]) -> CodeLists:
    """Code lists from a parsed YAML file of this folder's shape (``version`` and lists of entries)."""
    lists: dict[str, tuple[Code, ...]] = {}
    for name, entries in raw.items():
        if not isinstance(entries, list):
            continue
        items = []
        for e in entries:
            flags = frozenset(k for k, v in e.items() if v is True)
            items.append(Code(code=e["code"], label=e["label"], group=e.get("group"), flags=flags))
        lists[name] = tuple(items)
    return CodeLists(version=str(raw["version"]), lists=lists, raw=raw)


@cache
def load_code_lists(version: str | None = None) -> CodeLists:
    """Load one version of the code lists (default: the newest file in this folder)."""
    files = sorted(_HERE.glob("codes-*.yaml"))
    if version is not None:
        files = [f for f in files if f.stem == f"codes-{version}"]
    if not files:
        raise LookupError(f"no code list file for version {version!r} in {_HERE}")
    with files[-1].open(encoding="utf-8") as fh:
        return parse_code_lists(yaml.safe_load(fh))
