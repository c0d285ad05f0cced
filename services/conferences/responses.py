"""What conferences' routes answer, as documented models: the web client's types are generated from them.

The views are built by :mod:`services.conferences.queries` and :mod:`services.conferences.handlers`;
these models only document (and check) their shape. Special-care details withheld from the reader are
``null`` (decisions: empty) and named in ``redacted``, so a screen says 非開示.
"""

from __future__ import annotations

from services.conferences.domain.values import Participant, ShareBasis
from shared.views import PageView, View

__all__ = [
    "ActionItemList",
    "ConferencePage",
    "ConferenceReply",
    "ConferenceView",
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


class ActionItemView(View):
    action_id: str
    assignee_kind: str
    assignee: str
    due_on: str | None = None
    done: bool
    completed_at: str | None = None
    description: str | None = None
    completed_by_department: str | None = None


class ReviewView(View):
    review_id: str
    due_on: str
    purpose: str


class ConferenceView(View):
    """会議記録: the meeting, who took part on what basis, what was decided and who does what."""

    conference_id: str
    case_id: str
    kind: str
    status: str
    purpose: str | None = None
    scheduled_for: str | None = None
    referral_id: str | None = None
    held_at: str | None = None
    participants: list[Participant]
    basis: ShareBasis
    summary: str | None = None
    decisions: list[str]
    person_wishes: str | None = None
    action_items: list[ActionItemView]
    reviews: list[ReviewView]
    version: int
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
    redacted: list[str]


class ActionItemList(View):
    items: list[ActionItemRow]


class ReviewRow(View):
    review_id: str
    conference_id: str
    case_id: str
    due_on: str
    purpose: str


class ReviewList(View):
    items: list[ReviewRow]
