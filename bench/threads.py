"""Where a service's CPU goes, by thread: ``tsunagu_thread_cpu_seconds`` read from its ``/metrics``
before and after a run, per completed call (``python -m bench commands --threads``)."""

from __future__ import annotations

import re

import httpx

_SAMPLE = re.compile(r'^tsunagu_thread_cpu_seconds\{thread="(?P<name>(?:[^"\\]|\\.)*)"\} (?P<value>\S+)$')
_PROCESS = re.compile(r"^process_cpu_seconds_total (?P<value>\S+)$")
PROCESS = "(whole process)"
GONE = "(threads that ended)"


def parse(exposition: str) -> dict[str, float]:
    """Thread name → CPU seconds, and the whole process's under :data:`PROCESS`."""
    out: dict[str, float] = {}
    for line in exposition.splitlines():
        if m := _SAMPLE.match(line):
            out[m["name"].replace('\\"', '"').replace("\\\\", "\\")] = float(m["value"])
        elif m := _PROCESS.match(line):
            out[PROCESS] = float(m["value"])
    return out


def scrape(base_url: str) -> dict[str, float]:
    response = httpx.get(f"{base_url}/metrics", timeout=10)
    response.raise_for_status()
    return parse(response.text)


def per_call(before: dict[str, float], after: dict[str, float], calls: int) -> dict[str, float]:
    """CPU milliseconds per call by thread name, largest first. Threads that ended during the run are
    not in ``after``: the process's time that no live thread accounts for is shown as :data:`GONE`."""
    calls = max(1, calls)
    spent = {name: after[name] - before.get(name, 0.0) for name in after}
    threads = {name: ms for name, ms in spent.items() if name != PROCESS}
    if PROCESS in spent:
        threads[GONE] = max(0.0, spent[PROCESS] - sum(threads.values()))
    shown = {name: round(s * 1000 / calls, 2) for name, s in threads.items() if s > 0}
    if PROCESS in spent:
        shown[PROCESS] = round(spent[PROCESS] * 1000 / calls, 2)
    return dict(sorted(shown.items(), key=lambda kv: (kv[0] != PROCESS, -kv[1])))
