"""Security from the first endpoint: no route but health, readiness, metrics and docs answers
without a valid bearer token, in any service."""

from __future__ import annotations

import importlib
import re

import pytest
from fastapi.testclient import TestClient

from shared.auth import mint_token

OPEN = {"/health", "/ready", "/metrics", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
SERVICES = ["intake", "loans", "reporting", "districts", "conferences"]


def _built(name: str, tmp_path):
    bootstrap = importlib.import_module(f"services.{name}.bootstrap")
    config = importlib.import_module(f"services.{name}.config")
    app, kit = bootstrap.build(config.Settings(var_dir=tmp_path), kafka=False)
    return app, kit


@pytest.fixture(params=["hs256", "oidc"])
def auth(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a service takes tokens: development HS256 and, as `make run` runs it, the provider's."""
    if request.param == "oidc":
        keycloak = request.getfixturevalue("keycloak")
        monkeypatch.setenv("TSUNAGU_AUTH", "oidc")
        monkeypatch.setenv("TSUNAGU_OIDC_ISSUER", keycloak.issuer)
    return str(request.param)


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_refuses_requests_without_a_valid_token(service, auth, tmp_path):
    app, kit = _built(service, tmp_path)
    assert kit.settings.auth == auth
    client = TestClient(app)
    # Every operation the service documents, read from its OpenAPI document.
    operations = [
        (method.upper(), path) for path, item in app.openapi()["paths"].items() if path not in OPEN for method in item
    ]
    assert len(operations) > 3, "a service with (almost) no routes?"
    bad = mint_token("some-other-secret-that-is-long-enough!!", "x", service, "worker")
    for method, template in operations:
        path = re.sub(r"\{[^}]+\}", "x-1", template)
        for headers in ({}, {"Authorization": f"Bearer {bad}"}, {"Authorization": "Basic abc"}):
            response = client.request(method, path, headers=headers)
            assert response.status_code == 401, (method, path, headers, response.text)
            body = response.json()
            assert body["error"] == "unauthorized" and body["message"], body
            challenge = response.headers["WWW-Authenticate"]
            assert challenge.startswith('Bearer realm="tsunagu"'), challenge  # RFC 6750
            sent_bearer = headers.get("Authorization", "").startswith("Bearer ")
            assert ('error="invalid_token"' in challenge) == sent_bearer, challenge
    assert client.get("/health").status_code == 200
    kit.close()
