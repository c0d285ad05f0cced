"""Areas, district files and the registry through HTTP on SQLite (kit built without Kafka).

Who may write (district managers define areas; district staff open files and register resources;
other departments only read), 4xx that name the field, nothing half-written, If-Match/ETag, the
address lookup, search by kind and area, and the salon and volunteer-role facts naming a resource.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from shared.auth import mint_token
from shared.eventstore import events_table
from shared.settings import DEV_JWT_SECRET

T0 = datetime(2014, 5, 1, 1, 0, tzinfo=UTC)


def auth(department: str, role: str = "worker", staff_id: str = "s") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, staff_id, department, role)}"}


MANAGER = auth("districts", "manager", "d-m1")
WORKER = auth("districts", "worker", "d-w1")
INTAKE = auth("intake")


def events(kit: Any) -> int:
    with kit.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events_table)).scalar_one())


def hierarchy(client: TestClient) -> None:
    for body in (
        {"area_id": "ebina", "kind": "city", "name": "海老名市"},
        {
            "area_id": "north",
            "kind": "daily_life",
            "name": "北部圏域",
            "parent_id": "ebina",
            "address_prefixes": ["大和"],
        },
        {"area_id": "south", "kind": "daily_life", "name": "南部圏域", "parent_id": "ebina"},
        {
            "area_id": "yamato-3chome",
            "kind": "district_council",
            "name": "大和三丁目地区",
            "parent_id": "north",
            "address_prefixes": ["大和三丁目", "大和3丁目"],
        },
        {"area_id": "kamigo", "kind": "district_council", "name": "上郷地区", "parent_id": "south"},
        {
            "area_id": "hokatsu-north",
            "kind": "community_care",
            "name": "北部包括",
            "parent_id": "north",
            "address_prefixes": ["大和"],
        },
    ):
        reply = client.post("/areas", json=body, headers=MANAGER)
        assert reply.status_code == 201, reply.json()


def test_district_managers_define_areas_others_are_refused_and_nothing_is_written(app):
    client, kit = app
    city = {"area_id": "ebina", "kind": "city", "name": "海老名市"}
    assert client.post("/areas", json=city, headers=WORKER).status_code == 403
    assert client.post("/areas", json=city, headers=auth("intake", "manager")).status_code == 403
    assert events(kit) == 0
    hierarchy(client)
    before = events(kit)
    orphan = client.post(
        "/areas", json={"area_id": "x", "kind": "district_council", "name": "x", "parent_id": "ebina"}, headers=MANAGER
    )
    assert orphan.status_code == 422 and orphan.json()["field"] == "parent_id"
    bad = client.post("/areas", json={"area_id": "X Y", "kind": "city", "name": "x"}, headers=MANAGER)
    assert bad.status_code == 422 and bad.json()["field"] == "area_id"
    wrong_kind = client.post("/areas", json={"area_id": "x", "kind": "ward", "name": "x"}, headers=MANAGER)
    assert wrong_kind.status_code == 422 and "kind" in str(wrong_kind.json())
    assert client.post("/areas", json=city, headers=MANAGER).status_code == 409
    assert events(kit) == before


def test_areas_list_with_their_path_and_an_address_maps_to_its_areas(app):
    client, _kit = app
    hierarchy(client)
    listed = client.get("/areas", params={"kind": "district_council"}, headers=INTAKE).json()["items"]
    # Tree order: each area after its parent, by the path from the city.
    assert [(a["area_id"], a["path"]) for a in listed] == [
        ("yamato-3chome", ["ebina", "north", "yamato-3chome"]),
        ("kamigo", ["ebina", "south", "kamigo"]),
    ]
    north = client.get("/areas/north", headers=INTAKE)
    assert north.headers["ETag"] == '"1"'
    assert sorted(a["area_id"] for a in north.json()["children"]) == ["hokatsu-north", "yamato-3chome"]
    assert client.get("/areas/nowhere", headers=INTAKE).status_code == 404
    found = client.get("/address-areas", params={"address": "大和３丁目５番地"}, headers=INTAKE).json()
    assert found["district_id"] == "yamato-3chome"
    assert found["areas"] == {
        "daily_life": "north",
        "district_council": "yamato-3chome",
        "community_care": "hokatsu-north",
    }
    assert found["path"] == ["ebina", "north", "yamato-3chome"]
    outside = client.get("/address-areas", params={"address": "上郷1-1"}, headers=INTAKE).json()
    assert outside["district_id"] is None and outside["areas"] == {}
    prefixes = {"address_prefixes": ["上郷"]}
    assert client.put("/areas/kamigo/address-prefixes", json=prefixes, headers=WORKER).status_code == 403
    stale = client.put("/areas/kamigo/address-prefixes", json=prefixes, headers={**MANAGER, "If-Match": '"2"'})
    assert stale.status_code == 409
    changed = client.put("/areas/kamigo/address-prefixes", json=prefixes, headers={**MANAGER, "If-Match": '"1"'})
    assert changed.status_code == 200 and changed.headers["ETag"] == '"2"'
    same = client.put("/areas/kamigo/address-prefixes", json=prefixes, headers=MANAGER)
    assert same.status_code == 422 and same.json()["field"] == "address_prefixes"
    assert client.put("/areas/nowhere/address-prefixes", json=prefixes, headers=MANAGER).status_code == 404
    moved = client.get("/address-areas", params={"address": "上郷1-1"}, headers=INTAKE).json()
    assert moved["district_id"] == "kamigo" and moved["path"] == ["ebina", "south", "kamigo"]
    assert client.get("/address-areas", params={"address": " "}, headers=INTAKE).json()["field"] == "address"


def test_a_case_in_a_defined_district_shows_its_area_path(app):
    client, _kit = app
    hierarchy(client)
    for case_id, district in (("c-a", "yamato-3chome"), ("c-b", "undefined-district")):
        body = {"case_id": case_id, "district_id": district, "reported_by": "neighbour", "concern": "x"}
        assert client.post("/watch-concerns", json=body, headers=WORKER).status_code == 201
    rows = {r["case_id"]: r["area_path"] for r in client.get("/cases", headers=WORKER).json()["items"]}
    assert rows == {"c-a": ["ebina", "north", "yamato-3chome"], "c-b": []}
    assert client.get("/cases/c-a", headers=WORKER).json()["area_path"] == ["ebina", "north", "yamato-3chome"]
    north = client.get("/cases", params={"area_id": "north"}, headers=WORKER).json()
    assert [r["case_id"] for r in north["items"]] == ["c-a"] and north["total"] == 1
    assert client.get("/cases", params={"area_id": "south"}, headers=WORKER).json()["items"] == []
    assert client.get("/cases", params={"area_id": "nowhere"}, headers=WORKER).json()["field"] == "area_id"


def test_a_district_file_is_opened_evaluated_and_given_its_population_with_if_match(app):
    client, kit = app
    hierarchy(client)
    body = {"district_id": "yamato-3chome", "fiscal_year": 2014, "csw_id": "d-w1", "goal": "見守り体制づくり"}
    assert client.post("/district-files", json=body, headers=INTAKE).status_code == 403
    assert client.post("/district-files", json=body, headers=auth("districts", "auditor")).status_code == 403
    opened = client.post("/district-files", json=body, headers=WORKER)
    assert opened.status_code == 201 and opened.headers["ETag"] == '"1"'
    assert opened.json()["file_id"] == "yamato-3chome-2014"
    assert client.post("/district-files", json=body, headers=WORKER).status_code == 409
    unknown = client.post("/district-files", json={**body, "district_id": "nowhere"}, headers=WORKER)
    assert unknown.status_code == 422 and unknown.json()["field"] == "district_id"
    not_district = client.post("/district-files", json={**body, "district_id": "north"}, headers=WORKER)
    assert not_district.status_code == 422 and not_district.json()["field"] == "district_id"
    year = client.post("/district-files", json={**body, "fiscal_year": 14}, headers=WORKER)
    assert year.status_code == 422 and "fiscal_year" in str(year.json())

    url = "/district-files/yamato-3chome/2014"
    before = events(kit)
    pets = client.post(f"{url}/population", json={"as_of": "2014-04-01", "counts": {"pets": 3}}, headers=WORKER)
    assert pets.status_code == 422 and pets.json()["field"] == "counts"
    stale = client.post(f"{url}/evaluation", json={"evaluation": "達成"}, headers={**WORKER, "If-Match": '"3"'})
    assert stale.status_code == 409 and events(kit) == before
    population = {"as_of": "2014-04-01", "counts": {"total": 8123, "elderly": 2012, "single_elderly_households": 388}}
    recorded = client.post(f"{url}/population", json=population, headers={**WORKER, "If-Match": '"1"'})
    assert recorded.status_code == 200 and recorded.headers["ETag"] == '"2"'
    evaluated = client.post(f"{url}/evaluation", json={"evaluation": "見守り協力店が3店舗増えた"}, headers=WORKER)
    assert evaluated.headers["ETag"] == '"3"'
    assert client.post(f"{url}/csw", json={"csw_id": "d-w2"}, headers=WORKER).json()["csw_id"] == "d-w2"
    missing = client.post("/district-files/kamigo/2014/evaluation", json={"evaluation": "x"}, headers=WORKER)
    assert missing.status_code == 404 and missing.json()["field"] == "fiscal_year"

    detail = client.get(url, headers=INTAKE).json()
    assert (detail["csw_id"], detail["evaluation"], detail["population"]["elderly"]) == (
        "d-w2",
        "見守り協力店が3店舗増えた",
        2012,
    )
    assert detail["area_path"] == ["ebina", "north", "yamato-3chome"] and detail["version"] == 4
    assert [
        f["file_id"] for f in client.get("/district-files", params={"area_id": "north"}, headers=INTAKE).json()["items"]
    ] == ["yamato-3chome-2014"]
    assert client.get("/district-files", params={"area_id": "south"}, headers=INTAKE).json()["items"] == []
    with kit.engine.connect() as conn:
        actors = (
            conn.execute(
                select(events_table.c.actor_id).where(events_table.c.stream_id == "district-file-yamato-3chome-2014")
            )
            .scalars()
            .all()
        )
    assert set(actors) == {"d-w1"}


def test_resources_and_helpers_are_searched_by_kind_and_area_and_shown_in_the_district_file(app):
    client, kit = app
    hierarchy(client)
    client.post(
        "/district-files",
        json={"district_id": "yamato-3chome", "fiscal_year": 2014, "csw_id": "d-w1", "goal": "g"},
        headers=WORKER,
    )
    salon = {
        "district_id": "yamato-3chome",
        "kind": "salon",
        "name": "大和ふれあいサロン",
        "serves": "一人暮らし高齢者",
    }
    assert client.post("/resources", json=salon, headers=auth("loans")).status_code == 403
    made = client.post("/resources", json=salon, headers=WORKER)
    assert made.status_code == 201 and made.headers["ETag"] == '"1"'
    shop = {"district_id": "kamigo", "kind": "watching_shop", "name": "上郷商店", "contact": "046-000-0000"}
    client.post("/resources", json=shop, headers=WORKER)
    before = events(kit)
    wrong = client.post("/resources", json={**shop, "kind": "castle"}, headers=WORKER)
    assert wrong.status_code == 422 and wrong.json()["field"] == "kind"
    outside = client.post("/resources", json={**shop, "district_id": "north"}, headers=WORKER)
    assert outside.status_code == 422 and outside.json()["field"] == "district_id"
    assert events(kit) == before

    def names(**params: str) -> list[str]:
        return [r["name"] for r in client.get("/resources", params=params, headers=INTAKE).json()["items"]]

    assert names(area_id="ebina") == ["上郷商店", "大和ふれあいサロン"]
    assert names(area_id="north") == ["大和ふれあいサロン"]
    assert names(kind="watching_shop") == ["上郷商店"]
    assert names(name="サロン") == ["大和ふれあいサロン"]
    assert client.get("/resources", params={"area_id": "nowhere"}, headers=INTAKE).json()["field"] == "area_id"

    helper = {
        "district_id": "yamato-3chome",
        "kind": "welfare_commissioner",
        "name": "大和 花子",
        "contact": "046-000-0001",
        "resource_id": made.json()["resource_id"],
    }
    assert client.post("/helpers", json=helper, headers=WORKER).status_code == 201
    unknown = client.post("/helpers", json={**helper, "resource_id": "nope"}, headers=WORKER)
    assert unknown.status_code == 422 and unknown.json()["field"] == "resource_id"
    [seen] = client.get("/helpers", params={"area_id": "north"}, headers=WORKER).json()["items"]
    assert seen["contact"] == "046-000-0001"
    [hidden] = client.get("/helpers", params={"kind": "welfare_commissioner"}, headers=INTAKE).json()["items"]
    assert hidden["contact"] is None and hidden["redacted"] == ["contact"]

    karte = client.get("/district-files/yamato-3chome/2014", headers=WORKER).json()
    assert [r["name"] for r in karte["resources"]] == ["大和ふれあいサロン"]
    assert [h["name"] for h in karte["helpers"]] == ["大和 花子"]
    resource = client.get(f"/resources/{made.json()['resource_id']}", headers=INTAKE).json()
    assert [h["name"] for h in resource["helpers"]] == ["大和 花子"] and resource["attendances"] == 0
    assert client.get("/resources/nope", headers=INTAKE).status_code == 404


def test_mr_t_attends_a_registered_salon_and_teaches_the_registered_mens_cooking_class(app):
    client, _kit = app
    hierarchy(client)
    salon = client.post(
        "/resources", json={"district_id": "kamigo", "kind": "salon", "name": "上郷サロン"}, headers=WORKER
    ).json()["resource_id"]
    cooking = client.post(
        "/resources", json={"district_id": "kamigo", "kind": "class", "name": "男の料理教室"}, headers=WORKER
    ).json()["resource_id"]
    concern = {"case_id": "p-t", "district_id": "kamigo", "reported_by": "friend", "concern": "閉じこもり"}
    client.post("/watch-concerns", json=concern, headers=WORKER)
    for day in ("2014-04-10", "2014-04-24"):
        attended = client.post(
            "/cases/p-t/salon-attendance", json={"resource_id": salon, "attended_on": day}, headers=WORKER
        )
        assert attended.status_code == 201
    neither = client.post("/cases/p-t/salon-attendance", json={"attended_on": "2014-04-25"}, headers=WORKER)
    assert neither.status_code == 422 and neither.json()["field"] == "salon_name"
    not_a_salon = client.post(
        "/cases/p-t/salon-attendance", json={"resource_id": cooking, "attended_on": "2014-04-25"}, headers=WORKER
    )
    assert not_a_salon.status_code == 422 and not_a_salon.json()["field"] == "resource_id"
    role = client.post(
        "/cases/p-t/volunteer-roles",
        json={"role": "講師", "resource_id": cooking, "started_on": "2014-05-01"},
        headers=WORKER,
    )
    assert role.status_code == 201

    case = client.get("/cases/p-t", headers=WORKER).json()
    assert [(s["salon_name"], s["resource_id"]) for s in case["salon_attendance"]] == [
        ("上郷サロン", salon),
        ("上郷サロン", salon),
    ]
    assert case["volunteer_roles"] == [
        {"role": "講師", "activity": "男の料理教室", "started_on": "2014-05-01", "resource_id": cooking}
    ]
    [volunteer] = client.get("/volunteers", params={"resource_id": cooking}, headers=WORKER).json()["items"]
    assert volunteer["case_id"] == "p-t"
    attendance = client.get("/salons/attendance", params={"resource_id": salon}, headers=WORKER).json()["items"]
    assert len(attendance) == 2
    served = client.get(f"/resources/{salon}", headers=WORKER).json()
    assert (served["attendances"], served["participants"]) == (2, 1)
    assert client.get(f"/resources/{cooking}", headers=WORKER).json()["volunteer_roles"] == 1


def test_the_demo_fills_areas_district_files_and_the_registry_once(app, monkeypatch):
    """``make run``'s district records (deploy/demo/districts_stories.py), played twice on the app."""
    from types import SimpleNamespace

    from deploy.demo import districts_stories
    from deploy.demo import kit as demo_kit

    client, _kit = app
    monkeypatch.setattr(
        demo_kit,
        "httpx",
        SimpleNamespace(
            Client=lambda base_url, headers, timeout: TestClient(client.app, base_url=base_url, headers=headers)
        ),
    )
    urls = {"districts": "http://districts"}

    def token(department: str, role: str) -> str:
        return mint_token(DEV_JWT_SECRET, f"{department}-staff", department, role)

    first = districts_stories.district_records(urls, token)
    assert districts_stories.district_records(urls, token) == first
    assert set(first) == {"一色ふれあいサロン", "男の料理教室", "大和商店"}
    year = districts_stories.fiscal_year()
    karte = client.get(f"/district-files/hayama-isshiki/{year}", headers=WORKER).json()
    assert karte["area_path"] == ["demo-city", "south", "hayama-isshiki"]
    assert karte["population"]["elderly"] == 1875
    assert sorted(r["name"] for r in karte["resources"]) == ["一色ふれあいサロン", "男の料理教室"]
    assert sorted(h["name"] for h in karte["helpers"]) == ["友人のEさん", "担当民生委員"]
    month = districts_stories.today().strftime("%Y-%m")
    schedule = client.get("/schedule", params={"month": month}, headers=WORKER).json()
    assert schedule["counts"] == {"handled": 3, "escalated": 1}
    found = client.get("/address-areas", params={"address": "大和三丁目1-2"}, headers=WORKER).json()
    assert found["district_id"] == "yamato-3chome" and found["areas"]["community_care"] == "hokatsu-north"


