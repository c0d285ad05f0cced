"""districts settings (env prefix ``DISTRICTS_``)."""

from __future__ import annotations

from shared.settings import ServiceSettings, service_config


class Settings(ServiceSettings):
    model_config = service_config("DISTRICTS_")

    service: str = "districts"
    port: int = 8103
