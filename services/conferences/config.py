"""conferences settings (env prefix ``CONFERENCES_``)."""

from __future__ import annotations

from shared.settings import ServiceSettings, service_config


class Settings(ServiceSettings):
    model_config = service_config("CONFERENCES_")

    service: str = "conferences"
    port: int = 8104
