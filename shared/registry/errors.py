"""The registry's refusals (本人・世帯の登録), raised by any desk that registers people.

::

    shared.errors.NotFound
    ├── PersonNotFound           no person with that id was registered
    └── HouseholdNotFound        no household with that id was registered
"""

from __future__ import annotations

from shared.errors import NotFound

__all__ = ["HouseholdNotFound", "PersonNotFound"]


class PersonNotFound(NotFound):
    """本人の登録なし: no person with that id was registered."""


class HouseholdNotFound(NotFound):
    """世帯の登録なし: no household with that id was registered."""
