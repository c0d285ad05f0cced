"""Wires reporting: settings → kit (archive database, consumer of every department's topic) → app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.reporting import api
from services.reporting.config import Settings
from services.reporting.consumers import project_event
from shared.logging import configure_logging
from shared.service import ConsumerSpec, ServiceKit, build_kit
from shared.web import create_app

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: Settings | None = None, *, kafka: bool = True) -> tuple[FastAPI, ServiceKit]:
    settings = settings or Settings()
    configure_logging(settings.service, json=settings.log_json)
    kit = build_kit(settings, [MIGRATIONS], kafka=kafka)
    if kafka:
        kit.add_consumer(
            ConsumerSpec(name="reporting.projection", topics=settings.source_topics, handler=project_event)
        )
    app = create_app(
        title="Tsunagu reporting (記録と共有)",
        description="The cross-department case view and the council's statistics, rebuilt from events.",
        jwt_secret=settings.jwt_secret.get_secret_value(),
        routers=[api.router],
        readiness=[kit.database_ready, kit.kafka_ready],
        lifespan=kit.lifespan,
    )
    app.state.kit = kit
    return app, kit
