"""Value objects of conferences: who took part, on what basis details were shared, who does what."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "OUTSIDE_KINDS",
    "ActionItemSpec",
    "AssigneeKind",
    "BasisKind",
    "Expertise",
    "Participant",
    "ParticipantKind",
    "ShareBasis",
]

ParticipantKind = Literal["staff", "agency", "resident", "person", "family", "expert"]
"""出席者の区分: council staff (社協職員), outside agency (関係機関), resident (住民・民生委員・自治会),
the person (本人), family (家族), advisory expert (助言者: law, disability, guardianship)."""

OUTSIDE_KINDS: frozenset[str] = frozenset({"agency", "resident", "family", "expert"})
"""Participants from outside the council: case details reach them only on a recorded basis."""

BasisKind = Literal["statutory", "consent", "none"]
"""共有の根拠: a statutory meeting whose members carry a secrecy duty (支援会議, 地域ケア会議), the
person's consent (本人同意), or none (the case is discussed without identifying details)."""

Expertise = Literal["law", "disability_advocacy", "guardianship", "other"]
"""助言の分野 of an advisory expert (アドバイザリースタッフ): law (法律), disability and advocacy
(障害・権利擁護), guardianship (後見), or another field."""

AssigneeKind = Literal["department", "agency", "community", "person"]
"""担当: a council department, an outside agency, the community (住民・民生委員) or the person."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Participant(_Frozen):
    """出席者: a name (or a role when the name is not recorded), the organisation or role, the kind."""

    name: str = Field(min_length=1, max_length=200)
    organisation: str = Field(min_length=1, max_length=200)
    kind: ParticipantKind
    department: str | None = Field(default=None, max_length=64)
    """The council department a staff participant works in (e.g. ``districts``): the minutes of a
    meeting held on a basis reach the departments that took part (and those assigned its work)."""


class ShareBasis(_Frozen):
    """情報共有の根拠: ``reference`` names the law or meeting (statutory) or the consent id (consent)."""

    kind: BasisKind = "none"
    reference: str | None = None


class ActionItemSpec(_Frozen):
    """合意した役割分担: what is to be done, by whom, by when (optional)."""

    description: str = Field(min_length=1, max_length=2000)
    assignee_kind: AssigneeKind
    assignee: str = Field(min_length=1, max_length=200)
    due_on: date | None = None
