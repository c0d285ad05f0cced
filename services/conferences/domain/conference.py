"""The conference aggregate (会議): one stream per conference.

Life: scheduled → held (participants, basis, decisions, action items) → action items done and
reviews scheduled. Case details reach participants from outside the council only on a recorded
basis: a held conference with agencies, residents, family or experts present needs a statutory
basis (支援会議, 地域ケア会議) or the person's consent, else it is refused (:class:`NoSharingBasis`).

Confidentiality (守秘義務): each outside participant's secrecy undertaking is recorded
(:class:`SecrecyUndertakingRecorded`: who, on which day, recorded by whom). The minutes show an
outside participant the case's details only on a statutory or consent basis *and* once their
undertaking is recorded (:func:`participant_sees_details`; otherwise they are withheld), and a
record that names an outside participant — advice in their name — is refused without it
(:class:`NoSecrecyUndertaking`).

Case-study meetings (事例検討会, kind ``case_study``) are open to all staff with contracted advisory
experts (law, disability and advocacy, guardianship). They need no case of their own (the stream's
case is then ``study-<conference id>``) and may be held on no basis, since the cases are discussed
without identifying details; any department presents cases (also ones that reached no service),
and advice is recorded per case.

An action item assigned to another council department becomes a referral (紹介) from conferences to
that department, ``action_item_referral_id(action_id)``: the handlers make it in the same unit of
work; completing the referral completes the item.

This module holds the state and its fold (:func:`apply`) and the checks the decisions share. The
decisions, ``decide_*(state, command, *, now, <new ids>) -> events``, raise a
:class:`shared.errors.DomainError` and emit nothing when refused; they live beside it by what they
decide: :mod:`.meeting` (schedule, hold, action items, reviews), :mod:`.secrecy` (undertakings and
who sees the details) and :mod:`.case_study` (cases presented, advice).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal

from services.conferences.domain.errors import ConferenceNotFound, WrongConferenceState
from services.conferences.domain.events import (
    ActionItemAssigned,
    ActionItemCompleted,
    CaseStudyAdviceRecorded,
    CaseStudyCasePresented,
    ConferenceHeld,
    ConferenceReviewScheduled,
    ConferenceScheduled,
    SecrecyUndertakingRecorded,
)
from services.conferences.domain.values import Expertise, Participant, ShareBasis
from shared.errors import InvalidCommand
from shared.events import DomainEvent, Replay, absorb

__all__ = [
    "CASE_STUDY",
    "CONFERENCE_DEPARTMENT",
    "KINDS",
    "ActionItem",
    "Advice",
    "ConferenceState",
    "Review",
    "StudyCase",
    "Undertaking",
    "action_item_referral_id",
    "apply",
    "check_due",
    "replay",
    "require_held",
    "require_known",
]

KINDS = "conference_kinds"
CONFERENCE_DEPARTMENT = "conferences"
CASE_STUDY = "case_study"
"""事例検討会: open to all staff, with advisory experts; no case of its own needed."""

_ACTION_ITEM_REFERRALS = uuid.UUID("5c0f1d7e-3b2a-4e61-9d8c-7a4b2e1f0c93")


def action_item_referral_id(action_id: str) -> str:
    """The id of the referral (紹介) an action item assigned to another department becomes."""
    return str(uuid.uuid5(_ACTION_ITEM_REFERRALS, f"conferences.action_item:{action_id}"))


@dataclass(frozen=True)
class ActionItem:
    action_id: str
    description: str
    assignee_kind: str
    assignee: str
    due_on: date | None
    completed_at: datetime | None = None
    completed_by_department: str | None = None
    note: str | None = None
    """What the one who did it wrote when recording it done (special care: the conference's readers)."""

    @property
    def done(self) -> bool:
        return self.completed_at is not None


@dataclass(frozen=True)
class Review:
    review_id: str
    due_on: date
    purpose: str


@dataclass(frozen=True)
class Undertaking:
    """守秘義務の誓約 of one outside participant."""

    participant_name: str
    organisation: str
    participant_kind: str
    undertaken_on: date
    reference: str | None
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True)
class Advice:
    adviser_name: str
    adviser_organisation: str
    expertise: Expertise
    advice: str
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True)
class StudyCase:
    """One case discussed at a case-study meeting, with the advice given on it."""

    study_case_id: str
    discussed_case_id: str | None
    summary: str
    reached_service: bool
    presented_by: str
    presented_by_department: str
    advice: tuple[Advice, ...] = ()


