"""The HTTP edge every service shares: app factory, error mapping, health, readiness, metrics.

Errors are mapped here and only here. Every refusal answers JSON of one shape::

    {"error": "invalid", "message": "what was wrong and how to fix it", "field": "issues",
     "details": [...]}   # details: pydantic's per-field errors for malformed requests

=====================  ======
DomainError subclass   status
=====================  ======
NotFound               404
InvalidCommand         422
IllegalTransition      409
ConcurrencyConflict    409
Forbidden              403
AuthError              401/403
malformed request      422
=====================  ======
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.access import record_reads
from shared.auth import AuthError, current_actor, require
from shared.commands import CommandContext
from shared.envelope import Actor
from shared.errors import (
    ConcurrencyConflict,
    DomainError,
    Forbidden,
    IllegalTransition,
    InvalidCommand,
    NotFound,
)
from shared.metrics import HTTP_LATENCY
from shared.service import ServiceKit

__all__ = [
    "CORRELATION_HEADER",
    "Edge",
    "KitDep",
    "Limit",
    "Offset",
    "ReadinessCheck",
    "correlation_id",
    "create_app",
    "edge",
    "error_body",
    "parse_if_match",
    "service_kit",
    "tagged",
]

CORRELATION_HEADER = "X-Correlation-ID"
ReadinessCheck = Callable[[], str | None]  # returns None when ready, else what is not ready

_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    InvalidCommand: 422,
    IllegalTransition: 409,
    ConcurrencyConflict: 409,
    Forbidden: 403,
}

log = structlog.get_logger(__name__)


def error_body(code: str, message: str, field: str | None = None, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": code, "message": message}
    if field:
        body["field"] = field
    if details is not None:
        body["details"] = details
    return body


def service_kit(request: Request) -> ServiceKit:
    """The service's kit, set on ``app.state.kit`` by its bootstrap."""
    kit: ServiceKit = request.app.state.kit
    return kit


def correlation_id(request: Request) -> str | None:
    """The request's correlation id (from ``X-Correlation-ID`` or minted by the middleware)."""
    return getattr(request.state, "correlation_id", None)


def tagged(response: Response, result: dict[str, Any]) -> dict[str, Any]:
    """Send the aggregate's stream version as the ETag, for a later ``If-Match``."""
    if "version" in result:
        response.headers["ETag"] = f'"{result["version"]}"'
    return result


Limit = Annotated[int, Query(ge=1, le=500, description="at most this many rows (1–500)")]
"""A page size, the same bound on every list of every service."""
Offset = Annotated[int, Query(ge=0, le=2**31 - 1, description="skip this many rows")]
"""A page offset; bounded so that no database sees an integer it cannot hold."""

KitDep = Annotated[ServiceKit, Depends(service_kit)]
"""The service's kit as a route parameter: ``def route(..., kit: KitDep)``."""


def parse_if_match(if_match: str | None) -> int | None:
    """The version in an ``If-Match`` header (``3``, ``"3"`` or ``W/"3"``; ``*`` means any)."""
    if if_match is None or if_match.strip() == "*":
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidCommand(
            f'If-Match {if_match!r} is not a version: send the ETag you read, e.g. "3"', field="If-Match"
        )
    return int(raw)


PURPOSE_HEADER = "X-Purpose"
DEFAULT_PURPOSE = "routine_work"


@dataclass(frozen=True)
class Edge:
    """One request at the edge: the command context (actor, correlation id, If-Match), the
    response whose ETag :meth:`reply` sets, the route and the purpose of a read (``X-Purpose``).
    Routes get it from an :func:`edge` dependency."""

    ctx: CommandContext
    response: Response
    route: str = ""
    purpose: str = DEFAULT_PURPOSE

    @property
    def actor(self) -> Actor:
        return self.ctx.actor

    def command(self, expected_version: int | None = None) -> CommandContext:
        """The context for a command; a body's ``expected_version`` is merged with If-Match."""
        return self.ctx.expecting(expected_version)

    def reply(self, result: dict[str, Any]) -> dict[str, Any]:
        """Send ``result``, with its ``version`` as the ETag for a later ``If-Match``."""
        return tagged(self.response, result)

    def read(self, kit: ServiceKit, result: dict[str, Any]) -> dict[str, Any]:
        """Send personal data read through this route, leaving the access trail first
        (:func:`shared.access.record_reads`: who, which subjects, which fields, why)."""
        record_reads(kit.uow, self.actor, self.route, self.purpose, result, correlation_id=self.ctx.correlation_id)
        return self.reply(result)


