"""Later changes to recorded district facts:

* a district issue (地域課題) raised on a network meeting (地区支援ネットワーク会議) after it was
  recorded, on the meeting's ``district-meeting-{meeting_id}`` stream (:func:`decide_raise_issue`);
  the accumulation (ケースの積み上げ) counts it in the month it was raised;
* a registered local resource's (地域資源) facts edited as a whole, on its
  ``district-resource-{resource_id}`` stream (:func:`decide_change_resource`).

Both are versioned (If-Match / ``expected_version``; a stale one is a 409 from the handler).
"""

from __future__ import annotations

from datetime import date, datetime

from services.districts.domain.events import LocalResourceChanged, NetworkMeetingIssueRaised
from services.districts.domain.network import ISSUE_CATEGORIES, MeetingState
from services.districts.domain.registry import ResourceState
from services.districts.domain.values import NetworkIssue
from shared.checks import optional_text, required_text
from shared.domain import Command
from shared.errors import InvalidCommand
from shared.events import DomainEvent
from shared.reference import CodeLists

__all__ = ["ChangeLocalResource", "RaiseMeetingIssue", "decide_change_resource", "decide_raise_issue"]

JST_NOTE = "raised_on is the day (JST) the issue was raised"


class RaiseMeetingIssue(Command):
    """会議後に地域課題を追加する."""

    meeting_id: str
    category: str
    description: str
    raised_on: date
    recorded_by: str


class ChangeLocalResource(Command):
    """地域資源の情報を変更する (name, address, contact, whom it serves; as a whole)."""

    resource_id: str
    name: str
    address: str | None = None
    contact: str | None = None
    serves: str | None = None
    changed_by: str


def decide_raise_issue(
    state: MeetingState, cmd: RaiseMeetingIssue, *, now: datetime, today: date, issue_id: str, codes: CodeLists
) -> list[DomainEvent]:
    """地域課題の追加: a known category, a description, raised on or after the meeting and not in the future."""
    assert state.meeting_id is not None and state.district_id is not None
    codes.require(ISSUE_CATEGORIES, cmd.category, field_name="category")
    description = required_text(cmd.description, "description", "what was raised (no personal details)")
    if cmd.raised_on > today:
        raise InvalidCommand(
            f"raised_on {cmd.raised_on} is in the future: {JST_NOTE}", field="raised_on", reason="in_future"
        )
    if state.held_on is not None and cmd.raised_on < state.held_on:
        raise InvalidCommand(
            f"raised_on {cmd.raised_on} is before the meeting ({state.held_on}): raise it on or after the meeting day",
            field="raised_on",
            reason="before_earliest",
            ctx={"earliest": state.held_on.isoformat()},
        )
    return [
        NetworkMeetingIssueRaised(
            meeting_id=state.meeting_id,
            district_id=state.district_id,
            issue=NetworkIssue(issue_id=issue_id, category=cmd.category, description=description),
            raised_on=cmd.raised_on,
            month=cmd.raised_on.strftime("%Y-%m"),
            recorded_at=now,
            recorded_by=cmd.recorded_by,
            code_list_version=codes.version,
        )
    ]


_EDITABLE = ("name", "address", "contact", "serves")


def decide_change_resource(state: ResourceState, cmd: ChangeLocalResource, *, now: datetime) -> list[DomainEvent]:
    """地域資源の変更: a name, and something that differs from what is registered."""
    assert state.resource_id is not None and state.district_id is not None
    after = {
        "name": required_text(cmd.name, "name", "the resource's name, e.g. 一色ふれあいサロン"),
        "address": optional_text(cmd.address),
        "contact": optional_text(cmd.contact),
        "serves": optional_text(cmd.serves),
    }
    changed = tuple(f for f in _EDITABLE if after[f] != getattr(state, f))
    if not changed:
        raise InvalidCommand(
            "nothing to change: the resource is already registered with these facts",
            field="name",
            reason="nothing_changed",
        )
    return [
        LocalResourceChanged(
            resource_id=state.resource_id,
            district_id=state.district_id,
            name=after["name"] or "",
            address=after["address"],
            contact=after["contact"],
            serves=after["serves"],
            changed_fields=changed,
            changed_at=now,
            changed_by=cmd.changed_by,
        )
    ]
