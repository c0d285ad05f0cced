"""Wires intake: settings → kit (its database, relay, consumers) → referral desk → app."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from services.intake import api
from services.intake.config import Settings
from services.intake.consumers import index_registry_event
from shared.app import build_service
from shared.clock import Clock
from shared.referrals.desk import ReferralDesk
from shared.referrals.rules import RuleSet
from shared.registry.events import REGISTRY_EVENTS
from shared.service import ConsumerSpec, ServiceKit

MIGRATIONS = Path(__file__).parent / "migrations"


def desk_router(desk: ReferralDesk) -> APIRouter:
    """The desk's routes, less its generic ``POST /referrals``: intake's own (``api.make_referral``)
    checks the consent ledger before it claims a consent or statutory basis."""
    router = desk.router()
    router.routes = [
        r
        for r in router.routes
        if not (isinstance(r, APIRoute) and r.path == "/referrals" and "POST" in (r.methods or set()))
    ]
    return router


def build(
    settings: Settings | None = None,
    *,
    kafka: bool = True,
    clock: Clock | None = None,
    rules: RuleSet | None = None,
) -> tuple[FastAPI, ServiceKit]:
    settings = settings or Settings()
    return build_service(
        settings,
        [MIGRATIONS],
        title="Tsunagu intake (総合相談窓口)",
        description=(
            "The comprehensive consultation desk: people and households, consultations (相談), "
            "consent (同意) and statutory sharing, referrals (紹介) to and from every department."
        ),
        routers=[api.router],
        kafka=kafka,
        clock=clock,
        rules=rules,
        desk_router=desk_router,
        consumers=[
            ConsumerSpec(
                name="intake.registry-index",
                topics=settings.registry_topics,
                handler=index_registry_event,
                wants=REGISTRY_EVENTS.knows,
            )
        ],
    )
