"""Fixtures of the browser tests: the whole platform behind nginx, one chromium, a page per test."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.harness import BROWSER_ARGS, BROWSER_ENV, CHROMIUM, WebPlatform, environment, new_page
from tests.e2e.harness import Platform


@pytest.fixture(scope="package")
def web(kafka: Any, keycloak: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebPlatform]:
    """Keycloak, Kafka, the five services on the provider's tokens, the built client behind nginx,
    and the seed stories loaded through the APIs as demo staff."""
    from deploy.demo.stories import load_all
    from deploy.kafka.tooling import free_ports
    from deploy.run import ProviderTokens
    from deploy.web.local import build
    from deploy.web.local import start as start_front

    build()
    var = tmp_path_factory.mktemp("web-platform")
    with environment(TSUNAGU_AUTH="oidc", TSUNAGU_OIDC_ISSUER=keycloak.issuer):
        platform = Platform(kafka.bootstrap_servers, var).start()
    front = None
    try:
        front = start_front(var / "web", platform.urls, keycloak.issuer, port=free_ports(1)[0])
        stories = load_all(platform.urls, ProviderTokens(keycloak.issuer))
        yield WebPlatform(url=front.url, services=dict(platform.urls), issuer=keycloak.issuer, stories=stories)
    finally:
        if front is not None:
            front.stop()
        platform.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, env=BROWSER_ENV)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    made = new_page(browser)
    try:
        yield made
    finally:
        made.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def _screens_of_a_failure(request: pytest.FixtureRequest, browser: Browser) -> Iterator[None]:
    """When a test fails, every page it left open is photographed (var/screens/FAILED-...)."""
    yield
    if request.node.stash.get(FAILED, False):
        from tests.browser.harness import shoot

        for n, context in enumerate(browser.contexts):
            for m, open_page in enumerate(context.pages):
                with contextlib.suppress(Exception):
                    shoot(open_page, f"FAILED-{request.node.name}-{n}-{m}")
