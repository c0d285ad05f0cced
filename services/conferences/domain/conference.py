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

Fold: :func:`apply`. Decisions: ``decide_*(state, command, *, now, <new ids>) -> events``; they
raise a :class:`shared.errors.DomainError` and emit nothing when refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Literal

from services.conferences.domain.commands import (
    AssignActionItem,
    CompleteActionItem,
    PresentStudyCase,
    RecordAdvice,
    RecordConferenceHeld,
    RecordSecrecyUndertaking,
    ScheduleConference,
    ScheduleReview,
)
from services.conferences.domain.errors import (
    ActionItemNotFound,
    AlreadyExists,
    ConferenceNotFound,
    NoSecrecyUndertaking,
    NoSharingBasis,
    NotTheAssignee,
    StudyCaseNotFound,
    WrongConferenceState,
)
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
from services.conferences.domain.values import (
    OUTSIDE_KINDS,
    ActionItemSpec,
    Expertise,
    Participant,
    ShareBasis,
)
from shared.checks import required_text
from shared.dates import local_date, require_aware
from shared.errors import InvalidCommand
from shared.events import DomainEvent, Replay, absorb
from shared.reference import CodeLists

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
    "decide_assign_action_item",
    "decide_complete_action_item",
    "decide_present_study_case",
    "decide_record_advice",
    "decide_record_held",
    "decide_record_undertaking",
    "decide_schedule",
    "decide_schedule_review",
    "participant_sees_details",
    "replay",
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


def participant_sees_details(state: ConferenceState, participant: Participant) -> bool:
    """Whether the minutes may show ``participant`` the case's details (守秘義務・共有の根拠).

    Council staff and the person always; a participant from outside the council only when the
    meeting was held on a statutory (支援会議) or consent basis and their secrecy undertaking is
    recorded. A case-study meeting's anonymised cases and advice are shown to a participant from
    outside once their undertaking is recorded, whatever the basis.
    """
    if participant.kind not in OUTSIDE_KINDS:
        return True
    if state.undertaking_of(participant.name, participant.organisation) is None:
        return False
    return state.case_study or state.basis.kind in ("statutory", "consent")


# --- checks ---------------------------------------------------------------------------------------


def _require_known(state: ConferenceState, conference_id: str) -> None:
    if state.status == "new":
        raise ConferenceNotFound(f"no conference {conference_id!r} was scheduled", field="conference_id")


def _require_held(state: ConferenceState, conference_id: str, what: str) -> None:
    _require_known(state, conference_id)
    if state.status != "held":
        raise WrongConferenceState(
            f"conference {conference_id} has not been held yet: record it held (with its participants) before {what}",
            reason="not_held_yet",
        )


def _check_due(due_on: date | None, not_before: date, field_name: str) -> None:
    if due_on is not None and due_on < not_before:
        raise InvalidCommand(
            f"{field_name} {due_on.isoformat()} is before the conference ({not_before.isoformat()}): give a later date",
            field=field_name,
            reason="before_earliest",
            ctx={"earliest": not_before.isoformat()},
        )


def _assigned(
    state: ConferenceState,
    item: ActionItemSpec,
    action_id: str,
    *,
    now: datetime,
    by: str,
    field_name: str,
    departments: frozenset[str] | None = None,
) -> ActionItemAssigned:
    assert state.conference_id is not None and state.case_id is not None and state.held_at is not None
    _check_due(item.due_on, local_date(state.held_at), f"{field_name}.due_on")
    if item.assignee_kind == "department" and departments is not None and item.assignee not in departments:
        raise InvalidCommand(
            f"{field_name}.assignee {item.assignee!r} is not a council department: use one of {sorted(departments)}",
            field=f"{field_name}.assignee",
        )
    return ActionItemAssigned(
        conference_id=state.conference_id,
        case_id=state.case_id,
        action_id=action_id,
        description=item.description,
        assignee_kind=item.assignee_kind,
        assignee=item.assignee,
        due_on=item.due_on,
        assigned_at=now,
        assigned_by=by,
    )


# --- decisions ------------------------------------------------------------------------------------


def decide_schedule(
    state: ConferenceState, cmd: ScheduleConference, *, now: datetime, conference_id: str, codes: CodeLists
) -> list[DomainEvent]:
    """会議を設定する: a known kind, a case, a purpose, an aware time."""
    if state.status != "new":
        raise AlreadyExists(f"conference {conference_id} already exists", reason="already_recorded")
    codes.require(KINDS, cmd.kind, field_name="kind")
    require_aware(cmd.scheduled_for, "scheduled_for")
    if cmd.kind == CASE_STUDY and not cmd.case_id.strip():
        case_id = f"study-{conference_id}"  # a case-study meeting discusses several cases, or none known
    else:
        case_id = required_text(cmd.case_id, "case_id", "the person, household or provisional case id")
    return [
        ConferenceScheduled.of(
            cmd,
            conference_id=conference_id,
            case_id=case_id,
            purpose=required_text(cmd.purpose, "purpose", "what the meeting is to decide"),
            referral_id=cmd.referral_id or None,
            scheduled_at=now,
            code_list_version=codes.version,
        )
    ]


