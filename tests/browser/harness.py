"""Staff screens in a real browser: Debian's chromium driven by Playwright, against the real platform.

The platform is the one staff use: the identity provider (Keycloak, the realm kept as code), the
session's Kafka broker, the five services taking only the provider's RS256 tokens, and the built
client behind Debian's nginx (``deploy.web.local``), with the seed's demo stories loaded through
the services' APIs. Never a downloaded browser: ``/usr/bin/chromium`` (bootstrap installs it).

Screenshots go to ``var/screens/<test>-<name>.png`` on every run; look at them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, expect

from deploy.run import ProviderTokens

REPO = Path(__file__).resolve().parents[2]
SCREENS = REPO / "var" / "screens"
# Assertions wait up to 15 s (Playwright's default is 5): `make test` runs on two busy workers, and a
# screen that answers in 6 s under that load is not a failure of the screen.
expect.set_options(timeout=15_000)
CHROMIUM = "/usr/bin/chromium"
AXE = REPO / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "tsunagu-demo"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=ja-JP"]
# Chromium on Linux takes its own locale (date inputs' yyyy/mm/dd, 年月) from LANGUAGE, not --lang;
# its Japanese strings come with Debian's chromium-l10n (bootstrap installs it).
BROWSER_ENV = {**os.environ, "LANGUAGE": "ja"}


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables while the services are built (their token verifier reads them)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@dataclass
class WebPlatform:
    """What a browser test needs: the screens' URL, the services' URLs, tokens for API-side steps."""

    url: str
    services: dict[str, str]
    issuer: str
    stories: list[Any] = field(default_factory=list)
    _tokens: ProviderTokens | None = None

    def token(self, user: str) -> str:
        """An access token of the demo staff member ``user`` (``<dept>-<role>``), by password grant;
        reused for a minute, as the demo loader does (tokens live minutes; a slow run outlives one)."""
        if self._tokens is None:
            self._tokens = ProviderTokens(self.issuer)
        return self._tokens.of(user)

    def api(self, service: str, user: str) -> httpx.Client:
        """The service's API as ``user``, for steps a test takes outside the browser."""
        return httpx.Client(base_url=self.services[service], auth=_Bearer(lambda: self.token(user)), timeout=30)

    def story(self, number: int) -> Any:
        return next(s for s in self.stories if s.number == number)


class _Bearer(httpx.Auth):
    """A fresh (cached up to a minute) token on every request: a client held through a long wait
    never sends one that has expired."""

    def __init__(self, token: Callable[[], str]) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers["Authorization"] = f"Bearer {self._token()}"
        yield request


def new_page(browser: Browser) -> Page:
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def sign_in(page: Page, web: WebPlatform, user: str, path: str = "/") -> Page:
    """Open ``path``, sign in at the provider as ``user``, and come back to ``path`` signed in."""
    page.goto(web.url + path)
    page.get_by_role("button", name="サインイン").click()
    page.wait_for_url(re.compile(r".*/realms/tsunagu/.*"))
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("#kc-login")
    page.wait_for_url(re.compile(re.escape(web.url) + ".*"))
    expect(page.get_by_role("button", name="サインアウト")).to_be_visible()
    page.wait_for_url(re.compile(re.escape(web.url + path.split("?")[0]) + r".*"))
    return page


def shoot(page: Page, name: str) -> Path:
    """A full-page screenshot under var/screens (written on every run, for people to look at)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


SERIOUS = ("serious", "critical")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands (WCAG 2.x A/AA rules)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    # resultTypes: every node of a violation is listed, one node of each other result (axe's own
    # option: the passes' details were most of its time); a rule that passed still proves it ran.
    assert result["testEngine"]["name"] == "axe-core" and result["passes"], "axe did not run"
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def describe(violations: Any) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=1)


def eventually(check: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except (httpx.HTTPError, AssertionError, KeyError) as exc:
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}" + (f" (last error: {last})" if last else ""))
