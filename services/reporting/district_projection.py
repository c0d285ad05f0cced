"""The projection's handlers for the districts' events (地区): the monthly schedule (地域事業), local
resources and helpers (担い手), the district files (地区ファイル), the issue accumulation (ケースの積み上げ)
from network meetings (地区支援ネットワーク会議) and the desk (福祉なんでも相談窓口), the areas (圏域) and the
monthly activity records (地区活動記録). Pure functions ``(rows, fact) -> None`` like the rest of
:mod:`.projection`, whose :data:`~.projection.HANDLERS` takes in :data:`DISTRICT_HANDLERS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.rows import Rows
from services.reporting.facts import Fact, Handler, canonical_encoder
from shared.dates import JST

__all__ = ["DISTRICT_HANDLERS"]


# -- districts: the monthly schedule (地域事業) and the resources of a district ---------------------


def _district_event_scheduled(rows: Rows, f: Fact) -> None:
    d = f.data
    rows.add(
        rm.district_events,
        event_id=f.id,
        schedule_id=d["event_id"],
        district_id=d["district_id"],
        held_on=str(d["held_on"])[:10],
        kind=d["kind"],
        at=f.when("scheduled_at"),
    )


def _district_event_step(when: str) -> Handler:
    """A department marking whether it handles a scheduled event, or its escalation (no department)."""

    def handler(rows: Rows, f: Fact) -> None:
        d = f.data
        marked = "handles" in d
        rows.add(
            rm.district_event_steps,
            event_id=f.id,
            schedule_id=d["event_id"],
            district_id=d["district_id"],
            step=("handles" if d["handles"] is True else "declines") if marked else "escalated",
            department=d["department"] if marked else None,
            at=f.when(when),
        )

    handler.__name__ = f"_district_event_{'marked' if when == 'marked_at' else 'escalated'}"
    return handler


def _district_registered(category: str, id_field: str) -> Handler:
    def handler(rows: Rows, f: Fact) -> None:
        d = f.data
        rows.add(
            rm.district_resources,
            event_id=f.id,
            district_id=d["district_id"],
            category=category,
            item_id=d[id_field],
            kind=d["kind"],
            at=f.when("registered_at"),
        )

    handler.__name__ = f"_district_{category}_registered"
    return handler


def _district_file(step: str, csw: str | None, text: str | None, when: str) -> Handler:
    def handler(rows: Rows, f: Fact) -> None:
        d = f.data
        rows.add(
            rm.district_files,
            event_id=f.id,
            district_id=d["district_id"],
            fiscal_year=int(d["fiscal_year"]),
            step=step,
            csw_id=d[csw] if csw else None,
            text=d[text] if text else None,
            at=f.when(when),
        )

    handler.__name__ = f"_district_file_{step}"
    return handler


# -- districts: the district issue accumulation (ケースの積み上げ) and the areas (圏域) -------------


def _meeting_issue(rows: Rows, f: Fact, issue: Mapping[str, Any]) -> None:
    """One issue of a network meeting, counted in the event's ``month``."""
    d = f.data
    rows.add(
        rm.district_issues,
        event_id=f.id,
        item_id=str(issue["issue_id"]),
        district_id=d["district_id"],
        month=str(d["month"]),
        source="meeting",
        category=str(issue["category"]),
        at=f.when("recorded_at"),
    )


def _network_meeting_held(rows: Rows, f: Fact) -> None:
    for issue in f.data.get("issues") or ():
        _meeting_issue(rows, f, issue)


def _network_meeting_issue_raised(rows: Rows, f: Fact) -> None:
    """An issue raised after the meeting counts in the month it was raised (JST day ``raised_on``)."""
    _meeting_issue(rows, f, f.data["issue"])


def _desk_consultation_taken(rows: Rows, f: Fact) -> None:
    d = f.data
    taken = f.when("taken_at")
    rows.add(
        rm.district_issues,
        event_id=f.id,
        item_id=str(d["consultation_id"]),
        district_id=d["district_id"],
        month=datetime.fromisoformat(taken.replace("Z", "+00:00")).astimezone(JST).strftime("%Y-%m"),
        source="desk",
        category=str(d["issue_category"]),
        at=taken,
    )


def _area_defined(rows: Rows, f: Fact) -> None:
    d = f.data
    rows.add(
        rm.areas,
        event_id=f.id,
        area_id=d["area_id"],
        kind=d["kind"],
        parent_id=d.get("parent_id"),
        at=f.when("defined_at"),
    )
    _area_addresses(rows, f, d.get("name"), "defined_at")


def _area_addresses(rows: Rows, f: Fact, name: object = None, when: str = "changed_at") -> None:
    """The address prefixes of an area (not personal data: 町名・丁目 lists), replaced as a whole."""
    d = f.data
    rows.add(
        rm.area_prefixes,
        event_id=f.id,
        area_id=d["area_id"],
        name=str(name) if name else None,
        address_prefixes=canonical_encoder.encode([str(p) for p in d.get("address_prefixes") or ()]),
        at=f.when(when),
    )


def _area_addresses_changed(rows: Rows, f: Fact) -> None:
    _area_addresses(rows, f)


# -- districts: monthly activity records (地区活動記録) and their approval -------------------------
# Codes, ids and times only: the entries, comments and reasons (x-personal-fields) stay in districts.

_ACTIVITY_WHEN = {
    "written": "written_at",
    "submitted": "submitted_at",
    "commented": "commented_at",
    "approved": "approved_at",
    "returned": "returned_at",
}


def _activity_step(step: str) -> Handler:
    def handler(rows: Rows, f: Fact) -> None:
        d = f.data
        kind = step
        if step == "approved":
            kind = "manager_approved" if d["step"] == "manager" else "approved"
        rows.add(
            rm.activity_records,
            event_id=f.id,
            record_id=d["record_id"],
            staff_id=d["staff_id"],
            author_name=d.get("author_name") if step == "written" else None,
            month=d["month"],
            step=kind,
            stream_version=f.streamversion,
            at=f.when(_ACTIVITY_WHEN[step]),
        )

    handler.__name__ = f"_activity_{step}"
    return handler


DISTRICT_HANDLERS: dict[str, Handler] = {
    "districts.DistrictEventScheduled": _district_event_scheduled,
    "districts.DistrictEventCoverageMarked": _district_event_step("marked_at"),
    "districts.DistrictEventEscalated": _district_event_step("escalated_at"),
    "districts.LocalResourceRegistered": _district_registered("resource", "resource_id"),
    "districts.HelperRegistered": _district_registered("helper", "helper_id"),
    "districts.DistrictFileOpened": _district_file("opened", "csw_id", "goal", "opened_at"),
    "districts.DistrictCswAssigned": _district_file("csw", "csw_id", None, "assigned_at"),
    "districts.DistrictGoalEvaluated": _district_file("evaluated", None, "evaluation", "evaluated_at"),
    "districts.NetworkMeetingHeld": _network_meeting_held,
    "districts.NetworkMeetingIssueRaised": _network_meeting_issue_raised,
    "districts.DeskConsultationTaken": _desk_consultation_taken,
    "districts.AreaDefined": _area_defined,
    "districts.AreaAddressesChanged": _area_addresses_changed,
    "districts.ActivityRecordWritten": _activity_step("written"),
    "districts.ActivityRecordSubmitted": _activity_step("submitted"),
    "districts.ActivityRecordCommented": _activity_step("commented"),
    "districts.ActivityRecordApproved": _activity_step("approved"),
    "districts.ActivityRecordReturned": _activity_step("returned"),
}
