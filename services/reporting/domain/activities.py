"""District work and conferences as first-class parts of the case view (地区の活動・会議).

Pure folds over a case's timeline entries, *after* redaction: a field the viewer may not see
arrives here as :data:`~services.reporting.domain.case_view.REDACTED` and stays so. Only the
published contract fields of the districts' and conferences' events are read (``schemas/events``).

* :func:`district_work` — watch-over concerns (見守りの気づき), outreach visits (アウトリーチ訪問),
  residents' watch-over (見守り), salons (サロン) and volunteer roles (担い手), the network meetings
  that shared the case (地区支援ネットワーク会議) and the district desk's consultations (福祉なんでも相談窓口).
* :func:`conferences` — case and community care meetings (ケース会議・地域ケア会議) with their
  participants' kinds (never names), basis of sharing, decisions, action items (役割分担) and
  reviews (経過確認).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from pydantic import BaseModel

__all__ = [
    "ActionItem",
    "ConferenceEntry",
    "DistrictWork",
    "Review",
    "WatchOver",
    "conferences",
    "district_work",
    "meeting_audiences",
]


class _Entry(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def time(self) -> datetime: ...
    @property
    def department(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...


class WatchOver(BaseModel):
    """見守り: who watches how often and how near; ``ended_on`` once it ended."""

    watch_id: str
    approach: str
    frequency: str
    watchers: int
    started_on: date | None
    ended_at: datetime | None = None
    end_reason: str | None = None


class DistrictWork(BaseModel):
    """地区の活動: what the district team and residents did for the case."""

    district_ids: list[str]
    concerns: list[dict[str, Any]]
    visits: list[dict[str, Any]]
    visits_reached: int
    watch_over: WatchOver | None
    salons: list[dict[str, Any]]
    volunteer_roles: list[dict[str, Any]]
    network_meetings: list[dict[str, Any]] = []
    """地区支援ネットワーク会議: each time the case was shared and discussed, on which basis."""
    desk_consultations: list[dict[str, Any]] = []
    """福祉なんでも相談窓口: consultations the district's desk took about the case."""


class ActionItem(BaseModel):
    """役割分担: who does what by when; ``done`` once the assignee (or conferences) completed it."""

    action_id: str
    conference_id: str
    assignee: str
    assignee_kind: str
    description: Any
    due_on: date | None
    done: bool = False
    completed_at: datetime | None = None
    completed_by_department: str | None = None
    note: Any = None


class Review(BaseModel):
    """経過確認: a follow-up review the conference scheduled."""

    review_id: str
    due_on: date
    purpose: str


class ConferenceEntry(BaseModel):
    """One conference about the case: kind, when, who by kind, on what basis, what was decided."""

    conference_id: str
    kind: str | None
    purpose: Any
    scheduled_for: datetime | None
    held_at: datetime | None
    status: str
    basis: str | None
    participant_kinds: dict[str, int]
    outside_participants: int
    decisions: Any
    summary: Any
    person_wishes: Any
    action_items: list[ActionItem]
    reviews: list[Review]


def _keep(data: dict[str, Any], *fields: str) -> dict[str, Any]:
    return {f: data.get(f) for f in fields}


def district_work(entries: Iterable[_Entry]) -> DistrictWork | None:
    """The district team's work on the case, or ``None`` when districts never recorded any."""
    districts: list[str] = []
    concerns: list[dict[str, Any]] = []
    visits: list[dict[str, Any]] = []
    salons: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    meetings: list[dict[str, Any]] = []
    desk: list[dict[str, Any]] = []
    watch: WatchOver | None = None
    seen = False
    for e in entries:
        if not e.type.startswith("districts."):
            continue
        seen = True
        d = e.data
        if d.get("district_id") and d["district_id"] not in districts:
            districts.append(str(d["district_id"]))
        if e.type == "districts.WatchConcernRaised":
            concerns.append(_keep(d, "concern_id", "raised_at", "reported_by", "reporter", "concern", "referral_id"))
        elif e.type == "districts.OutreachVisitRecorded":
            visit = _keep(d, "visit_id", "visited_at", "outcome", "note")
            visit["visitors"] = len(d.get("visitors") or ())
            visits.append(visit)
        elif e.type == "districts.WatchOverStarted":
            watch = WatchOver(
                watch_id=str(d["watch_id"]),
                approach=str(d.get("approach")),
                frequency=str(d.get("frequency")),
                watchers=len(d.get("watchers") or ()),
                started_on=d.get("started_on"),
            )
        elif e.type == "districts.WatchOverEnded" and watch is not None and watch.watch_id == d.get("watch_id"):
            # validated, not model_copy'd: the event's ISO text becomes the datetime the field says
            ended = {"ended_at": d.get("ended_at"), "end_reason": d.get("reason")}
            watch = WatchOver.model_validate({**watch.model_dump(), **ended})
        elif e.type == "districts.SalonAttended":
            salons.append(_keep(d, "attendance_id", "salon_name", "attended_on", "first_visit", "note"))
        elif e.type == "districts.VolunteerRoleTaken":
            roles.append(_keep(d, "role_id", "role", "activity", "started_on"))
        elif e.type == "districts.NetworkMeetingCaseDiscussed":
            meeting = _keep(d, "meeting_id", "discussion_id", "held_on", "summary", "next_steps")
            basis = d.get("basis")
            meeting["basis"] = basis.get("kind") if isinstance(basis, dict) else basis
            meetings.append(meeting)
        elif e.type == "districts.DeskConsultationTaken":
            desk.append(
                _keep(
                    d,
                    "consultation_id",
                    "desk",
                    "taken_at",
                    "channel",
                    "consulter",
                    "summary",
                    "issue_category",
                    "consent_to_share",
                    "referral_id",
                )
            )
    if not seen:
        return None
    return DistrictWork(
        district_ids=districts,
        concerns=concerns,
        visits=visits,
        visits_reached=sum(1 for v in visits if v.get("outcome") == "reached"),
        watch_over=watch,
        salons=salons,
        volunteer_roles=roles,
        network_meetings=meetings,
        desk_consultations=desk,
    )


