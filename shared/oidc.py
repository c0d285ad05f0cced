"""Staff identity from the OpenID Connect provider: RS256 access tokens verified against its JWKS.

::

    verifier = OidcVerifier.from_settings(OidcSettings())  # or OidcVerifier(issuer, audience="tsunagu")
    staff = verifier.verify(token)   # a StaffIdentity, or AuthError(401, "... what to do")
    staff.actor                      # Actor(staff_id=<sub>, department=<dept>, role=<role>)
    staff.display_name               # "相談 太郎" (the token's name claim)

What a token must be to pass:

- signed with RS256 (exactly: ``alg: none``, HS256 keyed with the public key and every other
  algorithm are refused before any key is looked at) by a key the provider publishes, named by ``kid``;
- issued by the configured issuer, for the configured audience (``aud`` contains ``tsunagu``), within
  ``exp`` / ``nbf`` / ``iat`` give or take the leeway;
- an access token (``typ`` Bearer: an ID or refresh token is refused) naming a known department
  (``dept``) and role (``role``) — the realm's mappers put both in.

Keys (:class:`JwksCache`): fetched on first use, refreshed after ``max_age``, fetched again when a
token names an unknown ``kid`` (key rotation needs no restart) but at most once per cooldown, so forged
kids cannot make the service hammer the provider. While the provider is unreachable the cached keys go
on verifying; only a token whose key was never seen is refused then.

Errors::

    AuthError (shared.auth), status 401, message saying what to do
      ├── not a JWT, alg other than RS256, no kid, kid not published, bad signature
      ├── expired, not yet valid, wrong issuer, wrong audience, missing claims
      ├── not an access token, unknown department or role
      └── the provider unreachable and the token's key not cached (try again shortly)

A token for scripts, from the provider (password grant through the ``tsunagu-cli`` client)::

    python -m shared.oidc token --user intake-worker [--password ...]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt

from shared.auth import ROLES, AuthError, actor_from_claims
from shared.envelope import Actor
from shared.settings import OidcSettings

__all__ = [
    "ALGORITHMS",
    "DEMO_PASSWORD",
    "JwksCache",
    "OidcVerifier",
    "StaffIdentity",
    "discover",
    "password_grant",
]

ALGORITHMS = ["RS256"]
# The demo staff's password in deploy/identity/tsunagu-realm.json (README: for the demo only).
DEMO_PASSWORD = "tsunagu-demo"
ACCESS_TOKEN_TYPES = frozenset({"bearer", "at+jwt"})
_ACCOUNT_FIX = (
    f"a staff account needs one department group and one role of {sorted(ROLES - {'admin', 'system'})} "
    "in the identity provider"
)

log = logging.getLogger(__name__)

Fetch = Callable[[str, float], Mapping[str, Any]]


def _get_json(url: str, timeout: float) -> Mapping[str, Any]:
    response = httpx.get(url, timeout=timeout)
    response.raise_for_status()
    body = response.json()
    if not isinstance(body, dict):
        raise ValueError(f"{url} did not answer with a JSON object")
    return body


def discover(issuer: str, *, fetch: Fetch = _get_json, timeout: float = 3.0) -> Mapping[str, Any]:
    """The issuer's discovery document (``/.well-known/openid-configuration``), its issuer checked."""
    document = fetch(f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout)
    if document.get("issuer") != issuer:
        raise ValueError(f"the discovery document names issuer {document.get('issuer')!r}, not {issuer!r}")
    return document


# --------------------------------------------------------------------------- keys


