"""The review queue's "never commented" filter: ``commented=false`` lists the consultations no
supervisor ever commented on, even once a comment was acknowledged (it stays commented). On SQLite
and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.intake.bootstrap import build
from services.intake.config import Settings
from tests.integration.intake.test_intake_http import auth


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[TestClient]:
    built, kit = build(Settings(var_dir=tmp_path, log_json=False, database_url=db_url), kafka=False)
    try:
        with TestClient(built) as client:
            yield client
    finally:
        kit.close()


def test_never_commented_consultations_are_filtered_on_the_server(app: Any) -> None:
    body = {"subject_description": "男性", "source": "friend", "channel": "phone", "issues": ["other"]}
    ids = [app.post("/consultations", json=body, headers=auth()).json()["consultation_id"] for _ in range(3)]
    manager = auth("intake", "manager")
    added = app.post(f"/consultations/{ids[0]}/comments", json={"comment": "見守り体制を確認"}, headers=manager)
    assert added.status_code == 201, added.json()
    app.post(f"/consultations/{ids[1]}/comments", json={"comment": "訪問の予定は"}, headers=manager)
    [comment] = app.get(f"/consultations/{ids[1]}", headers=auth()).json()["supervisor_comments"]
    acknowledged = app.post(
        f"/consultations/{ids[1]}/comments/{comment['comment_id']}/acknowledge", json={}, headers=auth()
    )
    assert acknowledged.status_code == 200, acknowledged.json()

    def listed(**params: Any) -> tuple[int, set[str]]:
        reply = app.get("/consultations", params={"status": "open", **params}, headers=manager)
        assert reply.status_code == 200, reply.json()
        return reply.json()["total"], {c["consultation_id"] for c in reply.json()["items"]}

    assert listed(commented=False) == (1, {ids[2]})
    assert listed(commented=True) == (2, {ids[0], ids[1]})
    assert listed(commented=True, unacknowledged_comments=False) == (1, {ids[1]})  # reviewed, read
    assert listed(commented=False, limit=1, offset=1) == (1, set())
    assert app.get("/consultations", params={"commented": "perhaps"}, headers=manager).status_code == 422
