"""Wires conferences: settings → kit (its database, relay) → referral desk → routes → app, and the
consumer that completes an action item when the department it became a referral to completes it."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.conferences import api
from services.conferences.config import Settings
from services.conferences.consumers import action_item_referrals
from shared.app import build_service
from shared.clock import Clock
from shared.service import ServiceKit

MIGRATIONS = Path(__file__).parent / "migrations"


def build(
    settings: Settings | None = None, *, kafka: bool = True, clock: Clock | None = None
) -> tuple[FastAPI, ServiceKit]:
    app, kit = build_service(
        settings or Settings(),
        [MIGRATIONS],
        title="Tsunagu conferences (ケース会議・地域ケア会議・事例検討会)",
        description=(
            "Case conferences, community care meetings and case studies: who took part, their secrecy "
            "undertakings (守秘義務), on what basis the case was shared, what was agreed, who does what by "
            "when (action items assigned to a department become referrals to it), advice per case at "
            "case-study meetings, and when to look again. Also the department's referral desk "
            "(紹介の受付・回答)."
        ),
        routers=[api.router],
        kafka=kafka,
        clock=clock,
    )
    if kafka:
        kit.add_consumer(action_item_referrals(kit))
    return app, kit