class JwksCache:
    """The provider's RS256 signing keys by ``kid``: cached, refreshed, re-fetched on an unknown kid.

    ``jwks_uri=None`` discovers it from ``issuer``. ``clock`` and ``fetch`` are there for tests.
    """

    def __init__(
        self,
        jwks_uri: str | None = None,
        *,
        issuer: str | None = None,
        refetch_cooldown: float = 5.0,
        max_age: float = 600.0,
        timeout: float = 3.0,
        fetch: Fetch = _get_json,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if jwks_uri is None and issuer is None:
            raise ValueError("JwksCache needs a jwks_uri or an issuer to discover it from")
        self._jwks_uri = jwks_uri
        self._issuer = issuer
        self._cooldown = refetch_cooldown
        self._max_age = max_age
        self._timeout = timeout
        self._fetch = fetch
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None  # last successful fetch
        self._attempted_at: float | None = None  # last attempt, successful or not
        self._last_error: str | None = None  # why the last attempt failed, None after a success
        self._fetch_count = 0
        self._lock = threading.Lock()

    @property
    def kids(self) -> frozenset[str]:
        return frozenset(self._keys)

    @property
    def fetches(self) -> int:
        """How many times the keys were fetched (successfully or not) — for tests and metrics."""
        return self._fetch_count

    def key(self, kid: str) -> jwt.PyJWK:
        """The key named ``kid``, or AuthError(401) saying why there is none."""
        known = self._keys.get(kid)
        if known is not None and not self._is_stale():
            return known
        if known is not None:
            # A stale cache is refreshed by one request while the others go on with the key they have.
            if not self._lock.acquire(blocking=False):
                return known
        else:
            self._lock.acquire()
        try:
            if (kid not in self._keys or self._is_stale()) and self._may_attempt():
                self._refresh()
            found = self._keys.get(kid)
        finally:
            self._lock.release()
        if found is not None:
            return found
        if self._last_error is not None:
            raise AuthError(
                401,
                f"the bearer token's signing key {kid!r} is not cached and the identity provider cannot be "
                f"reached ({self._last_error}): try again shortly",
            )
        raise AuthError(
            401,
            f"the bearer token's signing key {kid!r} is not one of the identity provider's keys: "
            "sign in again to get a token signed by the provider",
        )

    def _is_stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at > self._max_age

    def _may_attempt(self) -> bool:
        return self._attempted_at is None or self._clock() - self._attempted_at >= self._cooldown

    def _refresh(self) -> None:
        self._attempted_at = self._clock()
        self._fetch_count += 1
        try:
            if self._jwks_uri is None:
                assert self._issuer is not None
                self._jwks_uri = str(discover(self._issuer, fetch=self._fetch, timeout=self._timeout)["jwks_uri"])
            keys = self._parse(self._fetch(self._jwks_uri, self._timeout))
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            self._last_error = f"{type(exc).__name__}: {exc}"
            log.warning("oidc.jwks_fetch_failed: %s; %d cached keys stay in use", self._last_error, len(self._keys))
            return
        self._keys, self._fetched_at, self._last_error = keys, self._attempted_at, None

    @staticmethod
    def _parse(jwks: Mapping[str, Any]) -> dict[str, jwt.PyJWK]:
        """The RS256 signature keys of a JWKS (encryption keys and other key types are left out)."""
        entries = jwks.get("keys")
        if not isinstance(entries, list):
            raise ValueError("the JWKS has no 'keys' list")
        keys: dict[str, jwt.PyJWK] = {}
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("kty") != "RSA" or not isinstance(entry.get("kid"), str):
                continue
            if entry.get("use", "sig") != "sig" or entry.get("alg", "RS256") != "RS256":
                continue
            try:
                keys[entry["kid"]] = jwt.PyJWK(entry, algorithm="RS256")
            except jwt.PyJWKError as exc:
                log.warning("oidc.jwk_unusable: kid %s: %s", entry["kid"], exc)
        return keys


# --------------------------------------------------------------------------- verifier


@dataclass(frozen=True)
class StaffIdentity:
    """Who a verified access token names: the event actor and the staff member's display name."""

    actor: Actor
    display_name: str
    username: str | None
    expires_at: datetime
    claims: Mapping[str, Any]


class OidcVerifier:
    """Verifies the provider's RS256 access tokens and maps them to a :class:`StaffIdentity`."""

    def __init__(
        self,
        issuer: str,
        audience: str = "tsunagu",
        *,
        keys: JwksCache | None = None,
        jwks_uri: str | None = None,
        leeway: float = 30.0,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.keys = keys or JwksCache(jwks_uri, issuer=issuer)
        self.leeway = leeway

    @classmethod
    def from_settings(cls, settings: OidcSettings) -> OidcVerifier:
        keys = JwksCache(
            settings.jwks_uri,
            issuer=settings.issuer,
            refetch_cooldown=settings.jwks_refetch_cooldown_seconds,
            max_age=settings.jwks_max_age_seconds,
            timeout=settings.jwks_timeout_seconds,
        )
        return cls(settings.issuer, settings.audience, keys=keys, leeway=settings.leeway_seconds)

    def verify(self, token: str) -> StaffIdentity:
        """The staff member the token names, or AuthError(401) with what to do."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as exc:
            raise AuthError(401, f"the bearer token is not a JWT ({exc}): send the provider's access token") from exc
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise AuthError(
                401, f"the bearer token is signed with {alg!r}; only RS256 tokens signed by {self.issuer} are accepted"
            )
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthError(401, "the bearer token names no signing key (kid): send the provider's access token")
        key = self.keys.key(kid)
        claims = self._decode(token, key)
        return self._identity(claims)

    def actor(self, token: str) -> Actor:
        """:class:`shared.auth.TokenVerifier`: the event actor, with the staff member's display name."""
        return self.verify(token).actor

    def _decode(self, token: str, key: jwt.PyJWK) -> dict[str, Any]:
        sign_in = f"sign in again at {self.issuer}"
        try:
            return jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError(401, f"the bearer token has expired: {sign_in} or refresh it") from exc
        except jwt.ImmatureSignatureError as exc:
            raise AuthError(401, f"the bearer token is not valid yet ({exc}): check this machine's clock") from exc
        except jwt.InvalidIssuerError as exc:
            raise AuthError(401, f"the bearer token was not issued by {self.issuer}: {sign_in}") from exc
        except jwt.InvalidAudienceError as exc:
            raise AuthError(
                401, f"the bearer token is not meant for {self.audience!r} (aud): sign in through a Tsunagu client"
            ) from exc
        except jwt.InvalidSignatureError as exc:
            raise AuthError(401, f"the bearer token's signature does not verify: {sign_in}") from exc
        except jwt.InvalidTokenError as exc:
            raise AuthError(401, f"the bearer token is not valid ({exc}): {sign_in}") from exc

    def _identity(self, claims: dict[str, Any]) -> StaffIdentity:
        typ = claims.get("typ")
        if isinstance(typ, str) and typ.lower() not in ACCESS_TOKEN_TYPES:
            raise AuthError(401, f"this is an {typ} token, not an access token: send the access_token")
        actor = actor_from_claims(claims, fix=_ACCOUNT_FIX)
        username = claims.get("preferred_username")
        name = claims.get("name") or username or actor.staff_id
        return StaffIdentity(
            actor=actor.model_copy(update={"name": str(name)[:200]}),
            display_name=str(name),
            username=str(username) if username else None,
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
            claims=claims,
        )


# --------------------------------------------------------------------------- tokens for scripts


def password_grant(
    issuer: str, client_id: str, username: str, password: str, *, timeout: float = 30.0
) -> Mapping[str, Any]:
    """The provider's token response (access, refresh, id token) for a staff member's password.

    The timeout is generous: hashing the password is the provider's costliest request, and a busy
    machine (a demo load, a test run on two workers) slows it to seconds."""
    token_endpoint = str(discover(issuer, timeout=timeout)["token_endpoint"])
    response = httpx.post(
        token_endpoint,
        data={
            "grant_type": "password",
            "client_id": client_id,
            "username": username,
            "password": password,
            "scope": "openid",
        },
        timeout=timeout,
    )
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValueError(f"the token endpoint answered {response.status_code} without a JSON object")
    if response.status_code != 200:
        detail = body.get("error_description") or body.get("error") or response.text
        raise AuthError(401, f"{username!r} could not sign in at {issuer}: {detail}")
    return body


def main(argv: Sequence[str] | None = None) -> int:
    settings = OidcSettings()
    parser = argparse.ArgumentParser(prog="python -m shared.oidc", description="Tokens from the identity provider")
    sub = parser.add_subparsers(dest="command", required=True)
    token = sub.add_parser("token", help="sign in (password grant) and print the access token")
    token.add_argument("--user", required=True, help="e.g. intake-worker (README lists the demo staff)")
    token.add_argument("--password", default=DEMO_PASSWORD, help="default: the demo staff's password")
    token.add_argument("--issuer", default=settings.issuer, help=f"default: {settings.issuer} (TSUNAGU_OIDC_ISSUER)")
    token.add_argument("--client-id", default=settings.client_id)
    token.add_argument("--json", action="store_true", help="print the whole token response")
    args = parser.parse_args(argv)
    try:
        body = password_grant(args.issuer, args.client_id, args.user, args.password)
    except httpx.HTTPError as exc:
        print(
            f"error: the identity provider {args.issuer} does not answer ({exc}); "
            "start it with `python -m deploy.identity.local start`",
            file=sys.stderr,
        )
        return 1
    except (AuthError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(body, indent=2) if args.json else body["access_token"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
