"""Wires reporting: settings → kit (archive database, consumer of every department's topic) → app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.reporting import api
from services.reporting.config import Settings
from services.reporting.consumers import project_event
from shared.app import build_service
from shared.service import ConsumerSpec, ServiceKit

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: Settings | None = None, *, kafka: bool = True) -> tuple[FastAPI, ServiceKit]:
    settings = settings or Settings()
    return build_service(
        settings,
        [MIGRATIONS],
        title="Tsunagu reporting (記録と共有)",
        description="The cross-department case view and the council's statistics, rebuilt from events.",
        routers=[api.router],
        kafka=kafka,
        desk=False,
        consumers=[
            ConsumerSpec(
                name="reporting.projection", topics=settings.source_topics, handler=project_event, contracts=True
            )
        ],
    )
