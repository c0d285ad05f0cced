"""The referral projection (SQL): every referral event a department has seen, folded per referral.

Both sides' events land here — the department's own, in the transaction that records them, and
the other side's, from Kafka — in any order and any number of times: events are kept by event
id and folded with :func:`shared.referrals.model.fold`, which is order-free and idempotent.
Rows whose ``ReferralMade`` has not arrived yet are kept but never listed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, Connection, MetaData, String, Table, Text, case, false, func, select

from shared.envelope import Envelope
from shared.errors import IllegalTransition, InvalidCommand, NotFound
from shared.referrals.events import REFERRAL_EVENTS, ReferralEvent
from shared.referrals.model import ReferralState, Status, fold

__all__ = [
    "ReferralFilter",
    "case_of_accepted_referral",
    "count_by_status",
    "list_states",
    "load_state",
    "project",
    "referrals_table",
]

_md = MetaData()
referrals_table = Table(
    "referrals",
    _md,
    Column("referral_id", String(64), primary_key=True),
    Column("case_id", String(128)),
    Column("source_department", String(64)),
    Column("target_kind", String(16)),
    Column("target", String(64)),
    Column("reason_category", String(64)),
    Column("priority", String(16)),
    Column("status", String(16)),
    Column("deadline", String(40)),
    Column("made_at", String(40)),
    Column("escalated", Boolean, nullable=False, server_default=false()),
    Column("rule_id", String(128)),
    Column("events", Text, nullable=False),
)


def _parse(raw: str) -> list[ReferralEvent]:
    stored: dict[str, dict[str, Any]] = json.loads(raw)
    events: list[ReferralEvent] = []
    for item in stored.values():
        event = REFERRAL_EVENTS.parse(item["type"], item.get("v", 1), item["data"])
        assert isinstance(event, ReferralEvent)
        events.append(event)
    return events


def load_state(conn: Connection, referral_id: str) -> ReferralState | None:
    raw = conn.execute(select(referrals_table.c.events).where(referrals_table.c.referral_id == referral_id)).scalar()
    return fold(_parse(raw)) if raw else None


def case_of_accepted_referral(
    conn: Connection, referral_id: str, department: str, case_id: str | None, *, before: str
) -> str:
    """The case of a referral addressed to ``department`` and accepted there; a ``case_id`` the
    caller also sent must agree with it. ``before`` names the step that needs the acceptance, for
    the message (e.g. "recording the concern it brings")."""
    state = load_state(conn, referral_id)
    if state is None or state.made is None:
        raise NotFound(f"referral {referral_id} is not known to {department}", field="referral_id")
    made = state.made
    if made.target_kind != "department" or made.target != department:
        raise InvalidCommand(
            f"referral {referral_id} is addressed to {made.target}, not {department}",
            field="referral_id",
            reason="referral_not_yours",
        )
    if state.status != Status.ACCEPTED:
        raise IllegalTransition(
            f"referral {referral_id} is {state.status.value}: accept it (POST /referrals/{referral_id}/accept) "
            f"before {before}",
            reason="referral_status",
            ctx={"status": state.status.value},
        )
    if case_id and case_id != made.case_id:
        raise InvalidCommand(
            f"case_id {case_id!r} differs from the referral's case {made.case_id!r}: leave case_id out", field="case_id"
        )
    return made.case_id


def is_referral_event(event_type: str) -> bool:
    """The events this projection folds (``referral.*``); any other type passes it by."""
    return event_type.startswith("referral.")


def project(conn: Connection, envelopes: Sequence[Envelope]) -> dict[str, ReferralState]:
    """Add referral events to the projection; returns the new state of each referral touched."""
    touched: dict[str, ReferralState] = {}
    for env in envelopes:
        if not is_referral_event(env.type):
            continue
        referral_id = str(env.data["referral_id"])
        row = conn.execute(
            select(referrals_table.c.events).where(referrals_table.c.referral_id == referral_id)
        ).scalar()
        stored: dict[str, dict[str, Any]] = json.loads(row) if row else {}
        if env.id in stored:
            continue
        stored[env.id] = {"type": env.type, "v": env.schemaversion, "data": env.data}
        state = fold(_parse(json.dumps(stored)))
        assert state is not None
        values = _columns(state) | {"events": json.dumps(stored, ensure_ascii=False, sort_keys=True)}
        if row is None:
            conn.execute(referrals_table.insert().values(referral_id=referral_id, **values))
        else:
            conn.execute(referrals_table.update().where(referrals_table.c.referral_id == referral_id).values(**values))
        touched[referral_id] = state
    return touched


def _columns(state: ReferralState) -> dict[str, Any]:
    made = state.made
    if made is None:
        return {"status": None, "escalated": state.escalated is not None}
    return {
        "case_id": made.case_id,
        "source_department": made.source_department,
        "target_kind": made.target_kind,
        "target": made.target,
        "reason_category": made.reason_category,
        "priority": made.priority,
        "status": state.status.value,
        "deadline": made.deadline.isoformat(),
        "made_at": made.at.isoformat(),
        "escalated": state.escalated is not None,
        "rule_id": made.rule_id,
    }


class ReferralFilter:
    """Which referrals a list shows: a side (inbox/outbox) plus optional filters."""

    def __init__(
        self,
        *,
        target: str | None = None,
        source: str | None = None,
        status: str | None = None,
        priority: str | None = None,
        case_id: str | None = None,
        escalated: bool | None = None,
        overdue_at: datetime | None = None,
    ) -> None:
        t = referrals_table.c
        self.clauses: list[Any] = [t.source_department.is_not(None)]
        if target is not None:
            self.clauses += [t.target_kind == "department", t.target == target]
        if source is not None:
            self.clauses.append(t.source_department == source)
        if status is not None:
            self.clauses.append(t.status == status)
        if priority is not None:
            self.clauses.append(t.priority == priority)
        if case_id is not None:
            self.clauses.append(t.case_id == case_id)
        if escalated is not None:
            self.clauses.append(t.escalated == escalated)
        if overdue_at is not None:
            self.clauses += [t.status == "made", t.deadline < overdue_at.isoformat()]


def list_states(conn: Connection, flt: ReferralFilter, *, limit: int, offset: int) -> tuple[list[ReferralState], int]:
    t = referrals_table.c
    total = conn.execute(select(func.count()).select_from(referrals_table).where(*flt.clauses)).scalar_one()
    # Same-day and urgent first, then the nearest deadline: the order a desk works its inbox in.
    urgency = case((t.priority == "same_day", 0), (t.priority == "urgent", 1), else_=2)
    rows = conn.execute(
        select(t.events).where(*flt.clauses).order_by(urgency, t.deadline, t.referral_id).limit(limit).offset(offset)
    ).scalars()
    states = [fold(_parse(r)) for r in rows]
    return [s for s in states if s is not None], int(total)


def count_by_status(conn: Connection, flt: ReferralFilter) -> dict[str, int]:
    t = referrals_table.c
    rows = conn.execute(select(t.status, func.count()).where(*flt.clauses).group_by(t.status)).all()
    return {str(status): int(n) for status, n in rows}
