"""The case conferences' pure domain (ケース会議・地域ケア会議・事例検討会): no I/O, no clock, no random.

Modules: :mod:`.values`, :mod:`.events`, :mod:`.commands`, :mod:`.errors`, :mod:`.conference` (state
and fold), :mod:`.meeting`, :mod:`.secrecy` and :mod:`.case_study` (the decisions).
"""

from __future__ import annotations

from services.conferences.domain.events import CONFERENCE_EVENTS

__all__ = ["CONFERENCE_EVENTS"]
