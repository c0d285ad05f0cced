"""The districts' lists page on the server: areas, district files, resources, helpers, the schedule and
its escalations answer ``limit``/``offset`` with the ``total`` the filter admits (for the screens' pager)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.districts.test_district_records_http import (
    INTAKE,
    MANAGER,
    WORKER,
    auth,
    hierarchy,
)


def page(client: TestClient, url: str, headers: dict[str, str] = INTAKE, **params: Any) -> dict[str, Any]:
    reply = client.get(url, params=params, headers=headers)
    assert reply.status_code == 200, reply.json()
    return reply.json()


def test_every_district_list_pages_with_a_total(app: tuple[TestClient, Any]) -> None:
    client, _kit = app
    hierarchy(client)
    for year in (2012, 2013, 2014):
        body = {"district_id": "kamigo", "fiscal_year": year, "csw_id": "d-w1", "goal": "見守り"}
        assert client.post("/district-files", json=body, headers=WORKER).status_code == 201
    for name in ("A商店", "B商店", "C商店"):
        body = {"district_id": "kamigo", "kind": "watching_shop", "name": name}
        assert client.post("/resources", json=body, headers=WORKER).status_code == 201
        helper = {"district_id": "kamigo", "kind": "welfare_commissioner", "name": f"{name}の委員"}
        assert client.post("/helpers", json=helper, headers=WORKER).status_code == 201
    events = []
    for day in ("2014-06-10", "2014-06-11", "2014-06-12"):
        body = {"district_id": "kamigo", "title": "定例会", "kind": "council_meeting", "held_on": day}
        events.append(client.post("/schedule", json=body, headers=WORKER).json()["event_id"])
    for event_id in events[:2]:  # nobody answering districts takes the first two: escalated
        assert client.post(f"/schedule/{event_id}/coverage", json={"handles": False}, headers=WORKER).status_code == 200

    areas = page(client, "/areas", limit=2, offset=2)
    assert (areas["total"], areas["limit"], areas["offset"]) == (6, 2, 2)
    assert [a["area_id"] for a in areas["items"]] == ["hokatsu-north", "yamato-3chome"]  # tree order, page 2
    assert len(page(client, "/areas")["items"]) == 6  # all of a council's areas by default (select options)

    files = page(client, "/district-files", limit=2, offset=0)
    assert files["total"] == 3 and [f["fiscal_year"] for f in files["items"]] == [2014, 2013]
    assert [f["fiscal_year"] for f in page(client, "/district-files", limit=2, offset=2)["items"]] == [2012]
    assert page(client, "/district-files", fiscal_year=2013)["total"] == 1

    resources = page(client, "/resources", limit=2, offset=1)
    assert resources["total"] == 3 and [r["name"] for r in resources["items"]] == ["B商店", "C商店"]
    assert page(client, "/resources", name="A", limit=1)["total"] == 1

    helpers = page(client, "/helpers", limit=1, offset=2)
    assert helpers["total"] == 3 and [h["name"] for h in helpers["items"]] == ["C商店の委員"]
    assert helpers["items"][0]["contact"] is None  # still redacted for other departments when paged

    june = page(client, "/schedule", month="2014-06", limit=1, offset=1)
    assert june["total"] == 3 and [e["held_on"] for e in june["items"]] == ["2014-06-11"]
    assert june["counts"] == {"escalated": 2, "open": 1}  # over the filter, not the page
    escalated = page(client, "/schedule/escalations", auth("intake", "manager"), limit=1, offset=1)
    assert escalated["total"] == 2 and [e["held_on"] for e in escalated["items"]] == ["2014-06-11"]

    for url in ("/areas", "/district-files", "/resources", "/helpers", "/schedule"):
        assert client.get(url, params={"limit": 0}, headers=INTAKE).status_code == 422
        assert client.get(url, params={"offset": -1}, headers=INTAKE).status_code == 422
    assert client.get("/areas", headers=MANAGER).status_code == 200


@pytest.mark.postgres
def test_the_same_on_postgresql(on_postgresql: Any) -> None:
    on_postgresql(test_every_district_list_pages_with_a_total)
