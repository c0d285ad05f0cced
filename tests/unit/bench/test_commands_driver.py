"""The command-latency driver is open-loop: latencies run from each command's scheduled time."""

from __future__ import annotations

import time

from bench.commands import format_table, open_loop


def test_a_slow_server_shows_its_queue_in_the_latencies_not_a_lower_rate():
    calls: list[int] = []

    def slow(i: int) -> None:
        calls.append(i)
        time.sleep(0.1)

    # 40 per second for half a second, two client threads: each call takes 100 ms (20 per second), so the
    # driver keeps scheduling and the later calls wait in the queue; that wait is counted.
    out = open_loop(40, 0.5, slow, threads=2)
    assert sorted(calls) == list(range(20))
    assert out["errors"] == 0
    assert out["p50_ms"] >= 100
    assert out["max_ms"] >= 400  # the last call waited for the nine before it on its thread


def test_failures_are_counted_with_their_message_and_left_out_of_the_latencies():
    def flaky(i: int) -> None:
        if i % 2:
            raise RuntimeError(f"POST /consultations: 409 call {i}")

    out = open_loop(100, 0.1, flaky)
    assert out["errors"] == 5
    assert out["first_errors"][0].startswith("POST /consultations: 409")


def test_the_table_names_the_highest_rate_under_100_ms():
    row = {"asked_per_s": 50.0, "reached_per_s": 50.0, "p50_ms": 9.0, "p95_ms": 20.0, "max_ms": 30.0, "errors": 0}
    command = {**row, "cpu_ms_per_call": 7.5}
    result = {"sqlite": {"commands": [command], "health": [row], "highest_rate_p95_under_100ms": 50.0}}
    table = format_table(result)
    # ... | errors | CPU ms per command | /health p95
    assert "sqlite | 50 | 50.0 | 9.0 | 20.0 | 30.0 | 0 | 7.5 | 20.0" in table
    assert "highest rate with p95 < 100 ms: 50.0/s" in table
