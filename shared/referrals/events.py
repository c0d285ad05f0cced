"""Referral events (紹介・つなぎ): the facts of one referral's life.

Who records which event (the fold in :mod:`shared.referrals.model` accepts them in any order):

- the **source** department's service: ``ReferralMade``, ``ReferralCancelled``, ``ReferralExpired``,
  ``ReferralEscalated``, ``ReferralOutcomeRecorded`` (external targets only);
- the **target** department's service: ``ReferralAccepted``, ``ReferralDeclined``, ``ReferralCompleted``.

Every event carries ``referral_id`` (the stream id) and ``at``, the aware UTC time the fact was
decided, passed in by the caller. Free-text fields that may hold special-care personal data
(要配慮個人情報) are listed in ``personal_fields``; codes and reasons for refusal are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.events import DomainEvent, EventRegistry

__all__ = [
    "REFERRAL_EVENTS",
    "BasisKind",
    "Priority",
    "ReferralAccepted",
    "ReferralBasis",
    "ReferralCancelled",
    "ReferralCompleted",
    "ReferralDeclined",
    "ReferralEscalated",
    "ReferralEvent",
    "ReferralExpired",
    "ReferralMade",
    "ReferralOutcomeRecorded",
    "TargetKind",
]

TargetKind = Literal["department", "external"]
Priority = Literal["normal", "urgent", "same_day"]
BasisKind = Literal["consent", "statutory", "none"]

_Text = Field(min_length=1)


class ReferralBasis(BaseModel):
    """The legal basis for sharing the referral's details: consent (同意), statutory (法定), or none.

    ``reference`` is the id of the consent record or of the statutory meeting (支援会議); it is
    required for ``consent`` and ``statutory`` and must be absent for ``none``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: BasisKind = "none"
    reference: str | None = None

    @model_validator(mode="after")
    def _reference_matches_kind(self) -> ReferralBasis:
        if self.kind == "none" and self.reference is not None:
            raise ValueError("a basis of kind 'none' has no reference")
        if self.kind != "none" and not self.reference:
            raise ValueError(f"a basis of kind {self.kind!r} needs the id of its consent or meeting record")
        return self


class _ReferralEvent(DomainEvent):
    referral_id: str = _Text
    at: AwareDatetime


class ReferralMade(_ReferralEvent):
    """紹介: a department refers a person or household to another department or an outside agency.

    ``case_id`` is the case key (person or household id, also the Kafka key). Automatic referrals
    carry the rule (``rule_id``, ``rule_version``) and the cause event (``cause_event_id``,
    ``cause_event_type``) that made them; manual ones carry none of the four.
    """

    event_type: ClassVar[str] = "referral.ReferralMade"
    coded_fields: ClassVar[Mapping[str, str]] = {"reason_category": "household_issue_categories"}
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason_detail"})

    case_id: str = _Text
    person_id: str | None = None
    household_id: str | None = None
    source_department: str = _Text
    target_kind: TargetKind
    target: str = _Text
    reason_category: str = _Text
    reason_detail: str | None = None
    priority: Priority = "normal"
    deadline: AwareDatetime
    basis: ReferralBasis = ReferralBasis()
    made_by: str = _Text
    rule_id: str | None = None
    rule_version: int | None = None
    cause_event_id: str | None = None
    cause_event_type: str | None = None

    @model_validator(mode="after")
    def _rule_fields_together(self) -> ReferralMade:
        rule = (self.rule_id, self.rule_version, self.cause_event_id, self.cause_event_type)
        if any(v is not None for v in rule) and any(v is None for v in rule):
            raise ValueError(
                "an automatic referral needs all of rule_id, rule_version, cause_event_id and "
                "cause_event_type; a manual one needs none of them"
            )
        return self

    @property
    def automatic(self) -> bool:
        return self.rule_id is not None


class ReferralAccepted(_ReferralEvent):
    """受理: the target department takes the referral on."""

    event_type: ClassVar[str] = "referral.ReferralAccepted"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"note"})

    by: str = _Text
    note: str | None = None


class ReferralDeclined(_ReferralEvent):
    """受理せず: the target department declines; the reason goes back to the source."""

    event_type: ClassVar[str] = "referral.ReferralDeclined"

    by: str = _Text
    reason: str = _Text


class ReferralCompleted(_ReferralEvent):
    """対応完了: the target department finished its part; ``outcome`` is a referral outcome code."""

    event_type: ClassVar[str] = "referral.ReferralCompleted"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"note"})

    by: str = _Text
    outcome: str = _Text
    note: str | None = None


class ReferralCancelled(_ReferralEvent):
    """取下げ: the source department withdraws the referral."""

    event_type: ClassVar[str] = "referral.ReferralCancelled"

    by: str = _Text
    reason: str = _Text


class ReferralExpired(_ReferralEvent):
    """期限切れ: nobody answered the referral by its deadline."""

    event_type: ClassVar[str] = "referral.ReferralExpired"

    deadline: AwareDatetime


class ReferralEscalated(_ReferralEvent):
    """上長への報告: an unanswered referral is put before a manager of the source department."""

    event_type: ClassVar[str] = "referral.ReferralEscalated"

    to_role: Literal["manager"] = "manager"
    department: str = _Text


class ReferralOutcomeRecorded(_ReferralEvent):
    """つなぎ先の対応記録: staff of the source record what an outside agency did (external targets)."""

    event_type: ClassVar[str] = "referral.ReferralOutcomeRecorded"
    personal_fields: ClassVar[frozenset[str]] = frozenset({"note"})

    by: str = _Text
    outcome: str = _Text
    note: str | None = None


ReferralEvent = (
    ReferralMade
    | ReferralAccepted
    | ReferralDeclined
    | ReferralCompleted
    | ReferralCancelled
    | ReferralExpired
    | ReferralEscalated
    | ReferralOutcomeRecorded
)

REFERRAL_EVENTS = EventRegistry(
    [
        ReferralMade,
        ReferralAccepted,
        ReferralDeclined,
        ReferralCompleted,
        ReferralCancelled,
        ReferralExpired,
        ReferralEscalated,
        ReferralOutcomeRecorded,
    ]
)
