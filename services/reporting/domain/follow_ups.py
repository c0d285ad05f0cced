"""要フォロー: cases whose support has stalled, beyond the referral-based reasons.

The seed's councils follow up a case that reached no service *and* a case where help was offered
but is not moving: the person refused (Mrs. A: "no intervention without her consent", watched from
a distance), work agreed at a conference is past due, a review the conference set is due, or an
intake follow-up date passed with no contact. Each is a reason of its own, so a case can appear
more than once and a worker sees why:

================================  ============================================================
reason                            when
================================  ============================================================
person_refused                    the person refused a contact or visit, or a consultation was
                                  closed because they declined, and work on the case is still
                                  open (an action item, a review, a follow-up or a watch-over)
action_item_overdue               an action item agreed at a conference is past its due date
                                  and not completed
review_due                        a conference review is due (on or before today)
follow_up_overdue                 an intake follow-up is past due, no contact answered it and
                                  its consultation is still open
================================  ============================================================

(The referral-based reasons — closed without service, a denial's referral declined or expired,
a referral overdue — are computed from the referral read model in :mod:`..adapters.queries`.)

A pure fold over the relevant timeline facts; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.dates import JST

__all__ = ["FACT_TYPES", "Fact", "Stalled", "stalled"]


FACT_TYPES = (
    "intake.FollowUpScheduled",
    "intake.ContactRecorded",
    "intake.ConsultationClosed",
    "intake.ConsultationReopened",
    "districts.OutreachVisitRecorded",
    "districts.WatchOverStarted",
    "districts.WatchOverEnded",
    "conferences.ActionItemAssigned",
    "conferences.ActionItemCompleted",
    "conferences.ConferenceReviewScheduled",
    "conferences.ConferenceHeld",
)


@dataclass(frozen=True)
class Fact:
    type: str
    case_id: str
    department: str
    at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class Stalled:
    case_id: str
    reason: str
    department: str
    since: datetime
    reference_id: str


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), JST)


def stalled(facts: Iterable[Fact], now: datetime) -> list[Stalled]:
    today = now.astimezone(JST).date()
    refusals: dict[str, Fact] = {}
    open_work: set[str] = set()
    follow_ups: dict[str, Fact] = {}
    answered: set[str] = set()
    closed: set[str] = set()
    items: dict[str, Fact] = {}
    completed: set[str] = set()
    reviews: list[Fact] = []
    watching: dict[str, str] = {}
    for f in sorted(facts, key=lambda f: f.at):
        d = f.data
        refused = (
            f.type in ("intake.ContactRecorded", "districts.OutreachVisitRecorded") and d.get("outcome") == "refused"
        ) or (f.type == "intake.ConsultationClosed" and d.get("outcome") == "person_declined")
        if refused:
            refusals[f.case_id] = f
        if f.type == "intake.FollowUpScheduled":
            follow_ups[str(d["follow_up_id"])] = f
        elif f.type == "intake.ContactRecorded" and d.get("follow_up_id"):
            answered.add(str(d["follow_up_id"]))
        elif f.type == "intake.ConsultationClosed":
            closed.add(str(d.get("consultation_id")))
        elif f.type == "intake.ConsultationReopened":
            closed.discard(str(d.get("consultation_id")))
        elif f.type == "conferences.ActionItemAssigned":
            items[str(d["action_id"])] = f
        elif f.type == "conferences.ActionItemCompleted":
            completed.add(str(d.get("action_id")))
        elif f.type == "conferences.ConferenceReviewScheduled":
            reviews.append(f)
        elif f.type == "districts.WatchOverStarted":
            watching[f.case_id] = str(d.get("watch_id"))
        elif f.type == "districts.WatchOverEnded":
            watching.pop(f.case_id, None)

    out: list[Stalled] = []
    for aid, f in items.items():
        if aid in completed:
            continue
        open_work.add(f.case_id)
        due = _day(f.data.get("due_on"))
        if due is not None and due < today:
            department = str(f.data.get("assignee")) if f.data.get("assignee_kind") == "department" else "conferences"
            out.append(Stalled(f.case_id, "action_item_overdue", department, _start_of(due), aid))
    for f in reviews:
        due = _day(f.data.get("due_on"))
        open_work.add(f.case_id)
        if due is not None and due <= today:
            out.append(Stalled(f.case_id, "review_due", "conferences", _start_of(due), str(f.data["review_id"])))
    for fid, f in follow_ups.items():
        if fid in answered or str(f.data.get("consultation_id")) in closed:
            continue
        open_work.add(f.case_id)
        due = _day(f.data.get("due_on"))
        if due is not None and due < today:
            out.append(Stalled(f.case_id, "follow_up_overdue", f.department, _start_of(due), fid))
    open_work |= set(watching)
    for case_id, f in refusals.items():
        if case_id in open_work:
            reference = str(f.data.get("visit_id") or f.data.get("contact_id") or f.data.get("consultation_id"))
            out.append(Stalled(case_id, "person_refused", f.department, f.at, reference))
    return out