@dataclass(frozen=True)
class ConferenceState:
    """A conference; ``ConferenceState()`` is a stream with no events yet."""

    conference_id: str | None = None
    case_id: str | None = None
    status: Literal["new", "scheduled", "held"] = "new"
    kind: str | None = None
    purpose: str | None = None
    scheduled_for: datetime | None = None
    referral_id: str | None = None
    held_at: datetime | None = None
    participants: tuple[Participant, ...] = ()
    basis: ShareBasis = field(default_factory=ShareBasis)
    summary: str | None = None
    decisions: tuple[str, ...] = ()
    person_wishes: str | None = None
    action_items: tuple[ActionItem, ...] = ()
    reviews: tuple[Review, ...] = ()
    undertakings: tuple[Undertaking, ...] = ()
    study_cases: tuple[StudyCase, ...] = ()

    @property
    def case_study(self) -> bool:
        return self.kind == CASE_STUDY

    def undertaking_of(self, name: str, organisation: str) -> Undertaking | None:
        """The recorded undertaking of the participant of that name and organisation, if any."""
        return next(
            (u for u in self.undertakings if u.participant_name == name and u.organisation == organisation), None
        )

    def study_case(self, study_case_id: str) -> StudyCase | None:
        return next((c for c in self.study_cases if c.study_case_id == study_case_id), None)

    @property
    def open_action_items(self) -> tuple[ActionItem, ...]:
        return tuple(a for a in self.action_items if not a.done)

    def shared_with(self, requested_by: str | None = None) -> frozenset[str]:
        """The departments the minutes reach: conferences always; on a statutory (支援会議) or consent
        basis also the department that asked for the meeting (``requested_by``, the source of its
        referral), the departments that took part and those assigned its action items."""
        if self.basis.kind not in ("statutory", "consent"):
            return frozenset({CONFERENCE_DEPARTMENT})
        took_part = {p.department for p in self.participants if p.department}
        assigned = {a.assignee for a in self.action_items if a.assignee_kind == "department"}
        return frozenset({CONFERENCE_DEPARTMENT, *took_part, *assigned, *([requested_by] if requested_by else [])})

    def action_item(self, action_id: str) -> ActionItem | None:
        return next((a for a in self.action_items if a.action_id == action_id), None)


# --- fold -----------------------------------------------------------------------------------------


def apply(state: ConferenceState, event: DomainEvent) -> ConferenceState:
    """Fold one event into the conference; events of other aggregates pass through."""
    if isinstance(event, ConferenceScheduled):
        return absorb(ConferenceState(), event, status="scheduled")
    if isinstance(event, ConferenceHeld):
        return replace(
            state,
            status="held",
            held_at=event.held_at,
            participants=event.participants,
            basis=event.basis,
            summary=event.summary,
            decisions=event.decisions,
            person_wishes=event.person_wishes,
        )
    if isinstance(event, ActionItemAssigned):
        item = ActionItem(event.action_id, event.description, event.assignee_kind, event.assignee, event.due_on)
        return replace(state, action_items=(*state.action_items, item))
    if isinstance(event, ActionItemCompleted):
        items = tuple(
            replace(
                a,
                completed_at=event.completed_at,
                completed_by_department=event.completed_by_department,
                note=event.note,
            )
            if a.action_id == event.action_id
            else a
            for a in state.action_items
        )
        return replace(state, action_items=items)
    if isinstance(event, ConferenceReviewScheduled):
        return replace(state, reviews=(*state.reviews, Review(event.review_id, event.due_on, event.purpose)))
    if isinstance(event, SecrecyUndertakingRecorded):
        pledge = Undertaking(
            event.participant_name,
            event.organisation,
            event.participant_kind,
            event.undertaken_on,
            event.reference,
            event.recorded_at,
            event.recorded_by,
        )
        return replace(state, undertakings=(*state.undertakings, pledge))
    if isinstance(event, CaseStudyCasePresented):
        case = StudyCase(
            event.study_case_id,
            event.discussed_case_id,
            event.summary,
            event.reached_service,
            event.presented_by,
            event.presented_by_department,
        )
        return replace(state, study_cases=(*state.study_cases, case))
    if isinstance(event, CaseStudyAdviceRecorded):
        advice = Advice(
            event.adviser_name,
            event.adviser_organisation,
            event.expertise,
            event.advice,
            event.recorded_at,
            event.recorded_by,
        )
        cases = tuple(
            replace(c, advice=(*c.advice, advice)) if c.study_case_id == event.study_case_id else c
            for c in state.study_cases
        )
        return replace(state, study_cases=cases)
    return state


replay = Replay(ConferenceState, apply)


# --- checks ---------------------------------------------------------------------------------------


def require_known(state: ConferenceState, conference_id: str) -> None:
    """Refuse a step on a conference that was never scheduled."""
    if state.status == "new":
        raise ConferenceNotFound(f"no conference {conference_id!r} was scheduled", field="conference_id")


def require_held(state: ConferenceState, conference_id: str, what: str) -> None:
    """Refuse ``what`` (a step that needs the minutes) before the conference is recorded held."""
    require_known(state, conference_id)
    if state.status != "held":
        raise WrongConferenceState(
            f"conference {conference_id} has not been held yet: record it held (with its participants) before {what}",
            reason="not_held_yet",
        )


def check_due(due_on: date | None, not_before: date, field_name: str) -> None:
    """Refuse a due day before ``not_before`` (the day the conference was held)."""
    if due_on is not None and due_on < not_before:
        raise InvalidCommand(
            f"{field_name} {due_on.isoformat()} is before the conference ({not_before.isoformat()}): give a later date",
            field=field_name,
            reason="before_earliest",
            ctx={"earliest": not_before.isoformat()},
        )
