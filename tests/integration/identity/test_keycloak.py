"""The identity provider for real: Keycloak started by the session, the realm as code, the RS256 verifier.

Staff changes go through Keycloak's admin REST API as an administrator would make them; each test that
changes the realm (a key, a user) puts it back, so the order of the tests does not matter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from deploy.identity.local import KeycloakHandle, attach
from shared.auth import AuthError
from shared.oidc import DEMO_PASSWORD, JwksCache, OidcVerifier, password_grant

pytestmark = pytest.mark.identity

DEPARTMENTS = {"intake": "相談", "loans": "貸付", "districts": "地区", "conferences": "会議", "reporting": "記録"}
ROLES = {"worker": "太郎", "manager": "花子", "auditor": "誠"}
KEY_PROVIDER = "org.keycloak.keys.KeyProvider"


# --------------------------------------------------------------------------- helpers


class Admin:
    """The realm's admin REST API, as the session's bootstrap administrator."""

    def __init__(self, kc: KeycloakHandle) -> None:
        self.http = httpx.Client(
            base_url=kc.admin_url, headers={"Authorization": f"Bearer {kc.admin_token()}"}, timeout=15
        )

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def send(self, method: str, path: str, body: Any = None) -> httpx.Response:
        response = self.http.request(method, path, json=body)
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
        return response

    def group_id(self, name: str) -> str:
        return next(g["id"] for g in self.get("/groups") if g["name"] == name)

    def create_staff(self, dept: str, role: str) -> tuple[str, str, str]:
        """A new staff account in ``dept`` with ``role``: (user id, username, password)."""
        username, password = f"staff-{uuid.uuid4().hex[:8]}", secrets.token_urlsafe(12)
        created = self.send(
            "POST",
            "/users",
            {
                "username": username,
                "enabled": True,
                "emailVerified": True,
                "firstName": "試験",
                "lastName": "職員",
                "email": f"{username}@tsunagu.example",
                "attributes": {"displayName": ["職員 試験"]},
                "credentials": [{"type": "password", "value": password, "temporary": False}],
                "groups": [f"/{dept}"],
            },
        )
        user_id = created.headers["Location"].rsplit("/", 1)[1]
        self.send("POST", f"/users/{user_id}/role-mappings/realm", [self.get(f"/roles/{role}")])
        return user_id, username, password


@pytest.fixture
def admin(keycloak: KeycloakHandle) -> Iterator[Admin]:
    client = Admin(keycloak)  # a fresh admin token per test: the master realm's last one minute
    try:
        yield client
    finally:
        client.http.close()


@pytest.fixture(scope="module")
def verifier(keycloak: KeycloakHandle) -> OidcVerifier:
    """One verifier for the module, as a service keeps one (a generous timeout: the machine is busy)."""
    return OidcVerifier(keycloak.issuer, "tsunagu", keys=JwksCache(keycloak.jwks_uri, timeout=10))


def sign_in(kc: KeycloakHandle, user: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
    return dict(password_grant(kc.issuer, "tsunagu-cli", user, password))


def refresh(kc: KeycloakHandle, refresh_token: str) -> httpx.Response:
    return httpx.post(
        kc.token_url,
        data={"grant_type": "refresh_token", "client_id": "tsunagu-cli", "refresh_token": refresh_token},
        timeout=10,
    )


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def refused(verifier: OidcVerifier, token: str) -> str:
    with pytest.raises(AuthError) as info:
        verifier.verify(token)
    assert info.value.status == 401
    return info.value.message


def published_key(kc: KeycloakHandle, kid: str) -> dict[str, Any]:
    keys = httpx.get(kc.jwks_uri, timeout=10).json()["keys"]
    return next(k for k in keys if k["kid"] == kid)


# --------------------------------------------------------------------------- the provider and the realm


def test_provider_serves_the_realm_as_code(keycloak: KeycloakHandle) -> None:
    discovery = httpx.get(keycloak.well_known_url, timeout=10).json()

    assert discovery["issuer"] == keycloak.issuer
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]
    assert "S256" in discovery["code_challenge_methods_supported"]
    recorded = attach(keycloak.data_dir)
    assert recorded is not None and recorded.is_running() and recorded.port == keycloak.port


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("dept", sorted(DEPARTMENTS))
def test_demo_staff_sign_in_and_are_verified_for_their_department_and_role(
    keycloak: KeycloakHandle, verifier: OidcVerifier, dept: str, role: str
) -> None:
    token = sign_in(keycloak, f"{dept}-{role}")["access_token"]

    staff = verifier.verify(token)
    assert (staff.actor.department, staff.actor.role) == (dept, role)
    assert staff.display_name == f"{DEPARTMENTS[dept]} {ROLES[role]}"
    assert staff.username == f"{dept}-{role}"
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    lifetime = staff.claims["exp"] - staff.claims["iat"]
    assert 5 * 60 <= lifetime <= 15 * 60


def test_the_districts_director_signs_in_with_the_director_role(
    keycloak: KeycloakHandle, verifier: OidcVerifier
) -> None:
    """局長: one demo account of the districts department in the role that takes the last approval step."""
    staff = verifier.verify(sign_in(keycloak, "districts-director")["access_token"])

    assert (staff.actor.department, staff.actor.role) == ("districts", "director")
    assert staff.display_name == "地区 一郎"


def test_web_client_signs_in_by_authorization_code_with_pkce(keycloak: KeycloakHandle, verifier: OidcVerifier) -> None:
    redirect = "http://127.0.0.1:5173/callback"
    authorize = f"{keycloak.issuer}/protocol/openid-connect/auth"
    base = {"client_id": "tsunagu-web", "response_type": "code", "scope": "openid", "redirect_uri": redirect}
    with httpx.Client(timeout=15) as browser:
        # Without a code challenge the public client is refused: PKCE S256 is required.
        plain = browser.get(authorize, params={**base, "state": "s0"})
        assert "code_challenge" in plain.text or "code_challenge" in plain.headers.get("location", "")

        verifier_secret = b64(secrets.token_bytes(32))
        challenge = b64(hashlib.sha256(verifier_secret.encode()).digest())
        login_page = browser.get(
            authorize, params={**base, "state": "s1", "code_challenge": challenge, "code_challenge_method": "S256"}
        )
        assert login_page.status_code == 200
        action = html.unescape(re.search(r'action="([^"]+)"', login_page.text).group(1))  # type: ignore[union-attr]
        # Keycloak marks its cookies Secure; browsers send them to loopback over http (a secure
        # context), httpx does not, so they are sent by hand.
        cookies = "; ".join(f"{c.name}={c.value}" for c in browser.cookies.jar)
        answer = browser.post(
            action,
            data={"username": "conferences-manager", "password": DEMO_PASSWORD},
            headers={"Cookie": cookies},
        )
        assert answer.status_code == 302, answer.text[:500]
        location = urlparse(answer.headers["location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == redirect
        query = parse_qs(location.query)
        assert query["state"] == ["s1"]

        tokens = browser.post(
            keycloak.token_url,
            data={
                "grant_type": "authorization_code",
                "client_id": "tsunagu-web",
                "code": query["code"][0],
                "redirect_uri": redirect,
                "code_verifier": verifier_secret,
            },
        )
    assert tokens.status_code == 200, tokens.text
    staff = verifier.verify(tokens.json()["access_token"])
    assert (staff.actor.department, staff.actor.role, staff.display_name) == ("conferences", "manager", "会議 花子")


@pytest.mark.parametrize("module", ["shared.oidc", "shared.auth"])
def test_token_helper_prints_a_token_the_verifier_accepts(
    keycloak: KeycloakHandle, verifier: OidcVerifier, module: str
) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", module, "token", "--user", "reporting-auditor", "--issuer", keycloak.issuer],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()

    assert verifier.verify(printed).actor.role == "auditor"


def test_wrong_password_is_refused_by_the_provider(keycloak: KeycloakHandle) -> None:
    with pytest.raises(AuthError, match="Invalid user credentials"):
        sign_in(keycloak, "intake-worker", "wrong")


# --------------------------------------------------------------------------- tokens refused


def test_expired_token_is_refused(keycloak: KeycloakHandle, admin: Admin) -> None:
    client = admin.get("/clients", clientId="tsunagu-cli")[0]
    short = {**client, "attributes": {**client.get("attributes", {}), "access.token.lifespan": "2"}}
    admin.send("PUT", f"/clients/{client['id']}", short)
    try:
        token = sign_in(keycloak, "loans-worker")["access_token"]
    finally:
        admin.send("PUT", f"/clients/{client['id']}", client)
    strict = OidcVerifier(keycloak.issuer, "tsunagu", leeway=0)
    assert strict.verify(token).actor.department == "loans"
    time.sleep(3.2)

    assert "expired" in refused(strict, token)


def test_token_of_another_issuer_is_refused(keycloak: KeycloakHandle) -> None:
    token = sign_in(keycloak, "intake-worker")["access_token"]
    elsewhere = OidcVerifier(f"{keycloak.base_url}/realms/elsewhere", "tsunagu", jwks_uri=keycloak.jwks_uri)

    assert "not issued by" in refused(elsewhere, token)


def test_master_realm_token_is_refused(keycloak: KeycloakHandle, verifier: OidcVerifier) -> None:
    refused(verifier, keycloak.admin_token())


def test_token_for_another_audience_is_refused(keycloak: KeycloakHandle) -> None:
    token = sign_in(keycloak, "intake-worker")["access_token"]

    assert "not meant for 'payroll'" in refused(OidcVerifier(keycloak.issuer, "payroll"), token)


def test_id_token_is_not_accepted_as_an_access_token(keycloak: KeycloakHandle, verifier: OidcVerifier) -> None:
    refused(verifier, sign_in(keycloak, "intake-worker")["id_token"])


def test_alg_none_is_refused(keycloak: KeycloakHandle, verifier: OidcVerifier) -> None:
    token = sign_in(keycloak, "districts-worker")["access_token"]
    _, payload, _ = token.split(".")
    forged_header = b64(json.dumps({**jwt.get_unverified_header(token), "alg": "none"}).encode())

    assert "'none'" in refused(verifier, f"{forged_header}.{payload}.")


def test_hs256_keyed_with_the_public_key_is_refused(keycloak: KeycloakHandle, verifier: OidcVerifier) -> None:
    token = sign_in(keycloak, "districts-worker")["access_token"]
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = published_key(keycloak, kid)
    pem = jwt.PyJWK(jwk, algorithm="RS256").key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    certificate = ("-----BEGIN CERTIFICATE-----\n" + jwk["x5c"][0] + "\n-----END CERTIFICATE-----\n").encode()
    _, payload, _ = token.split(".")
    signing_input = f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': kid}).encode())}.{payload}"
    for secret in (pem, certificate, json.dumps(jwk).encode()):
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        assert "'HS256'" in refused(verifier, f"{signing_input}.{b64(mac)}")


def test_forged_kid_and_foreign_signature_are_refused(keycloak: KeycloakHandle, verifier: OidcVerifier) -> None:
    token = sign_in(keycloak, "intake-manager")["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(token)["kid"]
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    forged_kid = jwt.encode(claims, attacker, algorithm="RS256", headers={"kid": "forged-" + kid})
    assert "not one of the identity provider's keys" in refused(verifier, forged_kid)
    same_kid = jwt.encode(claims, attacker, algorithm="RS256", headers={"kid": kid})
    assert "signature does not verify" in refused(verifier, same_kid)


# --------------------------------------------------------------------------- keys rotate, staff change


def test_rotated_realm_keys_old_and_new_tokens_verify_without_a_restart(keycloak: KeycloakHandle, admin: Admin) -> None:
    keys = JwksCache(keycloak.jwks_uri, refetch_cooldown=0.5)
    verifier = OidcVerifier(keycloak.issuer, "tsunagu", keys=keys)
    old_token = sign_in(keycloak, "loans-manager")["access_token"]
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    assert verifier.verify(old_token).actor.department == "loans"

    realm_id = admin.get("")["id"]
    old_provider = next(
        c
        for c in admin.get("/components", type=KEY_PROVIDER)
        if c["providerId"] == "rsa-generated" and c["config"].get("algorithm", ["RS256"]) == ["RS256"]
    )
    created = admin.send(
        "POST",
        "/components",
        {
            "name": f"rotated-{uuid.uuid4().hex[:6]}",
            "providerId": "rsa-generated",
            "providerType": KEY_PROVIDER,
            "parentId": realm_id,
            "config": {"priority": ["500"], "keySize": ["2048"], "algorithm": ["RS256"], "active": ["true"]},
        },
    )
    new_provider_id = created.headers["Location"].rsplit("/", 1)[1]
    # The old key turns passive: it signs nothing new but is still published, so its tokens stay good.
    admin.send(
        "PUT",
        f"/components/{old_provider['id']}",
        {**old_provider, "config": {**old_provider["config"], "active": ["false"]}},
    )
    try:
        time.sleep(0.6)  # past the verifier's re-fetch cooldown
        new_token = sign_in(keycloak, "loans-manager")["access_token"]
        new_kid = jwt.get_unverified_header(new_token)["kid"]
        assert new_kid != old_kid

        assert verifier.verify(new_token).actor.department == "loans"
        assert verifier.verify(old_token).actor.department == "loans"
        assert {old_kid, new_kid} <= keys.kids
    finally:
        # Keycloak merges a component's config on update: "active" must be sent back explicitly.
        restored = {**old_provider, "config": {**old_provider["config"], "active": ["true"]}}
        admin.send("PUT", f"/components/{old_provider['id']}", restored)
        admin.send("DELETE", f"/components/{new_provider_id}")
        # The tests after this one expect tokens signed with the realm's own key again.
        deadline = time.monotonic() + 10
        while jwt.get_unverified_header(sign_in(keycloak, "loans-manager")["access_token"])["kid"] != old_kid:
            assert time.monotonic() < deadline, "the realm still signs with the removed key"
            time.sleep(0.2)


def test_staff_moved_from_loans_to_intake_gets_intake_with_the_next_token(
    keycloak: KeycloakHandle, admin: Admin, verifier: OidcVerifier
) -> None:
    user_id, username, password = admin.create_staff("loans", "worker")
    try:
        before = verifier.verify(sign_in(keycloak, username, password)["access_token"])
        assert (before.actor.department, before.actor.role) == ("loans", "worker")

        admin.send("DELETE", f"/users/{user_id}/groups/{admin.group_id('loans')}")
        admin.send("PUT", f"/users/{user_id}/groups/{admin.group_id('intake')}")

        after = verifier.verify(sign_in(keycloak, username, password)["access_token"])
        assert (after.actor.department, after.actor.role) == ("intake", "worker")
        assert after.actor.staff_id == before.actor.staff_id
    finally:
        admin.send("DELETE", f"/users/{user_id}")


def test_disabled_account_cannot_refresh_its_token(keycloak: KeycloakHandle, admin: Admin) -> None:
    user_id, username, password = admin.create_staff("districts", "worker")
    try:
        tokens = sign_in(keycloak, username, password)
        assert refresh(keycloak, tokens["refresh_token"]).status_code == 200

        admin.send("PUT", f"/users/{user_id}", {**admin.get(f"/users/{user_id}"), "enabled": False})

        refused_refresh = refresh(keycloak, tokens["refresh_token"])
        assert refused_refresh.status_code == 400
        assert refused_refresh.json()["error"] == "invalid_grant"
        with pytest.raises(AuthError):
            sign_in(keycloak, username, password)
    finally:
        admin.send("DELETE", f"/users/{user_id}")
