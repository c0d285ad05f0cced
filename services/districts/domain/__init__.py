"""District work's pure domain (地区社協・地区担当): no I/O, no clock, no random.

Modules: :mod:`.values`, :mod:`.events`, :mod:`.commands`, :mod:`.errors`, :mod:`.district_case`.
"""

from __future__ import annotations

from services.districts.domain.events import DISTRICT_EVENTS

__all__ = ["DISTRICT_EVENTS"]
