"""Identity on every request: bearer JWTs naming a staff member, department and role.

Tokens are HS256 JWTs with claims ``sub`` (staff id), ``dept``, ``role``, ``exp``. Every route
but ``/health``, ``/ready`` and ``/metrics`` depends on :func:`current_actor`; the resulting
:class:`~shared.envelope.Actor` is recorded on every event the request causes.

Roles (the seed's councils: 相談員 worker, 課長 manager, 局長 director): ``worker``, ``manager``,
``auditor`` (reads audit trails), ``admin`` (platform operations), ``system`` (automation), and
``director`` (局長: reads what a manager of the department reads and takes the last approval step,
e.g. of the districts' monthly activity records).

Mint a development token::

    python -m shared.auth mint --staff-id s-001 --department intake --role worker
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Protocol

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.envelope import Actor
from shared.errors import Ctx, known_reason

__all__ = [
    "DEFAULT_MAX_TOKEN_LIFETIME",
    "DEPARTMENTS",
    "ROLES",
    "AuthError",
    "CurrentActor",
    "DevelopmentTokens",
    "TokenVerifier",
    "actor_from_claims",
    "current_actor",
    "decode_token",
    "mint_token",
    "require",
]

DEPARTMENTS = frozenset({"intake", "loans", "districts", "conferences", "reporting", "admin"})
ROLES = frozenset({"worker", "manager", "auditor", "admin", "system", "director"})
_ALGORITHM = "HS256"
DEFAULT_MAX_TOKEN_LIFETIME = timedelta(hours=24)
"""A token that expires later than this from now is refused: a stolen long-lived token is a skeleton key."""
_STAFF_ID_MAX = 128


class AuthError(Exception):
    """401 (no or bad token) or 403 (valid token, not allowed). ``message`` says what to do."""

    def __init__(self, status: int, message: str, *, reason: str | None = None, ctx: Ctx | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = known_reason(reason)
        """As a domain refusal's (shared.errors): for the web client to say it in the staff member's words."""
        self.ctx = dict(ctx or {})


def mint_token(
    secret: str,
    staff_id: str,
    department: str,
    role: str,
    *,
    ttl: timedelta = timedelta(hours=12),
    now: datetime | None = None,
) -> str:
    if department not in DEPARTMENTS:
        raise ValueError(f"unknown department {department!r}; one of {sorted(DEPARTMENTS)}")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {sorted(ROLES)}")
    issued = now or datetime.now(UTC)
    claims = {"sub": staff_id, "dept": department, "role": role, "iat": issued, "exp": issued + ttl}
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def decode_token(
    secret: str, token: str, *, max_lifetime: timedelta = DEFAULT_MAX_TOKEN_LIFETIME, now: datetime | None = None
) -> Actor:
    """The actor a valid token names; :class:`AuthError` (401) saying what is wrong otherwise."""
    try:
        claims = jwt.decode(token, secret, algorithms=[_ALGORITHM], options={"require": ["sub", "exp"]})
    except jwt.ExpiredSignatureError as exc:
        raise AuthError(401, "the bearer token has expired: sign in again") from exc
    except jwt.InvalidTokenError as exc:
        raise AuthError(401, f"the bearer token is not valid ({exc}): send a token issued by Tsunagu") from exc
    return actor_from_claims(claims, max_lifetime=max_lifetime, now=now)


def actor_from_claims(
    claims: Mapping[str, object],
    *,
    max_lifetime: timedelta = DEFAULT_MAX_TOKEN_LIFETIME,
    now: datetime | None = None,
    fix: str = "sign in again",
) -> Actor:
    """Check the claims of a token whose signature was verified, and name its actor: one rule for
    development tokens and the identity provider's (:mod:`shared.oidc`).

    ``sub`` must be a non-blank staff id; ``dept`` and ``role`` single known names (a list is not a
    department); the expiry no further away than ``max_lifetime``. ``fix`` ends a refusal of the
    department or role: what the token's holder should do about it.
    """
    sub, dept, role, exp = claims.get("sub"), claims.get("dept"), claims.get("role"), claims.get("exp")
    if not isinstance(sub, str) or not sub.strip() or len(sub) > _STAFF_ID_MAX or not sub.isprintable():
        raise AuthError(401, "the bearer token must name its staff member in sub (a non-blank staff id): sign in again")
    if not isinstance(dept, str) or dept not in DEPARTMENTS or not isinstance(role, str) or role not in ROLES:
        raise AuthError(
            401,
            f"the bearer token names department {dept!r} and role {role!r}; it must name one known "
            f"department (dept) and one role (role): {fix}",
        )
    latest = (now or datetime.now(UTC)) + max_lifetime
    if not isinstance(exp, int | float) or exp > latest.timestamp():
        raise AuthError(
            401,
            f"the bearer token expires too far in the future (more than {max_lifetime} from now): "
            "ask for a token with a shorter lifetime",
        )
    return Actor(staff_id=sub, department=dept, role=role)


class TokenVerifier(Protocol):
    """What a service verifies bearer tokens with: :class:`DevelopmentTokens` (HS256, tests and a
    developer's machine) or :class:`shared.oidc.OidcVerifier` (the identity provider's RS256)."""

    def actor(self, token: str) -> Actor:
        """The actor a valid token names; :class:`AuthError` (401) saying what to do otherwise."""
        ...


@dataclass(frozen=True)
class DevelopmentTokens:
    """HS256 tokens minted with a shared secret (``python -m shared.auth mint``): a test fixture
    and a developer's shortcut. Outside development services accept only the provider's tokens."""

    secret: str
    max_lifetime: timedelta = DEFAULT_MAX_TOKEN_LIFETIME

    def actor(self, token: str) -> Actor:
        return decode_token(self.secret, token, max_lifetime=self.max_lifetime)


_bearer = HTTPBearer(auto_error=False)


def current_actor(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    """FastAPI dependency: the authenticated actor, or 401 saying how to authenticate."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError(
            401, "send 'Authorization: Bearer <access token>': sign in (python -m shared.oidc token --user NAME)"
        )
    tokens: TokenVerifier = request.app.state.tokens
    actor = tokens.actor(credentials.credentials)
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def require(
    *, departments: Iterable[str] | None = None, roles: Iterable[str] | None = None
) -> Callable[[Actor], Awaitable[Actor]]:
    """A dependency factory: the actor must be of one of ``departments`` and one of ``roles``.

    >>> ManagerOfIntake = Annotated[Actor, Depends(require(departments={"intake"}, roles={"manager"}))]
    """
    allowed_departments = frozenset(departments) if departments is not None else None
    allowed_roles = frozenset(roles) if roles is not None else None

    async def dependency(actor: CurrentActor) -> Actor:  # no I/O: on the event loop, no thread hop
        if allowed_departments is not None and actor.department not in allowed_departments:
            raise AuthError(
                403,
                f"department {actor.department!r} may not do this; allowed: {sorted(allowed_departments)}",
                reason="department_not_allowed",
                ctx={"department": actor.department},
            )
        if allowed_roles is not None and actor.role not in allowed_roles:
            raise AuthError(
                403,
                f"role {actor.role!r} may not do this; allowed: {sorted(allowed_roles)}",
                reason="role_not_allowed",
                ctx={"role": actor.role},
            )
        return actor

    return dependency


def main(argv: list[str] | None = None) -> int:
    """``token --user NAME`` signs in at the identity provider (see :mod:`shared.oidc`);
    ``mint ...`` prints an HS256 development token (tests and ``--auth hs256`` only)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["token"]:
        from shared.oidc import main as oidc_main

        return oidc_main(argv)
    parser = argparse.ArgumentParser(prog="python -m shared.auth", description="Tsunagu tokens")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("token", help="sign in at the identity provider and print the access token (--user NAME)")
    mint = sub.add_parser("mint", help="print an HS256 development token (not taken by `make run`'s services)")
    mint.add_argument("--staff-id", required=True)
    mint.add_argument("--department", required=True, choices=sorted(DEPARTMENTS))
    mint.add_argument("--role", required=True, choices=sorted(ROLES))
    mint.add_argument("--hours", type=float, default=12.0)
    args = parser.parse_args(argv)
    from shared.settings import ServiceSettings

    secret = ServiceSettings().signing_secret()
    print(mint_token(secret, args.staff_id, args.department, args.role, ttl=timedelta(hours=args.hours)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
