"""Pure building blocks of every service's domain: the command base (events: :mod:`shared.events`).

Domain packages import only pure modules (this one, :mod:`shared.events`, :mod:`shared.errors`, ...);
the command pipeline that runs their decisions is :mod:`shared.commands`.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from shared.events import same_named

__all__ = ["Command"]


class Command(BaseModel):
    """Base of every command of every service: immutable, no unknown fields, text stripped.

    Commands are imperative (``DenyLoanApplication``) and carry shapes only; the pure decisions
    check their values against the state and the code lists.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @classmethod
    def of(cls, source: BaseModel, **given: Any) -> Self:
        """This command from the fields of ``source`` (a request body) that it declares under the
        same name, and ``given`` (the ids of the path, the acting staff member, what the body names
        otherwise), which win over the body's::

            c.EndWatchOver.of(body, case_id=case_id, ended_by=at.actor.staff_id)

        The command validates as when built field by field (a list for a tuple, a text for a code).
        """
        return cls(**(same_named(source, cls.model_fields) | given))
