"""Refusal reasons (shared.errors.REASONS): every reason a raise names is known, and the web
client's catalogues say each one, so no staff member sees a key or an English sentence instead."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from services.conferences.domain.errors import AlreadyExists as ConferenceExists
from shared.errors import REASONS, AlreadyExists, ConcurrencyConflict, InvalidCommand, NotFound

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


# -- labels a refusal's words nest ($t(path.{{value}})): every value a service gives has one -----------
I18N = ROOT / "frontend/src/i18n"


def _skipped(source: str, i: int) -> int | None:
    """Past the string or comment that starts at ``i`` (None if none does)."""
    if source.startswith("//", i):
        return source.index("\n", i)
    if source.startswith("/*", i):
        return source.index("*/", i) + 2
    if source[i] not in "\"'`":
        return None
    quote, i = source[i], i + 1
    while source[i] != quote:
        i += 2 if source[i] == "\\" else 1
    return i + 1


def _object_at(source: str, start: int) -> str:
    """The text of the object literal whose ``{`` is at ``start`` (braces in strings not counted)."""
    depth, i = 0, start
    while True:
        if (past := _skipped(source, i)) is not None:
            i = past
            continue
        ch = source[i]
        depth += (ch == "{") - (ch == "}")
        i += 1
        if depth == 0:
            return source[start:i]


def _top_keys(obj: str) -> dict[str, str]:
    """The object's own keys, each with its value's text (an object literal or the rest of the line)."""
    keys: dict[str, str] = {}
    i, depth = 1, 1
    while i < len(obj) - 1:
        if (past := _skipped(obj, i)) is not None:
            i = past
            continue
        ch = obj[i]
        if depth == 1 and (m := re.compile(r"(\w+)\s*:\s*").match(obj, i)) and not obj[i - 1].isalnum():
            value_at = m.end()
            if obj[value_at] == "{":
                keys[m.group(1)] = _object_at(obj, value_at)
                i = value_at + len(keys[m.group(1)])
            else:  # up to the comma (or the object's end) outside strings and brackets
                i, nesting = value_at, 0
                while nesting or obj[i] not in ",}":
                    if (past := _skipped(obj, i)) is not None:
                        i = past
                        continue
                    nesting += (obj[i] in "([{") - (obj[i] in ")]}")
                    i += 1
                keys[m.group(1)] = obj[value_at:i].strip()
            continue
        depth += (ch == "{") - (ch == "}")
        i += 1
    return keys


def _catalogue_keys(language: str, path: str) -> set[str]:
    """The keys of ``path`` (e.g. ``loansDesk.applicationStatus``) in a language's catalogue."""
    source = (I18N / f"{language}.ts").read_text(encoding="utf-8")
    obj = _object_at(source, source.index("{", source.index(f"export const {language}")))
    for part in path.split("."):
        value = _top_keys(obj)[part]
        if not value.startswith("{"):  # a desk's own file: loansDesk: loansJa
            const = value.rstrip(",")
            declared = re.compile(rf"export const {const}\b.*?=\s*\{{", re.S)
            text = next(t for p in (I18N / "desks").glob("*.ts") if declared.search(t := p.read_text("utf-8")))
            value = _object_at(text, declared.search(text).end() - 1)  # type: ignore[union-attr]
        obj = value
    return set(_top_keys(obj))


def _nested_values() -> dict[str, set[str]]:
    from services.districts.domain.activity_record import STATUSES
    from services.districts.domain.values import AREA_PARENT
    from services.loans.domain.loan import ApplicationStatus
    from shared.auth import DEPARTMENTS, ROLES
    from shared.referrals.model import Status

    return {
        "referrals.status": {s.value for s in Status},
        "loansDesk.applicationStatus": {s.value for s in ApplicationStatus},
        "districtsDesk.activity.statuses": set(STATUSES),
        "departments": set(DEPARTMENTS),
        "roles": set(ROLES),
        "areasDesk.kinds": set(AREA_PARENT),
    }


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_every_label_a_refusal_nests_exists_for_every_value_a_service_gives(language):
    source = CATALOGUES[language].read_text(encoding="utf-8")
    match = re.search(r"\n    domain: \{\n(.*?)\n    \},", source, re.S)
    assert match
    nested = set(re.findall(r"\$t\(([\w.]+)\.\{\{\w+\}\}\)", match.group(1)))
    values = _nested_values()
    assert nested and nested <= set(values), f"{language}: nests labels no test knows: {sorted(nested - set(values))}"
    for path in nested:
        missing = values[path] - _catalogue_keys(language, path)
        assert not missing, f"{language}: {path} has no label for {sorted(missing)}"


def test_the_catalogue_reader_finds_a_desks_labels_and_misses_an_absent_one():
    assert {"draft", "approved"} <= _catalogue_keys("ja", "districtsDesk.activity.statuses")
    assert "made" in _catalogue_keys("en", "referrals.status")
    with pytest.raises(KeyError):
        _catalogue_keys("ja", "referrals.no_such_block")


def test_a_stale_version_is_said_as_such_wherever_it_is_raised():
    # The store, the unit of work and the fakes raise ConcurrencyConflict without naming a reason:
    # the kind names it, so the screen says "reload" in the staff member's words.
    assert ConcurrencyConflict("stream s-1 is at version 3, not 2").reason == "stale_version"
    assert ConcurrencyConflict("x", reason="already_done").reason == "already_done"
    assert InvalidCommand("x").reason is None
    assert NotFound("consultation 'c-1' does not exist").reason == "not_found"
    # A second submission of the same id, in the kit, a service's domain or a service's own subclass.
    assert AlreadyExists("consent 'c-1' is already recorded").reason == "already_recorded"
    assert ConferenceExists("conference m-1 already exists").reason == "already_recorded"
    assert AlreadyExists("x", reason="record_of_month_exists", ctx={"month": "2026-10"}).reason == (
        "record_of_month_exists"
    )
