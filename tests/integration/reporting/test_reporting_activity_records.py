"""The districts' monthly activity records (地区活動記録) through reporting's real consumer (Kafka,
PostgreSQL) and HTTP route: the approval status per month and author, counted by status; the
entries, comments and reasons (x-personal-fields) never reach the read model and are redacted in
the case view for other departments."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from services.districts.domain.events import (
    ActivityRecordApproved,
    ActivityRecordCommented,
    ActivityRecordReturned,
    ActivityRecordSubmitted,
    ActivityRecordWritten,
)
from services.districts.domain.values import ActivityEntry
from services.reporting import district_handlers, handlers
from services.reporting.adapters import readmodel as rm
from services.reporting.adapters.generations import active_generation, checksums, count_rows
from services.reporting.rebuild import rebuild
from shared.auth import mint_token
from shared.envelope import Actor
from shared.errors import InvalidCommand
from shared.events import DomainEvent
from shared.settings import DEV_JWT_SECRET
from tests.integration.reporting.builders import T0, History
from tests.integration.reporting.conftest import Reporting

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

WORKER = Actor(staff_id="d-1", department="districts", role="worker")
INTAKE = Actor(staff_id="i-1", department="intake", role="worker")
MONTH = "2026-09"
ENTRY = ActivityEntry(
    on=date(2026, 9, 10), district_id="D1", purpose="定例会で課題共有", done="Aさんの見守りを相談", impressions="所感"
)


def activity_history() -> History:
    """September 2026: w1's record approved by both steps; w2's returned by the 課長 with a comment;
    w3's returned, revised and resubmitted (waiting for the 課長); w4's still a draft; October: w1's."""
    h = History()
    minutes = iter(range(1, 100))

    def add(record: str, event: DomainEvent) -> None:
        h.add("districts", f"district-activity-{record}", record, event, T0 + timedelta(minutes=next(minutes)))

    def base(record: str, staff: str, month: str = MONTH) -> dict[str, str]:
        return {"record_id": record, "staff_id": staff, "month": month}

    def written(record: str, staff: str, month: str = MONTH) -> ActivityRecordWritten:
        return ActivityRecordWritten(
            **base(record, staff, month), author_name=f"職員 {staff}", entries=(ENTRY,), written_at=T0, written_by=staff
        )

    def submitted(record: str, staff: str) -> ActivityRecordSubmitted:
        return ActivityRecordSubmitted(**base(record, staff), entry_count=1, submitted_at=T0, submitted_by=staff)

    def approved(record: str, staff: str, step: str) -> ActivityRecordApproved:
        return ActivityRecordApproved(
            **base(record, staff), step=step, comment=None, approved_at=T0, approved_by="m", approver_name=None
        )

    add("a1", written("a1", "w1"))
    add("a1", submitted("a1", "w1"))
    add("a1", approved("a1", "w1", "manager"))
    add("a1", approved("a1", "w1", "director"))
    add("a2", written("a2", "w2"))
    add("a2", submitted("a2", "w2"))
    add(
        "a2",
        ActivityRecordCommented(
            **base("a2", "w2"),
            step="manager",
            comment="Aさんの件",
            commented_at=T0,
            commented_by="m",
            commenter_name=None,
        ),
    )
    add(
        "a2",
        ActivityRecordReturned(
            **base("a2", "w2"),
            step="manager",
            reason="Aさんの所感を",
            returned_at=T0,
            returned_by="m",
            returner_name=None,
        ),
    )
    add("a3", written("a3", "w3"))
    add("a3", submitted("a3", "w3"))
    add(
        "a3",
        ActivityRecordReturned(
            **base("a3", "w3"), step="director", reason="再考", returned_at=T0, returned_by="d", returner_name=None
        ),
    )
    add("a3", written("a3", "w3"))
    add("a3", submitted("a3", "w3"))
    add("a4", written("a4", "w4"))
    add("a5", written("a5", "w1", "2026-10"))
    return h


@pytest.fixture
def activity(reporting: Reporting) -> Reporting:
    reporting.publish(activity_history().envelopes)
    reporting.consume()
    return reporting


def test_the_months_records_are_counted_by_approval_status(activity: Reporting) -> None:
    view = district_handlers.activity_records(activity.kit, WORKER, MONTH)
    assert view.counts == {"draft": 1, "submitted": 1, "manager_approved": 0, "approved": 1, "returned": 1}
    assert view.total == 4
    rows = {r.record_id: r for r in view.records}
    assert (rows["a1"].status, rows["a1"].author_name, rows["a1"].submissions) == ("approved", "職員 w1", 1)
    assert (rows["a2"].status, rows["a2"].comments, rows["a2"].returns) == ("returned", 1, 1)
    assert (rows["a3"].status, rows["a3"].submissions, rows["a3"].returns) == ("submitted", 2, 1)
    assert rows["a4"].status == "draft"
    october = district_handlers.activity_records(activity.kit, WORKER, "2026-10")
    assert (october.total, october.counts["draft"]) == (1, 1)
    with pytest.raises(InvalidCommand) as wrong:
        district_handlers.activity_records(activity.kit, WORKER, "2026-9")
    assert wrong.value.field == "month"


def test_the_route_answers_the_counts_and_names_the_wrong_field(activity: Reporting) -> None:
    client = TestClient(activity.app)

    def headers(role: str, department: str = "districts") -> dict[str, str]:
        return {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, 's-1', department, role)}"}

    for role in ("worker", "manager", "director", "auditor"):
        ok = client.get("/statistics/activity-records", params={"month": MONTH}, headers=headers(role))
        assert ok.status_code == 200, ok.text
        assert ok.json()["counts"]["approved"] == 1 and ok.json()["total"] == 4
    for params in ({"month": "2026-13"}, {}):
        bad = client.get("/statistics/activity-records", params=params, headers=headers("worker"))
        assert 400 <= bad.status_code < 500 and "month" in bad.text, bad.text
    assert (
        client.get("/statistics/activity-records", params={"month": MONTH}, headers=headers("admin")).status_code == 403
    )


def test_entries_comments_and_reasons_stay_out_of_the_read_model_and_are_redacted_elsewhere(
    activity: Reporting,
) -> None:
    with activity.kit.engine.connect() as conn:
        columns = set(rm.activity_records.c.keys())
        assert not columns & {"entries", "comment", "reason"}
        assert count_rows(conn, rm.activity_records, active_generation(conn)) == 15
    view = handlers.case_view(activity.kit, "a2", INTAKE, "職員会議の確認")
    by_type = {e.type: e for e in view.timeline}
    assert by_type["districts.ActivityRecordReturned"].redacted == ["reason"]
    assert by_type["districts.ActivityRecordCommented"].redacted == ["comment"]
    assert by_type["districts.ActivityRecordWritten"].redacted == ["entries"]
    own = handlers.case_view(activity.kit, "a2", WORKER, "職員会議の確認")
    assert {e.type: e for e in own.timeline}["districts.ActivityRecordReturned"].data["reason"] == "Aさんの所感を"


def test_a_rebuild_equals_the_live_activity_model(activity: Reporting) -> None:
    with activity.kit.engine.connect() as conn:
        live = checksums(conn, active_generation(conn))
    report = rebuild(
        activity.kit.engine,
        activity.bootstrap_servers,
        list(activity.topics.values()),
        progress=io.StringIO(),
        drop_old=False,
        grace_seconds=0,
    )
    assert report.switched
    with activity.kit.engine.connect() as conn:
        assert checksums(conn, report.generation) == live
    assert district_handlers.activity_records(activity.kit, WORKER, MONTH).counts["approved"] == 1
