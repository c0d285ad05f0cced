"""The event envelope: CloudEvents 1.0 attributes plus Tsunagu's extensions.

On Kafka the envelope travels in the CloudEvents Kafka protocol binding, *binary* mode: every
attribute is a ``ce_<name>`` header (UTF-8 text), the record value is the event data as JSON
(``content-type: application/json``) and the record key is the case id, so that every event
about one person or household lands on one partition, in order. ``kcat -C -f '%h %s'`` shows
plain JSON and readable headers.

Extensions (lower-case alphanumerics, as CloudEvents requires):

- ``caseid``: the person or household the event is about (the Kafka key)
- ``correlationid`` / ``causationid``: the request that started the chain / the event that caused this one
- ``actorid``, ``actordept``, ``actorrole``: who did it (staff id, department, role)
- ``streamversion``: the event's version in its aggregate stream (``subject``)
- ``schemaversion``: the payload's schema version, for upcasting
- ``position``: the event's position in its source store (diagnostics only)
- ``eventhash`` / ``prevhash``: the event's link in its stream's hash chain, so that any
  consumer that archives events (reporting) can prove nothing was altered or removed
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

__all__ = [
    "SPEC_VERSION",
    "Actor",
    "Envelope",
    "EnvelopeError",
    "from_kafka",
    "kafka_record_from_store",
    "to_kafka",
]

SPEC_VERSION = "1.0"
_CONTENT_TYPE = "application/json"


class EnvelopeError(ValueError):
    """A Kafka record that is not a valid Tsunagu CloudEvent (a poison message)."""


class Actor(BaseModel):
    """Who caused an event: a staff member (or a system process) of a department, in a role."""

    model_config = ConfigDict(frozen=True)

    staff_id: str = Field(min_length=1)
    department: str = Field(min_length=1)
    role: str = Field(min_length=1)
    name: str | None = Field(default=None, max_length=200)
    """The staff member's display name as the identity provider gave it (e.g. 相談 太郎); the
    subject (``staff_id``) of a provider's token is an opaque id that nobody reads."""

    @classmethod
    def system(cls, department: str) -> Actor:
        """The actor of events that a service's own automation records (rules, expiry sweeps)."""
        return cls(staff_id=f"system:{department}", department=department, role="system")


class Envelope(BaseModel):
    """One recorded event with its CloudEvents context. Immutable."""

    model_config = ConfigDict(frozen=True)

    id: str
    source: str
    type: str
    # A time without its offset cannot be ordered against the others: refused when an envelope
    # is built, and so when a record is parsed (from_kafka turns the refusal into EnvelopeError).
    time: AwareDatetime
    subject: str
    caseid: str
    actor: Actor
    streamversion: int
    data: dict[str, Any]
    schemaversion: int = 1
    correlationid: str | None = None
    causationid: str | None = None
    specversion: str = SPEC_VERSION
    datacontenttype: str = _CONTENT_TYPE
    position: int | None = None
    eventhash: str | None = None
    prevhash: str | None = None

    def header_attributes(self) -> dict[str, str]:
        return _attributes(
            id=self.id,
            source=self.source,
            type=self.type,
            time=self.time.astimezone(UTC).isoformat(),
            subject=self.subject,
            caseid=self.caseid,
            actorid=self.actor.staff_id,
            actordept=self.actor.department,
            actorrole=self.actor.role,
            actorname=self.actor.name,
            streamversion=self.streamversion,
            schemaversion=self.schemaversion,
            correlationid=self.correlationid,
            causationid=self.causationid,
            position=self.position,
            eventhash=self.eventhash,
            prevhash=self.prevhash,
        )


def _attributes(
    *,
    id: str,
    source: str,
    type: str,
    time: str,
    subject: str,
    caseid: str,
    actorid: str,
    actordept: str,
    actorrole: str,
    actorname: str | None,
    streamversion: int,
    schemaversion: int,
    correlationid: str | None,
    causationid: str | None,
    position: int | None,
    eventhash: str | None,
    prevhash: str | None,
) -> dict[str, str]:
    attrs = {
        "specversion": SPEC_VERSION,
        "id": id,
        "source": source,
        "type": type,
        "time": time,
        "subject": subject,
        "caseid": caseid,
        "actorid": actorid,
        "actordept": actordept,
        "actorrole": actorrole,
        "streamversion": str(streamversion),
        "schemaversion": str(schemaversion),
    }
    if actorname:
        attrs["actorname"] = actorname
    if correlationid:
        attrs["correlationid"] = correlationid
    if causationid:
        attrs["causationid"] = causationid
    if position is not None:
        attrs["position"] = str(position)
    if eventhash and prevhash:
        attrs["eventhash"] = eventhash
        attrs["prevhash"] = prevhash
    return attrs


