"""The HTTP edge refuses bad input with 4xx in the project's error shape, never a 500.

Every query parameter of every GET operation of every service, read from its OpenAPI document, is
sent the values a fuzzer sends (offsets past 2^63 and negative, years 1 and 9999, a naive time, a
NUL character); bodies over the cap, malformed JSON, invalid UTF-8 and NUL characters in a body
are refused at the edge. A refusal names what was wrong.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from shared.auth import mint_token
from shared.settings import DEV_JWT_SECRET

SERVICES = ["intake", "loans", "reporting", "districts", "conferences"]
ROLES = {"reporting": "manager"}


def _served(name: str, folder: Path, role: str) -> Iterator[TestClient]:
    """The service built without Kafka on ``folder``, called with a token of its own department."""
    bootstrap = importlib.import_module(f"services.{name}.bootstrap")
    config = importlib.import_module(f"services.{name}.config")
    app, kit = bootstrap.build(config.Settings(var_dir=folder, log_json=False), kafka=False)
    token = mint_token(DEV_JWT_SECRET, "s-1", name, role)
    yield TestClient(app, headers={"Authorization": f"Bearer {token}"}, raise_server_exceptions=False)
    kit.close()


@pytest.fixture(params=SERVICES)
def service(request: pytest.FixtureRequest, tmp_path) -> Iterator[tuple[str, TestClient]]:
    name = request.param
    for client in _served(name, tmp_path, ROLES.get(name, "manager")):
        yield name, client


@pytest.fixture
def intake(tmp_path) -> Iterator[TestClient]:
    yield from _served("intake", tmp_path, "worker")


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


def test_a_fields_problem_carries_its_type_and_parameters_and_never_the_value_sent(service):
    # The web client says the problem in Japanese from ``type`` and ``ctx``; the value itself (a
    # narrative, personal data) is never echoed back into a response or a browser's console.
    name, client = service
    if name not in LONG_TEXT:
        return  # reporting takes no text
    path, field = LONG_TEXT[name]
    sent = "相談内容" * 5_000
    response = client.post(path, json={field: sent})
    assert response.status_code == 422, response.text
    detail = next(d for d in response.json()["details"] if d["field"] == field)
    documented = _body_schema(client, path)["properties"][field]
    maximum = next(o["maxLength"] for o in [documented, *documented.get("anyOf", [])] if "maxLength" in o)
    assert detail["type"] == "string_too_long" and detail["ctx"] == {"max_length": maximum}, detail
    assert "相談内容相談内容" not in response.text


def test_a_day_outside_the_calendar_names_its_bounds_for_the_client_to_say(intake):
    response = intake.get("/consultations", params={"opened_from": "0001-01-01"})
    assert response.status_code == 422, response.text
    (detail,) = response.json()["details"]
    assert detail == {
        "field": "query.opened_from",
        "problem": "must be between 1900-01-01 and 2199-12-31",
        "type": "date_out_of_range",
        "ctx": {"earliest": "1900-01-01", "latest": "2199-12-31"},
    }


def test_every_422_is_documented_as_the_body_the_service_sends(service):
    # The web client's types come from these documents: FastAPI's default {"detail": [...]} would
    # type a body no service sends.
    name, client = service
    spec = client.get("/openapi.json").json()  # as served, which the client's types are made from
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    documented = 0
    for item in spec["paths"].values():
        for operation in item.values():
            if "422" in operation.get("responses", {}):
                content = operation["responses"]["422"]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/ErrorBody"}, content
                documented += 1
    assert documented, f"{name}: no operation documents a 422?"
    path, number = next(
        (path, p["name"])
        for path, operation in _operations(client)
        for p in operation.get("parameters", [])
        if p["in"] == "query" and _schema_kind(p["schema"]) == "integer"
    )
    refused = client.get(path, params={number: "many"})
    assert refused.status_code == 422, refused.text
    jsonschema.validate(refused.json(), {"$ref": "#/components/schemas/ErrorBody", "components": spec["components"]})
    problems = {d["field"]: d["type"] for d in refused.json()["details"]}
    assert problems[f"query.{number}"] == "int_parsing", problems


def _body_schema(client: TestClient, path: str) -> dict[str, Any]:
    spec = client.app.openapi()  # type: ignore[attr-defined]
    ref = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


def test_a_domain_refusal_names_its_reason_for_the_client_to_say_it(intake):
    # 生年月日 in the future: the domain's refusal, in English for the API and with its reason and
    # field for the web client's Japanese words (errors.domain.in_future).
    response = intake.post("/people", json={"name_kanji": "未来 太郎", "birth_date": "2300-01-01"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["error"], body["field"], body["reason"], body["ctx"]) == ("invalid", "birth_date", "in_future", {})
    assert "in the future" in body["message"]
    spec = intake.get("/openapi.json").json()
    jsonschema.validate(body, {"$ref": "#/components/schemas/ErrorBody", "components": spec["components"]})
    assert intake.get("/people", params={"q": "未来"}).json()["total"] == 0  # nothing was registered
    # A refusal without a reason of its own keeps to the shape (no reason, no ctx).
    unreadable = intake.post("/people", content=b"{", headers={"content-type": "application/json"}).json()
    assert unreadable["error"] == "invalid" and "reason" not in unreadable and "ctx" not in unreadable
    # A kind of refusal may give every refusal of its kind one reason: whatever is not found.
    missing = intake.get("/consultations/c-none").json()
    assert (missing["error"], missing["reason"], missing["ctx"]) == ("not_found", "not_found", {})
    assert "c-none" in missing["message"]


def test_a_refused_state_change_names_its_reason_and_what_it_found(intake, tmp_path):
    # 再開 of a consultation that is still open, then a contact on one that is closed (終結): each
    # refusal names the situation for the web client's words, not only the English sentence.
    opened = intake.post(
        "/consultations",
        json={
            "subject_description": "3丁目の一人暮らしの高齢女性",
            "source": "self",
            "channel": "phone",
            "issues": ["other"],
        },
    )
    assert opened.status_code == 201, opened.text
    cid = opened.json()["consultation_id"]
    reopen = intake.post(f"/consultations/{cid}/reopen", json={"reason": "再度の連絡"})
    assert reopen.status_code == 409, reopen.text
    assert (reopen.json()["error"], reopen.json()["reason"]) == ("illegal_transition", "not_closed")
    closed = intake.post(f"/consultations/{cid}/close", json={"outcome": "solved"})
    assert closed.status_code == 200, closed.text
    contact = intake.post(
        f"/consultations/{cid}/contacts",
        json={"channel": "home_visit", "party": "self", "outcome": "not_reached", "summary": "訪問したが応答なし"},
    )
    assert contact.status_code == 409, contact.text
    assert (contact.json()["reason"], contact.json()["field"]) == ("closed_reopen_first", "consultation_id")
    # The state is as the refusals left it: closed, no contact recorded.
    after = intake.get(f"/consultations/{cid}").json()
    assert after["status"] == "closed" and after["contacts"] == []


def test_a_department_or_role_the_route_does_not_admit_is_named_in_the_refusal(tmp_path):
    # A loans worker at intake's desk, an intake auditor writing: 403 with the department or role
    # refused in ctx, so that the screen says which (部署 / 役割) in the staff member's words.
    for client in _served("intake", tmp_path, "worker"):
        loans = mint_token(DEV_JWT_SECRET, "s-2", "loans", "worker")
        auditor = mint_token(DEV_JWT_SECRET, "s-3", "intake", "auditor")
        wrong_desk = client.post(
            "/people", json={"name_kanji": "山田 花子"}, headers={"Authorization": f"Bearer {loans}"}
        )
        assert wrong_desk.status_code == 403, wrong_desk.text
        body = wrong_desk.json()
        assert (body["error"], body["reason"], body["ctx"]) == (
            "forbidden",
            "department_not_allowed",
            {"department": "loans"},
        )
        read_only = client.post(
            "/people", json={"name_kanji": "山田 花子"}, headers={"Authorization": f"Bearer {auditor}"}
        )
        assert read_only.status_code == 403, read_only.text
        assert (read_only.json()["reason"], read_only.json()["ctx"]) == ("role_not_allowed", {"role": "auditor"})
        assert client.get("/people", params={"q": "山田"}).json()["total"] == 0  # nothing was registered
