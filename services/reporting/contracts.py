"""The published event contracts reporting reads: which fields of each event type are personal.

Reporting reads the other services' facts only through their committed contracts, the JSON
Schemas in ``schemas/events`` (``x-personal-fields``), loaded as data by
:class:`shared.contracts.EventContracts` — it imports no other service's code. A type with no
published contract is archived and shown with every field redacted for other departments, the
safe default.
"""

from __future__ import annotations

from shared.contracts import EventContracts
from shared.reference import load_code_lists

__all__ = ["coded_fields", "occurred_field", "personal_fields", "sensitive_codes"]


def personal_fields(event_type: str) -> frozenset[str]:
    """The special-care fields of ``event_type`` per its contract (``{"*"}`` when unpublished)."""
    return EventContracts.load().personal_fields(event_type)


def occurred_field(event_type: str) -> str | None:
    """The field of ``event_type`` that says when it happened (a meeting's ``held_at``), if any."""
    return EventContracts.load().occurred_field(event_type)


def coded_fields(event_type: str) -> dict[str, str]:
    """The fields of ``event_type`` that hold codes of a code list (``x-coded-fields``)."""
    return EventContracts.load().coded_fields(event_type)


def sensitive_codes(code_list: str) -> frozenset[str]:
    """The codes ``code_list`` marks ``sensitive`` (special-care data: DV, illness, disability)."""
    return load_code_lists().flagged(code_list, "sensitive")
