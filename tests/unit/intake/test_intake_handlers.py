"""Intake's consultation handlers on a fake unit of work: what is recorded, under which case, and
that refusals write nothing. The registry and consent handlers read intake's registry index, so
they (and every handler over SQLite and HTTP) are tested in ``tests/integration/intake``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from services.intake import handlers
from services.intake.domain import commands as c
from services.intake.domain.errors import ConsultationIsClosed, ConsultationNotFound
from services.intake.domain.events import ConsultationClosed, ConsultationOpened, ContactRecorded
from shared.clock import FixedClock
from shared.commands import CommandContext
from shared.envelope import Actor
from shared.errors import ConcurrencyConflict, Forbidden
from shared.testing import FakeUnitOfWorkFactory, iter_ids

T0 = datetime(2014, 5, 1, 1, 0, tzinfo=UTC)
WORKER = Actor(staff_id="i-w1", department="intake", role="worker")
AT = CommandContext(actor=WORKER, correlation_id="corr-i")


@pytest.fixture
def kit() -> Any:
    return SimpleNamespace(
        uow=FakeUnitOfWorkFactory(clock=FixedClock(T0), ids=iter_ids("c-1", "contact-refused", "contact-1"))
    )


def open_unidentified(kit: Any) -> dict[str, Any]:
    cmd = c.OpenConsultation(
        subject_description="近所の一人暮らしの女性",
        source="welfare_commissioner",
        channel="phone",
        issues=("other",),
        isolated=True,
        opened_by="i-w1",
    )
    return handlers.open_consultation(kit, AT, cmd)


def contact(cid: str) -> c.RecordContact:
    return c.RecordContact(
        consultation_id=cid, channel="home_visit", party="self", outcome="refused", recorded_by="i-w1"
    )


def test_a_consultation_about_someone_not_yet_identified_is_its_own_case(kit: Any) -> None:
    reply = open_unidentified(kit)

    assert reply["consultation_id"] == "c-1" and reply["case_id"] == "c-1" and reply["version"] == 1
    [stored] = kit.uow.stored
    assert (stored.stream_id, stored.case_id, stored.actor) == ("consultation-c-1", "c-1", WORKER)
    assert isinstance(stored.event, ConsultationOpened) and kit.uow.projected == [("_save", 1)]


def test_a_contact_counts_and_a_stale_version_writes_nothing(kit: Any) -> None:
    cid = open_unidentified(kit)["consultation_id"]
    with pytest.raises(ConcurrencyConflict):
        handlers.record_contact(kit, CommandContext(actor=WORKER, expected_version=2), contact(cid))
    reply = handlers.record_contact(kit, CommandContext(actor=WORKER, expected_version=1), contact(cid))
    assert reply["version"] == 2 and reply["contact_id"] == "contact-1"
    assert [type(e) for e in kit.uow.events("consultation-c-1")] == [ConsultationOpened, ContactRecorded]


def test_a_closed_consultation_takes_no_contact_and_an_unknown_one_is_not_found(kit: Any) -> None:
    cid = open_unidentified(kit)["consultation_id"]
    handlers.close_consultation(
        kit, AT, c.CloseConsultation(consultation_id=cid, outcome="person_declined", closed_by="i-w1")
    )
    with pytest.raises(ConsultationIsClosed):
        handlers.record_contact(kit, AT, contact(cid))
    with pytest.raises(ConsultationNotFound) as missing:
        handlers.record_contact(kit, AT, contact("nobody"))
    assert missing.value.field == "consultation_id"
    assert [type(e) for e in kit.uow.events("consultation-c-1")] == [ConsultationOpened, ConsultationClosed]


def test_only_a_manager_leaves_a_supervisor_comment(kit: Any) -> None:
    cid = open_unidentified(kit)["consultation_id"]
    comment = c.AddSupervisorComment(consultation_id=cid, reviewer_id="i-w1", comment="見守りの頻度を確認")
    with pytest.raises(Forbidden):
        handlers.add_supervisor_comment(kit, AT, comment)
    assert len(kit.uow.stored) == 1
