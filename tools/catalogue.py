"""The published event catalogue: every event type a Tsunagu service emits, by registry.

It writes and checks ``schemas/events``, the committed JSON Schema of each: those files are the
contract between services (:mod:`shared.contracts` reads them), never this module. It imports
every service's event models, so it is a repo tool outside ``services/``, which no service imports::

    python -m tools.catalogue export   # after adding an event or raising a schema_version
    python -m tools.catalogue check    # what tests/unit/test_event_contracts.py asserts
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from shared.events import EventRegistry

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas" / "events"


@cache
def registries() -> tuple[EventRegistry, ...]:
    from services.intake.domain import INTAKE_EVENTS, REGISTRY_EVENTS
    from services.loans.domain.events import LOANS_EVENTS
    from shared.access import ACCESS_EVENTS
    from shared.referrals import REFERRAL_EVENTS

    found = [INTAKE_EVENTS, REGISTRY_EVENTS, LOANS_EVENTS, REFERRAL_EVENTS, ACCESS_EVENTS]
    for optional in (
        "services.districts.domain.events",
        "services.conferences.domain.events",
        "services.reporting.domain.events",
    ):
        try:
            module = __import__(optional, fromlist=["EVENTS"])
        except ModuleNotFoundError:
            continue
        found += [v for v in vars(module).values() if isinstance(v, EventRegistry)]
    return tuple(found)


def main(argv: list[str]) -> int:
    from shared.schemas import check, export

    if argv[:1] == ["export"]:
        for path in export(registries(), SCHEMAS):
            print(f"wrote {path.relative_to(SCHEMAS.parent.parent)}")
        return 0
    if argv[:1] == ["check"]:
        problems = check(registries(), SCHEMAS)
        print("\n".join(problems) or "every event contract matches its committed schema")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
