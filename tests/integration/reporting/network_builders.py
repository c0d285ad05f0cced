"""Scripted histories of the district support network and the district desk, for reporting tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from services.districts.domain.events import (
    AreaDefined,
    DeskConsultationTaken,
    NetworkMeetingCaseDiscussed,
    NetworkMeetingHeld,
)
from services.districts.domain.values import MeetingParticipant, NetworkIssue, ShareBasis
from shared.events import DomainEvent
from tests.integration.reporting.builders import T0, History

__all__ = ["area", "case_discussed", "desk_consultation", "meeting_held", "network_history"]

PEOPLE = (
    MeetingParticipant(name="CSW", kind="csw"),
    MeetingParticipant(name="民生委員", kind="welfare_commissioner"),
    MeetingParticipant(name="包括", kind="community_support_centre"),
)


def area(area_id: str, kind: str, parent_id: str | None, at: datetime) -> AreaDefined:
    return AreaDefined(
        area_id=area_id,
        kind=kind,  # type: ignore[arg-type]
        name=area_id,
        parent_id=parent_id,
        address_prefixes=(),
        defined_at=at,
        defined_by="m",
    )


def meeting_held(mid: str, district: str, held_on: date, at: datetime, *categories: str) -> NetworkMeetingHeld:
    return NetworkMeetingHeld(
        meeting_id=mid,
        district_id=district,
        held_on=held_on,
        month=held_on.strftime("%Y-%m"),
        participants=PEOPLE,
        outside_participants=2,
        team_version=1,
        issues=tuple(
            NetworkIssue(issue_id=f"{mid}-i{n}", category=c, description="地域の課題") for n, c in enumerate(categories)
        ),
        cases_discussed=1,
        minutes=None,
        recorded_at=at,
        recorded_by="d-w1",
        code_list_version="2014.1",
    )


def case_discussed(mid: str, district: str, case_id: str, held_on: date, at: datetime) -> NetworkMeetingCaseDiscussed:
    return NetworkMeetingCaseDiscussed(
        meeting_id=mid,
        district_id=district,
        discussion_id=f"{mid}-d1",
        case_id=case_id,
        held_on=held_on,
        basis=ShareBasis(kind="statutory", reference="地域ケア会議"),
        summary="離れた見守りの状況",
        next_steps="民生委員が気にかける",
        recorded_at=at,
        recorded_by="d-w1",
    )


def desk_consultation(
    cid: str, district: str, case_id: str, taken_at: datetime, category: str
) -> DeskConsultationTaken:
    return DeskConsultationTaken(
        consultation_id=cid,
        district_id=district,
        case_id=case_id,
        person_id=None,
        desk="福祉なんでも相談窓口",
        taken_at=taken_at,
        channel="interview",
        consulter="近隣住民",
        summary="隣家の屋根が朽ちている",
        issue_category=category,
        consent_to_share=True,
        referral_id=f"ref-{cid}",
        recorded_at=taken_at,
        recorded_by="d-w1",
        code_list_version="2014.1",
    )


def network_history(h: History | None = None) -> History:
    """Areas: city → north (D1, D2) and south (D3). D1: an October meeting raising two issues
    (living environment, shopping) sharing case P1, a November meeting raising one (isolation), and a
    desk consultation on 31 October 23:30 JST (still October) about P1; D2: a desk consultation in
    October; D3: an October meeting with one issue."""
    h = h or History()
    t = T0

    def add(subject: str, case_id: str, event: DomainEvent, minutes: int) -> None:
        h.add("districts", subject, case_id, event, t + timedelta(minutes=minutes))

    for n, (area_id, kind, parent) in enumerate(
        (
            ("city", "city", None),
            ("north", "daily_life", "city"),
            ("south", "daily_life", "city"),
            ("D1", "district_council", "north"),
            ("D2", "district_council", "north"),
            ("D3", "district_council", "south"),
        )
    ):
        add(f"district-area-{area_id}", area_id, area(area_id, kind, parent, t), n)
    add(
        "district-meeting-m1",
        "m1",
        meeting_held("m1", "D1", date(2026, 10, 20), t, "living_environment", "shopping_mobility"),
        10,
    )
    add("district-meeting-m1", "P1", case_discussed("m1", "D1", "P1", date(2026, 10, 20), t), 11)
    add("district-meeting-m2", "m2", meeting_held("m2", "D1", date(2026, 11, 17), t, "isolation"), 12)
    add("district-meeting-m3", "m3", meeting_held("m3", "D3", date(2026, 10, 9), t, "disaster"), 13)
    late_october = datetime.fromisoformat("2026-10-31T14:30:00+00:00")  # 23:30 JST
    add("district-desk-k1", "P1", desk_consultation("k1", "D1", "P1", late_october, "living_environment"), 14)
    add("district-desk-k2", "district-desk-k2", desk_consultation("k2", "D2", "district-desk-k2", t, "isolation"), 15)
    return h
