"""Reporting over HTTP: a case view needs a purpose and is logged; statistics download as CSV and Excel."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from shared.kafka import send_envelope
from tests.e2e.harness import Platform
from tests.integration.reporting.builders import T0, History, loan_opened


def test_case_view_access_log_and_exports_over_http(platform: Platform) -> None:
    if "reporting" not in platform.urls:
        raise AssertionError("reporting did not start")
    h = History()
    env = h.add(
        "loans",
        "lc-e2e-1",
        "H-e2e-1",
        loan_opened("lc-e2e-1", "H-e2e-1", T0, fund="care", issues=("long_term_care",)),
        T0,
    )
    producer = platform.kits["reporting"].producer
    send_envelope(producer, "loans.events", env)
    producer.flush()
    worker = platform.client("reporting", department="intake")
    platform.eventually(
        lambda: worker.get("/cases/H-e2e-1", params={"purpose": "e2e"}).status_code == 200, what="case view"
    )
    assert worker.get("/cases/H-e2e-1").status_code == 422  # no purpose, no read
    view = worker.get("/cases/H-e2e-1", params={"purpose": "e2e"}).json()
    assert view["timeline"][0]["data"]["summary"] == "［非開示］"  # a loans note, read by intake
    assert worker.get("/cases/H-e2e-1/access-log").status_code == 403
    refused = worker.get("/cases/H-e2e-1/verify")  # the chain check too: managers and auditors only
    assert refused.status_code == 403 and "manager" in refused.json()["message"]
    auditor = platform.client("reporting", department="reporting", role="auditor")
    log = auditor.get("/cases/H-e2e-1/access-log").json()
    assert {r["purpose"] for r in log} == {"e2e"}
    period = {"from": (T0 - timedelta(days=1)).date().isoformat(), "to": (T0 + timedelta(days=1)).date().isoformat()}
    csv_text = worker.get("/statistics/table1", params={**period, "format": "csv"}).content.decode("utf-8-sig")
    assert "介護費" in csv_text
    wb = load_workbook(io.BytesIO(worker.get("/statistics.xlsx", params=period).content))
    assert wb.sheetnames == ["表1", "表2", "表3"]
    assert auditor.get("/cases/H-e2e-1/verify").json()["ok"] is True
