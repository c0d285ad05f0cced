"""What no route should ever see, and what every request carries: two pure ASGI layers.

- :class:`EdgeGuard` refuses, before routing, a body over the service's cap (413) and a NUL
  character in the path, the query or any string of a JSON body (422 naming where).
- :class:`Correlation` gives every request its correlation id (``X-Correlation-ID``, sent or new)
  on ``request.state``, in the log context and on the response, and observes its latency.

:func:`create_app <shared.web.create_app>` adds both to every service.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl

import structlog
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.metrics import HTTP_LATENCY
from shared.refusals import error_body

__all__ = ["CORRELATION_HEADER", "DEFAULT_MAX_BODY_BYTES", "Correlation", "EdgeGuard"]

CORRELATION_HEADER = "X-Correlation-ID"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
_BODYLESS = {"GET", "HEAD", "OPTIONS", "DELETE"}


class EdgeGuard:
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


class Correlation:
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
