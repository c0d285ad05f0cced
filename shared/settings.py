"""Settings objects: the only place Tsunagu reads its environment.

Every service subclasses :class:`ServiceSettings` and sets its ``env_prefix``::

    class Settings(ServiceSettings):
        model_config = service_config("INTAKE_")
        service: str = "intake"
        port: int = 8101

so ``INTAKE_DATABASE_URL=postgresql+psycopg://...`` moves intake to PostgreSQL while the other
services stay on their SQLite files under ``var/``. ``KAFKA_BOOTSTRAP_SERVERS`` and
``TSUNAGU_JWT_SECRET`` are platform-wide and carry no prefix.

``<PREFIX>PROCESS`` (e.g. ``LOANS_PROCESS``) says which of a service's work one process does:

- ``all`` (default): HTTP, and in threads beside it the outbox relay, the consumers and the periodic tasks.
- ``web``: HTTP only. Its commits ``NOTIFY`` the store's channel on PostgreSQL, so the worker's relay
  publishes them at once.
- ``worker``: the relay, consumers and periodic tasks, beside the same app on its own port (set
  ``<PREFIX>PORT``), which answers ``/health``, ``/ready`` and ``/metrics`` for a supervisor's probes;
  its other routes work too, but traffic belongs on the web processes. Its relay wakes on the web
  processes' commits: ``LISTEN`` on PostgreSQL, ``PRAGMA data_version`` read every 15 ms on SQLite.

A ``web`` and a ``worker`` process share one store (the same ``<PREFIX>DATABASE_URL``, or the same
SQLite file under ``TSUNAGU_VAR_DIR``); :mod:`shared.wake` has the cross-process wake-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self, get_args

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.eventstore import DEFAULT_MAX_EVENT_BYTES

__all__ = [
    "DEV_JWT_SECRET",
    "PROCESS_ROLES",
    "OidcSettings",
    "ProcessRole",
    "ServiceSettings",
    "refused_settings",
    "service_config",
    "settings_for",
]

# The development secret lets the tests (and a developer) mint HS256 tokens with no set-up. Outside
# development (TSUNAGU_ENVIRONMENT=production) a service accepts only the identity provider's RS256
# tokens (TSUNAGU_AUTH=oidc) and refuses to start otherwise: this secret is in the source.
DEV_JWT_SECRET = "tsunagu-development-secret-not-for-production"

ProcessRole = Literal["all", "web", "worker"]
PROCESS_ROLES: tuple[ProcessRole, ...] = get_args(ProcessRole)


def service_config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, extra="ignore", populate_by_name=True)


class ServiceSettings(BaseSettings):
    """Settings every service has. Validated once at start; a bad value stops the service."""

    model_config = service_config("TSUNAGU_")

    service: str = "service"
    host: str = "127.0.0.1"
    port: int = Field(default=8100, ge=1, le=65535)
    var_dir: Path = Field(default=Path("var"), validation_alias="TSUNAGU_VAR_DIR")
    database_url: str | None = None
    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    # How long one attempt to reach the broker may take; the relay and consumers retry after it.
    kafka_connect_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # /ready answers 200 while a metadata fetch from the broker succeeded within this many seconds.
    kafka_ready_seconds: float = Field(default=5.0, gt=0, le=300)
    # development: HS256 tokens with the source's secret are allowed; production: only the
    # identity provider's RS256 tokens (auth=oidc), or the service refuses to start.
    environment: Literal["development", "production"] = Field(
        default="development", validation_alias="TSUNAGU_ENVIRONMENT"
    )
    # Which tokens the service accepts: "oidc" (the provider of TSUNAGU_OIDC_*, as `make run` sets)
    # or "hs256" (minted with TSUNAGU_JWT_SECRET: tests and a developer's shortcut).
    auth: Literal["hs256", "oidc"] = Field(default="hs256", validation_alias="TSUNAGU_AUTH")
    jwt_secret: SecretStr | None = Field(default=None, validation_alias="TSUNAGU_JWT_SECRET")
    # A token expiring further from now than this is refused (401), whoever signed it.
    token_max_lifetime_hours: float = Field(default=24.0, gt=0, le=24 * 31, validation_alias="TSUNAGU_TOKEN_MAX_HOURS")
    # The largest Kafka record (key, value, headers) the store accepts for an event: the topic's
    # max.message.bytes less framing. Larger events are refused (422) before anything is written.
    max_event_bytes: int = Field(default=DEFAULT_MAX_EVENT_BYTES, ge=1024)
    # The largest HTTP request body the edge reads; larger ones are refused with 413.
    max_request_bytes: int = Field(default=1024 * 1024, ge=1024)
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    relay_poll_seconds: float = Field(default=0.2, gt=0)
    consumer_batch_size: int = Field(default=500, ge=1, le=10_000)
    # A replica that stops heartbeating (killed) leaves its consumer groups after this long, and the
    # other replicas take its partitions over. Kafka's brokers accept 6–1800 s by default.
    consumer_session_timeout_seconds: float = Field(default=10.0, ge=1, le=1800)
    # Prefixes consumer group names, so that two environments (or two test runs) can share a cluster.
    consumer_group_prefix: str = ""
    log_json: bool = True
    # Which of the service's work this process does: all, web (HTTP only) or worker (relay,
    # consumers, periodic tasks; HTTP for probes). See the module's docstring.
    process: ProcessRole = "all"

    @field_validator("process", mode="before")
    @classmethod
    def _process_is_a_role(cls, value: object, info: ValidationInfo) -> object:
        if value in PROCESS_ROLES:
            return value
        name = f"{cls.model_config.get('env_prefix', '')}{info.field_name}".upper()
        raise ValueError(f"{name} must be {', '.join(PROCESS_ROLES[:-1])} or {PROCESS_ROLES[-1]}, not {value!r}")

    @model_validator(mode="after")
    def _production_takes_only_provider_tokens(self) -> Self:
        if self.environment == "development":
            return self
        if self.auth != "oidc":
            raise ValueError(
                "outside development a service accepts only the identity provider's tokens: set TSUNAGU_AUTH=oidc "
                "and TSUNAGU_OIDC_ISSUER (HS256 tokens signed with TSUNAGU_JWT_SECRET are for development and tests)"
            )
        if self.jwt_secret is not None and self.jwt_secret.get_secret_value() == DEV_JWT_SECRET:
            raise ValueError("TSUNAGU_JWT_SECRET is the development secret from the source: unset it")
        return self

    def signing_secret(self) -> str:
        """The HS256 secret of development tokens (the source's one unless TSUNAGU_JWT_SECRET is set)."""
        return self.jwt_secret.get_secret_value() if self.jwt_secret is not None else DEV_JWT_SECRET

    @property
    def topic(self) -> str:
        """The service's own event topic."""
        return f"{self.service}.events"

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.service}.events.dlq"

    def resolved_database_url(self) -> str:
        """The configured URL, or an SQLite file per service under ``var_dir``."""
        if self.database_url:
            return self.database_url
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.var_dir / f'{self.service}.db').as_posix()}"


