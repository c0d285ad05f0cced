"""Every service, configured as `make run` configures it (``TSUNAGU_AUTH=oidc``), takes the real
provider's tokens for exactly the department and role they name, refuses HS256 tokens, and records
the staff member's display name on the events a request causes."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from deploy.identity.local import KeycloakHandle
from shared.auth import mint_token
from shared.eventstore import events_table
from shared.oidc import DEMO_PASSWORD, password_grant
from shared.settings import DEV_JWT_SECRET

# (service, a route only that department's workers and managers may use, a body it refuses as
# incomplete): a token that passes the edge gets 422, one that may not gets 403, nothing is written.
WRITES = {
    "intake": ("/people", {}),
    "loans": ("/consultations", {}),
    "districts": ("/watch-concerns", {}),
    "conferences": ("/conferences", {}),
}


@pytest.fixture(scope="module")
def tokens(keycloak: KeycloakHandle) -> dict[str, str]:
    users = [
        f"{d}-{r}"
        for d in ("intake", "loans", "districts", "conferences", "reporting")
        for r in ("worker", "manager", "auditor")
    ]
    return {u: str(password_grant(keycloak.issuer, "tsunagu-cli", u, DEMO_PASSWORD)["access_token"]) for u in users}


@contextmanager
def _service(name: str, tmp_path: Path, keycloak: KeycloakHandle, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("TSUNAGU_AUTH", "oidc")
    monkeypatch.setenv("TSUNAGU_OIDC_ISSUER", keycloak.issuer)
    bootstrap = importlib.import_module(f"services.{name}.bootstrap")
    config = importlib.import_module(f"services.{name}.config")
    app, kit = bootstrap.build(config.Settings(var_dir=tmp_path, log_json=False), kafka=False)
    assert kit.settings.auth == "oidc"
    with TestClient(app) as client:
        yield client, kit
    kit.close()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _stored(kit: Any) -> list[Any]:
    with kit.engine.connect() as conn:
        return list(conn.execute(select(events_table)).mappings())


@pytest.mark.parametrize("service", sorted(WRITES))
def test_a_desk_takes_exactly_its_own_workers_and_managers(service, tokens, tmp_path, keycloak, monkeypatch):
    with _service(service, tmp_path, keycloak, monkeypatch) as (client, kit):
        path, body = WRITES[service]
        for user, token in tokens.items():
            dept, role = user.split("-")
            expected = 422 if dept == service and role in ("worker", "manager") else 403
            response = client.post(path, json=body, headers=_bearer(token))
            assert response.status_code == expected, (user, response.text)
        hs256 = mint_token(DEV_JWT_SECRET, "forger", service, "manager")
        refused = client.post(path, json=body, headers=_bearer(hs256))
        assert refused.status_code == 401 and "RS256" in refused.json()["message"], refused.text
        assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
        assert _stored(kit) == []


def test_reporting_shows_the_access_log_to_managers_and_auditors_only(tokens, tmp_path, keycloak, monkeypatch):
    with _service("reporting", tmp_path, keycloak, monkeypatch) as (client, _kit):
        for user, token in tokens.items():
            role = user.split("-")[1]
            response = client.get("/cases/p-none/access-log", headers=_bearer(token))
            assert (response.status_code == 403) == (role == "worker"), (user, response.status_code, response.text)


def test_the_event_records_the_tokens_subject_and_the_staff_members_display_name(
    tokens, tmp_path, keycloak, monkeypatch
):
    with _service("intake", tmp_path, keycloak, monkeypatch) as (client, kit):
        response = client.post("/people", json={"name_kanji": "山田 花子"}, headers=_bearer(tokens["intake-worker"]))
        assert response.status_code == 201, response.text
        [row] = _stored(kit)
        assert row["actor_department"] == "intake" and row["actor_role"] == "worker"
        assert row["actor_id"] != "intake-worker" and len(row["actor_id"]) >= 32  # the provider's subject
        assert row["actor_name"] and row["actor_name"] != row["actor_id"]  # its display name, e.g. 相談 太郎


def test_the_districts_director_reads_the_staff_meeting_and_the_queue_but_writes_no_case(
    tmp_path, keycloak, monkeypatch
):
    """局長 (role director): the provider's token reaches the activity records' approver routes, no write."""
    token = str(password_grant(keycloak.issuer, "tsunagu-cli", "districts-director", DEMO_PASSWORD)["access_token"])
    with _service("districts", tmp_path, keycloak, monkeypatch) as (client, kit):
        assert client.get("/activity-records/queue", headers=_bearer(token)).json()["items"] == []
        meeting = client.get("/activity-records", params={"month": "2026-10"}, headers=_bearer(token))
        assert meeting.status_code == 200 and meeting.json()["total"] == 0
        assert client.post("/watch-concerns", json={}, headers=_bearer(token)).status_code == 403
        assert client.post("/activity-records", json={"month": "2026-10"}, headers=_bearer(token)).status_code == 403
        assert _stored(kit) == []