def decide_record_held(
    state: ConferenceState,
    cmd: RecordConferenceHeld,
    *,
    now: datetime,
    action_ids: Sequence[str],
    departments: frozenset[str] | None = None,
) -> list[DomainEvent]:
    """会議の記録: once; outside participants need a statutory or consent basis with its reference
    (a case-study meeting excepted: its cases are discussed without identifying details)."""
    _require_known(state, cmd.conference_id)
    if state.status == "held":
        raise WrongConferenceState(
            f"conference {cmd.conference_id} was already recorded as held: add action items or schedule a review",
            reason="already_done",
        )
    require_aware(cmd.held_at, "held_at")
    if cmd.held_at > now:
        raise InvalidCommand(
            f"held_at {cmd.held_at.isoformat()} is in the future: record the conference once it has been held",
            field="held_at",
            reason="in_future",
        )
    if not cmd.participants:
        raise InvalidCommand(
            "participants is required: name at least one participant", field="participants", reason="required"
        )
    outside = sum(1 for p in cmd.participants if p.kind in OUTSIDE_KINDS)
    if outside and cmd.basis.kind == "none" and not state.case_study:
        raise NoSharingBasis(
            f"{outside} participant(s) from outside the council took part: record the basis on which the case "
            "was shared (statutory: 支援会議・地域ケア会議, with the law or meeting; consent: the consent id)",
            field="basis",
            reason="basis_required",
        )
    if cmd.basis.kind != "none" and not (cmd.basis.reference or "").strip():
        raise InvalidCommand(
            f"a {cmd.basis.kind} basis needs its reference (the law or meeting, or the consent id)",
            field="basis.reference",
            reason="basis_reference",
        )
    if len(action_ids) != len(cmd.action_items):
        raise ValueError("one new action id per action item")
    decisions = tuple(d for d in cmd.decisions if d.strip())
    basis = cmd.basis if cmd.basis.kind != "none" else ShareBasis()
    assert state.conference_id is not None and state.case_id is not None
    held = ConferenceHeld.of(
        cmd,
        conference_id=state.conference_id,
        case_id=state.case_id,
        outside_participants=outside,
        basis=basis,
        summary=cmd.summary or None,
        decisions=decisions,
        person_wishes=cmd.person_wishes or None,
        recorded_at=now,
    )
    held_state = apply(state, held)
    items = [
        _assigned(
            held_state,
            item,
            aid,
            now=now,
            by=cmd.recorded_by,
            field_name=f"action_items[{i}]",
            departments=departments,
        )
        for i, (item, aid) in enumerate(zip(cmd.action_items, action_ids, strict=True))
    ]
    return [held, *items]


def decide_assign_action_item(
    state: ConferenceState,
    cmd: AssignActionItem,
    *,
    now: datetime,
    action_id: str,
    departments: frozenset[str] | None = None,
) -> list[DomainEvent]:
    """役割を追加する: only on a held conference."""
    _require_held(state, cmd.conference_id, "assigning action items")
    return [
        _assigned(state, cmd.item, action_id, now=now, by=cmd.assigned_by, field_name="item", departments=departments)
    ]


def decide_complete_action_item(state: ConferenceState, cmd: CompleteActionItem, *, now: datetime) -> list[DomainEvent]:
    """役割の実施: once, by conferences staff or the department the item was assigned to."""
    _require_held(state, cmd.conference_id, "completing action items")
    item = state.action_item(cmd.action_id)
    if item is None:
        raise ActionItemNotFound(
            f"conference {cmd.conference_id} has no action item {cmd.action_id!r}", field="action_id"
        )
    assignee_department = item.assignee if item.assignee_kind == "department" else None
    if cmd.completed_by_department not in {CONFERENCE_DEPARTMENT, assignee_department}:
        raise NotTheAssignee(
            f"action item {cmd.action_id} is assigned to {item.assignee_kind} {item.assignee!r}: "
            f"conferences staff{' or ' + assignee_department + ' staff' if assignee_department else ''} "
            "record it done",
            reason="not_assignee",
        )
    if item.done:
        raise WrongConferenceState(f"action item {cmd.action_id} is already done", reason="already_done")
    assert state.conference_id is not None and state.case_id is not None
    return [
        ActionItemCompleted.of(
            cmd, conference_id=state.conference_id, case_id=state.case_id, note=cmd.note or None, completed_at=now
        )
    ]


def decide_schedule_review(
    state: ConferenceState, cmd: ScheduleReview, *, now: datetime, review_id: str
) -> list[DomainEvent]:
    """経過確認を予定する: after the conference was held, on a later day."""
    _require_held(state, cmd.conference_id, "scheduling a review")
    assert state.conference_id is not None and state.case_id is not None and state.held_at is not None
    held_on = local_date(state.held_at)
    if cmd.due_on <= held_on:
        raise InvalidCommand(
            f"due_on {cmd.due_on.isoformat()} is not after the conference ({held_on.isoformat()}): give a later date",
            field="due_on",
            reason="before_earliest",
            ctx={"earliest": (held_on + timedelta(days=1)).isoformat()},
        )
    return [
        ConferenceReviewScheduled.of(
            cmd,
            conference_id=state.conference_id,
            case_id=state.case_id,
            review_id=review_id,
            purpose=required_text(cmd.purpose, "purpose", "what the review is to look at"),
            scheduled_at=now,
        )
    ]


