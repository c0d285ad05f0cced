"""Wires conferences: settings → kit (its database, relay) → referral desk → routes → app."""

from __future__ import annotations

from pathlib import Path

from services.conferences import api
from services.conferences.config import Settings
from shared.app import service_builder

MIGRATIONS = Path(__file__).parent / "migrations"

build = service_builder(
    Settings,
    [MIGRATIONS],
    title="Tsunagu conferences (ケース会議・地域ケア会議)",
    description=(
        "Case conferences, community care meetings and case studies: who took part, on what basis "
        "the case was shared, what was agreed, who does what by when, and when to look again. "
        "Also the department's referral desk (紹介の受付・回答)."
    ),
    routers=[api.router],
)
