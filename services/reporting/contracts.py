"""The published event contracts reporting reads: which fields of each event type are personal.

Reporting depends on the other services' *event models* (their published contract, gathered in
:mod:`services.catalogue`), never on their handlers or tables. A type it does not know is archived
and shown with every field redacted for other departments, the safe default.
"""

from __future__ import annotations

from functools import cache

from services.catalogue import event_class

_UNKNOWN = frozenset({"*"})


@cache
def personal_fields(event_type: str) -> frozenset[str]:
    cls = event_class(event_type)
    return cls.personal_fields if cls is not None else _UNKNOWN
