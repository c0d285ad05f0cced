"""What conferences' routes answer, as documented models: the web client's types are generated from them.

The views are built by :mod:`services.conferences.queries` and :mod:`services.conferences.handlers`;
these models only document (and check) their shape. Special-care details withheld from the reader are
``null`` (decisions: empty) and named in ``redacted``, so a screen says 非開示.
"""

from __future__ import annotations

from pydantic import Field

from services.conferences.domain.values import Participant, ShareBasis
from shared.views import PageView, View

__all__ = [
    "ActionItemList",
    "ConferencePage",
    "ConferenceReply",
    "ConferenceView",
    "MinutesView",
    "ReviewList",
]


class ConferenceReply(View):
    """What a command on a conference answers: its state after it, and the ids it made (if any)."""

    conference_id: str
    case_id: str | None = None
    status: str
    version: int
    action_ids: list[str] | None = None
    action_id: str | None = None
    review_id: str | None = None
    study_case_id: str | None = None


class ActionItemView(View):
    action_id: str
    assignee_kind: str
    assignee: str
    due_on: str | None = None
    done: bool
    completed_at: str | None = None
    description: str | None = None
    completed_by_department: str | None = None
    referral_id: str | None = None
    """The referral (紹介) the item became, when assigned to another department."""
    referral_status: str | None = None
    """made, accepted, declined, completed, cancelled, expired: the department's answer so far."""
    note: str | None = None
    """What was written when the item was recorded done (``null`` and named in ``redacted`` as
    ``action_items.note`` for a reader who does not see the conference's details)."""


class UndertakingView(View):
    """守秘義務の誓約: who undertook secrecy, on which day, recorded by whom."""

    participant_name: str
    organisation: str
    participant_kind: str
    undertaken_on: str
    reference: str | None = None
    recorded_at: str
    recorded_by: str
    recorded_by_name: str | None = None
    """The recorder's display name as their sign-in gave it (e.g. 会議 花子), when it did."""


class AdviceView(View):
    adviser_name: str
    adviser_organisation: str
    expertise: str
    advice: str | None = None
    recorded_at: str
    recorded_by: str


class StudyCaseView(View):
    """事例検討の事例: the anonymised summary and the advice on it; the linked case only to its readers."""

    study_case_id: str
    discussed_case_id: str | None = None
    summary: str | None = None
    reached_service: bool
    presented_by: str
    presented_by_department: str
    advice: list[AdviceView]


class ReviewView(View):
    review_id: str
    due_on: str
    purpose: str | None = None
    """null when withheld (see the conference's ``redacted``)"""


class ConferenceView(View):
    """会議記録: the meeting, who took part on what basis, what was decided and who does what."""

    conference_id: str
    case_id: str
    kind: str
    status: str
    purpose: str | None = None
    scheduled_for: str | None = None
    referral_id: str | None = None
    referral_status: str | None = None
    """The status of the referral (紹介) that asked for the meeting: made, accepted, completed..."""
    referral_from: str | None = None
    """The department that made that referral."""
    held_at: str | None = None
    participants: list[Participant]
    basis: ShareBasis
    summary: str | None = None
    decisions: list[str]
    person_wishes: str | None = None
    action_items: list[ActionItemView]
    reviews: list[ReviewView]
    undertakings: list[UndertakingView]
    study_cases: list[StudyCaseView]
    version: int
    redacted: list[str]


class MinutesActionItem(View):
    assignee_kind: str
    assignee: str
    due_on: str | None = None
    description: str | None = None


class MinutesAdvice(View):
    adviser_name: str
    expertise: str
    advice: str | None = None


class MinutesStudyCase(View):
    summary: str | None = None
    reached_service: bool
    advice: list[MinutesAdvice]


class MinutesView(View):
    """議事録 (送付用): what the minutes may show one participant. Details are withheld from a
    participant from outside the council without a recorded secrecy undertaking, or when the
    meeting had no basis for sharing; ``withheld_because`` says which."""

    conference_id: str
    kind: str
    status: str
    held_at: str | None = None
    participant: Participant
    undertaking_recorded: bool
    basis: ShareBasis
    details_shown: bool
    withheld_because: str | None = None
    case_id: str | None = None
    purpose: str | None = None
    summary: str | None = None
    decisions: list[str]
    person_wishes: str | None = None
    action_items: list[MinutesActionItem]
    study_cases: list[MinutesStudyCase]
    redacted: list[str]


class ConferenceRow(View):
    """One line of the conference list (会議一覧)."""

    conference_id: str
    case_id: str
    kind: str
    status: str
    scheduled_for: str
    referral_id: str | None = None
    held_at: str | None = None
    basis_kind: str
    participant_count: int
    outside_participants: int
    open_action_items: int
    version: int
    updated_at: str


class ConferencePage(PageView):
    items: list[ConferenceRow]


class ActionItemRow(View):
    """One action item of the list (役割一覧): what is to be done only to those who read the
    conference's details, else ``description`` is ``null`` and named in ``redacted``."""

    action_id: str
    conference_id: str
    case_id: str
    assignee_kind: str
    assignee: str
    due_on: str | None = None
    done: bool
    completed_at: str | None = None
    description: str | None = None
    note: str | None = None
    """What was written when it was recorded done (withheld like ``description``)."""
    referral_id: str | None = None
    """The referral (紹介) the item became, when assigned to another department."""
    referral_status: str | None = None
    """made, accepted, declined, completed, cancelled, expired: the department's answer so far."""
    redacted: list[str]


class ActionItemList(View):
    items: list[ActionItemRow]


class ReviewRow(View):
    review_id: str
    conference_id: str
    case_id: str
    due_on: str
    purpose: str | None = None
    """null when withheld (see ``redacted``)"""
    redacted: list[str] = Field(default=[])


class ReviewList(View):
    items: list[ReviewRow]
