"""The district support network (地区支援チーム・地区支援ネットワーク会議) and the district desk
(福祉なんでも相談窓口), three kinds of stream:

* ``district-team-{district_id}``: the district support team (地区支援チーム) — resident coordinator
  (住民コーディネーター), welfare counsellor (民生委員) and CSW — set as a whole, changeable; the
  stream's version is the team's version (If-Match).
* ``district-meeting-{meeting_id}``: one monthly network meeting (地区支援ネットワーク会議) of a
  district, with team and outside members (包括, 民生委員, 自治会...), the consultations and cases
  shared and discussed, and the district issues (地域課題) raised — the accumulation of cases
  (ケースの積み上げ) that reporting counts per area and month.
* ``district-desk-{consultation_id}``: a consultation taken at the district's desk (地区ボランティア
  センターの福祉なんでも相談窓口); the handler also makes it a referral to 総合相談窓口 (intake).

Sharing a case respects the disclosure rules the platform applies to cases
(:mod:`shared.consent`, as conferences record a meeting's basis): every member who is not council
staff is outside the council, so a case shared by its id needs the person's consent (the consent id)
or a statutory meeting (支援会議, with its reference); without either, the case is discussed
without identifying details and names no case.

Fold: :func:`apply_team`, :func:`apply_meeting`, :func:`apply_desk`. Decisions: ``decide_*``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from services.districts.domain.commands import RecordNetworkMeeting, SetSupportTeam, TakeDeskConsultation
from services.districts.domain.events import (
    DeskConsultationTaken,
    DistrictSupportTeamSet,
    NetworkMeetingCaseDiscussed,
    NetworkMeetingHeld,
    NetworkMeetingIssueRaised,
)
from services.districts.domain.values import NetworkIssue, ShareBasis, TeamMember
from shared.checks import not_after, optional_text, required_text
from shared.dates import local_date
from shared.errors import InvalidCommand
from shared.events import DomainEvent, absorb
from shared.reference import CodeLists

__all__ = [
    "CHANNELS",
    "DESK_NAME",
    "ISSUE_CATEGORIES",
    "MEMBER_KINDS",
    "DeskState",
    "MeetingState",
    "TeamState",
    "apply_desk",
    "apply_meeting",
    "apply_team",
    "decide_record_meeting",
    "decide_set_team",
    "decide_take_desk_consultation",
    "desk_case_id",
    "outside",
]

MEMBER_KINDS = "network_member_kinds"
ISSUE_CATEGORIES = "district_issue_categories"
CHANNELS = "contact_channels"
DESK_NAME = "福祉なんでも相談窓口"


# --- the district support team (地区支援チーム) ------------------------------------------------------


@dataclass(frozen=True)
class TeamState:
    """A district's support team; ``TeamState()`` is a district with no team yet."""

    district_id: str | None = None
    members: tuple[TeamMember, ...] = ()
    changes: int = 0


def apply_team(state: TeamState, event: DomainEvent) -> TeamState:
    if isinstance(event, DistrictSupportTeamSet):
        return absorb(state, event, changes=state.changes + 1)
    return state


