"""Reporting settings (env prefix ``REPORTING_``)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import ServiceSettings, service_config

SOURCE_SERVICES = ("intake", "loans", "districts", "conferences")


class Settings(ServiceSettings):
    model_config = service_config("REPORTING_")

    service: str = "reporting"
    port: int = 8105
    topics: list[str] = Field(default_factory=list)
    """Override of the topics to fold (tests, benchmarks); empty = every department's topic."""

    @property
    def source_topics(self) -> list[str]:
        """Every department's event topic: reporting folds them all."""
        return list(self.topics) or [f"{s}.events" for s in SOURCE_SERVICES]
