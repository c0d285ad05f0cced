"""Action items become work, over the real broker: an action item a conference assigns to districts
arrives in districts' referral inbox; districts accepts and completes the referral over its own
HTTP API; conferences' consumer then completes the item, with who did it, and the conference shows
the referral completed. Another department's token cannot answer the referral, and another
department's inbox never lists it.

Both services run as their ``bootstrap.build`` makes them (consumers included, workers driven by
hand) on the session's shared topics, conferences on SQLite and on PostgreSQL; consumer groups carry
a per-test prefix, and assertions look only at this test's own cases.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.conferences.bootstrap import build as build_conferences
from services.conferences.config import Settings as ConferencesSettings
from services.conferences.domain.conference import action_item_referral_id
from services.districts.bootstrap import build as build_districts
from services.districts.config import Settings as DistrictsSettings
from shared.auth import mint_token
from shared.clock import FixedClock
from shared.service import ServiceKit
from shared.settings import DEV_JWT_SECRET

T0 = datetime(2015, 6, 10, 1, 0, tzinfo=UTC)
CENTRE = {"name": "センター長", "organisation": "地域包括支援センター", "kind": "agency"}


def auth(department: str, if_match: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, f'{department}-w1', department, 'worker')}"}
    if if_match is not None:
        headers["If-Match"] = if_match
    return headers


@dataclass
class Platform:
    conferences: TestClient
    districts: TestClient
    kits: tuple[ServiceKit, ...]

    def drain(self) -> None:
        """Publish every store and run every consumer until a round moves nothing."""
        for round_ in range(6):
            sent = sum(kit.relay.drain() for kit in self.kits if kit.relay is not None)
            seen = 0
            for kit in self.kits:
                for consumer in kit.consumers:
                    seen += consumer.run_until_idle(idle_polls=3 if round_ == 0 else 1)
            if round_ and not sent and not seen:
                return


def _settings(tmp_path: Path, kafka: Any) -> dict[str, Any]:
    return {
        "var_dir": tmp_path,
        "kafka_bootstrap_servers": kafka.bootstrap_servers,
        "consumer_group_prefix": f"{tmp_path.parent.name}-",
        "log_json": False,
    }


@pytest.fixture
def platform(tmp_path: Path, kafka: Any, db_url: str) -> Iterator[Platform]:
    """Conferences on SQLite and on PostgreSQL (its consumer and read rows on both stores)."""
    clock = FixedClock(T0)
    conferences_app, conferences = build_conferences(
        ConferencesSettings(**_settings(tmp_path / "conferences", kafka), database_url=db_url), clock=clock
    )
    districts_app, districts = build_districts(
        DistrictsSettings(**_settings(tmp_path / "districts", kafka)), clock=clock
    )
    yield Platform(TestClient(conferences_app), TestClient(districts_app), (conferences, districts))
    for kit in (conferences, districts):
        kit.close()


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.json()
    return dict(response.json())


def held_with_an_item_for_districts(p: Platform, case_id: str) -> tuple[str, str]:
    body = {
        "kind": "case_conference",
        "case_id": case_id,
        "purpose": "見守りの役割分担",
        "scheduled_for": T0.isoformat(),
    }
    cid = str(ok(p.conferences.post("/conferences", json=body, headers=auth("conferences")), 201)["conference_id"])
    held = {
        "held_at": T0.isoformat(),
        "participants": [CENTRE],
        "basis": {"kind": "consent", "reference": "consent-9"},
        "action_items": [
            {
                "description": "サロンを勧める",
                "assignee_kind": "department",
                "assignee": "districts",
                "due_on": "2015-06-30",
            }
        ],
    }
    [action_id] = ok(p.conferences.post(f"/conferences/{cid}/held", json=held, headers=auth("conferences")))[
        "action_ids"
    ]
    return cid, action_id


def test_an_action_item_arrives_in_the_departments_inbox_and_completing_the_referral_completes_it(platform):
    p = platform
    case_id = f"p-{uuid.uuid4().hex[:12]}"  # the topics are shared: this test's own case
    cid, action_id = held_with_an_item_for_districts(p, case_id)
    referral_id = action_item_referral_id(action_id)
    p.drain()

    inbox = ok(p.districts.get("/referrals/inbox", params={"case_id": case_id}, headers=auth("districts")))
    [arrived] = [r for r in inbox["items"] if r["referral_id"] == referral_id]
    assert (arrived["source_department"], arrived["reason_category"], arrived["status"]) == (
        "conferences",
        "conference_action_item",
        "made",
    )
    assert arrived["reason_detail"] == "サロンを勧める"  # the conference's consent basis lets the detail cross

    # the side that suffers: intake's token cannot answer districts' referral at districts' desk
    refused = p.districts.post(f"/referrals/{referral_id}/accept", json={}, headers=auth("intake"))
    assert refused.status_code == 403

    accepted = ok(p.districts.post(f"/referrals/{referral_id}/accept", json={}, headers=auth("districts")))
    done = {"outcome": "watch_started", "note": "サロンに案内した"}
    ok(
        p.districts.post(
            f"/referrals/{referral_id}/complete", json=done, headers=auth("districts", f'"{accepted["version"]}"')
        )
    )
    p.drain()

    view = ok(p.conferences.get(f"/conferences/{cid}", headers=auth("conferences")))
    [item] = view["action_items"]
    assert item["done"] is True and item["completed_by_department"] == "districts"
    assert item["referral_status"] == "completed"
    listed = ok(
        p.conferences.get("/action-items", params={"assignee": "districts", "done": True}, headers=auth("districts"))
    )
    assert action_id in [i["action_id"] for i in listed["items"]]
    kit = p.kits[0]
    with kit.engine.connect() as conn:
        [completed] = [
            e for e in kit.store.read_stream(conn, f"conference-{cid}") if e.type == "conferences.ActionItemCompleted"
        ]
    assert (
        completed.data["completed_by"] == "districts-w1"
        and completed.data["note"] == "[watch_started] サロンに案内した"
    )
    assert completed.actor.staff_id == "system:conferences"

    p.drain()  # a redelivered completion changes nothing
    assert ok(p.conferences.get(f"/conferences/{cid}", headers=auth("conferences")))["version"] == view["version"]


def test_an_item_done_at_the_conferences_desk_withdraws_the_referral_from_the_inbox(platform):
    p = platform
    case_id = f"p-{uuid.uuid4().hex[:12]}"
    cid, action_id = held_with_an_item_for_districts(p, case_id)
    referral_id = action_item_referral_id(action_id)
    p.drain()
    ok(
        p.conferences.post(
            f"/conferences/{cid}/action-items/{action_id}/complete", json={}, headers=auth("conferences")
        )
    )
    p.drain()

    [withdrawn] = ok(p.districts.get("/referrals/inbox", params={"case_id": case_id}, headers=auth("districts")))[
        "items"
    ]
    assert withdrawn["referral_id"] == referral_id and withdrawn["status"] == "cancelled"
    answer = p.districts.post(f"/referrals/{referral_id}/accept", json={}, headers=auth("districts"))
    assert answer.status_code == 409