class OidcSettings(BaseSettings):
    """The OpenID Connect provider whose RS256 access tokens Tsunagu trusts (``TSUNAGU_OIDC_*``).

    The defaults name the local Keycloak of ``python -m deploy.identity.local start``.
    """

    model_config = service_config("TSUNAGU_OIDC_")

    issuer: str = "http://127.0.0.1:8180/realms/tsunagu"
    audience: str = "tsunagu"
    # None: discovered from the issuer's /.well-known/openid-configuration.
    jwks_uri: str | None = None
    # The client scripts sign in with (password grant): `python -m shared.oidc token --user ...`.
    client_id: str = "tsunagu-cli"
    # Clock skew tolerated on exp, nbf and iat.
    leeway_seconds: float = Field(default=30.0, ge=0, le=300)
    # An unknown kid makes the verifier fetch the keys again, at most once per cooldown.
    jwks_refetch_cooldown_seconds: float = Field(default=5.0, ge=0, le=3600)
    # Cached keys are refreshed after this long; while the provider is away they keep being used.
    jwks_max_age_seconds: float = Field(default=600.0, gt=0)
    jwks_timeout_seconds: float = Field(default=3.0, gt=0, le=60)


def settings_for(service: str) -> ServiceSettings:
    """A service's kit settings read as the service reads them (``<SERVICE>_`` prefix), for the
    kit's operator commands (``python -m shared.relay parked ... --service loans``)."""
    config = service_config(f"{service.upper()}_")
    prefixed = type(f"{service.title()}KitSettings", (ServiceSettings,), {"model_config": config})
    settings: ServiceSettings = prefixed(service=service)
    return settings


def refused_settings(exc: ValidationError) -> str:
    """A settings error as one line per problem, for an operator reading a service's log."""
    return "; ".join(str(e.get("msg", e)).removeprefix("Value error, ") for e in exc.errors())
