"""Read tables of the district support network and the district desk, and their rows.

Created by ``migrations/0005_district_network.py``: the support team of each district
(``support_teams``), network meetings (``network_meetings``), the cases discussed at them
(``network_cases``) and the consultations taken at district desks (``desk_consultations``).
Lists and JSON columns hold the events' own shapes; special-care text is redacted by the queries.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from services.districts.adapters.tables import metadata
from services.districts.domain.events import (
    DeskConsultationTaken,
    DistrictSupportTeamSet,
    NetworkMeetingCaseDiscussed,
    NetworkMeetingHeld,
)
from services.districts.domain.network import TeamState
from shared.columns import put_row, row_of, table
from shared.events import DomainEvent

__all__ = [
    "desk_consultations",
    "list_cases_discussed",
    "list_desk_consultations",
    "list_meetings",
    "meeting_row",
    "network_cases",
    "network_meetings",
    "save_desk",
    "save_meeting",
    "save_team",
    "support_teams",
    "team_row",
]

support_teams = table(
    "support_teams",
    metadata,
    """
    district_id   code   key
    members       text   required   # JSON list of {kind, name, staff_id}
    note          text
    set_by        code   required
    version       int    required
    updated_at    time   required
    """,
)

network_meetings = table(
    "network_meetings",
    metadata,
    """
    meeting_id            id     key
    district_id           code   required
    held_on               date   required
    month                 str32  required
    participants          text   required   # JSON list of {name, kind, organisation}
    outside_participants  int    required
    team_version          int    required
    issues                text   required   # JSON list of {issue_id, category, description}
    cases_discussed       int    required
    minutes               text
    recorded_by           code   required
    recorded_at           time   required
    version               int    required
    """,
)

network_cases = table(
    "network_cases",
    metadata,
    """
    discussion_id     id     key
    meeting_id        id     required
    position          int    required   # the order the cases were discussed in
    district_id       code   required
    case_id           id
    held_on           date   required
    basis_kind        state  required
    basis_reference   label
    summary           text   required
    next_steps        text
    recorded_at       time   required
    """,
)

desk_consultations = table(
    "desk_consultations",
    metadata,
    """
    consultation_id   id     key
    district_id       code   required
    case_id           id     required
    person_id         id
    desk              label  required
    taken_at          time   required
    month             str32  required
    channel           code   required
    consulter         label
    summary           text   required
    issue_category    code   required
    consent_to_share  bool   required
    referral_id       id     required
    recorded_by       code   required
    recorded_at       time   required
    """,
)


def save_team(conn: Connection, state: TeamState, events: Sequence[DomainEvent], version: int, at: datetime) -> None:
    """The team's row as its latest setting made it."""
    last = [e for e in events if isinstance(e, DistrictSupportTeamSet)]
    if not last or state.district_id is None:
        return
    event = last[-1]
    values = {
        "members": json.dumps([m.model_dump() for m in state.members], ensure_ascii=False),
        "note": event.note,
        "set_by": event.set_by,
        "version": version,
        "updated_at": at.isoformat(),
    }
    put_row(conn, support_teams, "district_id", state.district_id, values)


def save_meeting(conn: Connection, events: Sequence[DomainEvent], version: int) -> None:
    position = 0
    for event in events:
        if isinstance(event, NetworkMeetingHeld):
            conn.execute(
                network_meetings.insert().values(
                    **row_of(
                        event,
                        network_meetings,
                        participants=json.dumps([p.model_dump() for p in event.participants], ensure_ascii=False),
                        issues=json.dumps([i.model_dump() for i in event.issues], ensure_ascii=False),
                        recorded_at=event.recorded_at.isoformat(),
                        version=version,
                    )
                )
            )
        elif isinstance(event, NetworkMeetingCaseDiscussed):
            position += 1
            conn.execute(
                network_cases.insert().values(
                    **row_of(
                        event,
                        network_cases,
                        position=position,
                        basis_kind=event.basis.kind,
                        basis_reference=event.basis.reference,
                        recorded_at=event.recorded_at.isoformat(),
                    )
                )
            )


def save_desk(conn: Connection, events: Sequence[DomainEvent]) -> None:
    for event in events:
        if isinstance(event, DeskConsultationTaken):
            conn.execute(
                desk_consultations.insert().values(
                    **row_of(
                        event,
                        desk_consultations,
                        taken_at=event.taken_at.isoformat(),
                        month=event.taken_at.isoformat()[:7],
                        recorded_at=event.recorded_at.isoformat(),
                    )
                )
            )


def team_row(conn: Connection, district_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(support_teams).where(support_teams.c.district_id == district_id)).mappings().first()
    if row is None:
        return None
    return {**dict(row), "members": json.loads(row["members"])}


def _meeting(row: Any) -> dict[str, Any]:
    out = dict(row)
    out["participants"] = json.loads(out["participants"])
    out["issues"] = json.loads(out["issues"])
    return out


def meeting_row(conn: Connection, meeting_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(network_meetings).where(network_meetings.c.meeting_id == meeting_id)).mappings().first()
    return None if row is None else _meeting(row)


def list_meetings(
    conn: Connection, *, district_ids: list[str] | None, month: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    query = select(network_meetings)
    if district_ids is not None:
        query = query.where(network_meetings.c.district_id.in_(district_ids))
    if month is not None:
        query = query.where(network_meetings.c.month == month)
    rows = conn.execute(query.order_by(network_meetings.c.held_on.desc(), network_meetings.c.meeting_id)).mappings()
    found = [_meeting(r) for r in rows]
    return found[offset : offset + limit], len(found)


def list_cases_discussed(
    conn: Connection, *, meeting_id: str | None = None, case_id: str | None = None
) -> list[dict[str, Any]]:
    query = select(network_cases)
    if meeting_id is not None:
        query = query.where(network_cases.c.meeting_id == meeting_id)
    if case_id is not None:
        query = query.where(network_cases.c.case_id == case_id)
    rows = conn.execute(
        query.order_by(network_cases.c.held_on, network_cases.c.meeting_id, network_cases.c.position)
    ).mappings()
    return [dict(r) for r in rows]


def list_desk_consultations(
    conn: Connection, *, district_ids: list[str] | None, month: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    query = select(desk_consultations)
    if district_ids is not None:
        query = query.where(desk_consultations.c.district_id.in_(district_ids))
    if month is not None:
        query = query.where(desk_consultations.c.month == month)
    rows = conn.execute(
        query.order_by(desk_consultations.c.taken_at.desc(), desk_consultations.c.consultation_id)
    ).mappings()
    found = [dict(r) for r in rows]
    return found[offset : offset + limit], len(found)
