"""Reporting settings (env prefix ``REPORTING_``)."""

from __future__ import annotations

from shared.settings import ServiceSettings, service_config

SOURCE_SERVICES = ("intake", "loans", "districts", "conferences")


class Settings(ServiceSettings):
    model_config = service_config("REPORTING_")

    service: str = "reporting"
    port: int = 8105

    @property
    def source_topics(self) -> list[str]:
        """Every department's event topic: reporting folds them all."""
        return [f"{s}.events" for s in SOURCE_SERVICES]
