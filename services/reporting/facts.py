"""The fact: one event as reporting's projection sees it (:class:`Fact`), the shape of a projection
handler (:data:`Handler`) and the canonical JSON the read models store. Shared by the handlers of
:mod:`.projection` and :mod:`.district_projection`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from services.reporting.adapters.readmodel import ts
from services.reporting.adapters.rows import Rows
from shared.envelope import Envelope, header_text

__all__ = ["Fact", "Handler", "canonical_encoder", "canonical_json"]


class Fact(NamedTuple):
    """One event as the projection sees it (from a live :class:`Envelope` or a raw Kafka record).

    A named tuple rather than a frozen dataclass: a rebuild makes one per event, and a tuple is
    several times cheaper to build; it is just as immutable.
    """

    id: str
    source: str
    type: str
    time: datetime
    caseid: str
    subject: str
    streamversion: int
    actor_id: str
    actor_department: str
    actor_role: str
    data: dict[str, Any]
    actor_name: str | None = None

    @classmethod
    def of(cls, env: Envelope) -> Fact:
        return cls(
            id=env.id,
            source=env.source,
            type=env.type,
            time=env.time,
            caseid=env.caseid,
            subject=env.subject,
            streamversion=env.streamversion,
            actor_id=env.actor.staff_id,
            actor_department=env.actor.department,
            actor_role=env.actor.role,
            data=dict(env.data),
            actor_name=env.actor.name,
        )

    @classmethod
    def from_record(cls, headers: Sequence[tuple[str, bytes]], value: bytes | None) -> Fact:
        """The fast path of a rebuild: CloudEvents binary-mode headers straight to a fact."""
        attrs = header_text(headers)
        data = _orjson_loads(value or b"{}")
        if not isinstance(data, dict):
            raise ValueError("record value must be a JSON object")
        try:
            return cls(
                attrs["ce_id"],
                attrs["ce_source"],
                attrs["ce_type"],
                _fromisoformat(attrs["ce_time"]),
                attrs["ce_caseid"],
                attrs["ce_subject"],
                int(attrs.get("ce_streamversion", "0")),
                attrs["ce_actorid"],
                attrs["ce_actordept"],
                attrs["ce_actorrole"],
                data,
                attrs.get("ce_actorname"),
            )
        except KeyError as missing:  # named as before: the attribute, without the header prefix
            raise KeyError(str(missing.args[0]).removeprefix("ce_")) from None

    def when(self, key: str) -> str:
        """The event's own domain time field as fixed-width UTC text, else its recording time."""
        value = self.data.get(key)
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                moment = self.time
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return ts(moment)
        return ts(self.time)


Handler = Callable[[Rows, Fact], None]

_fromisoformat = datetime.fromisoformat
_orjson_dumps, _orjson_loads, _SORTED = orjson.dumps, orjson.loads, orjson.OPT_SORT_KEYS
canonical_encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_json(data: dict[str, Any]) -> str:
    """``json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` by orjson (five
    times faster; a float may be spelled differently, e.g. ``1e-7`` for ``1e-07``, the same number).
    What orjson refuses (an integer beyond 64 bits, a key that is not text) goes through json."""
    try:
        return _orjson_dumps(data, option=_SORTED).decode()
    except TypeError:  # orjson.JSONEncodeError
        return canonical_encoder.encode(data)
