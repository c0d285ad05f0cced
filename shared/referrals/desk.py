"""The referral desk: the referral mechanism as a department's service runs it (SQL + Kafka).

Every department service builds one ``ReferralDesk`` in its bootstrap::

    desk = ReferralDesk(kit, "loans", rules=rules_for("loans"))
    for spec in desk.consumer_specs():
        kit.add_consumer(spec)
    routers.append(desk.router())

- Commands (make, accept, decline, complete, cancel, record an outside agency's outcome) run in
  one unit of work: decide with the pure model, record on the department's own stream
  ``referral-<id>``, update the projection, commit.
- The **rule engine** consumes the department's own topic; each rule firing has the id
  ``uuid5(rule id, cause event id)`` and its ``ReferralMade`` a deterministic event id too, so a
  redelivered cause finds the referral already made and makes nothing.
- The **projection** consumes every department's topic, so a target learns of referrals made to
  it and a source sees the answer: the loop closes.
- The **expiry sweep** (periodic, and ``POST /referrals/expire-overdue``) expires the source's
  referrals that nobody answered by their deadline and escalates them to the source's managers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter
from sqlalchemy import Connection

from shared.access import reads_details
from shared.commands import CommandContext
from shared.db import reading
from shared.envelope import Actor, Envelope
from shared.errors import ConcurrencyConflict, Forbidden, NotFound
from shared.events import DomainEvent
from shared.referrals import projection
from shared.referrals.commands import (
    AcceptReferral,
    CancelReferral,
    CompleteReferral,
    DeclineReferral,
    MakeReferral,
    RecordExternalOutcome,
)
from shared.referrals.model import (
    ReferralState,
    Status,
    decide_accept,
    decide_cancel,
    decide_complete,
    decide_decline,
    decide_expire,
    decide_make,
    decide_record_outcome,
)
from shared.referrals.rules import RuleSet, default_rules, evaluate
from shared.referrals.view import visible_referral
from shared.service import ConsumerSpec, ServiceKit
from shared.uow import UnitOfWork, check_expected_version

__all__ = ["DEPARTMENT_TOPICS", "ReferralDesk", "stream_of"]

DEPARTMENT_TOPICS = ("intake.events", "loans.events", "districts.events", "conferences.events")
_EVENT_NAMESPACE = uuid.UUID("0b6f3c1e-8a55-4c38-9a57-2f1d8c4b7e21")


def stream_of(referral_id: str) -> str:
    return f"referral-{referral_id}"


def _context(who: Actor | CommandContext, correlation_id: str | None) -> CommandContext:
    """The command context of a desk command: given (from the HTTP edge), or the actor's own."""
    return who if isinstance(who, CommandContext) else CommandContext(actor=who, correlation_id=correlation_id)


def disclosure_allowed(state: ReferralState) -> bool:
    """Special-care details cross to the other side only on a recorded basis (consent or statutory)."""
    return state.made is not None and state.made.basis.kind in ("consent", "statutory")


class ReferralDesk:
    def __init__(
        self, kit: ServiceKit, department: str, rules: RuleSet | None = None, *, sweep_seconds: float = 60.0
    ) -> None:
        self.kit = kit
        self.department = department
        all_rules = rules if rules is not None else default_rules()
        self.rules = RuleSet(
            rules=tuple(r for r in all_rules if r.source_department == department),
            versions=all_rules.versions,
            checksum=all_rules.checksum,
        )
        if kit.producer is not None:
            kit.add_periodic(f"referral-expiry:{department}", sweep_seconds, self.expire_overdue)

    # -- commands --------------------------------------------------------------------------
    # Each takes the acting staff member, or the whole command context from the HTTP edge (its
    # ``expected_version``, from If-Match, is checked against the referral's :attr:`version`).
    def make(
        self, who: Actor | CommandContext, cmd: MakeReferral, *, correlation_id: str | None = None
    ) -> dict[str, Any]:
        ctx = _context(who, correlation_id)
        actor = ctx.actor
        self._require_own_staff(actor)
        check_expected_version(stream_of(cmd.referral_id), 0, ctx.expected_version)
        with self.kit.uow(actor, correlation_id=ctx.correlation_id, causation_id=ctx.causation_id) as uow:
            events = decide_make(None, cmd, department=actor.department, now=uow.now())
            state = self._record(uow, cmd.referral_id, cmd.case_id, events, expected_version=0)
            uow.commit()
        return self.view(state, actor)

    def accept(
        self, who: Actor | CommandContext, cmd: AcceptReferral, *, correlation_id: str | None = None
    ) -> dict[str, Any]:
        return self._act(_context(who, correlation_id), cmd.referral_id, decide_accept, cmd)

    def decline(
        self, who: Actor | CommandContext, cmd: DeclineReferral, *, correlation_id: str | None = None
    ) -> dict[str, Any]:
        return self._act(_context(who, correlation_id), cmd.referral_id, decide_decline, cmd)

    def complete(
        self, who: Actor | CommandContext, cmd: CompleteReferral, *, correlation_id: str | None = None
    ) -> dict[str, Any]:
        return self._act(_context(who, correlation_id), cmd.referral_id, decide_complete, cmd)

    def cancel(
        self, who: Actor | CommandContext, cmd: CancelReferral, *, correlation_id: str | None = None
    ) -> dict[str, Any]:
        return self._act(_context(who, correlation_id), cmd.referral_id, decide_cancel, cmd)

    def record_outcome(
        self, who: Actor | CommandContext, cmd: RecordExternalOutcome, *, correlation_id: str | None = None
    ) -> dict[str, Any]:
        return self._act(_context(who, correlation_id), cmd.referral_id, decide_record_outcome, cmd)

    def expire_overdue(self) -> list[str]:
        """Expire and escalate this department's unanswered referrals past their deadline."""
        system = Actor.system(self.department)
        expired: list[str] = []
        with reading(self.kit.engine) as conn:
            overdue, _ = projection.list_states(
                conn,
                projection.ReferralFilter(source=self.department, overdue_at=self.kit.clock.now()),
                limit=1000,
                offset=0,
            )
        for candidate in overdue:
            with self.kit.uow(system) as uow:
                state = projection.load_state(uow.conn, candidate.referral_id)
                events = decide_expire(state, uow.now())
                if not events or state is None or state.made is None:
                    continue
                self._record(uow, candidate.referral_id, state.made.case_id, list(events))
                uow.commit()
                expired.append(candidate.referral_id)
        return expired

    # -- queries ---------------------------------------------------------------------------
    def view(self, state: ReferralState, viewer: Actor) -> dict[str, Any]:
        """The referral as ``viewer`` may see it, with its ``version`` (the ETag for an answer's If-Match)."""
        shown = visible_referral(
            state, viewer.department, disclosure_allowed(state), reads_details=reads_details(viewer)
        )
        return {**shown, "version": state.version}

    def get(self, referral_id: str, viewer: Actor) -> dict[str, Any]:
        with reading(self.kit.engine) as conn:
            state = projection.load_state(conn, referral_id)
        if state is None or state.made is None:
            raise NotFound(f"referral {referral_id} is not known to {self.department}")
        return self.view(state, viewer)

    def inbox(self, viewer: Actor, **filters: Any) -> dict[str, Any]:
        """Referrals addressed to this department (受付箱)."""
        return self._list(viewer, {"target": self.department}, filters)

    def outbox(self, viewer: Actor, **filters: Any) -> dict[str, Any]:
        """Referrals this department made, with their answers (紹介した案件)."""
        return self._list(viewer, {"source": self.department}, filters)

    def escalations(self, viewer: Actor, **filters: Any) -> dict[str, Any]:
        """Unanswered referrals escalated to this department's managers."""
        return self._list(viewer, {"source": self.department, "escalated": True}, filters)

    def for_case(self, case_id: str, viewer: Actor) -> list[dict[str, Any]]:
        with reading(self.kit.engine) as conn:
            states, _ = projection.list_states(conn, projection.ReferralFilter(case_id=case_id), limit=500, offset=0)
        return [self.view(s, viewer) for s in states if self._involves(s, viewer.department)]

    def router(self) -> APIRouter:
        from shared.referrals.routes import referral_router

        return referral_router(self)

    # -- consumers -------------------------------------------------------------------------
    def consumer_specs(self) -> list[ConsumerSpec]:
        # Each reads whole topics but acts on few types: the others pass by without a transaction.
        specs = [
            ConsumerSpec(
                f"{self.department}.referral-projection",
                DEPARTMENT_TOPICS,
                self.on_referral_event,
                wants=projection.is_referral_event,
            )
        ]
        if len(self.rules):
            specs.append(
                ConsumerSpec(
                    f"{self.department}.referral-rules",
                    [f"{self.department}.events"],
                    self.on_cause,
                    wants=lambda event_type: bool(self.rules.for_event(event_type)),
                )
            )
        return specs

    def on_referral_event(self, conn: Connection, env: Envelope) -> None:
        projection.project(conn, [env])

    def on_cause(self, conn: Connection, env: Envelope) -> None:
        """Fire this department's automatic referral rules for one of its own events."""
        rules = self.rules.for_event(env.type)
        if not rules:
            return
        made = evaluate(rules, env.type, env.id, env.caseid, env.data, env.time)
        system = Actor.system(self.department)
        with self.kit.uow(system, correlation_id=env.correlationid, causation_id=env.id, connection=conn) as uow:
            for event in made:
                if projection.load_state(conn, event.referral_id) is not None:
                    continue  # the same cause was delivered before: the referral exists
                try:
                    self._record(
                        uow,
                        event.referral_id,
                        event.case_id,
                        [event],
                        expected_version=0,
                        event_ids=[str(uuid.uuid5(_EVENT_NAMESPACE, event.referral_id))],
                    )
                except ConcurrencyConflict:
                    continue
            uow.commit()

    # -- internals -------------------------------------------------------------------------
    def _require_own_staff(self, actor: Actor) -> None:
        if actor.department != self.department:
            raise Forbidden(
                f"staff of {actor.department!r} act on referrals through their own department's service, "
                f"not {self.department!r}'s",
                reason="referral_own_desk",
                ctx={"department": actor.department},
            )

    def _involves(self, state: ReferralState, department: str) -> bool:
        made = state.made
        return made is not None and (
            made.source_department == department or (made.target_kind == "department" and made.target == department)
        )

    def _act(
        self, ctx: CommandContext, referral_id: str, decide: Callable[..., Sequence[DomainEvent]], cmd: Any
    ) -> dict[str, Any]:
        """One answer: load the referral, check the caller's version, decide, record, project, commit."""
        actor = ctx.actor
        self._require_own_staff(actor)
        with self.kit.uow(actor, correlation_id=ctx.correlation_id, causation_id=ctx.causation_id) as uow:
            state = projection.load_state(uow.conn, referral_id)
            if state is None or state.made is None:
                raise NotFound(f"referral {referral_id} is not known to {self.department}")
            check_expected_version(stream_of(referral_id), state.version, ctx.expected_version)
            events = decide(state, cmd, department=actor.department, now=uow.now())
            new_state = self._record(uow, referral_id, state.made.case_id, events)
            uow.commit()
        return self.view(new_state, actor)

    def _record(
        self,
        uow: UnitOfWork,
        referral_id: str,
        case_id: str,
        events: Sequence[DomainEvent],
        *,
        expected_version: int | None = None,
        event_ids: list[str] | None = None,
    ) -> ReferralState:
        stream = stream_of(referral_id)
        if expected_version is None:
            expected_version = len(uow.store.read_stream(uow.conn, stream))
        envelopes = uow.record(stream, expected_version, events, case_id=case_id, event_ids=event_ids)
        touched = projection.project(uow.conn, envelopes)
        return touched[referral_id]

    def _list(self, viewer: Actor, side: dict[str, Any], filters: dict[str, Any]) -> dict[str, Any]:
        limit = int(filters.get("limit") or 50)
        offset = int(filters.get("offset") or 0)
        narrowing = {k: filters.get(k) for k in ("priority", "case_id")}
        flt = projection.ReferralFilter(**side, **narrowing, status=filters.get("status"))
        # The counts header shows every status of the same side and narrowing, whatever status is listed.
        all_statuses = projection.ReferralFilter(**side, **narrowing)
        with reading(self.kit.engine) as conn:
            states, total = projection.list_states(conn, flt, limit=limit, offset=offset)
            counts = projection.count_by_status(conn, all_statuses)
        return {
            "items": [self.view(s, viewer) for s in states],
            "total": total,
            "limit": limit,
            "offset": offset,
            "counts": {s.value: counts.get(s.value, 0) for s in Status},
        }
