"""Ask every GET route of every service as one member of staff, and find given values in the answers.

The privacy sweeps (``test_auditors_read_no_narratives``, ``test_departments_read_no_other_desks_words``)
take the routes from each service's OpenAPI document and fill each path parameter with ids the
events hold under that name, so a route added later is swept without a change here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import httpx

from tests.e2e.harness import SERVICE_NAMES, Platform

__all__ = ["IDS_PER_PARAMETER", "gets", "leaks", "strings"]

IDS_PER_PARAMETER = 4
_NOT_SWEPT = ("/health", "/ready", "/metrics")


def strings(value: Any) -> Iterator[str]:
    """Every string a JSON value holds, however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)


def gets(platform: Platform, ids: Mapping[str, list[str]]) -> Iterator[tuple[str, str]]:
    """(service, path) for every GET route, its parameters filled with stored ids of that name (a
    parameter no event names takes the case ids)."""
    for service in SERVICE_NAMES:
        if service not in platform.urls:
            continue
        document = httpx.get(platform.urls[service] + "/openapi.json").json()
        for template, operations in document["paths"].items():
            if "get" not in operations or template in _NOT_SWEPT:
                continue
            names = re.findall(r"{(\w+)}", template)
            if not names:
                yield service, template
                continue
            choices = [ids.get(n) or ids.get("case_id", []) for n in names]
            for i in range(IDS_PER_PARAMETER):
                path = template
                for name, values in zip(names, choices, strict=True):
                    if not values:
                        break
                    path = path.replace("{" + name + "}", values[i % len(values)])
                else:
                    yield service, path


def leaks(
    platform: Platform, paths: Iterable[tuple[str, str]], values: Iterable[str], department: str, role: str
) -> list[str]:
    """``service GET path: value`` for every value an answer to this member of staff holds."""
    wanted = list(values)
    found = []
    for service, path in paths:
        with platform.client(service, department, role) as client:
            answer = client.get(path, headers={"X-Purpose": "audit"})
        if answer.status_code != 200 or "json" not in answer.headers.get("content-type", ""):
            continue
        text = answer.content.decode("utf-8", errors="replace")
        shown = json.dumps(answer.json(), ensure_ascii=False)
        found += [f"{service} GET {path}: {value[:40]!r}" for value in wanted if value in text or value in shown]
    return found
