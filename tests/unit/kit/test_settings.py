"""Outside development a service refuses to start without its own signing configuration."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.settings import DEV_JWT_SECRET, ServiceSettings


def test_development_takes_the_development_secret_by_default(monkeypatch):
    monkeypatch.delenv("TSUNAGU_JWT_SECRET", raising=False)
    monkeypatch.delenv("TSUNAGU_ENVIRONMENT", raising=False)
    assert ServiceSettings().signing_secret() == DEV_JWT_SECRET


@pytest.mark.parametrize(
    ("secret", "says"),
    [(None, "TSUNAGU_JWT_SECRET is not set"), (DEV_JWT_SECRET, "not the development secret"), ("short", "at least 32")],
)
def test_production_refuses_a_missing_development_or_short_secret(monkeypatch, secret, says):
    monkeypatch.setenv("TSUNAGU_ENVIRONMENT", "production")
    if secret is None:
        monkeypatch.delenv("TSUNAGU_JWT_SECRET", raising=False)
    else:
        monkeypatch.setenv("TSUNAGU_JWT_SECRET", secret)
    with pytest.raises(ValidationError, match=says):
        ServiceSettings()


def test_production_takes_a_secret_of_its_own(monkeypatch):
    monkeypatch.setenv("TSUNAGU_ENVIRONMENT", "production")
    monkeypatch.setenv("TSUNAGU_JWT_SECRET", "a-council-secret-of-forty-characters-xx")
    assert ServiceSettings().signing_secret() == "a-council-secret-of-forty-characters-xx"
