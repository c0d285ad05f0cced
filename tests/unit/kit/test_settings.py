"""Outside development a service accepts only the identity provider's tokens, or does not start."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.settings import DEV_JWT_SECRET, ServiceSettings


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    for name in ("TSUNAGU_JWT_SECRET", "TSUNAGU_ENVIRONMENT", "TSUNAGU_AUTH"):
        monkeypatch.delenv(name, raising=False)


def test_development_takes_hs256_development_tokens_by_default():
    settings = ServiceSettings()
    assert (settings.auth, settings.signing_secret()) == ("hs256", DEV_JWT_SECRET)


@pytest.mark.parametrize("secret", [None, "a-council-secret-of-forty-characters-xx"])
def test_production_refuses_hs256_tokens_whatever_the_secret(monkeypatch, secret):
    monkeypatch.setenv("TSUNAGU_ENVIRONMENT", "production")
    if secret:
        monkeypatch.setenv("TSUNAGU_JWT_SECRET", secret)
    with pytest.raises(ValidationError, match="TSUNAGU_AUTH=oidc"):
        ServiceSettings()


def test_production_refuses_the_development_secret_even_beside_the_provider(monkeypatch):
    monkeypatch.setenv("TSUNAGU_ENVIRONMENT", "production")
    monkeypatch.setenv("TSUNAGU_AUTH", "oidc")
    monkeypatch.setenv("TSUNAGU_JWT_SECRET", DEV_JWT_SECRET)
    with pytest.raises(ValidationError, match="development secret"):
        ServiceSettings()


def test_production_with_the_identity_provider_starts(monkeypatch):
    monkeypatch.setenv("TSUNAGU_ENVIRONMENT", "production")
    monkeypatch.setenv("TSUNAGU_AUTH", "oidc")
    assert ServiceSettings().auth == "oidc"


@pytest.mark.parametrize("process", ["all", "web", "worker"])
def test_a_service_takes_its_process_role_from_its_prefixed_variable(monkeypatch, process):
    from services.loans.config import Settings

    monkeypatch.setenv("LOANS_PROCESS", process)
    assert Settings().process == process
    monkeypatch.delenv("LOANS_PROCESS")
    assert Settings().process == "all"


def test_an_unknown_process_role_is_refused_naming_the_variable(monkeypatch):
    from services.loans.config import Settings
    from shared.settings import refused_settings

    monkeypatch.setenv("LOANS_PROCESS", "wbe")
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert refused_settings(refused.value) == "LOANS_PROCESS must be all, web or worker, not 'wbe'"
