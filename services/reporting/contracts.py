"""The published event contracts reporting reads: which fields of each event type are personal.

Reporting reads the other services' facts only through their committed contracts, the JSON
Schemas in ``schemas/events`` (``x-personal-fields``), loaded as data by
:class:`shared.contracts.EventContracts` — it imports no other service's code. A type with no
published contract is archived and shown with every field redacted for other departments, the
safe default.
"""

from __future__ import annotations

from shared.contracts import EventContracts

__all__ = ["occurred_field", "personal_fields"]


def personal_fields(event_type: str) -> frozenset[str]:
    """The special-care fields of ``event_type`` per its contract (``{"*"}`` when unpublished)."""
    return EventContracts.load().personal_fields(event_type)


def occurred_field(event_type: str) -> str | None:
    """The field of ``event_type`` that says when it happened (a meeting's ``held_at``), if any."""
    return EventContracts.load().occurred_field(event_type)
