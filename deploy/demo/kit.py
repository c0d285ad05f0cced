"""What every demo story script shares: the HTTP client staff use, the roles a story acts in, and
the structured result a story hands back.

* :class:`Staff` — one staff member of a department calling one service over HTTP; a refusal raises
  with the service's own message. Referrals travel between services through Kafka, so a desk that
  answers one first waits for it (:meth:`Staff.wait_for_referral`), and a desk that needs another
  desk's answer waits for that (:meth:`Staff.wait_for_status`).
* :class:`RoleRecorder` — wraps a token factory and notes every (department, role) a story used,
  so the banner prints exactly the tokens a story needs.
* :class:`StoryResult` — a seed story as played: its number and title in the seed digest's
  numbering, the case id to open in reporting's case view (``GET /cases/{case_id}``), the roles
  it needed and the ids it created.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx

__all__ = ["RoleRecorder", "Staff", "StoryResult", "Token", "ago", "today"]

Token = Callable[[str, str], str]
_JST = timezone(timedelta(hours=9))


def today() -> date:
    return datetime.now(UTC).astimezone(_JST).date()


def ago(**delta: float) -> str:
    """An ISO instant some time before now (the services refuse records of the future)."""
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


class Staff:
    """A staff member of ``department`` calling ``service`` over HTTP; refusals raise with the body."""

    def __init__(self, urls: Mapping[str, str], token: Token, service: str, department: str, role: str = "worker"):
        self.department = department
        self.http = httpx.Client(
            base_url=urls[service], headers={"Authorization": f"Bearer {token(department, role)}"}, timeout=30
        )

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None, **params: Any) -> Any:
        response = self.http.request(method, path, json=dict(body) if body is not None else None, params=params)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} → {response.status_code}: {response.text}")
        return response.json()

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        return self.call("POST", path, body)

    def put(self, path: str, body: Mapping[str, Any]) -> Any:
        return self.call("PUT", path, body)

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, **params)

    def wait_for_referral(self, referral_id: str | None = None, *, timeout: float = 60.0, **params: Any) -> Any:
        """The first inbox referral (by id, or under ``params``): referrals travel through Kafka."""
        deadline = time.monotonic() + timeout
        while True:
            items = self.get("/referrals/inbox", **params)["items"]
            found = [r for r in items if referral_id is None or r["referral_id"] == referral_id]
            if found:
                return found[0]
            if time.monotonic() > deadline:
                wanted = referral_id or params
                raise RuntimeError(f"no referral {wanted} reached {self.department}'s inbox in {timeout}s")
            time.sleep(0.1)

    def wait_for_status(self, referral_id: str, *statuses: str, timeout: float = 60.0) -> Any:
        """The referral once this desk sees it in one of ``statuses`` (the other side's answer
        reaches this desk through Kafka)."""
        deadline = time.monotonic() + timeout
        while True:
            referral = self.get(f"/referrals/{referral_id}")
            if referral["status"] in statuses:
                return referral
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"referral {referral_id} is {referral['status']!r} at {self.department}, "
                    f"not {' or '.join(statuses)}, after {timeout}s"
                )
            time.sleep(0.1)

    def wait_until_found(self, path: str, *, timeout: float = 60.0) -> Any:
        """``GET path`` once it answers (a record another desk registered reaches this one through Kafka)."""
        deadline = time.monotonic() + timeout
        while True:
            response = self.http.get(path)
            if response.status_code == 200:
                return response.json()
            if response.status_code != 404 or time.monotonic() > deadline:
                raise RuntimeError(f"GET {path} → {response.status_code}: {response.text}")
            time.sleep(0.1)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Staff:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class RoleRecorder:
    """A token factory that remembers every (department, role) it was asked for."""

    def __init__(self, token: Token) -> None:
        self._token = token
        self.used: set[tuple[str, str]] = set()

    def __call__(self, department: str, role: str = "worker") -> str:
        self.used.add((department, role))
        return self._token(department, role)

    @property
    def roles(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self.used))


@dataclass(frozen=True)
class StoryResult:
    """One seed story as played (numbers and titles as in the seed digest, GLOSSARY.md)."""

    number: int
    title_ja: str
    title_en: str
    case_id: str  # the id reporting's case view takes: GET /cases/{case_id}
    roles: tuple[tuple[str, str], ...]  # (department, role) the story acted as
    ids: Mapping[str, str] = field(default_factory=dict)
    scripts: tuple[str, ...] = ()  # the script functions that played it, in order

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title_ja": self.title_ja,
            "title_en": self.title_en,
            "case_id": self.case_id,
            "roles": [list(r) for r in self.roles],
            "ids": dict(self.ids),
            "scripts": list(self.scripts),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StoryResult:
        return cls(
            number=int(data["number"]),
            title_ja=str(data["title_ja"]),
            title_en=str(data["title_en"]),
            case_id=str(data["case_id"]),
            roles=tuple((str(d), str(r)) for d, r in data.get("roles", [])),
            ids={str(k): str(v) for k, v in dict(data.get("ids", {})).items()},
            scripts=tuple(str(s) for s in data.get("scripts", [])),
        )
