"""The consent ledger projection (同意台帳): consents and statutory sharing per person.

Rows rebuild the domain's :class:`~shared.consent.Consent` and
:class:`~shared.consent.StatutoryRecord`, so the disclosure policy runs the same
way over the projection as over the stream.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from services.intake.adapters.tables import consents
from services.intake.domain.events import ConsentGiven, ConsentWithdrawn, StatutorySharingRecorded
from shared.consent import Consent, Recipient, StatutoryRecord
from shared.events import DomainEvent

__all__ = ["ledger_rows", "project", "records_for"]


def _recipients(recipients: Sequence[Recipient]) -> str:
    return json.dumps([r.model_dump() for r in recipients], ensure_ascii=False)


def project(conn: Connection, event: DomainEvent) -> None:
    if isinstance(event, ConsentGiven):
        conn.execute(
            consents.insert().values(
                record_id=event.consent_id,
                person_id=event.person_id,
                kind="consent",
                basis="consent",
                recipients=_recipients(event.recipients),
                purposes=json.dumps(list(event.purposes), ensure_ascii=False),
                given_at=event.given_at.isoformat(),
                valid_until=event.valid_until.isoformat(),
            )
        )
    elif isinstance(event, ConsentWithdrawn):
        conn.execute(
            consents.update()
            .where(consents.c.record_id == event.consent_id)
            .values(withdrawn_at=event.withdrawn_at.isoformat())
        )
    elif isinstance(event, StatutorySharingRecorded):
        conn.execute(
            consents.insert().values(
                record_id=event.sharing_id,
                person_id=event.person_id,
                kind="statutory",
                basis=event.basis,
                recipients=_recipients(event.recipients),
                purposes="[]",
                meeting_id=event.meeting_id,
                given_at=event.shared_at.isoformat(),
            )
        )


def ledger_rows(conn: Connection, person_ids: Sequence[str]) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(consents).where(consents.c.person_id.in_(person_ids)).order_by(consents.c.given_at, consents.c.record_id)
    ).mappings()
    out = []
    for r in rows:
        row = dict(r)
        row["recipients"] = json.loads(row["recipients"])
        row["purposes"] = json.loads(row["purposes"])
        out.append(row)
    return out


def records_for(conn: Connection, person_ids: Sequence[str]) -> tuple[list[Consent], list[StatutoryRecord]]:
    """The person's consents and statutory records, as the disclosure policy takes them."""
    given: list[Consent] = []
    statutory: list[StatutoryRecord] = []
    for row in ledger_rows(conn, person_ids):
        recipients = tuple(Recipient.model_validate(r) for r in row["recipients"])
        if row["kind"] == "consent":
            given.append(
                Consent(
                    consent_id=row["record_id"],
                    person_id=row["person_id"],
                    recipients=recipients,
                    purposes=tuple(row["purposes"]),
                    given_at=datetime.fromisoformat(row["given_at"]),
                    valid_until=date.fromisoformat(row["valid_until"]),
                    withdrawn_at=datetime.fromisoformat(row["withdrawn_at"]) if row["withdrawn_at"] else None,
                )
            )
        else:
            statutory.append(
                StatutoryRecord(
                    sharing_id=row["record_id"],
                    person_id=row["person_id"],
                    basis=row["basis"],
                    meeting_id=row["meeting_id"] or "",
                    recipients=recipients,
                    shared_at=datetime.fromisoformat(row["given_at"]),
                    secrecy_duty_acknowledged=True,
                )
            )
    return given, statutory
