"""Conferences' consumers: the departments' answers to the referrals that action items became.

An action item assigned to another department is a referral from conferences to it
(:mod:`services.conferences.handlers`). When that department completes the referral
(``referral.ReferralCompleted`` on its own topic), the item is completed here in the consumer's
transaction: ``completed_by`` is the staff member who completed the referral, the department the
item was assigned to, and the note carries the referral's outcome. The runner dedupes by event id;
an item already done (marked done at the conferences desk first) is left as it is.
"""

from __future__ import annotations

from sqlalchemy import Connection

from services.conferences.adapters import rows
from services.conferences.domain.commands import CompleteActionItem
from services.conferences.domain.conference import CONFERENCE_DEPARTMENT
from services.conferences.handlers import CONFERENCE, CONFERENCE_FOLD, complete_action_item_in
from shared.commands import CommandContext
from shared.envelope import Actor, Envelope
from shared.referrals.desk import DEPARTMENT_TOPICS
from shared.service import ConsumerSpec, ServiceKit

__all__ = ["ANSWER_TOPICS", "action_item_referrals", "complete_item_of_referral"]

ANSWER_TOPICS = tuple(t for t in DEPARTMENT_TOPICS if t != f"{CONFERENCE_DEPARTMENT}.events")
ANSWER = "referral.ReferralCompleted"


def complete_item_of_referral(kit: ServiceKit, conn: Connection, env: Envelope) -> None:
    """役割の実施: a completed referral that an action item became completes the item."""
    if env.type != ANSWER:
        return
    found = rows.item_of_referral(conn, str(env.data.get("referral_id", "")))
    if found is None:
        return
    system = Actor.system(CONFERENCE_DEPARTMENT)
    ctx = CommandContext(actor=system, correlation_id=env.correlationid, causation_id=env.id)
    with kit.uow(system, correlation_id=env.correlationid, causation_id=env.id, connection=conn) as uow:
        state, _version = uow.load(CONFERENCE.stream(str(found["conference_id"])), CONFERENCE_FOLD)
        item = state.action_item(str(found["action_id"]))
        if item is None or item.done:
            return
        note = env.data.get("note")
        outcome = str(env.data.get("outcome") or "")
        cmd = CompleteActionItem(
            conference_id=str(found["conference_id"]),
            action_id=item.action_id,
            note=f"[{outcome}] {note}" if note else f"[{outcome}]",
            completed_by=str(env.data.get("by") or system.staff_id),
            completed_by_department=str(found["assignee"]),
        )
        complete_action_item_in(uow, ctx, cmd)
        uow.commit()


def action_item_referrals(kit: ServiceKit) -> ConsumerSpec:
    def handler(conn: Connection, env: Envelope) -> None:
        complete_item_of_referral(kit, conn, env)

    return ConsumerSpec(f"{CONFERENCE_DEPARTMENT}.action-item-referrals", ANSWER_TOPICS, handler, wants=ANSWER.__eq__)
