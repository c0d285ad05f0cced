"""Pure building blocks of every service's domain: the command base (events: :mod:`shared.events`).

Domain packages import only pure modules (this one, :mod:`shared.events`, :mod:`shared.errors`, ...);
the command pipeline that runs their decisions is :mod:`shared.commands`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Command"]


class Command(BaseModel):
    """Base of every command of every service: immutable, no unknown fields, text stripped.

    Commands are imperative (``DenyLoanApplication``) and carry shapes only; the pure decisions
    check their values against the state and the code lists.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