def decide_set_team(state: TeamState, cmd: SetSupportTeam, *, now: datetime, codes: CodeLists) -> list[DomainEvent]:
    """地区支援チームの編成: team kinds only, every member once, at least one CSW with a staff id."""
    if not cmd.members:
        raise InvalidCommand(
            "members is required: the resident coordinator, the welfare counsellor (民生委員) and the CSW",
            field="members",
            reason="required",
        )
    team_kinds = codes.flagged(MEMBER_KINDS, "team")
    seen: set[tuple[str, str]] = set()
    for i, member in enumerate(cmd.members):
        if member.kind not in team_kinds:
            raise InvalidCommand(
                f"members[{i}].kind {member.kind!r} is not a team role; use one of {sorted(team_kinds)}",
                field=f"members[{i}].kind",
                reason="unknown_code",
                ctx={"allowed": ", ".join(sorted(team_kinds))},
            )
        if member.kind == "csw" and not (member.staff_id or "").strip():
            raise InvalidCommand(
                f"members[{i}].staff_id is required for a CSW: the council staff id of the district's CSW",
                field=f"members[{i}].staff_id",
                reason="required",
            )
        key = (member.kind, member.name)
        if key in seen:
            raise InvalidCommand(
                f"members[{i}] {member.name!r} is listed twice", field=f"members[{i}].name", reason="listed_twice"
            )
        seen.add(key)
    if not any(m.kind == "csw" for m in cmd.members):
        raise InvalidCommand(
            "members needs the district's CSW (kind csw, with the staff id)", field="members", reason="csw_required"
        )
    members = tuple(
        m if m.kind == "csw" else m.model_copy(update={"staff_id": optional_text(m.staff_id)}) for m in cmd.members
    )
    if state.district_id is not None and members == state.members and optional_text(cmd.note) is None:
        raise InvalidCommand("the team is already made of these members", field="members", reason="nothing_changed")
    return [
        DistrictSupportTeamSet.of(
            cmd, members=members, note=optional_text(cmd.note), set_at=now, code_list_version=codes.version
        )
    ]


# --- the network meeting (地区支援ネットワーク会議) ---------------------------------------------------


@dataclass(frozen=True)
class MeetingState:
    """One network meeting; ``MeetingState()`` is a meeting not recorded yet."""

    meeting_id: str | None = None
    district_id: str | None = None
    month: str | None = None
    issues: int = 0
    cases: int = 0
    held_on: date | None = None


def apply_meeting(state: MeetingState, event: DomainEvent) -> MeetingState:
    if isinstance(event, NetworkMeetingHeld):
        return absorb(state, event, issues=len(event.issues))
    if isinstance(event, NetworkMeetingIssueRaised):
        return replace(state, issues=state.issues + 1)
    if isinstance(event, NetworkMeetingCaseDiscussed):
        return replace(state, cases=state.cases + 1)
    return state


def outside(kind: str, codes: CodeLists) -> bool:
    """A member who is not council staff is outside the council: cases reach them only on a basis."""
    return kind not in codes.flagged(MEMBER_KINDS, "staff")


def _basis(basis: ShareBasis, case_id: str | None, has_outside: bool, i: int) -> ShareBasis:
    where = f"cases[{i}].basis"
    if basis.kind != "none" and not (basis.reference or "").strip():
        raise InvalidCommand(
            f"{where}: a {basis.kind} basis needs its reference (the consent id, or the law or meeting)",
            field=f"{where}.reference",
            reason="basis_reference",
        )
    if case_id and basis.kind == "none" and has_outside:
        raise InvalidCommand(
            f"{where}: members from outside the council take part, so a case shared by its id needs the "
            "person's consent (the consent id) or a statutory meeting (支援会議); otherwise discuss it "
            "without identifying details and leave case_id empty",
            field=where,
            reason="consent_needed",
        )
    return basis if basis.kind != "none" else ShareBasis()


