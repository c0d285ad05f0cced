"""Operations surface: JSON logs with correlation ids, health, readiness, metrics."""

from __future__ import annotations

import json

import structlog
from fastapi.testclient import TestClient

from services.loans.bootstrap import build
from services.loans.config import Settings
from shared.auth import DevelopmentTokens
from shared.logging import configure_logging


def test_logs_are_json_lines_carrying_service_and_correlation_id(capsys):
    configure_logging("loans", json=True)
    structlog.contextvars.bind_contextvars(correlation_id="c-123")
    try:
        structlog.get_logger("t").info("loan.denied", application_id="a-1")
    finally:
        structlog.contextvars.unbind_contextvars("correlation_id")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["event"] == "loan.denied"
    assert line["service"] == "loans" and line["correlation_id"] == "c-123" and line["level"] == "info"


def test_health_ready_and_metrics_answer_without_a_token_and_echo_the_correlation_id(tmp_path):
    app, kit = build(Settings(var_dir=tmp_path, log_json=False), kafka=False)
    client = TestClient(app)
    health = client.get("/health", headers={"X-Correlation-ID": "abc"})
    assert health.status_code == 200 and health.headers["X-Correlation-ID"] == "abc"
    assert client.get("/ready").json() == {"status": "ready"}
    metrics = client.get("/metrics").text
    for name in ("tsunagu_relay_backlog", "tsunagu_consumer_lag", "tsunagu_http_request_seconds"):
        assert name in metrics
    kit.close()


def test_readiness_answers_503_naming_what_is_not_ready():
    from shared.web import create_app

    app = create_app(
        title="t",
        description="t",
        tokens=DevelopmentTokens("x" * 40),
        routers=[],
        readiness=[lambda: None, lambda: "kafka: not connected to 127.0.0.1:9092"],
    )
    response = TestClient(app).get("/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "problems": ["kafka: not connected to 127.0.0.1:9092"]}
