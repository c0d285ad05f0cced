"""The published event contracts reporting reads: which fields of each event type are personal.

Reporting depends on the other services' *event models* (their published contract), never on
their handlers or tables. A type it does not know is archived and shown with every field
redacted for other departments, the safe default.
"""

from __future__ import annotations

from functools import cache

from shared.events import EventRegistry


@cache
def registries() -> tuple[EventRegistry, ...]:
    from services.intake.domain import INTAKE_EVENTS, REGISTRY_EVENTS
    from services.loans.domain.events import LOANS_EVENTS
    from shared.referrals import REFERRAL_EVENTS

    return (INTAKE_EVENTS, REGISTRY_EVENTS, LOANS_EVENTS, REFERRAL_EVENTS)


_UNKNOWN = frozenset({"*"})


@cache
def personal_fields(event_type: str) -> frozenset[str]:
    for registry in registries():
        if registry.knows(event_type):
            return registry.classes[event_type].personal_fields
    return _UNKNOWN
