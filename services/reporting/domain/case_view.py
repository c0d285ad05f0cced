"""The case view (ケースの全体像): one timeline of a person's or household's case across departments.

A pure fold over archived envelopes. Personal fields (要配慮個人情報) of an event are shown only
to a viewer whose department recorded the event; others see that the entry exists and what kind
it is, with those fields replaced by :data:`REDACTED`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from shared.envelope import Actor, Envelope

REDACTED = "［非開示］"

PersonalFields = Callable[[str], frozenset[str]]


class TimelineEntry(BaseModel):
    event_id: str
    time: datetime
    department: str
    type: str
    subject: str
    actor: Actor
    data: dict[str, Any]
    redacted: list[str]


class CaseView(BaseModel):
    case_id: str
    case_ids: list[str]
    as_of: datetime | None
    departments: list[str]
    timeline: list[TimelineEntry]


def build_case_view(
    case_id: str,
    case_ids: Iterable[str],
    envelopes: Iterable[Envelope],
    *,
    viewer: Actor,
    personal_fields: PersonalFields,
    as_of: datetime | None = None,
) -> CaseView:
    timeline: list[TimelineEntry] = []
    for env in sorted(envelopes, key=lambda e: (e.time, e.source, e.streamversion)):
        if as_of is not None and env.time > as_of:
            continue
        data, hidden = _visible(env.data, personal_fields(env.type), viewer.department == env.source)
        timeline.append(
            TimelineEntry(
                event_id=env.id,
                time=env.time,
                department=env.source,
                type=env.type,
                subject=env.subject,
                actor=env.actor,
                data=data,
                redacted=hidden,
            )
        )
    return CaseView(
        case_id=case_id,
        case_ids=sorted(set(case_ids)),
        as_of=as_of,
        departments=sorted({e.department for e in timeline}),
        timeline=timeline,
    )


def _visible(data: Mapping[str, Any], personal: frozenset[str], own: bool) -> tuple[dict[str, Any], list[str]]:
    if own or not personal:
        return dict(data), []
    hidden = sorted(k for k in data if k in personal and data[k] not in (None, "", [], {}))
    return {k: (REDACTED if k in hidden else v) for k, v in data.items()}, hidden
