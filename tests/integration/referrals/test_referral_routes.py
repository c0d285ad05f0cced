"""The referral desk's HTTP routes on the kit's edge, over SQLite: ETag on every reply about one
referral, and an answer on a stale If-Match refused with 409 and nothing recorded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.auth import DevelopmentTokens, mint_token
from shared.clock import FixedClock
from shared.envelope import Actor
from shared.referrals.commands import MakeReferral
from shared.referrals.desk import ReferralDesk, stream_of
from shared.service import ServiceKit, build_kit
from shared.settings import DEV_JWT_SECRET, ServiceSettings
from shared.web import create_app

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
INTAKE = Actor(staff_id="i-w1", department="intake", role="worker")


def auth(department: str, role: str = "worker") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 'x-1', department, role)}"}


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[ReferralDesk]:
    """The conferences desk, with a store that has already seen intake's referral r-1 to it."""
    kit = build_kit(ServiceSettings(service="conferences", var_dir=tmp_path), kafka=False, clock=FixedClock(T0))
    ReferralDesk(kit, "intake").make(
        INTAKE,
        MakeReferral(
            referral_id="r-1",
            by=INTAKE.staff_id,
            case_id="p-1",
            target_kind="department",
            target="conferences",
            reason_category="case_conference",
            deadline=T0 + timedelta(days=7),
        ),
    )
    yield ReferralDesk(kit, "conferences")
    kit.close()


@pytest.fixture
def client(desk: ReferralDesk) -> TestClient:
    app = create_app(
        title="desk", description="the referral desk", tokens=DevelopmentTokens(DEV_JWT_SECRET), routers=[desk.router()]
    )
    return TestClient(app)


def events_of(kit: ServiceKit, referral_id: str) -> list[str]:
    with kit.engine.connect() as conn:
        return [e.type for e in kit.store.read_stream(conn, stream_of(referral_id))]


def test_a_referral_read_and_each_answer_carry_its_version_as_the_etag(client: TestClient) -> None:
    read = client.get("/referrals/r-1", headers=auth("conferences"))
    assert read.status_code == 200 and read.headers["ETag"] == '"1"' and read.json()["version"] == 1

    accepted = client.post("/referrals/r-1/accept", json={}, headers={**auth("conferences"), "If-Match": '"1"'})
    assert accepted.status_code == 200 and accepted.headers["ETag"] == '"2"'
    done = client.post(
        "/referrals/r-1/complete",
        json={"outcome": "support_started"},
        headers={**auth("conferences"), "If-Match": 'W/"2"'},
    )
    assert done.status_code == 200 and done.headers["ETag"] == '"3"' and done.json()["status"] == "completed"


def test_an_answer_on_a_stale_if_match_is_a_conflict_and_nothing_is_recorded(
    client: TestClient, desk: ReferralDesk
) -> None:
    stale = client.post("/referrals/r-1/accept", json={}, headers={**auth("conferences"), "If-Match": '"0"'})

    assert stale.status_code == 409 and stale.json()["field"] == "expected_version"
    assert events_of(desk.kit, "r-1") == ["referral.ReferralMade"]
    assert client.get("/referrals/r-1", headers=auth("conferences")).json()["status"] == "made"


def test_a_new_referral_carries_its_first_version_and_an_if_match_that_is_no_version_is_refused(
    client: TestClient,
) -> None:
    body: dict[str, Any] = {
        "case_id": "p-2",
        "target_kind": "department",
        "target": "districts",
        "reason_category": "isolation_outreach",
    }
    made = client.post("/referrals", json=body, headers=auth("conferences"))
    assert made.status_code == 201 and made.headers["ETag"] == '"1"'

    garbled = client.post(
        "/referrals/r-1/decline", json={"reason": "対象外"}, headers={**auth("conferences"), "If-Match": "v1"}
    )
    assert garbled.status_code == 422 and garbled.json()["field"] == "If-Match"


def test_the_departments_auditor_reads_its_inbox_without_the_notes_its_workers_read(client: TestClient) -> None:
    body: dict[str, Any] = {
        "case_id": "p-3",
        "target_kind": "department",
        "target": "districts",
        "reason_category": "isolation_outreach",
        "reason_detail": "近所の方によると、夜も電気がつかない",
    }
    made = client.post("/referrals", json=body, headers=auth("conferences"))
    assert made.status_code == 201, made.text
    referral_id = made.json()["referral_id"]
    worker = client.get(f"/referrals/{referral_id}", headers=auth("conferences")).json()
    assert worker["reason_detail"] == body["reason_detail"] and worker["redacted"] == []
    for path in (f"/referrals/{referral_id}", "/referrals/outbox"):
        answer = client.get(path, headers=auth("conferences", "auditor"))
        assert answer.status_code == 200, answer.text
        assert "夜も電気" not in answer.text, path
    audited = client.get(f"/referrals/{referral_id}", headers=auth("conferences", "auditor")).json()
    assert audited["reason_detail"] is None and audited["redacted"] == ["reason_detail"]
    assert (audited["status"], audited["target"], audited["reason_category"]) == (
        "made",
        "districts",
        "isolation_outreach",
    )
