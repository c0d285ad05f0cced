"""People, households, cases and resources per area (圏域), through reporting's real Kafka consumer and
HTTP routes, on SQLite and PostgreSQL: addresses typed before their area existed, an area's prefixes
changed, an address corrected, an address no area holds, a person living at their household's
address; a rebuild gives the same figures."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from services.districts.domain.events import AreaAddressesChanged, AreaDefined
from services.reporting import district_handlers
from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.generations import active_generation, checksums, count_rows
from services.reporting.rebuild import rebuild
from shared.auth import mint_token
from shared.envelope import Actor
from shared.events import DomainEvent
from shared.registry.events import HouseholdRegistered, PersonDetailsCorrected, PersonRegistered
from shared.settings import DEV_JWT_SECRET
from tests.integration.reporting.builders import (
    T0,
    History,
    helper,
    intake_closed,
    intake_opened,
    loan_opened,
    member,
    resource,
)
from tests.integration.reporting.conftest import Reporting

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

WORKER = Actor(staff_id="d-1", department="districts", role="worker")
FIGURES = ("people", "households", "open_cases", "open_consultations", "resources", "helpers")


def _person(pid: str, address: str | None, at: datetime) -> PersonRegistered:
    return PersonRegistered(
        person_id=pid,
        name_kanji="海老名 花子",
        name_kana=None,
        birth_date=date(1950, 1, 1),
        address=address,
        phone=None,
        care_notes=None,
        registered_at=at,
        registered_by="intake-staff",
    )


def _area(area_id: str, kind: str, name: str, parent: str | None, prefixes: tuple[str, ...]) -> AreaDefined:
    return AreaDefined(
        area_id=area_id,
        kind=kind,
        name=name,
        parent_id=parent,
        address_prefixes=prefixes,
        defined_at=T0,
        defined_by="m",
    )


def first_part(h: History) -> None:
    """Before any area: Mrs. A (大和三丁目), B (大和一丁目), C (綾瀬市: no area), household H1 (上郷) with
    E (no address of her own). Then the areas, a consultation of A (open), one of B (closed), a loan
    consultation of H1 (open), a salon and a helper in D1."""
    n = 0

    def add(source: str, subject: str, case_id: str, event: DomainEvent) -> None:
        nonlocal n
        n += 1
        h.add(source, subject, case_id, event, T0 + timedelta(minutes=n))

    add("intake", "person-A", "A", _person("A", "大和三丁目2-1", T0))
    add("intake", "person-B", "B", _person("B", "大和一丁目5", T0))
    add("intake", "person-C", "C", _person("C", "綾瀬市寺尾1", T0))
    add(
        "loans",
        "household-H1",
        "H1",
        HouseholdRegistered(household_id="H1", address="上郷3", registered_at=T0, registered_by="s"),
    )
    add("intake", "person-E", "E", _person("E", None, T0))
    add("loans", "household-H1", "H1", member("H1", "E", T0))
    for area_id, kind, name, parent, prefixes in (
        ("ebina", "city", "海老名市", None, ()),
        ("north", "daily_life", "北部", "ebina", ()),
        ("D1", "district_council", "大和三丁目地区", "north", ("大和三丁目",)),
        ("D2", "district_council", "大和地区", "north", ("大和",)),
        ("hokatsu-n", "community_care", "北部包括", "north", ("大和",)),
    ):
        add("districts", f"district-area-{area_id}", area_id, _area(area_id, kind, name, parent, prefixes))
    add("intake", "consultation-c1", "A", intake_opened("c1", "A", T0))
    add("intake", "consultation-c2", "B", intake_opened("c2", "B", T0))
    add("intake", "consultation-c2", "B", intake_closed("c2", "B", T0, "solved"))
    add("loans", "consultation-l1", "H1", loan_opened("l1", "H1", T0))
    add("districts", "resource-r1", "district-D1", resource("r1", "D1", "salon", T0))
    add("districts", "helper-h1", "district-D1", helper("h1", "D1", "welfare_commissioner", T0, "r1"))


def second_part(h: History) -> None:
    """D1 takes 上郷 in (H1 and E move there) and B's address is corrected to 大和三丁目."""
    at = T0 + timedelta(days=1)
    h.add(
        "districts",
        "district-area-D1",
        "D1",
        AreaAddressesChanged(area_id="D1", address_prefixes=("大和三丁目", "上郷"), changed_at=at, changed_by="m"),
        at,
    )
    h.add(
        "intake",
        "person-B",
        "B",
        PersonDetailsCorrected(person_id="B", address="大和三丁目８", reason="転居", corrected_at=at, corrected_by="s"),
        at + timedelta(minutes=1),
    )


def _figures(reporting: Reporting, kind: str) -> dict[str | None, tuple[int, ...]]:
    view = district_handlers.area_statistics(reporting.kit, WORKER, kind)
    out: dict[str | None, tuple[int, ...]] = {a.area_id: tuple(getattr(a, f) for f in FIGURES) for a in view.areas}
    out[None] = tuple(getattr(view.unmapped, f) for f in FIGURES)
    return out


