"""Disclosure policy (情報共有の根拠): may special-care details be disclosed to a recipient now?

Special-care personal information (要配慮個人情報: disability, illness, DV, debts...) crosses a
department's wall only with a legal basis recorded as data:

* **consent** (本人同意): the person agreed to share with named recipients, for named purposes,
  until a date (inclusive, Japan calendar); a withdrawal ends it from the instant it was made;
* **statutory sharing** (法定の情報共有): the case was shared in a 支援会議 under the 生活困窮者自立支援法
  (the self-reliance support law of 2015), whose members carry a secrecy duty, so no consent is needed
  for the members the record names.

The policy is a pure function over plain records so that any service (and the "as of" audit replay)
can ask the same question::

    basis = disclosure_basis(consents, statutory, "p1", Recipient(kind="department", id="loans"),
                             "support_coordination", at)
    if basis is None: redact(event.personal_fields)

This module knows nothing of the intake desk: it imports only pydantic and the standard library, so
it can move to ``shared/`` when a second service needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from shared.dates import local_date

__all__ = [
    "SUPPORT_MEETING_BASIS",
    "Basis",
    "Consent",
    "Recipient",
    "StatutoryRecord",
    "consent_in_force",
    "disclosure_basis",
    "withhold_sensitive_codes",
]


SUPPORT_MEETING_BASIS = "self_reliance_support_meeting"
"""支援会議 (生活困窮者自立支援法): members share case information under a statutory secrecy duty."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Recipient(_Frozen):
    """共有先: a department of the council (``department``) or an outside agency (``agency``)."""

    kind: Literal["department", "agency"]
    id: str


class Consent(_Frozen):
    """本人同意: what the person agreed to share, with whom, for what, from when until when."""

    consent_id: str
    person_id: str
    recipients: tuple[Recipient, ...]
    purposes: tuple[str, ...]
    given_at: datetime
    valid_until: date
    withdrawn_at: datetime | None = None


class StatutoryRecord(_Frozen):
    """法定共有の記録: the case was shared with these recipients in a statutory meeting."""

    sharing_id: str
    person_id: str
    basis: str
    meeting_id: str
    recipients: tuple[Recipient, ...]
    shared_at: datetime
    secrecy_duty_acknowledged: bool


class Basis(_Frozen):
    """開示の根拠: why a disclosure is lawful, pointing at the record that allows it."""

    kind: Literal["consent", "statutory"]
    reference_id: str
    legal_basis: str


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("'at' must be timezone-aware: disclosure moments are compared across zones")


def consent_in_force(consent: Consent, at: datetime) -> bool:
    """True when ``at`` lies between the giving and the end of ``valid_until`` and before withdrawal."""
    _require_aware(at)
    if at < consent.given_at:
        return False
    if local_date(at) > consent.valid_until:
        return False
    return consent.withdrawn_at is None or at < consent.withdrawn_at


def disclosure_basis(
    consents: Iterable[Consent],
    statutory_records: Iterable[StatutoryRecord],
    person_id: str,
    recipient: Recipient,
    purpose: str,
    at: datetime,
) -> Basis | None:
    """The basis on which ``person_id``'s special-care details may go to ``recipient`` at ``at``.

    A consent counts when it is the person's, in force at ``at`` (see :func:`consent_in_force`),
    names the recipient and the purpose. A statutory record counts when it is the person's, was
    made at or before ``at``, names the recipient and its secrecy duty was acknowledged; the
    meeting's purpose is fixed by law, so ``purpose`` is not matched against it. The person's own
    consent is preferred over a statutory record; among several, the earliest given wins, so the
    answer is deterministic. ``None`` means: no basis, redact.
    """
    _require_aware(at)
    candidates = sorted(
        (c for c in consents if c.person_id == person_id),
        key=lambda c: (c.given_at, c.consent_id),
    )
    for consent in candidates:
        if consent_in_force(consent, at) and recipient in consent.recipients and purpose in consent.purposes:
            return Basis(kind="consent", reference_id=consent.consent_id, legal_basis="consent")
    records = sorted(
        (r for r in statutory_records if r.person_id == person_id),
        key=lambda r: (r.shared_at, r.sharing_id),
    )
    for record in records:
        if record.shared_at <= at and record.secrecy_duty_acknowledged and recipient in record.recipients:
            return Basis(kind="statutory", reference_id=record.sharing_id, legal_basis=record.basis)
    return None


def withhold_sensitive_codes(
    data: Mapping[str, Any],
    coded_fields: Mapping[str, str],
    sensitive: Callable[[str], frozenset[str]],
    *,
    redacted: str,
) -> tuple[dict[str, Any], list[str]]:
    """``data`` without the special-care codes (要配慮個人情報: DV, illness, disability) of its coded
    fields: a sensitive code is dropped from a list and replaced by ``redacted`` in a single field.

    ``coded_fields`` maps a field to its code list; ``sensitive(list)`` gives the codes the list
    marks ``sensitive``. Returns the data shown and the fields that lost something, for a view to
    name (it applies this only when the viewer has no consent or statutory basis).
    """
    shown = dict(data)
    hidden: list[str] = []
    for name, code_list in coded_fields.items():
        value = shown.get(name)
        withheld = sensitive(code_list)
        if isinstance(value, list | tuple):
            kept = [v for v in value if v not in withheld]
            if len(kept) != len(value):
                shown[name] = kept
                hidden.append(name)
        elif isinstance(value, str) and value in withheld:
            shown[name] = redacted
            hidden.append(name)
    return shown, sorted(hidden)