def test_the_monthly_schedule_marks_who_handles_each_event_and_lists_the_unhandled_for_managers(app):
    client, kit = app
    hierarchy(client)
    meeting = {
        "district_id": "yamato-3chome",
        "title": "地区社協定例会",
        "kind": "council_meeting",
        "held_on": "2014-06-12",
        "place": "大和コミュニティセンター",
    }
    assert client.post("/schedule", json=meeting, headers=INTAKE).status_code == 403
    first = client.post("/schedule", json=meeting, headers=WORKER)
    assert first.status_code == 201 and first.json()["status"] == "open"
    festival = client.post(
        "/schedule", json={**meeting, "title": "夏祭り", "kind": "festival", "held_on": "2014-06-28"}, headers=WORKER
    ).json()
    client.post("/schedule", json={**meeting, "held_on": "2014-07-10"}, headers=WORKER)
    bad = client.post("/schedule", json={**meeting, "kind": "party"}, headers=WORKER)
    assert bad.status_code == 422 and bad.json()["field"] == "kind"

    url = f"/schedule/{first.json()['event_id']}/coverage"
    assert client.post(url, json={"handles": True}, headers=auth("districts", "auditor")).status_code == 403
    taken = client.post(url, json={"handles": True, "note": "地区担当CSWが出席"}, headers={**WORKER, "If-Match": '"1"'})
    assert taken.status_code == 200 and taken.json()["handled_by"] == ["districts"] and taken.headers["ETag"] == '"2"'
    stale = client.post(url, json={"handles": False}, headers={**auth("loans"), "If-Match": '"1"'})
    assert stale.status_code == 409
    before = events(kit)
    nobody = f"/schedule/{festival['event_id']}/coverage"
    assert client.post(nobody, json={"handles": False}, headers=WORKER).json()["status"] == "escalated"
    assert client.post(nobody, json={"handles": False}, headers=auth("intake")).json()["declined_by"] == [
        "districts",
        "intake",
    ]
    assert events(kit) == before + 3  # two answers and one escalation
    assert client.post("/schedule/nope/coverage", json={"handles": True}, headers=WORKER).status_code == 404

    june = client.get("/schedule", params={"month": "2014-06"}, headers=INTAKE).json()
    assert [(e["title"], e["status"]) for e in june["items"]] == [
        ("地区社協定例会", "handled"),
        ("夏祭り", "escalated"),
    ]
    assert june["counts"] == {"handled": 1, "escalated": 1}
    assert client.get("/schedule", params={"month": "2014-13"}, headers=INTAKE).status_code == 422
    assert client.get("/schedule", params={"area_id": "south"}, headers=INTAKE).json()["items"] == []

    assert client.get("/schedule/escalations", headers=WORKER).status_code == 403
    [escalated] = client.get("/schedule/escalations", headers=auth("intake", "manager")).json()["items"]
    assert escalated["title"] == "夏祭り"
    client.post(nobody, json={"handles": True}, headers=auth("conferences"))
    assert client.get("/schedule/escalations", headers=MANAGER).json()["items"] == []


@pytest.mark.postgres
@pytest.mark.parametrize(
    "scenario",
    [
        test_a_district_file_is_opened_evaluated_and_given_its_population_with_if_match,
        test_resources_and_helpers_are_searched_by_kind_and_area_and_shown_in_the_district_file,
        test_mr_t_attends_a_registered_salon_and_teaches_the_registered_mens_cooking_class,
        test_the_monthly_schedule_marks_who_handles_each_event_and_lists_the_unhandled_for_managers,
    ],
    ids=["district-file", "registry", "mr-t", "schedule"],
)
def test_the_same_on_postgresql(scenario: Any, on_postgresql: Any) -> None:
    on_postgresql(scenario)
