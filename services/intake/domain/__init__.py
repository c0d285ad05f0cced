"""The intake desk's pure domain (総合相談窓口): no I/O, no clock, no random.

Modules:

* :mod:`.registry_events`, :mod:`.registry` — people and households (generic ``registry.*`` events)
* :mod:`.events`, :mod:`.consultation` — consultations (``intake.*`` events)
* :mod:`.consent` — the disclosure policy (free of intake specifics);
  :mod:`.consent_ledger` — the per-person consent ledger that feeds it
* :mod:`.commands`, :mod:`.values`, :mod:`.errors`, :mod:`.normalise`, :mod:`.dates`
"""

from __future__ import annotations

from services.intake.domain.events import INTAKE_EVENTS
from shared.registry.events import REGISTRY_EVENTS

__all__ = ["INTAKE_EVENTS", "REGISTRY_EVENTS"]
