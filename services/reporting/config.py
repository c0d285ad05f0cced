"""Reporting settings (env prefix ``REPORTING_``)."""

from __future__ import annotations

from pydantic import Field

from shared.settings import ServiceSettings, service_config

SOURCE_SERVICES = ("intake", "loans", "districts", "conferences")


class Settings(ServiceSettings):
    model_config = service_config("REPORTING_")

    service: str = "reporting"
    port: int = 8105
    case_part_prefixes: list[str] = Field(
        default_factory=lambda: [
            "consultation",
            "loan-consultation",
            "loan-application",
            "referral",
            "conference",
            "district-case",
            "person",
            "household",
        ]
    )
    """The stream names (``<prefix>-<id>``, the envelopes' ``subject``) whose id leads to its case:
    any id a screen shows — a consultation, application, referral, conference — opens the case."""
    topics: list[str] = Field(default_factory=list)
    """Override of the topics to fold (tests, benchmarks); empty = every department's topic."""

    @property
    def source_topics(self) -> list[str]:
        """Every department's event topic: reporting folds them all."""
        return list(self.topics) or [f"{s}.events" for s in SOURCE_SERVICES]