def decide_record_meeting(
    state: MeetingState,
    cmd: RecordNetworkMeeting,
    *,
    now: datetime,
    meeting_id: str,
    ids: Iterable[str],
    team: TeamState,
    codes: CodeLists,
) -> list[DomainEvent]:
    """会議の記録: known member kinds, the district's team set, cases on a basis, issues with a category."""
    if state.meeting_id is not None:
        raise InvalidCommand(
            f"network meeting {meeting_id!r} is already recorded", field="meeting_id", reason="already_recorded"
        )
    if team.district_id is None:
        raise InvalidCommand(
            f"district {cmd.district_id!r} has no support team yet: set its team first (PUT /support-teams)",
            field="district_id",
            reason="no_support_team",
        )
    if cmd.held_on > local_date(now):
        raise InvalidCommand(
            f"held_on {cmd.held_on} is in the future: record the meeting once held", field="held_on", reason="in_future"
        )
    if not cmd.participants:
        raise InvalidCommand(
            "participants is required: the team and outside members who took part",
            field="participants",
            reason="required",
        )
    kinds = codes.code_set(MEMBER_KINDS)
    for i, p in enumerate(cmd.participants):
        if p.kind not in kinds:
            raise InvalidCommand(
                f"participants[{i}].kind {p.kind!r} is unknown; use one of {sorted(kinds)}",
                field=f"participants[{i}].kind",
                reason="unknown_code",
                ctx={"allowed": ", ".join(sorted(kinds))},
            )
    outside_count = sum(1 for p in cmd.participants if outside(p.kind, codes))
    fresh = iter(ids)
    issues: list[NetworkIssue] = []
    for i, issue in enumerate(cmd.issues):
        codes.require(ISSUE_CATEGORIES, issue.category, field_name=f"issues[{i}].category")
        issues.append(issue.model_copy(update={"issue_id": next(fresh)}))
    discussed: list[DomainEvent] = []
    for i, case in enumerate(cmd.cases):
        case_id = optional_text(case.case_id)
        basis = _basis(case.basis, case_id, outside_count > 0, i)
        discussed.append(
            NetworkMeetingCaseDiscussed.of(
                cmd,
                meeting_id=meeting_id,
                discussion_id=next(fresh),
                case_id=case_id,
                basis=basis,
                summary=required_text(case.summary, f"cases[{i}].summary", "what was shared and discussed"),
                next_steps=optional_text(case.next_steps),
                recorded_at=now,
            )
        )
    held = NetworkMeetingHeld.of(
        cmd,
        meeting_id=meeting_id,
        month=cmd.held_on.strftime("%Y-%m"),
        outside_participants=outside_count,
        team_version=team.changes,
        issues=tuple(issues),
        cases_discussed=len(discussed),
        minutes=optional_text(cmd.minutes),
        recorded_at=now,
        code_list_version=codes.version,
    )
    return [held, *discussed]


# --- the district desk (福祉なんでも相談窓口) -------------------------------------------------------


@dataclass(frozen=True)
class DeskState:
    """One consultation taken at a district desk."""

    consultation_id: str | None = None
    district_id: str | None = None
    case_id: str | None = None
    referral_id: str | None = None


def apply_desk(state: DeskState, event: DomainEvent) -> DeskState:
    if isinstance(event, DeskConsultationTaken):
        return absorb(state, event)
    return state


def desk_case_id(consultation_id: str) -> str:
    """The provisional case id of a desk consultation about a person the council does not know yet."""
    return f"district-desk-{consultation_id}"


def decide_take_desk_consultation(
    state: DeskState,
    cmd: TakeDeskConsultation,
    *,
    now: datetime,
    consultation_id: str,
    referral_id: str,
    codes: CodeLists,
) -> list[DomainEvent]:
    """相談受付: what was asked, how, the district issue it adds to; already happened."""
    if state.consultation_id is not None:
        raise InvalidCommand(
            f"consultation {consultation_id!r} is already recorded", field="consultation_id", reason="already_recorded"
        )
    not_after(cmd.taken_at, now, "taken_at")
    codes.require(CHANNELS, cmd.channel, field_name="channel")
    codes.require(ISSUE_CATEGORIES, cmd.issue_category, field_name="issue_category")
    return [
        DeskConsultationTaken.of(
            cmd,
            consultation_id=consultation_id,
            case_id=optional_text(cmd.case_id) or desk_case_id(consultation_id),
            person_id=optional_text(cmd.person_id),
            desk=optional_text(cmd.desk) or DESK_NAME,
            consulter=optional_text(cmd.consulter),
            summary=required_text(cmd.summary, "summary", "what the consultation is about"),
            referral_id=referral_id,
            recorded_at=now,
            code_list_version=codes.version,
        )
    ]
