"""The HTTP edge refuses bad input with 4xx in the project's error shape, never a 500.

Every query parameter of every GET operation of every service, read from its OpenAPI document, is
sent the values a fuzzer sends (offsets past 2^63 and negative, years 1 and 9999, a naive time, a
NUL character); bodies over the cap, malformed JSON, invalid UTF-8 and NUL characters in a body
are refused at the edge. A refusal names what was wrong.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.auth import mint_token
from shared.settings import DEV_JWT_SECRET

SERVICES = ["intake", "loans", "reporting", "districts", "conferences"]
ROLES = {"reporting": "manager"}


@pytest.fixture(params=SERVICES)
def service(request: pytest.FixtureRequest, tmp_path) -> Iterator[tuple[str, TestClient]]:
    name = request.param
    bootstrap = importlib.import_module(f"services.{name}.bootstrap")
    config = importlib.import_module(f"services.{name}.config")
    app, kit = bootstrap.build(config.Settings(var_dir=tmp_path, log_json=False), kafka=False)
    token = mint_token(DEV_JWT_SECRET, "s-1", name, ROLES.get(name, "manager"))
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"}, raise_server_exceptions=False)
    yield name, client
    kit.close()


def _schema_kind(schema: dict[str, Any]) -> str | None:
    for option in [schema, *schema.get("anyOf", [])]:
        if option.get("type") == "integer":
            return "integer"
        if option.get("format") in ("date", "date-time"):
            return option["format"]
    return None


PLAUSIBLE = {"integer": "1", "date": "2026-04-01", "date-time": "2026-04-01T09:00:00+09:00", None: "x"}
HOSTILE = {
    "integer": [str(2**63), str(2**64 + 5), "-1", "-" + str(2**63 + 1)],
    "date": ["0001-01-01", "9999-12-31"],
    "date-time": ["0001-01-01T00:00:00+09:00", "9999-12-31T23:59:59-09:00", "2026-04-01T09:00:00"],
    None: ["a\x00b"],
}


def _path(template: str, parameters: list[dict[str, Any]]) -> str:
    for p in parameters:
        if p["in"] == "path":
            template = template.replace("{" + p["name"] + "}", (p["schema"].get("enum") or ["x-1"])[0])
    return template


def _operations(client: TestClient, method: str = "get") -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        if method in item and path not in ("/health", "/ready", "/metrics"):
            yield _path(path, item[method].get("parameters", [])), item[method]


def _a_post_with_a_body(client: TestClient) -> str:
    """A route that reads a JSON body (reporting has none: it only reads, so any path does there)."""
    return next((path for path, op in _operations(client, "post") if "requestBody" in op), "/cases/x-1")


def test_no_query_parameter_value_makes_a_server_error(service):
    name, client = service
    tried = 0
    for path, operation in _operations(client):
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        base = {
            p["name"]: (p["schema"].get("enum") or [PLAUSIBLE[_schema_kind(p["schema"])]])[0]
            for p in query
            if p.get("required")
        }
        for param in query:
            for value in HOSTILE[_schema_kind(param["schema"])]:
                tried += 1
                response = client.get(path, params={**base, param["name"]: value})
                assert response.status_code < 500, (name, path, param["name"], value, response.text)
                if response.status_code == 422:
                    body = response.json()
                    assert body["error"] == "invalid" and param["name"] in body["message"], body
    assert tried > 0


def test_a_body_over_the_cap_is_refused_with_413_naming_the_limit(service):
    _name, client = service
    response = client.post(_a_post_with_a_body(client), content=b'{"case_id": "' + b"x" * (1024 * 1024) + b'"}')
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "too_large" and "1,048,576 bytes" in body["message"] and body["field"] == "body"


def test_malformed_json_and_invalid_utf8_are_refused_in_the_projects_shape(service):
    _name, client = service
    headers = {"Content-Type": "application/json"}
    for content in (b'{"case_id": ', '{"case_id": "\xff"}'.encode("latin-1")):
        response = client.post(_a_post_with_a_body(client), content=content, headers=headers)
        assert 400 <= response.status_code < 500, response.text
        body = response.json()
        assert body["error"] in ("invalid", "bad_request", "method_not_allowed") and body["message"], body
    missing = client.get("/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_a_nul_character_anywhere_in_a_body_or_query_is_refused_naming_where(service):
    _name, client = service
    # Refused before routing: the same on a route that reads a body and on one that does not.
    response = client.post(_a_post_with_a_body(client), json={"notes": [{"text": "a\x00b"}], "case_id": "p-1"})
    assert response.status_code == 422 and response.json()["field"] == "notes.0.text"
    response = client.get("/health", params={"case_id": "p\x001"})
    assert response.status_code == 422 and response.json()["field"] == "query.case_id"


def _unbounded_strings(schema: dict[str, Any], defs: dict[str, Any], where: str, seen: set[str]) -> Iterator[str]:
    """Paths of string properties that document no maxLength (codes with an enum are bounded)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _unbounded_strings(defs[name], defs, where, seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _unbounded_strings(option, defs, where, seen)
    kind = schema.get("type")
    if kind == "string" and not ({"maxLength", "enum", "const", "format"} & schema.keys()):
        yield where
    for name, prop in schema.get("properties", {}).items():
        yield from _unbounded_strings(prop, defs, f"{where}.{name}", seen)
    if kind == "array" and "items" in schema:
        yield from _unbounded_strings(schema["items"], defs, f"{where}[]", seen)


def _bodies(client: TestClient) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        for method, op in item.items():
            schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if schema:
                yield method.upper(), path, schema


def test_every_text_field_of_every_body_documents_its_maximum_length(service):
    name, client = service
    defs = client.app.openapi().get("components", {}).get("schemas", {})  # type: ignore[attr-defined]
    unbounded = sorted(
        {
            where
            for method, path, schema in _bodies(client)
            for where in _unbounded_strings(schema, defs, f"{method} {path}", set())
        }
    )
    assert unbounded == [], f"{name}: text fields without maxLength: {unbounded}"
    assert name == "reporting" or any(True for _ in _bodies(client)), "a desk with no request bodies?"


LONG_TEXT = {
    # The fields the fuzz run filled with megabytes; each answers 422 naming itself, nothing written.
    "loans": ("/consultations", "summary"),
    "intake": ("/consultations", "own_words"),
    "districts": ("/watch-concerns", "concern"),
    "conferences": ("/conferences", "purpose"),
}


def test_a_narrative_over_its_length_is_refused_with_422_naming_the_field(service):
    name, client = service
    if name not in LONG_TEXT:
        assert name == "reporting"  # reporting takes no text: it only reads
        return
    path, field = LONG_TEXT[name]
    response = client.post(path, json={field: "あ" * 20_000})
    assert response.status_code == 422, response.text
    problems = {d["field"]: d["problem"] for d in response.json()["details"]}
    assert "at most" in problems[field], problems
