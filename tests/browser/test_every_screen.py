"""Every screen of every desk, as its staff see it: rendered in Japanese, photographed, and scanned
by axe-core with no serious or critical violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.harness import WebPlatform, axe_violations, describe, new_page, shoot, sign_in

# The menu of each desk (components/Layout.tsx NAV) is read from the page itself, so a screen added
# to a menu is scanned without touching this test.
USERS = [
    "intake-worker",
    "intake-manager",
    "loans-worker",
    "districts-worker",
    "conferences-worker",
    "reporting-auditor",
]


@pytest.mark.parametrize("user", USERS)
def test_every_screen_in_the_menu_renders_in_japanese_without_serious_accessibility_violations(
    web: WebPlatform, browser: Browser, user: str
) -> None:
    page = sign_in(new_page(browser), web, user)
    menu = page.get_by_role("navigation", name="業務メニュー")
    targets = [(link.inner_text(), link.get_attribute("href")) for link in menu.get_by_role("link").all()]
    assert len(targets) >= 2, targets
    story = web.story(7)
    targets.append(("ケースの全体像（事例）", f"/cases/{story.case_id}"))
    problems = {}
    for n, (label, href) in enumerate(targets):
        assert href
        page.goto(web.url + href)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert "{{" not in page.content(), f"{href}: an untranslated placeholder"
        shoot(page, f"screen-{user}-{n:02d}-{href.strip('/').replace('/', '_') or 'workspace'}")
        found = axe_violations(page)
        if found:
            problems[f"{label} {href}"] = found
    assert not problems, describe(problems)
    assert page.locator("html").get_attribute("lang") == "ja"