def edge(*, departments: Iterable[str] | None = None, roles: Iterable[str] | None = None) -> Any:
    """The dependency that makes an :class:`Edge` for staff of ``departments`` in ``roles`` (any
    authenticated staff when both are ``None``), for a route parameter alias::

        LoansManager = Annotated[Edge, edge(departments={"loans"}, roles={"manager"})]

        @router.post("/applications/{application_id}/denial")
        def deny(application_id: str, body: ReasonBody, kit: KitDep, at: LoansManager) -> dict[str, Any]:
            return at.reply(view(kit, handlers.deny(kit, at.command(body.expected_version), ...)))
    """
    authorised: Callable[..., Actor] = (
        current_actor if departments is None and roles is None else require(departments=departments, roles=roles)
    )

    # Defaults, not Annotated[...]: this module's annotations are strings and ``authorised`` is a
    # local, which FastAPI could not resolve from the module's globals.
    def dependency(
        request: Request,
        response: Response,
        actor: Actor = Depends(authorised),  # noqa: B008
        if_match: str | None = Header(
            default=None, alias="If-Match", description="the ETag (version) you read; a stale one is refused with 409"
        ),
        purpose: str | None = Header(
            default=None,
            alias=PURPOSE_HEADER,
            max_length=200,
            description=(
                "why you read personal data, a purpose code such as support_coordination "
                "(recorded in the access trail; default routine_work)"
            ),
        ),
    ) -> Edge:
        ctx = CommandContext(
            actor=actor, correlation_id=correlation_id(request), expected_version=parse_if_match(if_match)
        )
        route = getattr(request.scope.get("route"), "path", request.url.path)
        return Edge(ctx=ctx, response=response, route=route, purpose=(purpose or "").strip() or DEFAULT_PURPOSE)

    return Depends(dependency)


def _status_for(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return 400


def create_app(
    *,
    title: str,
    description: str,
    jwt_secret: str,
    routers: Sequence[APIRouter],
    readiness: Sequence[ReadinessCheck] = (),
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
    version: str = "0.1.0",
) -> FastAPI:
    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    app.state.jwt_secret = jwt_secret

    @app.middleware("http")
    async def correlation(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        cid = request.headers.get(CORRELATION_HEADER) or str(uuid.uuid4())
        request.state.correlation_id = cid
        structlog.contextvars.bind_contextvars(correlation_id=cid)
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers[CORRELATION_HEADER] = cid
            return response
        finally:
            route = request.scope.get("route")
            path = getattr(route, "path", "unmatched")
            HTTP_LATENCY.labels(request.method, path, str(status)).observe(time.perf_counter() - started)
            structlog.contextvars.unbind_contextvars("correlation_id")

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message, exc.field), status_code=_status_for(exc))

    @app.exception_handler(AuthError)
    async def auth_error(_request: Request, exc: AuthError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        code = "unauthorized" if exc.status == 401 else "forbidden"
        return JSONResponse(error_body(code, exc.message), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"), "problem": err.get("msg")}
            for err in exc.errors()
        ]
        summary = "; ".join(f"{d['field'] or 'body'}: {d['problem']}" for d in details[:5])
        return JSONResponse(
            error_body("invalid", f"the request is not valid — fix: {summary}", details=details),
            status_code=422,
        )

    @app.get("/health", tags=["operations"], summary="Liveness: the process answers")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready", tags=["operations"], summary="Readiness: database and Kafka reachable")
    def ready() -> JSONResponse:
        problems = [p for p in (check() for check in readiness) if p]
        if problems:
            return JSONResponse({"status": "not ready", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics")
    def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router)
    return app
