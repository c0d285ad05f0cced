"""A department reads another desk's narratives only on a basis (docs/PRIVACY.md).

One person, 遮断 花子, consented to nothing and no statutory meeting covers her. Each desk records
her situation in its own words: intake opens a consultation, loans a loan consultation for her
household, districts raises a watch-over concern and records a visit, conferences schedules a case
conference. Each desk's words carry a marker of the desk that wrote them. Then the worker and the
manager of every department ask every GET route of every service (``tests/e2e/sweep.py``) with the
ids those records hold: no answer may hold another desk's marker. The desk that wrote them reads
them (the sweep is not vacuous).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest

from shared.eventstore import events_table
from tests.e2e.harness import Platform
from tests.e2e.sweep import gets, leaks

pytestmark = pytest.mark.kafka

DESKS = ("intake", "loans", "districts", "conferences")


def _words(desk: str, what: str) -> str:
    return f"{desk}の職員だけが書いた{what}"


def _post(platform: Platform, service: str, path: str, body: Mapping[str, object]) -> dict[str, str]:
    with platform.client(service, service) as client:
        answer = client.post(path, json=body)
    assert answer.status_code in (200, 201), f"{service} POST {path}: {answer.status_code} {answer.text}"
    return dict(answer.json())


@pytest.fixture(scope="module")
def recorded(platform: Platform) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each desk's words about 遮断 花子, and the ids her records hold under each field name."""
    person = _post(platform, "intake", "/people", {"name_kanji": "遮断 花子", "name_kana": "シャダン ハナコ"})
    pid = person["person_id"]
    household = _post(platform, "intake", "/households", {"members": [{"person_id": pid, "relationship": "本人"}]})
    hid = household["household_id"]
    _post(
        platform,
        "intake",
        "/consultations",
        {
            "person_id": pid,
            "household_id": hid,
            "source": "self",
            "channel": "interview",
            "issues": ["household_budget"],
            "own_words": _words("intake", "本人の言葉"),
            "wishes": _words("intake", "本人の希望"),
        },
    )
    # The loan desk registers the household itself (intake's registry index reads it; loans keeps its own).
    loan_person = _post(platform, "loans", "/people", {"name_kanji": "遮断 花子"})["person_id"]
    loan_household = _post(
        platform, "loans", "/households", {"members": [{"person_id": loan_person, "relationship": "本人"}]}
    )["household_id"]
    _post(
        platform,
        "loans",
        "/consultations",
        {
            "household_id": loan_household,
            "person_id": loan_person,
            "channel": "interview",
            "counterpart": "self",
            "initial": True,
            "fund_type": "temporary_living",
            "kind": "new_until_decision",
            "summary": _words("loans", "相談の要旨"),
        },
    )
    case = _post(
        platform,
        "districts",
        "/watch-concerns",
        {
            "case_id": pid,
            "district_id": "hayama-isshiki",
            "reported_by": "neighbour",
            "reporter": _words("districts", "通報者"),
            "concern": _words("districts", "気づき"),
        },
    )
    visited = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    _post(
        platform,
        "districts",
        f"/cases/{case['case_id']}/outreach-visits",
        {
            "visited_at": visited,
            "outcome": "not_reached",
            "visitors": ["地区担当CSW"],
            "note": _words("districts", "訪問記録"),
        },
    )
    _post(
        platform,
        "conferences",
        "/conferences",
        {
            "kind": "case_conference",
            "case_id": pid,
            "purpose": _words("conferences", "会議の目的"),
            "scheduled_for": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
        },
    )
    words = {desk: [] for desk in DESKS}
    ids: dict[str, list[str]] = {}
    for kit in platform.kits.values():
        with kit.engine.connect() as conn:
            for (data,) in conn.execute(events_table.select().with_only_columns(events_table.c.data)):
                payload = json.loads(data)
                text = json.dumps(payload, ensure_ascii=False)
                if "だけが書いた" not in text and not any(i in text for i in (pid, hid, loan_person, loan_household)):
                    continue
                for desk in DESKS:
                    words[desk] += [w for w in _all_words(desk) if w in text and w not in words[desk]]
                for name, value in payload.items():
                    if name.endswith("_id") and isinstance(value, str) and value not in ids.setdefault(name, []):
                        ids[name].append(value)
    ids["case_id"] = [pid, hid, loan_household, case["case_id"], *ids.get("case_id", [])]
    assert all(words.values()), f"every desk's words are stored: {words}"
    return words, ids


def _all_words(desk: str) -> list[str]:
    return [
        _words(desk, what)
        for what in ("本人の言葉", "本人の希望", "相談の要旨", "通報者", "気づき", "訪問記録", "会議の目的")
    ]


@pytest.mark.parametrize("role", ["worker", "manager"])
@pytest.mark.parametrize("department", DESKS)
def test_no_route_shows_a_department_another_desks_words_without_a_basis(
    platform: Platform, recorded: tuple[dict[str, list[str]], dict[str, list[str]]], department: str, role: str
) -> None:
    words, ids = recorded
    others = [w for desk, ws in words.items() if desk != department for w in ws]
    found = leaks(platform, list(gets(platform, ids)), others, department, role)
    assert not found, f"{department}'s {role} read other desks' words:\n" + "\n".join(sorted(set(found))[:40])


@pytest.mark.parametrize("department", DESKS)
def test_each_desk_reads_its_own_words(
    platform: Platform, recorded: tuple[dict[str, list[str]], dict[str, list[str]]], department: str
) -> None:
    words, ids = recorded
    found = leaks(platform, list(gets(platform, ids)), words[department], department, "worker")
    assert found, f"{department}'s worker reads what {department} wrote"
