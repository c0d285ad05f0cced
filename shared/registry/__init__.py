"""The person and household registry (本人・世帯の登録): case identity for every desk.

Any desk may meet a person or household first (the loan desk often does), so identity is part of
the platform, not of one department (ADR 0003). Pure domain, no I/O:

- :mod:`shared.registry.events`    — the generic ``registry.*`` events and ``REGISTRY_EVENTS``
- :mod:`shared.registry.commands`  — ``RegisterPerson``, ``RegisterHousehold``, ``LinkPersonRecords`` ...
- :mod:`shared.registry.model`     — the folds and decisions of the two aggregates
- :mod:`shared.registry.errors`    — ``PersonNotFound``, ``HouseholdNotFound``
- :mod:`shared.registry.normalise` — name and phone normalisation for search (kana/kanji, widths)
"""

from __future__ import annotations

__all__: list[str] = []
