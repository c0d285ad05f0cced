"""/docs and /redoc work on a closed network: every asset they load is served by the service."""

from __future__ import annotations

import importlib
import re

import pytest
from fastapi.testclient import TestClient

SERVICES = ["intake", "loans", "reporting", "districts", "conferences"]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_documentation_pages_load_only_local_assets_and_each_answers(service, page, tmp_path):
    bootstrap = importlib.import_module(f"services.{service}.bootstrap")
    config = importlib.import_module(f"services.{service}.config")
    app, kit = bootstrap.build(config.Settings(var_dir=tmp_path, log_json=False), kafka=False)
    client = TestClient(app)
    html = client.get(page)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert not re.findall(r"(?:https?:)?//[\w.-]+\.\w+", html.text), "the page names another host"
    urls = set(re.findall(r"""(?:src|href)=["']([^"']+)["']""", html.text))
    urls |= set(re.findall(r"""(?:url|spec-url)\s*[:=]\s*["']([^"']+)["']""", html.text))
    assert {u for u in urls if u.endswith(".js")}, urls
    assert "/openapi.json" in urls
    for url in sorted(urls):
        assert url.startswith("/"), url
        response = client.get(url)
        assert response.status_code == 200 and len(response.content) > 100, (url, response.status_code)
    kit.close()
