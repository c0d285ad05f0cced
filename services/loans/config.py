"""Loans settings (env prefix ``LOANS_``): the only place the loans service reads its environment."""

from __future__ import annotations

from shared.settings import ServiceSettings, service_config


class Settings(ServiceSettings):
    model_config = service_config("LOANS_")

    service: str = "loans"
    port: int = 8102
    code_list_version: str | None = None
    """Which ``shared/reference/codes-<version>.yaml`` to validate against (default: the newest)."""
