"""Intake settings (env prefix ``INTAKE_``): the comprehensive consultation desk (総合相談窓口)."""

from __future__ import annotations

from shared.settings import ServiceSettings, service_config

OTHER_SERVICES = ("loans", "districts", "conferences")


class Settings(ServiceSettings):
    model_config = service_config("INTAKE_")

    service: str = "intake"
    port: int = 8101

    @property
    def registry_topics(self) -> list[str]:
        """Topics of the services that may register people first (``registry.*`` events)."""
        return [f"{s}.events" for s in OTHER_SERVICES]