def decide_record_undertaking(
    state: ConferenceState, cmd: RecordSecrecyUndertaking, *, now: datetime
) -> list[DomainEvent]:
    """守秘義務の誓約を記録する: of a participant from outside the council, once, on a day not in the
    future; before the meeting (expected participants) or after it (one who took part)."""
    _require_known(state, cmd.conference_id)
    if cmd.participant_kind not in OUTSIDE_KINDS:
        raise InvalidCommand(
            f"participant_kind {cmd.participant_kind!r} is council staff or the person: only participants from "
            f"outside the council ({sorted(OUTSIDE_KINDS)}) give a secrecy undertaking",
            field="participant_kind",
            reason="outside_only",
        )
    name = required_text(cmd.participant_name, "participant_name", "the participant's name or role")
    organisation = required_text(cmd.organisation, "organisation", "the participant's organisation or role")
    if cmd.undertaken_on > local_date(now):
        raise InvalidCommand(
            f"undertaken_on {cmd.undertaken_on.isoformat()} is in the future: record the undertaking once given",
            field="undertaken_on",
            reason="in_future",
        )
    if state.status == "held" and not any(
        p.name == name and p.organisation == organisation for p in state.participants
    ):
        raise InvalidCommand(
            f"{name} ({organisation}) did not take part in conference {cmd.conference_id}: name a participant "
            "as recorded in the minutes",
            field="participant_name",
            reason="not_a_participant",
        )
    if state.undertaking_of(name, organisation) is not None:
        raise WrongConferenceState(
            f"the secrecy undertaking of {name} ({organisation}) is already recorded", reason="already_recorded"
        )
    assert state.conference_id is not None and state.case_id is not None
    return [
        SecrecyUndertakingRecorded.of(
            cmd,
            conference_id=state.conference_id,
            case_id=state.case_id,
            participant_name=name,
            organisation=organisation,
            reference=(cmd.reference or "").strip() or None,
            recorded_at=now,
        )
    ]


def decide_present_study_case(
    state: ConferenceState, cmd: PresentStudyCase, *, now: datetime, study_case_id: str
) -> list[DomainEvent]:
    """事例を出す: only at a case-study meeting; a summary without identifying details, a case id optional."""
    _require_known(state, cmd.conference_id)
    if not state.case_study:
        raise WrongConferenceState(
            f"conference {cmd.conference_id} is a {state.kind}, not a case-study meeting (事例検討会): "
            "present cases at a meeting of kind case_study",
            reason="not_case_study",
        )
    assert state.conference_id is not None and state.case_id is not None
    return [
        CaseStudyCasePresented.of(
            cmd,
            conference_id=state.conference_id,
            case_id=state.case_id,
            study_case_id=study_case_id,
            discussed_case_id=(cmd.discussed_case_id or "").strip() or None,
            summary=required_text(cmd.summary, "summary", "the case in a few lines, without names"),
            presented_at=now,
        )
    ]


def decide_record_advice(state: ConferenceState, cmd: RecordAdvice, *, now: datetime) -> list[DomainEvent]:
    """助言を記録する: on a presented case of a held case-study meeting, in the name of a participant;
    one from outside the council only once their secrecy undertaking is recorded."""
    _require_held(state, cmd.conference_id, "recording advice")
    case = state.study_case(cmd.study_case_id)
    if case is None:
        raise StudyCaseNotFound(
            f"conference {cmd.conference_id} has no presented case {cmd.study_case_id!r}", field="study_case_id"
        )
    adviser = next((p for p in state.participants if p.name == cmd.adviser_name), None)
    if adviser is None:
        raise InvalidCommand(
            f"adviser_name {cmd.adviser_name!r} did not take part: name a participant as recorded in the minutes",
            field="adviser_name",
            reason="not_a_participant",
        )
    if adviser.kind in OUTSIDE_KINDS and state.undertaking_of(adviser.name, adviser.organisation) is None:
        raise NoSecrecyUndertaking(
            f"{adviser.name} ({adviser.organisation}) has no secrecy undertaking (守秘義務) recorded: record it "
            "before recording advice in their name",
            field="adviser_name",
            reason="secrecy_undertaking",
        )
    assert state.conference_id is not None and state.case_id is not None
    return [
        CaseStudyAdviceRecorded.of(
            cmd,
            conference_id=state.conference_id,
            case_id=state.case_id,
            study_case_id=case.study_case_id,
            adviser_name=adviser.name,
            adviser_organisation=adviser.organisation,
            advice=required_text(cmd.advice, "advice", "what the adviser advised"),
            recorded_at=now,
        )
    ]
