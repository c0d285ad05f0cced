"""A district issue raised after its network meeting (districts.NetworkMeetingIssueRaised) joins the
accumulation (ケースの積み上げ) in the month it was raised, not the meeting's, through reporting's real
Kafka consumer, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.districts.domain.events import NetworkMeetingIssueRaised
from services.districts.domain.values import NetworkIssue
from services.reporting import district_handlers
from shared.envelope import Actor
from tests.integration.reporting.builders import T0
from tests.integration.reporting.conftest import Reporting
from tests.integration.reporting.network_builders import network_history

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]

WORKER = Actor(staff_id="d-1", department="districts", role="worker")


def test_an_issue_raised_later_counts_in_the_month_it_was_raised(reporting: Reporting) -> None:
    history = network_history()
    later = NetworkMeetingIssueRaised(
        meeting_id="m3",
        district_id="D3",
        issue=NetworkIssue(issue_id="m3-later", category="isolation", description="会議後に民生委員から"),
        raised_on=date(2026, 11, 2),
        month="2026-11",
        recorded_at=T0 + timedelta(days=40),
        recorded_by="d-w1",
        code_list_version="2014.1",
    )
    history.add("districts", "district-meeting-m3", "m3", later, T0 + timedelta(days=40))
    reporting.publish(history.envelopes)
    reporting.consume()

    d3 = district_handlers.district_issue_accumulation(reporting.kit, WORKER, "2026-10", "2026-11", "D3", None)
    assert [(m.month, m.meeting_issues, m.by_category) for m in d3.months] == [
        ("2026-10", 1, {"disaster": 1}),  # the meeting's own issue stays in October (held 9 October)
        ("2026-11", 1, {"isolation": 1}),  # the one raised on 2 November counts in November
    ]
    everyone = district_handlers.district_issue_accumulation(reporting.kit, WORKER, "2026-10", "2026-11", None, None)
    assert everyone.total == 7
