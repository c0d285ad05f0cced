"""The HTTP edge every service shares: app factory, error mapping, health, readiness, metrics.

Errors are mapped here and only here. Every refusal answers JSON of one shape::

    {"error": "invalid", "message": "what was wrong and how to fix it", "field": "issues",
     "details": [{"field": "note", "problem": "String should have at least 1 character",
                  "type": "string_too_short", "ctx": {"min_length": 1}}]}

A domain refusal that names a ``reason`` (:data:`shared.errors.REASONS`) adds it with its values:
``"reason": "in_future", "ctx": {}``. ``details`` lists a malformed request's per-field errors:
``problem`` is pydantic's English text; ``type`` and ``ctx`` are pydantic's stable error type and its
parameters. Both let a client say the refusal in its users' language (the web client's
``errors.domain.<reason>`` and ``errors.validation.<type>``). The OpenAPI documents show this
shape (:class:`ErrorBody`) for every 422, not FastAPI's ``{"detail": [...]}``.

=====================  ======
DomainError subclass   status
=====================  ======
NotFound               404
InvalidCommand         422
IllegalTransition      409
ConcurrencyConflict    409
Forbidden              403
AuthError              401/403
malformed request      422   (also malformed JSON, a NUL character, a number or date out of range)
body over the cap      413   (``max_body_bytes``, 1 MiB by default)
framework refusals     their status (404 unknown path, 405, 400 unreadable body), same shape
=====================  ======

The documentation pages (``/docs``, ``/redoc``) load Swagger UI and ReDoc from this service
(``/docs-assets``, the files of the ``fastapi-offline`` package), never from a CDN: councils run
closed networks.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from importlib.resources import files
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl

import structlog
from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field
from pydantic_core import PydanticCustomError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.access import record_reads
from shared.auth import AuthError, TokenVerifier, current_actor, require
from shared.bodies import Body, VersionedBody
from shared.commands import CommandContext
from shared.domain import Command
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
    "DEFAULT_MAX_BODY_BYTES",
    "Day",
    "Edge",
    "ErrorBody",
    "ErrorDetail",
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

K = TypeVar("K")
C = TypeVar("C", bound=Command)


class ErrorDetail(BaseModel):
    """One field of a malformed request and what is wrong with it."""

    field: str = Field(description="dotted path of the field (``query.limit``, ``entries.0.date``); empty: the body")
    problem: str = Field(description="what is wrong, in English (pydantic's message)")
    type: str = Field(
        description="pydantic's error type, e.g. ``missing``, ``string_too_short``, ``date_out_of_range``"
    )
    ctx: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description='the type\'s parameters, e.g. ``{"max_length": 2000}``'
    )


class ErrorBody(BaseModel):
    """Every refusal's body (4xx and 5xx)."""

    error: str = Field(description="the kind: invalid, not_found, conflict, forbidden, unauthorized, ...")
    message: str = Field(description="what was wrong and how to fix it, in English")
    field: str | None = Field(default=None, description="the field the refusal is about, when one is")
    reason: str | None = Field(
        default=None, description="a domain refusal's stable key (shared.errors.REASONS), e.g. ``in_future``"
    )
    ctx: dict[str, str | int] | None = Field(default=None, description="the values the reason speaks of")
    details: list[ErrorDetail] | None = Field(default=None, description="a malformed request's per-field errors")


def _detail(err: Any) -> dict[str, Any]:
    """pydantic's error as :class:`ErrorDetail` (never its ``input``: that may be personal data)."""
    ctx = {
        key: value if isinstance(value, (str, int, float, bool)) else str(value)
        for key, value in (err.get("ctx") or {}).items()
        if not isinstance(value, BaseException)
    }
    return {
        "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
        "problem": err.get("msg"),
        "type": err.get("type", "value_error"),
        "ctx": ctx,
    }


def error_body(
    code: str,
    message: str,
    field: str | None = None,
    details: Any = None,
    *,
    reason: str | None = None,
    ctx: dict[str, str | int] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"error": code, "message": message}
    if field:
        body["field"] = field
    if reason:
        body["reason"] = reason
        body["ctx"] = ctx or {}
    if details is not None:
        body["details"] = details
    return body


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


DEFAULT_MAX_BODY_BYTES = 1024 * 1024
_DOCS_ASSETS = "/docs-assets"
_BODYLESS = {"GET", "HEAD", "OPTIONS", "DELETE"}
_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large", 415: "unsupported"}


