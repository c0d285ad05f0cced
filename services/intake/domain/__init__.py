"""The intake desk's pure domain (総合相談窓口): no I/O, no clock, no random.

Modules:

* :mod:`.events`, :mod:`.consultation` — consultations (``intake.*`` events): the state, its fold and
  its life (open, subject identified, close, reopen); :mod:`.support` — the support given while it is
  open (contacts, assessment, plan, follow-ups, supervision)
* :mod:`.consent_ledger` — the per-person consent ledger that feeds the disclosure policy
  (:mod:`shared.consent`); people and households are the platform's registry (:mod:`shared.registry`)
* :mod:`.commands`, :mod:`.values`, :mod:`.errors`
"""

from __future__ import annotations

from services.intake.domain.events import INTAKE_EVENTS
from shared.registry.events import REGISTRY_EVENTS

__all__ = ["INTAKE_EVENTS", "REGISTRY_EVENTS"]
