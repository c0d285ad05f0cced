"""The HTTP edge every service shares: the app factory, the per-request edge, health, readiness, metrics.

- :func:`create_app`: a service's FastAPI app with ``/health``, ``/ready``, ``/metrics``, the
  refusal handlers (:mod:`shared.refusals`: one JSON shape, the status of each kind of refusal) and
  the two ASGI layers (:mod:`shared.guards`: body cap, NUL characters, correlation id).
- :func:`edge` / :class:`Edge`: what a route gets per request: the actor (bearer token, department
  and role checked), the correlation id, ``If-Match`` / ``expected_version``, the purpose of a read
  and the ETag of the reply.
- The query and body types every service bounds the same way (``Limit``, ``Offset``, ``Day``, ...).

The documentation pages (``/docs``, ``/redoc``) load Swagger UI and ReDoc from this service
(``/docs-assets``, the files of the ``fastapi-offline`` package), never from a CDN: councils run
closed networks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from importlib.resources import files
from typing import Annotated, Any, TypeVar

import structlog
from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import AfterValidator, AwareDatetime
from pydantic_core import PydanticCustomError

from shared.access import record_reads
from shared.auth import TokenVerifier, current_actor, require
from shared.bodies import Body, VersionedBody
from shared.commands import CommandContext
from shared.domain import Command
from shared.envelope import Actor
from shared.errors import InvalidCommand
from shared.guards import CORRELATION_HEADER, DEFAULT_MAX_BODY_BYTES, Correlation, EdgeGuard
from shared.refusals import document_refusals, handle_refusals
from shared.service import ServiceKit

__all__ = [
    "CORRELATION_HEADER",
    "DEFAULT_MAX_BODY_BYTES",
    "Day",
    "Edge",
    "KitDep",
    "Limit",
    "Moment",
    "Month",
    "Offset",
    "OptionalMonth",
    "ReadinessCheck",
    "correlation_id",
    "create_app",
    "edge",
    "parse_if_match",
    "service_kit",
    "tagged",
]

ReadinessCheck = Callable[[], str | None]  # returns None when ready, else what is not ready

log = structlog.get_logger(__name__)

K = TypeVar("K")
C = TypeVar("C", bound=Command)


async def service_kit(request: Request) -> ServiceKit:
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

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


def _within_calendar(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        raise PydanticCustomError(
            "date_out_of_range",
            "must be between {earliest} and {latest}",
            {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )
    return day


def _within_calendar_time(at: datetime) -> datetime:
    _within_calendar(at.date())
    return at


Day = Annotated[date, AfterValidator(_within_calendar)]
"""A calendar day a council can mean (1900–2199): year 1 or 9999 is refused with 422 naming the
parameter, not turned into a period whose JST/UTC arithmetic overflows. Add ``Query(...)``::

    From = Annotated[Day, Query(alias="from")]
"""
Moment = Annotated[AwareDatetime, AfterValidator(_within_calendar_time)]
"""An instant with its UTC offset (``2026-10-01T09:00+09:00``), in the same years as :data:`Day`;
a naive time is refused with 422 naming the parameter."""

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
Month = Annotated[str, Query(pattern=MONTH_PATTERN, description="YYYY-MM, e.g. 2014-06")]
"""A calendar month as a query parameter (``2014-06``); anything else is refused with 422 naming it."""
OptionalMonth = Annotated[str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM, e.g. 2014-06")]
"""A month a list may be narrowed to (``month: OptionalMonth = None``)."""

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

    def submit(
        self, handler: Callable[[K, CommandContext, C], dict[str, Any]], kit: K, command: C, body: Body | None = None
    ) -> dict[str, Any]:
        """A command route's answer: ``handler`` runs ``command`` under this request's context, with
        the body's ``expected_version`` merged with If-Match, and the reply carries the new version
        as the ETag. With :meth:`shared.domain.Command.of` a route is two lines::

            cmd = c.EndWatchOver.of(body, case_id=case_id, ended_by=at.actor.staff_id)
            return at.submit(handlers.end_watch_over, kit, cmd, body)
        """
        expected = body.expected_version if isinstance(body, VersionedBody) else None
        return self.reply(handler(kit, self.command(expected), command))

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
    authorised: Callable[..., Actor | Awaitable[Actor]] = (
        current_actor if departments is None and roles is None else require(departments=departments, roles=roles)
    )

    # Defaults, not Annotated[...]: this module's annotations are strings and ``authorised`` is a
    # local, which FastAPI could not resolve from the module's globals.
    # ``async``: it only builds objects, so it runs on the event loop instead of taking a worker
    # thread (every sync dependency is a thread hop of its own, and they queue for the GIL).
    async def dependency(
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


def create_app(
    *,
    title: str,
    description: str,
    tokens: TokenVerifier,
    routers: Sequence[APIRouter],
    readiness: Sequence[ReadinessCheck] = (),
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
    version: str = "0.1.0",
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    app = FastAPI(
        title=title, description=description, version=version, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.tokens = tokens
    _offline_docs(app)

    handle_refusals(app)

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
    document_refusals(app)
    app.add_middleware(Correlation)
    # Outermost, so that an oversized or NUL-bearing request is refused before anything reads it.
    app.add_middleware(EdgeGuard, max_body_bytes=max_body_bytes)
    return app


_DOCS_ASSETS = "/docs-assets"


def _offline_docs(app: FastAPI) -> None:
    """Swagger UI at ``/docs`` and ReDoc at ``/redoc`` from the service's own files."""
    assets = files("fastapi_offline") / "static"
    app.mount(_DOCS_ASSETS, StaticFiles(directory=str(assets)), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} — API",
            oauth2_redirect_url=oauth2_redirect,
            swagger_js_url=f"{_DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{_DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{_DOCS_ASSETS}/favicon.png",
            # No online validator badge: it would call validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(oauth2_redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} — ReDoc",
            redoc_js_url=f"{_DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{_DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )
