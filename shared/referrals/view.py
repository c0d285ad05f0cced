"""What a department may see of a referral, and status counts for an inbox header.

:func:`visible_referral` always shows the referral's existence, reason category, priority, status,
deadline and answers (codes and reasons), because routing work needs them. Free-text fields that
may hold special-care personal data (要配慮個人情報: ``reason_detail`` and the notes), and a reason
category that is itself special-care (a DV, illness or disability code), are shown to
the department that wrote them, and to the other side only when ``disclosure_allowed`` — which the
caller decides from the recorded basis (consent covering the viewer, or a statutory meeting).
Withheld fields stay in the dict as ``None`` and are named in ``redacted``, so a screen can say
"非開示" instead of pretending there is nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.errors import Forbidden
from shared.reference import load_code_lists
from shared.referrals.events import ReferralMade
from shared.referrals.model import ReferralState, Status

__all__ = ["ReferralSummary", "visible_referral"]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _sensitive_reasons() -> frozenset[str]:
    return load_code_lists().flagged(ReferralMade.coded_fields["reason_category"], "sensitive")


def visible_referral(
    state: ReferralState, viewer_department: str, disclosure_allowed: bool, *, reads_details: bool = True
) -> dict[str, Any]:
    """The referral as ``viewer_department`` may see it (JSON types); other departments get Forbidden.

    ``reads_details`` is false for a role that reads no personal details at all (an auditor, an
    admin: :func:`shared.access.reads_details`): it sees the referral's codes, dates and answers of
    its own department's referrals, never their notes or a special-care reason."""
    made = state.require_made()
    is_source = viewer_department == made.source_department
    is_target = made.target_kind == "department" and viewer_department == made.target
    if not (is_source or is_target):
        raise Forbidden(
            f"department {viewer_department!r} is neither the source nor the target of referral {made.referral_id}",
            reason="referral_not_yours",
        )
    redacted: list[str] = []

    def personal(name: str, value: str | None, written_by_viewer: bool) -> str | None:
        if value is None or (reads_details and (written_by_viewer or disclosure_allowed)):
            return value
        redacted.append(name)
        return None

    # A DV, illness or disability reason is special-care data itself: without a basis the target
    # sees that a referral exists, its priority and deadline, not why.
    reason: str | None = made.reason_category
    if not (reads_details and (is_source or disclosure_allowed)) and reason in _sensitive_reasons():
        reason = None
        redacted.append("reason_category")

    accepted, declined, completed = state.accepted, state.declined, state.completed
    cancelled, expired, escalated, outcome = state.cancelled, state.expired, state.escalated, state.outcome
    view: dict[str, Any] = {
        "referral_id": made.referral_id,
        "case_id": made.case_id,
        "person_id": made.person_id,
        "household_id": made.household_id,
        "source_department": made.source_department,
        "target_kind": made.target_kind,
        "target": made.target,
        "reason_category": reason,
        "reason_detail": personal("reason_detail", made.reason_detail, is_source),
        "priority": made.priority,
        "status": state.status.value,
        "deadline": _iso(made.deadline),
        "made_at": _iso(made.at),
        "made_by": made.made_by,
        "basis_kind": made.basis.kind,
        "automatic": made.automatic,
        "rule_id": made.rule_id,
        "rule_version": made.rule_version,
        "accepted_at": _iso(accepted.at) if accepted else None,
        "accepted_by": accepted.by if accepted else None,
        "accept_note": personal("accept_note", accepted.note if accepted else None, is_target),
        "declined_at": _iso(declined.at) if declined else None,
        "declined_by": declined.by if declined else None,
        "decline_reason": declined.reason if declined else None,
        "completed_at": _iso(completed.at if completed else outcome.at if outcome else None),
        "completed_by": completed.by if completed else outcome.by if outcome else None,
        "outcome": completed.outcome if completed else outcome.outcome if outcome else None,
        "outcome_note": (
            personal("outcome_note", completed.note, is_target)
            if completed
            else personal("outcome_note", outcome.note if outcome else None, is_source)
        ),
        "cancelled_at": _iso(cancelled.at) if cancelled else None,
        "cancel_reason": cancelled.reason if cancelled else None,
        "expired_at": _iso(expired.at) if expired else None,
        "escalated_to": f"{escalated.department}:{escalated.to_role}" if escalated else None,
    }
    view["redacted"] = redacted
    return view


@dataclass(frozen=True)
class ReferralSummary:
    """Counts for an inbox header: by status, plus overdue (made, past deadline, not yet expired)."""

    by_status: dict[Status, int] = field(default_factory=dict)
    overdue: int = 0
    escalated: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def open(self) -> int:
        """Still waiting for someone: made, accepted or expired."""
        return sum(self.by_status.get(s, 0) for s in (Status.MADE, Status.ACCEPTED, Status.EXPIRED))

    @classmethod
    def of(cls, states: Iterable[ReferralState], *, now: datetime | None = None) -> ReferralSummary:
        """Summarise known referrals; ``overdue`` is counted only when ``now`` is given."""
        by_status = {s: 0 for s in Status}
        overdue = escalated = 0
        for state in states:
            if state.made is None:
                continue
            by_status[state.status] += 1
            escalated += state.escalated is not None
            if now is not None and state.status is Status.MADE and now > state.made.deadline:
                overdue += 1
        return cls(by_status=by_status, overdue=overdue, escalated=escalated)
