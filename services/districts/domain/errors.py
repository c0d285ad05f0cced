"""Refusals of district work, in its own words.

::

    shared.errors.DomainError
    ├── NotFound
    │   └── DistrictCaseNotFound     the district team has no record of the case: raise a concern first
    ├── InvalidCommand               bad values (code-list misses raise it via CodeLists.require)
    └── IllegalTransition
        ├── WatchOverState           a watch-over is already running / none is running
        └── PersonRefusedContact     the person refused: watch only from a distance until they agree
"""

from __future__ import annotations

from shared.errors import IllegalTransition, NotFound

__all__ = ["DistrictCaseNotFound", "PersonRefusedContact", "WatchOverState"]


class DistrictCaseNotFound(NotFound):
    """地区の記録なし: no concern was raised about the case in any district."""


class WatchOverState(IllegalTransition):
    """見守りの状態に合わない: a watch-over is already running, or none is."""


class PersonRefusedContact(IllegalTransition):
    """本人が拒否: no intervention without the person's consent; watch from a distance only."""
