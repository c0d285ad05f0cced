"""Size limits at the edge of a service: the request body cap (413) and the event size (422).

A body larger than the service's cap never reaches a route; an event whose Kafka record would be
larger than the topic takes is refused when it is recorded, naming the field, and nothing of the
command is stored (so the relay is never handed an event it cannot publish).
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from services.loans.bootstrap import build
from services.loans.config import Settings
from shared.auth import mint_token
from shared.eventstore import events_table
from shared.settings import DEV_JWT_SECRET
from tests.unit.loans.registered import register_household

AUTH = {"Authorization": "Bearer " + mint_token(DEV_JWT_SECRET, "l-1", "loans", "worker")}
CONSULTATION = {
    "household_id": "hh-1",
    "fund_type": "moving_and_utilities",
    "kind": "new_until_decision",
    "channel": "interview",
    "counterpart": "self",
    "initial": True,
    "issues": ["housing"],
}


def test_an_oversized_body_is_refused_with_413_naming_the_limit(tmp_path):
    app, kit = build(Settings(var_dir=tmp_path, log_json=False, max_request_bytes=64 * 1024), kafka=False)
    client = TestClient(app)
    response = client.post("/consultations", json={**CONSULTATION, "summary": "相" * 30_000}, headers=AUTH)
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "too_large" and body["field"] == "body" and "at most 65,536 bytes" in body["message"]
    kit.close()


def test_an_event_larger_than_the_topic_takes_is_refused_with_422_naming_the_field(tmp_path):
    settings = Settings(var_dir=tmp_path, log_json=False, max_event_bytes=16 * 1024)
    app, kit = build(settings, kafka=False)
    register_household(kit.uow, "hh-1")
    with kit.engine.connect() as conn:
        registered = conn.execute(select(func.count()).select_from(events_table)).scalar_one()
    client = TestClient(app)
    # Within the field's 8,000 characters, but 21,000 bytes of UTF-8: more than the topic takes.
    response = client.post("/consultations", json={**CONSULTATION, "summary": "相" * 7_000}, headers=AUTH)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "invalid" and body["field"] == "summary"
    assert "loans.LoanConsultationOpened" in body["message"] and "16,384 bytes" in body["message"]
    # A long Japanese text can pass the field's character limit and still be too large: the client
    # says so in Japanese from the reason and the limit.
    assert (body["reason"], body["ctx"]) == ("event_too_large", {"max": 16_384})
    with kit.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(events_table)).scalar_one() == registered
    ok = client.post("/consultations", json={**CONSULTATION, "summary": "相" * 100}, headers=AUTH)
    assert ok.status_code == 201, ok.text
    kit.close()
