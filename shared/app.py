"""Assemble a service: logging, its kit, its referral desk, its consumers, its HTTP app.

Every ``services/<name>/bootstrap.py`` is one call to :func:`build_service` plus what is its own
(the loans desk's code lists, intake's registry index consumer). Every service gets ``GET /code-lists``
(:mod:`shared.reference.routes`) unless it serves its own::

    app, kit = build_service(
        settings, [MIGRATIONS], title="Tsunagu districts (地区社協・地区担当)", description="...",
        routers=[api.router], kafka=kafka, clock=clock,
    )

The referral desk, when the service has one (``desk=True``), is at ``app.state.desk``; the kit is
at ``app.state.kit``.

A service with nothing of its own to wire but its settings, migrations, routes and consumers
declares its ``build`` with :func:`service_builder` (``bootstrap.py`` of districts,
reporting)::

    build = service_builder(Settings, [MIGRATIONS], title="...", description="...", routers=[api.router])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Protocol, TypeVar

from fastapi import APIRouter, FastAPI

from shared.auth import DevelopmentTokens, TokenVerifier
from shared.clock import Clock
from shared.logging import configure_logging
from shared.oidc import OidcVerifier
from shared.reference.routes import code_lists_router
from shared.referrals.desk import ReferralDesk
from shared.referrals.rules import RuleSet
from shared.service import ConsumerSpec, ServiceKit, build_kit
from shared.settings import OidcSettings, ServiceSettings
from shared.web import create_app

__all__ = ["ServiceBuilder", "build_service", "service_builder"]

S = TypeVar("S", bound=ServiceSettings)
S_in = TypeVar("S_in", bound=ServiceSettings, contravariant=True)


def token_verifier(settings: ServiceSettings) -> TokenVerifier:
    """The provider's RS256 tokens (``auth=oidc``: ``make run``, production) or HS256 development tokens."""
    if settings.auth == "oidc":
        return OidcVerifier.from_settings(OidcSettings())
    return DevelopmentTokens(settings.signing_secret(), timedelta(hours=settings.token_max_lifetime_hours))


def build_service(
    settings: ServiceSettings,
    migrations: Sequence[Path],
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    kafka: bool = True,
    clock: Clock | None = None,
    desk: bool = True,
    rules: RuleSet | None = None,
    desk_router: Callable[[ReferralDesk], APIRouter] = ReferralDesk.router,
    consumers: Sequence[ConsumerSpec] = (),
) -> tuple[FastAPI, ServiceKit]:
    """The service's app and kit; with Kafka off (unit tests) no producer, relay or consumer is made."""
    configure_logging(settings.service, json=settings.log_json)
    kit = build_kit(settings, migrations, kafka=kafka, clock=clock)
    referrals = ReferralDesk(kit, settings.service, rules=rules) if desk else None
    if kafka:
        for spec in [*consumers, *(referrals.consumer_specs() if referrals else ())]:
            kit.add_consumer(spec)
    own = [r for r in routers if any(getattr(route, "path", None) == "/code-lists" for route in r.routes)]
    kit_routers = [] if own else [code_lists_router()]  # GET /code-lists, unless the service serves its own
    app = create_app(
        title=title,
        description=description,
        tokens=token_verifier(settings),
        routers=[*routers, *kit_routers, *([desk_router(referrals)] if referrals else [])],
        readiness=[kit.database_ready, kit.kafka_ready],
        lifespan=kit.lifespan,
        max_body_bytes=settings.max_request_bytes,
    )
    app.state.kit = kit
    app.state.desk = referrals
    return app, kit


class ServiceBuilder(Protocol[S_in]):
    """A service's ``bootstrap.build``: its app and kit from its settings (read from the environment
    when not given); ``kafka=False`` for tests without a broker, ``clock`` to move time in tests."""

    def __call__(
        self, settings: S_in | None = None, *, kafka: bool = True, clock: Clock | None = None
    ) -> tuple[FastAPI, ServiceKit]: ...


def service_builder(
    settings_type: Callable[[], S],
    migrations: Sequence[Path],
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    desk: bool = True,
    consumers: Callable[[S], Sequence[ConsumerSpec]] = lambda _settings: (),
) -> ServiceBuilder[S]:
    """The ``build`` of a service made of its own parts only: :func:`build_service` with them."""

    def build(
        settings: S | None = None, *, kafka: bool = True, clock: Clock | None = None
    ) -> tuple[FastAPI, ServiceKit]:
        settings = settings or settings_type()
        return build_service(
            settings,
            migrations,
            title=title,
            description=description,
            routers=routers,
            kafka=kafka,
            clock=clock,
            desk=desk,
            consumers=consumers(settings),
        )

    return build
