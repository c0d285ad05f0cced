"""Wires conferences: settings → kit (its database, relay) → referral desk → routes → app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.conferences import api
from services.conferences.config import Settings
from shared.clock import Clock
from shared.logging import configure_logging
from shared.referrals.desk import ReferralDesk
from shared.service import ServiceKit, build_kit
from shared.web import create_app

MIGRATIONS = Path(__file__).parent / "migrations"


def build(
    settings: Settings | None = None, *, kafka: bool = True, clock: Clock | None = None
) -> tuple[FastAPI, ServiceKit]:
    settings = settings or Settings()
    configure_logging(settings.service, json=settings.log_json)
    kit = build_kit(settings, [MIGRATIONS], kafka=kafka, clock=clock)
    desk = ReferralDesk(kit, settings.service)
    if kafka:
        for spec in desk.consumer_specs():
            kit.add_consumer(spec)
    app = create_app(
        title="Tsunagu conferences (ケース会議・地域ケア会議)",
        description=(
            "Case conferences, community care meetings and case studies: who took part, on what basis "
            "the case was shared, what was agreed, who does what by when, and when to look again. "
            "Also the department's referral desk (紹介の受付・回答)."
        ),
        jwt_secret=settings.jwt_secret.get_secret_value(),
        routers=[api.router, desk.router()],
        readiness=[kit.database_ready, kit.kafka_ready],
        lifespan=kit.lifespan,
    )
    app.state.kit = kit
    app.state.desk = desk
    return app, kit
