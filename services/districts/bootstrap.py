"""Wires districts: settings → kit → referral desk (inbox of referrals addressed to districts) → app."""

from __future__ import annotations

from fastapi import FastAPI

from services.districts.config import Settings
from shared.logging import configure_logging
from shared.referrals.desk import ReferralDesk
from shared.service import ServiceKit, build_kit
from shared.web import create_app


def build(settings: Settings | None = None, *, kafka: bool = True) -> tuple[FastAPI, ServiceKit]:
    settings = settings or Settings()
    configure_logging(settings.service, json=settings.log_json)
    kit = build_kit(settings, kafka=kafka)
    desk = ReferralDesk(kit, settings.service)
    if kafka:
        for spec in desk.consumer_specs():
            kit.add_consumer(spec)
    app = create_app(
        title="Tsunagu districts (地区社協・地区担当)",
        description="The department's referral desk (紹介の受付・回答). Its own records arrive with its issue.",
        jwt_secret=settings.jwt_secret.get_secret_value(),
        routers=[desk.router()],
        readiness=[kit.database_ready, kit.kafka_ready],
        lifespan=kit.lifespan,
    )
    app.state.kit = kit
    return app, kit