class _EdgeGuard:
    """What no route should ever see, refused before routing (a pure ASGI layer, so it also
    covers bodies the framework would read whole): a body over ``max_body_bytes`` (413, checked
    on ``Content-Length`` and while reading, so a chunked upload is cut off too) and a NUL
    character in the path, a query parameter or any string of a JSON body (422 naming it:
    PostgreSQL cannot store one, and no name or note holds one)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if (where := _nul_in_target(scope)) is not None:
            await _refuse(scope, send, 422, "invalid", f"{where} contains a NUL character: remove it", where)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(scope, send, int(declared))
            return
        if scope["method"] in _BODYLESS and declared is None:
            await self.app(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > self.max_body_bytes:
                await self._too_large(scope, send, len(body))
                return
            if not message.get("more_body", False):
                break
        if (b"\\u0000" in body or b"\x00" in body) and (where := _nul_in_json(bytes(body))) is not None:
            await _refuse(scope, send, 422, "invalid", f"{where} contains a NUL character: remove it", where)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: wait for the client to disconnect
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send, size: int) -> None:
        limit = self.max_body_bytes
        message = (
            f"the request body is {size:,} bytes or more; this service accepts at most {limit:,} bytes "
            f"({limit // 1024:,} KiB): shorten the text you send"
        )
        await _refuse(scope, send, 413, "too_large", message, "body")


class _Correlation:
    """The request's correlation id (``X-Correlation-ID``, or a new one) on ``request.state``, in
    the log context and on the response; the request's latency in the route's histogram.

    A pure ASGI layer: Starlette's ``@app.middleware("http")`` runs every request's app in a task
    of its own behind memory streams, which cost a command a good part of its time on the HTTP edge."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = next((v for k, v in scope["headers"] if k == _CORRELATION_KEY), None)
        cid = sent.decode("latin-1") if sent else str(uuid.uuid4())
        scope.setdefault("state", {})["correlation_id"] = cid
        header = (_CORRELATION_KEY, cid.encode("latin-1"))
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        structlog.contextvars.bind_contextvars(correlation_id=cid)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            path = getattr(scope.get("route"), "path", "unmatched")
            HTTP_LATENCY.labels(scope["method"], path, str(status)).observe(time.perf_counter() - started)
            structlog.contextvars.unbind_contextvars("correlation_id")


_CORRELATION_KEY = CORRELATION_HEADER.lower().encode("latin-1")


def _nul_in_target(scope: Scope) -> str | None:
    if "\x00" in scope.get("path", ""):
        return "path"
    query = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return f"query.{name.replace(chr(0), '')}"
        return "query"
    return None


def _nul_in_json(body: bytes) -> str | None:
    """The dotted path of the first string (key or value) holding a NUL, if the body is JSON."""
    try:
        document = json.loads(body)
    except ValueError:
        return "body" if b"\x00" in body else None  # malformed JSON is the framework's 422 to give

    def walk(node: Any, path: str) -> str | None:
        if isinstance(node, str):
            return (path or "body") if "\x00" in node else None
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            here = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and "\x00" in key:
                return here.replace("\x00", "")
            if (found := walk(value, here)) is not None:
                return found
        return None

    return walk(document, "")


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str, field: str) -> None:
    response = JSONResponse(error_body(code, message, field), status_code=status)
    await response(scope, _drained, send)


async def _drained() -> Message:
    return {"type": "http.disconnect"}


def _status_for(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return 400


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

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        body = error_body(exc.code, exc.message, exc.field, reason=exc.reason, ctx=exc.ctx)
        return JSONResponse(body, status_code=_status_for(exc))

    @app.exception_handler(AuthError)
    async def auth_error(request: Request, exc: AuthError) -> JSONResponse:
        # RFC 6750: the scheme and realm; a token that was sent and refused is an invalid_token.
        sent = request.headers.get("authorization", "").lower().startswith("bearer ")
        challenge = 'Bearer realm="tsunagu"' + (', error="invalid_token"' if sent else "")
        headers = {"WWW-Authenticate": challenge} if exc.status == 401 else None
        code = "unauthorized" if exc.status == 401 else "forbidden"
        body = error_body(code, exc.message, reason=exc.reason, ctx=exc.ctx)
        return JSONResponse(body, status_code=exc.status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def framework_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # The framework's own refusals (unknown path, wrong method, a body it cannot read) in the
        # project's shape, not {"detail": ...}.
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail, ensure_ascii=False)
        return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [_detail(err) for err in exc.errors()]
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
    _document_refusals(app)
    app.add_middleware(_Correlation)
    # Outermost, so that an oversized or NUL-bearing request is refused before anything reads it.
    app.add_middleware(_EdgeGuard, max_body_bytes=max_body_bytes)
    return app


_FRAMEWORK_422 = "#/components/schemas/HTTPValidationError"


def _document_refusals(app: FastAPI) -> None:
    """The OpenAPI document shows the 422 body the service sends (:class:`ErrorBody`), not
    FastAPI's default ``HTTPValidationError``: the web client's types are made from it."""
    framework_document = app.openapi

    def document() -> dict[str, Any]:
        spec = framework_document()  # built once, then cached by FastAPI (and replaced here once)
        schemas = spec.get("components", {}).get("schemas", {})
        if "HTTPValidationError" in schemas:
            body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(body.pop("$defs", {}))
            schemas["ErrorBody"] = body
            del schemas["HTTPValidationError"]
            schemas.pop("ValidationError", None)
            _replace_ref(spec, _FRAMEWORK_422, "#/components/schemas/ErrorBody")
        return spec

    app.openapi = document  # type: ignore[method-assign]


def _replace_ref(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and value == old:
                node[key] = new
            else:
                _replace_ref(value, old, new)
    elif isinstance(node, list):
        for item in node:
            _replace_ref(item, old, new)


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
