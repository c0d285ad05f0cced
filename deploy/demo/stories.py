"""Loads the seed stories into a running platform, through the same HTTP APIs staff use.

Each department's stories live in ``deploy/demo/<service>_stories.py`` with a function
``load(urls, token) -> list[str]``; the e2e tests play the very same scripts.
"""

from __future__ import annotations

import importlib

from shared.auth import mint_token
from shared.settings import ServiceSettings

STORY_MODULES = ("intake_stories", "loans_stories", "districts_stories", "conferences_stories")


def dev_token(department: str, role: str = "worker", staff_id: str | None = None) -> str:
    secret = ServiceSettings().signing_secret()
    return mint_token(secret, staff_id or f"demo-{department}-{role}", department, role)


def load_all(urls: dict[str, str]) -> list[str]:
    loaded: list[str] = []
    for name in STORY_MODULES:
        try:
            module = importlib.import_module(f"deploy.demo.{name}")
        except ModuleNotFoundError:
            continue
        loaded += module.load(urls, dev_token)
    return loaded
