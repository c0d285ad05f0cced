"""The read policy (docs/PRIVACY.md): details of a department's records for its workers and managers only."""

from __future__ import annotations

import pytest

from shared.access import reads_details, reads_own_records
from shared.envelope import Actor


@pytest.mark.parametrize(
    ("department", "role", "expected"),
    [
        ("loans", "worker", True),
        ("loans", "manager", True),
        ("loans", "director", True),
        ("loans", "auditor", False),
        ("loans", "admin", False),
        ("loans", "system", False),
        ("intake", "worker", False),
        ("reporting", "auditor", False),
    ],
)
def test_only_the_holders_workers_and_managers_read_its_records_details(
    department: str, role: str, expected: bool
) -> None:
    assert reads_own_records(Actor(staff_id="s", department=department, role=role), "loans") is expected


def test_auditors_admins_and_automation_read_no_details_at_all() -> None:
    assert [
        reads_details(Actor(staff_id="s", department="intake", role=r)) for r in ("auditor", "admin", "system")
    ] == [
        False,
        False,
        False,
    ]
