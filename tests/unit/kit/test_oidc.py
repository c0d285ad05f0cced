"""The RS256 verifier against a fake provider: local RSA keys, a JWKS served by a tiny HTTP server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.auth import AuthError
from shared.envelope import Actor
from shared.oidc import JwksCache, OidcVerifier
from shared.settings import OidcSettings

AUDIENCE = "tsunagu"


class Key:
    """An RSA key pair with its kid, as the provider holds it."""

    def __init__(self, kid: str, use: str = "sig") -> None:
        self.kid = kid
        self.use = use
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**public, "kid": self.kid, "use": self.use, "alg": "RS256" if self.use == "sig" else "RSA-OAEP"}

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


class FakeProvider:
    """Serves the discovery document and the JWKS; counts JWKS requests; can answer 503."""

    def __init__(self) -> None:
        self.keys: list[Key] = []
        self.jwks_requests = 0
        self.available = True
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if not provider.available:
                    self.send_response(503)
                    self.end_headers()
                    return
                if self.path.endswith("/.well-known/openid-configuration"):
                    body: dict[str, Any] = {"issuer": provider.issuer, "jwks_uri": provider.jwks_uri}
                elif self.path.endswith("/certs"):
                    provider.jwks_requests += 1
                    body = {"keys": [key.jwk() for key in provider.keys]}
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/realms/tsunagu"

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    def shutdown(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider()
    fake.keys.append(Key("k1"))
    try:
        yield fake
    finally:
        fake.shutdown()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def verifier_for(provider: FakeProvider, clock: Clock, **kw: Any) -> OidcVerifier:
    keys = JwksCache(provider.jwks_uri, refetch_cooldown=5, max_age=600, timeout=1, clock=clock)
    return OidcVerifier(provider.issuer, AUDIENCE, keys=keys, **kw)


def claims(provider: FakeProvider, **override: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    base = {
        "iss": provider.issuer,
        "aud": AUDIENCE,
        "sub": "4b1d-staff",
        "typ": "Bearer",
        "iat": now,
        "exp": now + timedelta(minutes=10),
        "dept": "loans",
        "role": "manager",
        "name": "貸付 花子",
        "preferred_username": "loans-manager",
    }
    return {k: v for k, v in {**base, **override}.items() if v is not None}


def sign(key: Key, body: dict[str, Any], kid: str | None = None) -> str:
    return jwt.encode(body, key.private, algorithm="RS256", headers={"kid": kid or key.kid})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], body: dict[str, Any]) -> str:
    payload = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in body.items()}
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"


def refused(verifier: OidcVerifier, token: str) -> str:
    with pytest.raises(AuthError) as info:
        verifier.verify(token)
    assert info.value.status == 401
    return info.value.message


def test_provider_token_becomes_the_actor_with_its_display_name(provider: FakeProvider, clock: Clock) -> None:
    staff = verifier_for(provider, clock).verify(sign(provider.keys[0], claims(provider)))

    assert staff.actor == Actor(staff_id="4b1d-staff", department="loans", role="manager", name="貸付 花子")
    assert staff.display_name == "貸付 花子"
    assert staff.username == "loans-manager"


def test_audience_may_be_a_list_that_contains_tsunagu(provider: FakeProvider, clock: Clock) -> None:
    token = sign(provider.keys[0], claims(provider, aud=["account", AUDIENCE]))
    assert verifier_for(provider, clock).verify(token).actor.department == "loans"


def test_display_name_falls_back_to_the_username(provider: FakeProvider, clock: Clock) -> None:
    token = sign(provider.keys[0], claims(provider, name=None))
    assert verifier_for(provider, clock).verify(token).display_name == "loans-manager"


def test_expired_token_is_refused_with_what_to_do(provider: FakeProvider, clock: Clock) -> None:
    past = datetime.now(UTC) - timedelta(minutes=5)
    token = sign(provider.keys[0], claims(provider, iat=past - timedelta(minutes=10), exp=past))
    assert "expired" in refused(verifier_for(provider, clock, leeway=30), token)


def test_expiry_within_the_leeway_is_tolerated(provider: FakeProvider, clock: Clock) -> None:
    just = datetime.now(UTC) - timedelta(seconds=10)
    token = sign(provider.keys[0], claims(provider, iat=just - timedelta(minutes=5), exp=just))
    assert verifier_for(provider, clock, leeway=30).verify(token).actor.role == "manager"


def test_token_not_valid_yet_is_refused(provider: FakeProvider, clock: Clock) -> None:
    token = sign(provider.keys[0], claims(provider, nbf=datetime.now(UTC) + timedelta(minutes=5)))
    assert "not valid yet" in refused(verifier_for(provider, clock, leeway=30), token)


def test_token_of_another_issuer_is_refused(provider: FakeProvider, clock: Clock) -> None:
    token = sign(provider.keys[0], claims(provider, iss="http://127.0.0.1:1/realms/elsewhere"))
    assert "not issued by" in refused(verifier_for(provider, clock), token)


def test_token_for_another_audience_is_refused(provider: FakeProvider, clock: Clock) -> None:
    token = sign(provider.keys[0], claims(provider, aud="account"))
    assert "not meant for 'tsunagu'" in refused(verifier_for(provider, clock), token)


def test_token_without_audience_is_refused(provider: FakeProvider, clock: Clock) -> None:
    token = sign(provider.keys[0], claims(provider, aud=None))
    refused(verifier_for(provider, clock), token)


def test_alg_none_is_refused(provider: FakeProvider, clock: Clock) -> None:
    token = unsigned({"alg": "none", "typ": "JWT", "kid": "k1"}, claims(provider)) + "."
    assert "'none'" in refused(verifier_for(provider, clock), token)


def test_hs256_keyed_with_the_public_key_is_refused(provider: FakeProvider, clock: Clock) -> None:
    # The classic confusion attack: the public key (which anyone can fetch) used as an HMAC secret.
    signing_input = unsigned({"alg": "HS256", "typ": "JWT", "kid": "k1"}, claims(provider))
    for secret in (provider.keys[0].public_pem(), json.dumps(provider.keys[0].jwk()).encode()):
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        assert "'HS256'" in refused(verifier_for(provider, clock), f"{signing_input}.{b64(mac)}")


def test_forged_kid_is_refused_and_fetches_are_rate_limited(provider: FakeProvider, clock: Clock) -> None:
    verifier = verifier_for(provider, clock)
    verifier.verify(sign(provider.keys[0], claims(provider)))
    assert provider.jwks_requests == 1
    clock.now += 10
    forger = Key("forged")

    for _ in range(20):
        assert "not one of the identity provider's keys" in refused(verifier, sign(forger, claims(provider)))
    assert provider.jwks_requests == 2  # one re-fetch for the unknown kid, then the cooldown holds


def test_known_kid_with_a_foreign_signature_is_refused(provider: FakeProvider, clock: Clock) -> None:
    token = sign(Key("k1"), claims(provider))  # same kid, another key
    assert "signature does not verify" in refused(verifier_for(provider, clock), token)


def test_rotated_keys_are_picked_up_without_a_new_verifier(provider: FakeProvider, clock: Clock) -> None:
    verifier = verifier_for(provider, clock)
    old_token = sign(provider.keys[0], claims(provider))
    assert verifier.verify(old_token)
    new_key = Key("k2")
    provider.keys.append(new_key)  # the provider signs with k2 now and still publishes k1
    clock.now += 6  # past the cooldown

    assert verifier.verify(sign(new_key, claims(provider))).actor.role == "manager"
    assert verifier.verify(old_token).actor.role == "manager"
    assert verifier.keys.kids == {"k1", "k2"}


def test_a_key_the_provider_withdrew_stops_verifying_after_refresh(provider: FakeProvider, clock: Clock) -> None:
    verifier = verifier_for(provider, clock)
    old_token = sign(provider.keys[0], claims(provider))
    verifier.verify(old_token)
    provider.keys = [Key("k2")]
    clock.now += 601  # the cache is refreshed after max_age

    refused(verifier, old_token)


def test_cached_keys_go_on_verifying_while_the_provider_is_away(provider: FakeProvider, clock: Clock) -> None:
    verifier = verifier_for(provider, clock)
    token = sign(provider.keys[0], claims(provider))
    verifier.verify(token)
    provider.available = False
    clock.now += 601  # stale: a refresh is attempted, fails, and the cached key stays in use

    assert verifier.verify(token).actor.department == "loans"
    assert provider.jwks_requests == 1
    message = refused(verifier, sign(Key("k9"), claims(provider)))
    assert "cannot be reached" in message and "try again" in message


def test_provider_down_entirely_still_verifies_cached_keys(clock: Clock) -> None:
    fake = FakeProvider()
    fake.keys.append(Key("k1"))
    verifier = verifier_for(fake, clock)
    token = sign(fake.keys[0], claims(fake))
    verifier.verify(token)
    fake.shutdown()  # connection refused from now on
    clock.now += 601

    assert verifier.verify(token).actor.role == "manager"


def test_encryption_keys_are_never_used_to_verify_signatures(provider: FakeProvider, clock: Clock) -> None:
    enc = Key("enc-1", use="enc")
    provider.keys.append(enc)
    refused(verifier_for(provider, clock), sign(enc, claims(provider)))


def test_id_token_is_not_an_access_token(provider: FakeProvider, clock: Clock) -> None:
    token = sign(provider.keys[0], claims(provider, typ="ID"))
    assert "not an access token" in refused(verifier_for(provider, clock), token)


@pytest.mark.parametrize(
    ("dept", "role"), [(None, "worker"), ("intake", None), ("payroll", "worker"), ("loans", "root")]
)
def test_token_must_name_a_known_department_and_role(
    provider: FakeProvider, clock: Clock, dept: str | None, role: str | None
) -> None:
    token = sign(provider.keys[0], claims(provider, dept=dept, role=role))
    assert "department" in refused(verifier_for(provider, clock), token)


def test_missing_subject_or_expiry_is_refused(provider: FakeProvider, clock: Clock) -> None:
    refused(verifier_for(provider, clock), sign(provider.keys[0], claims(provider, sub=None)))
    refused(verifier_for(provider, clock), sign(provider.keys[0], claims(provider, exp=None)))


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30.x"])
def test_garbage_is_refused(provider: FakeProvider, clock: Clock, token: str) -> None:
    refused(verifier_for(provider, clock), token)


def test_keys_are_discovered_from_the_issuer(provider: FakeProvider) -> None:
    settings = OidcSettings(issuer=provider.issuer, audience=AUDIENCE)
    verifier = OidcVerifier.from_settings(settings)
    assert verifier.verify(sign(provider.keys[0], claims(provider))).actor.department == "loans"
    assert provider.jwks_requests == 1


def test_all_names_what_the_module_offers() -> None:
    import shared.oidc as module

    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__
    }
    assert set(module.__all__) >= public - {"main"}
    assert all(hasattr(module, name) for name in module.__all__)


def test_a_list_for_a_department_or_a_blank_subject_is_refused_with_401_not_a_server_error(
    provider: FakeProvider, clock: Clock
) -> None:
    verifier = verifier_for(provider, clock)
    for overrides in ({"dept": ["loans", "intake"]}, {"role": ["manager"]}, {"sub": " "}):
        with pytest.raises(AuthError) as refused:
            verifier.verify(sign(provider.keys[0], claims(provider, **overrides)))
        assert refused.value.status == 401, overrides
