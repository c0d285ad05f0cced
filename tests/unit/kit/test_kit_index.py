"""The kit documents itself: every module of ``shared/`` is named in the package's index."""

from __future__ import annotations

import re
from pathlib import Path

import shared

KIT = Path(shared.__file__).parent


def _modules() -> list[str]:
    names = [p.stem for p in KIT.glob("*.py") if p.stem != "__init__"]
    names += [p.parent.name for p in KIT.glob("*/__init__.py") if p.parent.name != "migrations"]
    return sorted(names)


def test_every_module_of_the_kit_is_named_in_its_index() -> None:
    index = shared.__doc__ or ""
    unnamed = [m for m in _modules() if not re.search(rf":mod:`shared\.{m}`", index)]
    assert unnamed == [], f"add a line for each to shared/__init__.py: {unnamed}"


def test_the_index_names_no_module_that_is_gone() -> None:
    named = set(re.findall(r":mod:`shared\.(\w+)`", shared.__doc__ or ""))
    assert named <= set(_modules()), sorted(named - set(_modules()))
