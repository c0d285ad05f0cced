"""Refusal reasons (shared.errors.REASONS): every reason a raise names is known, and the web
client's catalogues say each one, so no staff member sees a key or an English sentence instead."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from shared.errors import REASONS, InvalidCommand

ROOT = Path(__file__).resolve().parents[3]
CATALOGUES = {"ja": ROOT / "frontend/src/i18n/ja.ts", "en": ROOT / "frontend/src/i18n/en.ts"}


def _trees() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for folder in ("services", "shared")
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]


def _refusal_classes(trees: list[tuple[Path, ast.Module]]) -> set[str]:
    """DomainError and every class that derives from it, by name, anywhere in the code."""
    bases = {
        node.name: {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
        for _, tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    refusals = {"DomainError"}
    while grown := {name for name, of in bases.items() if of & refusals} - refusals:
        refusals |= grown
    return refusals


def _named_reasons() -> dict[str, list[str]]:
    """Each ``reason="..."`` a refusal is raised with in services/ and shared/, with where."""
    trees = _trees()
    refusals = _refusal_classes(trees)
    found: dict[str, list[str]] = {}
    for path, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if called not in refusals:
                continue
            for keyword in node.keywords:
                if keyword.arg == "reason":
                    assert isinstance(keyword.value, ast.Constant), f"{path}:{node.lineno}: name the reason literally"
                    found.setdefault(str(keyword.value.value), []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _block(source: str, name: str) -> set[str]:
    """The keys of the catalogue's ``errors.<name>: { ... }`` block."""
    match = re.search(rf"\n    {name}: \{{\n(.*?)\n    \}},", source, re.S)
    assert match, f"no errors.{name} block"
    return set(re.findall(r"^\s+(\w+):", match.group(1), re.M))


def test_every_reason_a_refusal_names_is_a_known_one():
    named = _named_reasons()
    assert len(named) >= 10, f"the scan found only {sorted(named)}"
    unknown = {reason: where for reason, where in named.items() if reason not in REASONS}
    assert not unknown, unknown


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_the_web_clients_catalogue_says_every_reason(language):
    said = _block(CATALOGUES[language].read_text(encoding="utf-8"), "domain")
    assert not REASONS - said, f"{language}: no words for {sorted(REASONS - said)}"
    assert not said - REASONS, f"{language}: words for reasons no service gives: {sorted(said - REASONS)}"


def test_a_reason_outside_the_list_is_refused_where_it_is_raised():
    with pytest.raises(ValueError, match="unknown refusal reason 'typo'"):
        InvalidCommand("x", field="f", reason="typo")
    refusal = InvalidCommand("held_on is in the future", field="held_on", reason="in_future")
    assert (refusal.reason, refusal.ctx) == ("in_future", {})
