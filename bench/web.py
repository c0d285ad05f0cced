"""The staff screens' benchmark: what the first screen costs to load, and how long a case view takes
to appear on the 1 M-event reporting model.

``python -m bench web [--events 1000000] [--cases 100000] [--samples 30] [--sizes-only]``

1. **First-screen JavaScript.** Builds the client (``deploy.web.local.build``) and sums the gzipped
   size (zlib level 6, what nginx and vite report) of every script ``index.html`` loads or preloads:
   the JavaScript a member of staff downloads before the first screen shows. Baseline in the same
   run: a one-element React client built by the same vite and gzipped the same way (the least any
   React client costs). The desks' screens load later, on first use (``routes.ts``).
2. **Navigation → case view rendered on the 1 M-event model.** Starts its own Kafka broker and
   identity provider, writes a synthetic history of ``--events`` events over ``--cases`` households
   (:func:`bench.reporting.produce`), rebuilds the reporting model from it into a SQLite file (the
   reporting service's own rebuild), then starts the five services (reporting on that model) and the
   client behind nginx, signs in with Debian's chromium and opens random cases: (a) from the case
   page's form (an in-app navigation), (b) as a fresh page load of ``/cases/<id>``; each timed until
   the timeline's entries are on screen. Baseline in the same run: the same cases' ``GET
   /cases/{id}`` over HTTP with the same token (the API alone, no browser).

Aim (issue 12): ≤ 300 KB gzipped and ≤ 1 s. Prints the figures and writes ``var/bench/web.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
DIST = REPO / "frontend" / "dist"
USER = "loans-worker"
PASSWORD = "tsunagu-demo"
CHROMIUM = "/usr/bin/chromium"


def say(msg: str) -> None:
    print(f"[bench web] {msg}", file=sys.stderr, flush=True)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


# -- 1. first-screen JavaScript ------------------------------------------------------------------


def first_screen_scripts(index_html: str) -> list[str]:
    """The scripts ``index.html`` loads (``<script src>``) or preloads (``modulepreload``)."""
    found = re.findall(r'<script[^>]*\bsrc="([^"]+)"', index_html)
    found += re.findall(r'<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"', index_html)
    found += re.findall(r'<link[^>]*href="([^"]+)"[^>]*rel="modulepreload"', index_html)
    return sorted(set(found))


HELLO_HTML = (
    '<!doctype html><html><body><div id="root"></div><script type="module" src="./main.js"></script></body></html>'
)
HELLO_JS = """import { createElement } from "react";
import { createRoot } from "react-dom/client";
createRoot(document.getElementById("root")).render(createElement("p", null, "x"));
"""


def react_hello_world_baseline() -> int:
    """The gzipped JavaScript of the smallest React client (one element rendered), built by the same
    vite in this run: the floor any React front-end starts from."""
    import shutil
    import tempfile

    work = Path(tempfile.mkdtemp(prefix=".bench-hello-", dir=REPO / "frontend"))  # inside: node_modules resolve
    try:
        (work / "index.html").write_text(HELLO_HTML)
        (work / "main.js").write_text(HELLO_JS)
        out = work / "dist"
        script = (
            "import('vite').then(v => v.build({root: process.argv[1], configFile: false, logLevel: 'warn',"
            " build: {outDir: process.argv[2], emptyOutDir: true}}))"
        )
        subprocess.run(["node", "-e", script, str(work), str(out)], cwd=REPO / "frontend", check=True)
        return sum(gz(p.read_bytes()) for p in (out / "assets").glob("*.js"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def sizes() -> dict[str, Any]:
    from deploy.web.local import build

    build()
    index = (DIST / "index.html").read_text()
    scripts = first_screen_scripts(index)
    first = {s: gz((DIST / s.lstrip("/")).read_bytes()) for s in scripts}
    every = {str(p.relative_to(DIST)): gz(p.read_bytes()) for p in sorted((DIST / "assets").glob("*.js"))}
    baseline = react_hello_world_baseline()
    total = sum(first.values())
    return {
        "first_screen_scripts": first,
        "first_screen_gzip_kb": round(total / 1024, 1),
        "all_scripts_gzip_kb": round(sum(every.values()) / 1024, 1),
        "react_hello_world_gzip_kb": round(baseline / 1024, 1),
        "ratio_to_react_hello_world": round(total / baseline, 2) if baseline else None,
        "aim_le_300kb": total <= 300 * 1024,
    }


# -- 2. navigation -> case view on the big model ---------------------------------------------------


def pct(xs: list[float], q: int) -> float:
    if len(xs) < 2:
        return round(xs[0], 1) if xs else 0.0
    return round(statistics.quantiles(xs, n=100, method="inclusive")[q - 1], 1)


def build_model(bootstrap: str, events: int, cases: int, db_path: Path) -> dict[str, Any]:
    """The synthetic history on fresh topics, rebuilt into ``db_path`` by reporting's own rebuild."""
    from bench.reporting import produce
    from deploy.kafka.cluster import create_topics

    tag = uuid.uuid4().hex[:6]
    topics = {"intake": f"bench-intake-{tag}.events", "loans": f"bench-loans-{tag}.events"}
    create_topics(bootstrap, topics=list(topics.values()), partitions=3)
    say(f"producing {events:,} events over {cases:,} households")
    began = time.perf_counter()
    produce(bootstrap, topics, 0, events, cases)
    say(f"produced in {time.perf_counter() - began:.0f} s; rebuilding the reporting model into {db_path.name}")
    for p in (db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
        p.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-m", "bench.reporting", "_child", f"sqlite:///{db_path}", bootstrap, *topics.values()],
        cwd=REPO,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    child: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    say(f"model rebuilt: {child['events']:,} events at {child['events_per_s']:,.0f}/s")
    return child


def known_cases(db_path: Path, n: int) -> list[str]:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT DISTINCT case_id FROM rm_timeline LIMIT 200000").fetchall()
    ids = sorted(r[0] for r in rows if str(r[0]).startswith("H"))
    return random.Random(7).sample(ids, min(n, len(ids)))


def navigation(web_url: str, reporting_url: str, issuer: str, cases: list[str]) -> dict[str, Any]:
    from playwright.sync_api import expect, sync_playwright

    from shared.oidc import password_grant

    token = str(password_grant(issuer, "tsunagu-cli", USER, PASSWORD)["access_token"])
    api: list[float] = []
    with httpx.Client(base_url=reporting_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        for case in cases[:3]:  # warm up
            client.get(f"/cases/{case}", params={"purpose": "support_coordination"})
        for case in cases:
            began = time.perf_counter()
            r = client.get(f"/cases/{case}", params={"purpose": "support_coordination"})
            api.append((time.perf_counter() - began) * 1000)
            r.raise_for_status()
    in_app: list[float] = []
    load: list[float] = []
    entries: list[int] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--lang=ja-JP"])
        page = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
        page.goto(web_url + "/cases")
        page.get_by_role("button", name="サインイン").click()
        page.wait_for_url(re.compile(r".*/realms/tsunagu/.*"))
        page.fill("#username", USER)
        page.fill("#password", PASSWORD)
        page.click("#kc-login")
        expect(page.get_by_role("button", name="サインアウト")).to_be_visible(timeout=30_000)
        timeline = page.locator("ol.timeline > li")
        for i, case in enumerate(cases):
            # (a) in-app: the case page's form, as staff open a case by its id
            page.goto(web_url + "/cases")
            box = page.get_by_role("textbox", name="ケースID（本人または世帯のID）")
            box.fill(case)
            began = time.perf_counter()
            box.press("Enter")
            timeline.first.wait_for(state="visible", timeout=30_000)
            in_app.append((time.perf_counter() - began) * 1000)
            entries.append(timeline.count())
            # (b) a fresh page load of the case's address (scripts cached, as on a second visit)
            began = time.perf_counter()
            page.goto(f"{web_url}/cases/{case}?n={i}")
            timeline.first.wait_for(state="visible", timeout=30_000)
            load.append((time.perf_counter() - began) * 1000)
        page.screenshot(path=str(REPO / "var" / "bench" / "web-case-view.png"), full_page=True)
        browser.close()
    api_p50 = pct(api, 50)
    return {
        "cases": len(cases),
        "timeline_entries_median": statistics.median(entries) if entries else 0,
        "api_get_case_p50_ms": api_p50,
        "api_get_case_p95_ms": pct(api, 95),
        "in_app_navigation_p50_ms": pct(in_app, 50),
        "in_app_navigation_p95_ms": pct(in_app, 95),
        "page_load_p50_ms": pct(load, 50),
        "page_load_p95_ms": pct(load, 95),
        "in_app_p50_ratio_to_api": round(pct(in_app, 50) / api_p50, 1) if api_p50 else None,
        "aim_le_1s": max(pct(in_app, 95), pct(load, 95)) <= 1000,
    }


def case_view(events: int, cases: int, samples: int) -> dict[str, Any]:
    from deploy.identity.local import start as start_identity
    from deploy.kafka.cluster import start_single
    from deploy.run import Layout, available_services, start_services, start_web, stop_services, wait_healthy

    var = REPO / "var" / "bench-web"
    var.mkdir(parents=True, exist_ok=True)
    (REPO / "var" / "bench").mkdir(parents=True, exist_ok=True)
    say("starting Kafka and the identity provider")
    kafka = start_single(var / "kafka", fresh=True)
    identity = start_identity(var / "identity", port=None)
    layout = Layout(var)
    front = None
    procs: list[Any] = []
    try:
        db_path = var / "reporting-model.db"
        model = build_model(kafka.bootstrap_servers, events, cases, db_path)
        services = available_services(port_base=8301)
        auth = {
            "TSUNAGU_AUTH": "oidc",
            "TSUNAGU_OIDC_ISSUER": identity.issuer,
            "REPORTING_DATABASE_URL": f"sqlite:///{db_path}",
        }
        say("starting the five services (reporting on the rebuilt model) and the client behind nginx")
        procs = start_services(layout, kafka.bootstrap_servers, services, auth_env=auth)
        wait_healthy(layout, services, timeout=120)
        front = start_web(layout, services, identity.issuer, port_base=8301)
        reporting = next(s.url for s in services if s.name == "reporting")
        picked = known_cases(db_path, samples)
        say(f"opening {len(picked)} cases in chromium")
        return {"model": model, **navigation(front.url, reporting, identity.issuer, picked)}
    finally:
        if front is not None:
            front.stop()
        if procs:
            stop_services(layout)
        identity.stop()
        kafka.stop(remove_data=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench web", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--sizes-only", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "web.json")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"sizes": sizes()}
    say(json.dumps(result["sizes"]))
    if not args.sizes_only:
        result["case_view"] = {"events": args.events, **case_view(args.events, args.cases, args.samples)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
