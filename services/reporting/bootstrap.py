"""Wires reporting: settings → kit (archive database, consumer of every department's topic) → app."""

from __future__ import annotations

from pathlib import Path

from services.reporting import api
from services.reporting.config import Settings
from services.reporting.consumers import project_events
from shared.app import service_builder
from shared.service import ConsumerSpec

MIGRATIONS = Path(__file__).parent / "migrations"


build = service_builder(
    Settings,
    [MIGRATIONS],
    title="Tsunagu reporting (記録と共有)",
    description="The cross-department case view and the council's statistics, rebuilt from events.",
    routers=[api.router],
    desk=False,
    consumers=lambda settings: [
        ConsumerSpec(
            name="reporting.projection", topics=settings.source_topics, batch_handler=project_events, contracts=True
        )
    ],
)
