"""What the district support network's and the district desk's routes answer (documented models).

Special-care text (a case's summary at a meeting, a desk consultation's words) withheld from the
reader is ``null`` and named in ``redacted``.
"""

from __future__ import annotations

from pydantic import Field

from shared.views import PageView, View

__all__ = [
    "DeskConsultationPage",
    "DeskConsultationReply",
    "MeetingDetail",
    "MeetingPage",
    "MeetingReply",
    "TeamReply",
    "TeamView",
]


class TeamMemberView(View):
    kind: str
    name: str
    staff_id: str | None = None


class TeamReply(View):
    """The team after a change, and its version (the ETag)."""

    district_id: str
    members: list[TeamMemberView]
    version: int


class TeamView(View):
    """地区支援チーム of a district: its members, the note of the last change, its version."""

    district_id: str
    members: list[TeamMemberView]
    note: str | None = None
    set_by: str
    updated_at: str
    version: int


class ParticipantView(View):
    name: str
    kind: str
    organisation: str | None = None


class IssueView(View):
    issue_id: str
    category: str
    description: str
    raised_on: str | None = Field(default=None, description="the day it was raised, when added after the meeting")


class SharedCaseView(View):
    """A case discussed: ``case_id`` null when it was discussed without identifying details."""

    discussion_id: str
    case_id: str | None = None
    basis_kind: str
    basis_reference: str | None = None
    summary: str | None = None
    next_steps: str | None = None
    redacted: list[str] = Field(default_factory=list)


class MeetingReply(View):
    meeting_id: str
    district_id: str
    issue_ids: list[str]
    discussion_ids: list[str]
    version: int


class MeetingRow(View):
    meeting_id: str
    district_id: str
    held_on: str
    month: str
    participants: list[ParticipantView]
    outside_participants: int
    team_version: int
    issues: list[IssueView]
    cases_discussed: int
    minutes: str | None = None
    recorded_by: str
    version: int


class MeetingDetail(MeetingRow):
    cases: list[SharedCaseView]


class MeetingPage(PageView):
    items: list[MeetingRow]


class DeskConsultationReply(View):
    consultation_id: str
    district_id: str
    case_id: str
    referral_id: str
    version: int


class DeskConsultationRow(View):
    consultation_id: str
    district_id: str
    case_id: str
    person_id: str | None = None
    desk: str
    taken_at: str
    channel: str
    consulter: str | None = None
    summary: str | None = None
    issue_category: str
    consent_to_share: bool
    referral_id: str
    redacted: list[str] = Field(default_factory=list)


class DeskConsultationPage(PageView):
    items: list[DeskConsultationRow]
