"""The intake desk's refusals, in its own words.

::

    shared.errors.DomainError
    ├── NotFound
    │   ├── ConsultationNotFound     no consultation with that id was opened
    │   ├── PersonNotFound           (shared.registry.errors) no person with that id was registered
    │   ├── HouseholdNotFound        (shared.registry.errors) no household with that id was registered
    │   └── ConsentNotFound          no consent with that id was recorded for the person
    ├── InvalidCommand               bad values (code-list misses raise it via CodeLists.require)
    └── IllegalTransition
        ├── AlreadyExists            (shared.errors) the id is taken: a stream was already started with it
        └── ConsultationIsClosed     the consultation is closed: reopen it first

Every message says what was wrong and how to fix it; ``field`` names the command field to fix.
"""

from __future__ import annotations

from shared.errors import AlreadyExists, IllegalTransition, NotFound
from shared.registry.errors import HouseholdNotFound, PersonNotFound

__all__ = [
    "AlreadyExists",
    "ConsentNotFound",
    "ConsultationIsClosed",
    "ConsultationNotFound",
    "HouseholdNotFound",
    "PersonNotFound",
]


class ConsultationNotFound(NotFound):
    """相談なし: no consultation with that id was opened."""


class ConsentNotFound(NotFound):
    """同意の記録なし: no consent with that id was recorded for the person."""


class ConsultationIsClosed(IllegalTransition):
    """終結済み: the consultation is closed; only ReopenConsultation is accepted."""
