"""An auditor reads who did what, when and why, never what the person said (shared/access.py).

After the seed's stories are played, every value any service's events hold in a field their
contract marks personal (``x-personal-fields``: the person's words, contact notes, comments,
addresses...) is collected from the stores, less the words that also stand in (or inside) a field no
contract marks personal (a helper's name in the roster). Then the auditor of every department asks every
GET route of every service (its OpenAPI document), each path parameter filled with ids the events
hold under that name. Whatever an auditor may open, no personal value may appear in the answer.
The same sweep with a worker's token finds such values: the check is not vacuous.
"""

from __future__ import annotations

import json

import pytest

from deploy.demo.stories import load_all
from shared.contracts import EventContracts
from shared.eventstore import events_table
from tests.e2e.harness import Platform
from tests.e2e.sweep import gets, leaks, strings

pytestmark = pytest.mark.kafka

MIN_LENGTH = 6  # shorter values (a name's half, a code-like word) could stand in a label by chance


def _narrative(text: str) -> bool:
    """Words a person wrote or said (the stories' are Japanese), not a code, id or date that a
    personal field's nested record carries beside them."""
    return len(text) >= MIN_LENGTH and not text.isascii()


@pytest.fixture(scope="module")
def stored(platform: Platform) -> tuple[set[str], dict[str, list[str]]]:
    """The personal values the stores hold, and the ids they hold under each field name."""
    load_all(platform.urls, platform.token)
    contracts = EventContracts.load()
    personal: set[str] = set()
    public: set[str] = set()  # the same words in a field no contract marks personal (a helper's name)
    ids: dict[str, list[str]] = {}
    for kit in platform.kits.values():
        with kit.engine.connect() as conn:
            rows = conn.execute(events_table.select().with_only_columns(events_table.c.event_type, events_table.c.data))
            for event_type, data in rows:
                payload = json.loads(data)
                marked = contracts.personal_fields(event_type)
                for name, value in payload.items():
                    (personal if name in marked else public).update(s for s in strings(value) if _narrative(s))
                for name, value in payload.items():
                    if name.endswith("_id") and isinstance(value, str) and value not in ids.setdefault(name, []):
                        ids[name].append(value)
    # A word that stands inside a public one ("あんしんセンター", who carries a plan's step, inside the
    # participant "あんしんセンター職員") cannot tell a leak from the roster: left out too.
    personal = {p for p in personal - public if not any(p in words for words in public)}
    assert len(personal) > 50, "the stories hold narratives"
    return personal, ids


def _leaks(platform: Platform, stored: tuple[set[str], dict[str, list[str]]], department: str, role: str) -> list[str]:
    personal, ids = stored
    return leaks(platform, list(gets(platform, ids)), personal, department, role)


@pytest.mark.parametrize(
    ("department", "role"),
    [(d, "auditor") for d in ("intake", "loans", "districts", "conferences", "reporting")] + [("intake", "admin")],
)
def test_no_route_of_any_service_shows_an_auditor_or_an_admin_a_personal_value(
    platform: Platform, stored: tuple[set[str], dict[str, list[str]]], department: str, role: str
) -> None:
    leaks = _leaks(platform, stored, department, role)
    assert not leaks, f"{department}'s {role} read personal values:\n" + "\n".join(sorted(set(leaks))[:40])


def test_the_same_sweep_finds_personal_values_for_a_worker(
    platform: Platform, stored: tuple[set[str], dict[str, list[str]]]
) -> None:
    assert _leaks(platform, stored, "intake", "worker"), "a worker reads their own department's records"