def kafka_record_from_store(source: str, row: Mapping[str, Any]) -> tuple[bytes, list[tuple[str, bytes]], bytes]:
    """The Kafka record of one stored event row, without building an :class:`Envelope`.

    The relay's hot path: the store keeps the data as canonical JSON text and the time as UTC
    ISO text, so both go on the wire as stored. The result equals ``to_kafka(envelope)`` of the
    same event (up to the JSON key order of the body).
    """
    attrs = _attributes(
        id=row["event_id"],
        source=source,
        type=row["event_type"],
        time=row["occurred_at"],
        subject=row["stream_id"],
        caseid=row["case_id"],
        actorid=row["actor_id"],
        actordept=row["actor_department"],
        actorrole=row["actor_role"],
        actorname=row.get("actor_name"),
        streamversion=row["stream_version"],
        schemaversion=row["schema_version"],
        correlationid=row["correlation_id"],
        causationid=row["causation_id"],
        position=row["position"],
        eventhash=row["hash"],
        prevhash=row["prev_hash"],
    )
    headers = [("ce_" + k, v.encode("utf-8")) for k, v in attrs.items()]
    headers.append(("content-type", _CONTENT_TYPE.encode("utf-8")))
    return row["case_id"].encode("utf-8"), headers, row["data"].encode("utf-8")


def to_kafka(envelope: Envelope) -> tuple[bytes, list[tuple[str, bytes]], bytes]:
    """Encode as (key, headers, value) in CloudEvents Kafka binary mode."""
    headers = [("ce_" + k, v.encode("utf-8")) for k, v in envelope.header_attributes().items()]
    headers.append(("content-type", envelope.datacontenttype.encode("utf-8")))
    value = json.dumps(envelope.data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return envelope.caseid.encode("utf-8"), headers, value


_REQUIRED = ("id", "source", "type", "time", "subject", "caseid", "actorid", "actordept", "actorrole")


def from_kafka(key: bytes | None, headers: Sequence[tuple[str, bytes]] | None, value: bytes | None) -> Envelope:
    """Decode a binary-mode record; raise :class:`EnvelopeError` saying what is missing or wrong."""
    attrs: dict[str, str] = {}
    for name, raw in headers or ():
        if name.startswith("ce_"):
            try:
                attrs[name[3:]] = raw.decode("utf-8")
            except (UnicodeDecodeError, AttributeError) as exc:
                raise EnvelopeError(f"header {name} is not UTF-8 text") from exc
    missing = [a for a in _REQUIRED if not attrs.get(a)]
    if missing:
        raise EnvelopeError(f"record lacks CloudEvents headers {['ce_' + m for m in missing]}")
    if attrs.get("specversion") != SPEC_VERSION:
        raise EnvelopeError(f"unsupported ce_specversion {attrs.get('specversion')!r}")
    try:
        data = json.loads(value or b"null")
    except ValueError as exc:
        raise EnvelopeError(f"record value is not JSON: {exc}") from exc
    if not isinstance(data, Mapping):
        raise EnvelopeError("record value must be a JSON object")
    try:
        # One validation call for the envelope and its actor (pydantic-core does it in one pass):
        # a third cheaper than building the Actor, then the Envelope, from Python.
        return _validate(
            {
                "id": attrs["id"],
                "source": attrs["source"],
                "type": attrs["type"],
                "time": datetime.fromisoformat(attrs["time"]),
                "subject": attrs["subject"],
                "caseid": attrs["caseid"],
                "actor": {
                    "staff_id": attrs["actorid"],
                    "department": attrs["actordept"],
                    "role": attrs["actorrole"],
                    "name": attrs.get("actorname"),
                },
                "streamversion": int(attrs.get("streamversion", "0")),
                "schemaversion": int(attrs.get("schemaversion", "1")),
                "correlationid": attrs.get("correlationid"),
                "causationid": attrs.get("causationid"),
                "position": int(attrs["position"]) if "position" in attrs else None,
                "eventhash": attrs.get("eventhash"),
                "prevhash": attrs.get("prevhash"),
                "data": data,
            }
        )
    except ValueError as exc:
        raise EnvelopeError(f"invalid CloudEvents attribute: {exc}") from exc


_validate = Envelope.model_validate
