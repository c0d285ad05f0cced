"""Refusals in one shape, for every service: the body, the status of each kind, the handlers.

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
body over the cap      413   (``max_body_bytes``, 1 MiB by default: :mod:`shared.guards`)
framework refusals     their status (404 unknown path, 405, 400 unreadable body), same shape
=====================  ======

:func:`create_app <shared.web.create_app>` installs the handlers (:func:`handle_refusals`) and the
document's shape (:func:`document_refusals`) on every service.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.auth import AuthError
from shared.errors import (
    ConcurrencyConflict,
    DomainError,
    Forbidden,
    IllegalTransition,
    InvalidCommand,
    NotFound,
)

__all__ = ["ErrorBody", "ErrorDetail", "document_refusals", "error_body", "handle_refusals", "status_for"]

_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    InvalidCommand: 422,
    IllegalTransition: 409,
    ConcurrencyConflict: 409,
    Forbidden: 403,
}
_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large", 415: "unsupported"}


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


def status_for(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return 400


def handle_refusals(app: FastAPI) -> None:
    """Every refusal of ``app`` in the one shape: domain refusals, sign-in and role refusals, the
    framework's own (unknown path, wrong method) and malformed requests."""

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        body = error_body(exc.code, exc.message, exc.field, reason=exc.reason, ctx=exc.ctx)
        return JSONResponse(body, status_code=status_for(exc))

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


_FRAMEWORK_422 = "#/components/schemas/HTTPValidationError"


def document_refusals(app: FastAPI) -> None:
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