def _participant_kinds(participants: Any) -> dict[str, int]:
    if not isinstance(participants, Sequence) or isinstance(participants, str):
        return {}  # redacted whole, or not recorded
    return dict(sorted(Counter(str(p.get("kind")) for p in participants if isinstance(p, dict)).items()))


def conferences(entries: Iterable[_Entry]) -> list[ConferenceEntry]:
    """Every conference about the case, in the order they were scheduled."""
    found: dict[str, dict[str, Any]] = {}
    items: dict[str, ActionItem] = {}
    reviews: dict[str, list[Review]] = {}
    for e in entries:
        if not e.type.startswith("conferences."):
            continue
        d = e.data
        cid = str(d.get("conference_id"))
        meeting = found.setdefault(
            cid,
            {
                "conference_id": cid,
                "kind": None,
                "purpose": None,
                "scheduled_for": None,
                "held_at": None,
                "status": "scheduled",
                "basis": None,
                "participant_kinds": {},
                "outside_participants": 0,
                "decisions": [],
                "summary": None,
                "person_wishes": None,
            },
        )
        if e.type == "conferences.ConferenceScheduled":
            meeting.update(_keep(d, "kind", "purpose", "scheduled_for"))
        elif e.type == "conferences.ConferenceHeld":
            basis = d.get("basis")
            meeting.update(
                status="held",
                held_at=d.get("held_at"),
                basis=basis.get("kind") if isinstance(basis, dict) else basis,
                participant_kinds=_participant_kinds(d.get("participants")),
                outside_participants=d.get("outside_participants") or 0,
                decisions=d.get("decisions"),
                summary=d.get("summary"),
                person_wishes=d.get("person_wishes"),
            )
        elif e.type == "conferences.ActionItemAssigned":
            items[str(d["action_id"])] = ActionItem(
                action_id=str(d["action_id"]),
                conference_id=cid,
                assignee=str(d.get("assignee")),
                assignee_kind=str(d.get("assignee_kind")),
                description=d.get("description"),
                due_on=d.get("due_on"),
            )
        elif e.type == "conferences.ActionItemCompleted" and str(d.get("action_id")) in items:
            aid = str(d["action_id"])
            # Validated (not model_copy): the event carries its time as text, the view a datetime.
            items[aid] = ActionItem.model_validate(
                {
                    **items[aid].model_dump(),
                    "done": True,
                    "completed_at": d.get("completed_at"),
                    "completed_by_department": d.get("completed_by_department"),
                    "note": d.get("note"),
                }
            )
        elif e.type == "conferences.ConferenceReviewScheduled":
            reviews.setdefault(cid, []).append(
                Review(review_id=str(d["review_id"]), due_on=d["due_on"], purpose=str(d.get("purpose")))
            )
    return [
        ConferenceEntry(
            **meeting,
            action_items=[i for i in items.values() if i.conference_id == cid],
            reviews=reviews.get(cid, []),
        )
        for cid, meeting in found.items()
    ]


def meeting_audiences(entries: Iterable[_Entry]) -> dict[str, frozenset[str]]:
    """Per conference held on a statutory (支援会議) or consent basis, the departments its minutes
    reach besides conferences: the one that asked for it (its referral's source), those whose staff
    took part and those assigned its action items. A meeting with no basis shares nothing."""
    based: set[str] = set()
    audience: dict[str, set[str]] = {}
    referral_sources: dict[str, str] = {}
    requests: dict[str, str] = {}
    for e in entries:
        d = e.data
        cid = str(d.get("conference_id"))
        if e.type == "referral.ReferralMade" and d.get("source_department"):
            referral_sources[str(d.get("referral_id"))] = str(d["source_department"])
        elif e.type == "conferences.ConferenceScheduled" and d.get("referral_id"):
            requests[cid] = str(d["referral_id"])
        elif e.type == "conferences.ConferenceHeld":
            basis = d.get("basis")
            if isinstance(basis, dict) and basis.get("kind") in ("statutory", "consent"):
                based.add(cid)
            for participant in d.get("participants") or ():
                if isinstance(participant, dict) and participant.get("department"):
                    audience.setdefault(cid, set()).add(str(participant["department"]))
        elif e.type == "conferences.ActionItemAssigned" and d.get("assignee_kind") == "department":
            audience.setdefault(cid, set()).add(str(d.get("assignee")))
    for cid, referral_id in requests.items():
        if referral_id in referral_sources:
            audience.setdefault(cid, set()).add(referral_sources[referral_id])
    return {cid: frozenset(depts) for cid, depts in audience.items() if cid in based}
