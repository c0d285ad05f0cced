"""The error tree shared by every service's domain.

::

    DomainError                 a command that the domain refuses (no HTTP in here)
    ├── NotFound                the named aggregate does not exist            → 404
    ├── InvalidCommand          input that is well-formed but not acceptable   → 422
    ├── IllegalTransition       the aggregate's state forbids this command     → 409
    │   └── AlreadyExists       the id was already used to start a stream       → 409
    ├── ConcurrencyConflict     the stream moved on since the caller read it    → 409
    └── Forbidden               the actor's department/role/consent forbids it → 403

``shared.web`` maps these to status codes with a body that says what to fix; services
subclass them for their own words but never raise HTTP exceptions from the domain.
"""

from __future__ import annotations

__all__ = [
    "AlreadyExists",
    "ConcurrencyConflict",
    "DomainError",
    "Forbidden",
    "IllegalTransition",
    "InvalidCommand",
    "NotFound",
    "UnknownReference",
]


class DomainError(Exception):
    """Base of all refusals. ``message`` says what was wrong and how to fix it."""

    code: str = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    code = "not_found"


class InvalidCommand(DomainError):
    code = "invalid"


class UnknownReference(InvalidCommand):
    """A body names a person, household or record that does not exist (422, naming the field):
    the request is wrong, not the URL; an orphan record would reach no case."""

    code = "unknown_reference"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class ConcurrencyConflict(DomainError):
    code = "conflict"


class Forbidden(DomainError):
    code = "forbidden"


class AlreadyExists(IllegalTransition):
    """登録済み: the id was already used to start a stream (person, household, consultation...)."""