def _headers(department: str, role: str = "worker") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 's-1', department, role)}"}


def test_people_households_and_cases_follow_addresses_and_prefixes_and_a_rebuild_agrees(reporting: Reporting) -> None:
    h = History()
    first_part(h)
    reporting.publish(h.envelopes)
    reporting.consume()
    #                 people households open_cases open_consultations resources helpers
    assert _figures(reporting, "district_council") == {
        "D1": (1, 0, 1, 1, 1, 1),  # Mrs. A, typed before D1 existed, is placed once it does
        "D2": (1, 0, 0, 0, 0, 0),  # B (her consultation is closed)
        None: (2, 1, 1, 1, 0, 0),  # C (綾瀬市) and E at H1 (上郷), H1 and its loan consultation
    }
    before = len(h.envelopes)
    second_part(h)
    reporting.publish(h.envelopes[before:])
    reporting.consume()
    after = {
        "D1": (3, 1, 2, 2, 1, 1),  # A, B (corrected, NFKC), E (her household's address), H1 with its open loan
        "D2": (0, 0, 0, 0, 0, 0),
        None: (1, 0, 0, 0, 0, 0),  # only C
    }
    assert _figures(reporting, "district_council") == after
    assert _figures(reporting, "daily_life") == {"north": (3, 1, 2, 2, 1, 1), None: (1, 0, 0, 0, 0, 0)}
    assert _figures(reporting, "community_care") == {
        "hokatsu-n": (2, 0, 1, 1, 0, 0),  # A and B (大和...); the salon's address is in no community-care area
        None: (2, 1, 1, 1, 1, 1),  # C and E, H1 and its loan, the salon and its helper
    }
    view = district_handlers.area_statistics(reporting.kit, WORKER, "district_council")
    first = view.areas[0]
    assert (first.name, first.parent_id, first.parent_name, view.without_address, view.totals.people) == (
        "大和三丁目地区",
        "north",
        "北部",
        0,
        4,
    )

    with reporting.kit.engine.connect() as conn:
        live = checksums(conn, active_generation(conn))
        assert count_rows(conn, rm.area_prefixes, active_generation(conn)) == 6
    report = rebuild(
        reporting.kit.engine,
        reporting.bootstrap_servers,
        list(reporting.topics.values()),
        progress=io.StringIO(),
        drop_old=False,
        grace_seconds=0,
    )
    assert report.switched
    with reporting.kit.engine.connect() as conn:
        assert checksums(conn, report.generation) == live
    assert _figures(reporting, "district_council") == after


def test_the_route_answers_readers_names_the_wrong_kind_and_the_case_view_shows_the_areas(
    reporting: Reporting,
) -> None:
    h = History()
    first_part(h)
    reporting.publish(h.envelopes)
    reporting.consume()
    client = TestClient(reporting.app)
    url = "/statistics/areas"
    for role in ("worker", "manager", "auditor", "director"):
        ok = client.get(url, params={"kind": "district_council"}, headers=_headers("districts", role))
        assert ok.status_code == 200, ok.text
    body = client.get(url, headers=_headers("intake")).json()  # district council areas by default
    assert body["kind"] == "district_council"
    assert [(a["area_id"], a["name"], a["people"]) for a in body["areas"]] == [
        ("D1", "大和三丁目地区", 1),
        ("D2", "大和地区", 1),
    ]
    assert body["unmapped"]["area_id"] is None and body["unmapped"]["people"] == 2
    assert "大和" not in str(body["unmapped"]) and "綾瀬" not in client.get(url, headers=_headers("intake")).text
    bad = client.get(url, params={"kind": "ward"}, headers=_headers("districts"))
    assert 400 <= bad.status_code < 500 and "kind" in bad.text
    # The query's type refuses it before the handler: pydantic's literal_error, which the client says.
    assert [(d["field"], d["type"]) for d in bad.json()["details"]] == [("query.kind", "literal_error")]
    assert client.get(url).status_code == 401
    assert client.get(url, headers=_headers("districts", "admin")).status_code == 403

    mine = client.get("/cases/A", params={"purpose": "coordination"}, headers=_headers("intake")).json()
    assert [(a["kind"], a["area_id"], a["name"]) for a in mine["areas"]] == [
        ("city", "ebina", "海老名市"),
        ("daily_life", "north", "北部"),
        ("district_council", "D1", "大和三丁目地区"),
        ("community_care", "hokatsu-n", "北部包括"),
    ]
    # Loans holds no consent for A's details: her address is withheld, so is what it places her in.
    theirs = client.get("/cases/A", params={"purpose": "coordination"}, headers=_headers("loans")).json()
    assert theirs["areas"] == []
    household = client.get("/cases/H1", params={"purpose": "coordination"}, headers=_headers("loans")).json()
    assert household["areas"] == []  # 上郷 is in no area yet
