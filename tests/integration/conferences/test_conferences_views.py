"""What the conference view and the action-item list show beside the ids: the status of the referral
that asked for the meeting and of those its action items became, the note written when an item was
done (withheld like the description), and who recorded a secrecy undertaking by name."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.conferences import handlers, queries
from services.conferences.domain import commands as c
from services.conferences.domain.conference import action_item_referral_id
from shared.commands import CommandContext
from shared.envelope import Actor
from tests.integration.conferences.test_conferences_handlers import (
    AGENCY,
    DISTRICTS,
    STAFF,
    clock,
    hold,
    kit,
    referral_to_conferences,
    schedule,
)

__all__ = ["clock", "kit"]

NAMED = Actor(staff_id="c-w2", department="conferences", role="worker", name="会議 花子")
LOANS = Actor(staff_id="l-w1", department="loans", role="worker")


def test_the_view_names_the_referrals_status_the_done_note_and_who_recorded_an_undertaking(kit: Any) -> None:
    referral_id = referral_to_conferences(kit, "p-view")
    conference_id = schedule(kit, case_id="", referral_id=referral_id)["conference_id"]
    [action_id] = hold(kit, conference_id)["action_ids"]
    handlers.complete_action_item(
        kit,
        CommandContext(actor=DISTRICTS),
        c.CompleteActionItem(
            conference_id=conference_id,
            action_id=action_id,
            note="サロンに同行した",
            completed_by=DISTRICTS.staff_id,
            completed_by_department="districts",
        ),
    )
    handlers.record_undertaking(
        kit,
        CommandContext(actor=NAMED),
        c.RecordSecrecyUndertaking(
            conference_id=conference_id,
            participant_name=AGENCY.name,
            organisation=AGENCY.organisation,
            participant_kind="agency",
            undertaken_on=date(2015, 6, 1),
            recorded_by=NAMED.staff_id,
        ),
    )

    view = queries.conference_detail(kit, conference_id, STAFF)
    assert (view["referral_id"], view["referral_status"], view["referral_from"]) == (referral_id, "accepted", "intake")
    [item] = view["action_items"]
    assert (item["note"], item["referral_id"]) == ("サロンに同行した", action_item_referral_id(action_id))
    assert item["referral_status"] == "cancelled"  # done before districts answered: its referral is withdrawn
    [undertaking] = view["undertakings"]
    assert (undertaking["recorded_by"], undertaking["recorded_by_name"]) == ("c-w2", "会議 花子")

    listed = queries.action_items(kit, STAFF, assignee="districts", case_id=None, done=None, limit=10)["items"]
    assert [(i["note"], i["referral_status"], i["redacted"]) for i in listed] == [("サロンに同行した", "cancelled", [])]

    # A department with no part in the meeting reads neither the description nor the note.
    withheld = queries.conference_detail(kit, conference_id, LOANS)
    assert withheld["action_items"][0]["note"] is None and "action_items.note" in withheld["redacted"]
    [row] = queries.action_items(kit, LOANS, assignee="districts", case_id=None, done=None, limit=10)["items"]
    assert (row["note"], row["description"], row["redacted"]) == (None, None, ["description", "note"])
    assert row["referral_status"] == "cancelled"  # the referral's status is no special-care detail
