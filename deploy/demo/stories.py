"""Loads the seed stories into a running platform, through the same HTTP APIs staff use.

Each department's scripts live in ``deploy/demo/<service>_stories.py`` with a function
``load(urls, token) -> list[StoryResult]``; the e2e tests play the very same scripts. The stories
are numbered as in the seed digest (GLOSSARY.md, "Seed scenarios"): 1–6 are the loan desk's
(``loans_stories``; the seed's 事例6 and 事例7 are one story, 6), 7 (大和, Mrs. A) and 8 (葉山,
Mr. T) are the consultation desk's, each played across intake, districts and conferences by
``intake_stories`` with the parts in ``districts_stories`` and ``conferences_stories`` (those two
modules load nothing of their own).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from deploy.demo.kit import StoryResult, Token
from shared.auth import mint_token
from shared.settings import ServiceSettings

__all__ = ["SEED_STORIES", "STORY_MODULES", "dev_token", "load_all", "read_loaded", "write_loaded"]

STORY_MODULES = ("intake_stories", "loans_stories", "districts_stories", "conferences_stories")
SEED_STORIES = 8  # the seed digest's scenarios


def dev_token(department: str, role: str = "worker", staff_id: str | None = None) -> str:
    secret = ServiceSettings().signing_secret()
    return mint_token(secret, staff_id or f"demo-{department}-{role}", department, role)


def load_all(urls: dict[str, str], token: Token | Callable[..., str] = dev_token) -> list[StoryResult]:
    """Play every story once; the stories as played, by their seed number."""
    loaded: list[StoryResult] = []
    for name in STORY_MODULES:
        try:
            module = importlib.import_module(f"deploy.demo.{name}")
        except ModuleNotFoundError:
            continue
        loaded += module.load(urls, token)
    numbers = [s.number for s in loaded]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two scripts claim the same seed story: {sorted(numbers)}")
    return sorted(loaded, key=lambda s: s.number)


def write_loaded(path: Path, stories: Iterable[StoryResult]) -> None:
    """Keep what was loaded, so a later ``make run`` (data persists) prints the same stories."""
    path.write_text(json.dumps([s.to_json() for s in stories], ensure_ascii=False, indent=2), encoding="utf-8")


def read_loaded(path: Path) -> list[StoryResult]:
    """The stories a previous run loaded; none when the file is missing or from an older format."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    return [StoryResult.from_json(item) for item in data if isinstance(item, dict)]
