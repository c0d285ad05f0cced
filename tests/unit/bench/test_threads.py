"""``bench commands --threads``: per-thread CPU per command from two /metrics scrapes."""

from __future__ import annotations

from bench.threads import GONE, PROCESS, parse, per_call

BEFORE = """# HELP tsunagu_thread_cpu_seconds CPU seconds
# TYPE tsunagu_thread_cpu_seconds gauge
tsunagu_thread_cpu_seconds{thread="MainThread"} 1.0
tsunagu_thread_cpu_seconds{thread="relay:loans"} 0.5
tsunagu_thread_cpu_seconds{thread="Thread (run)"} 2.0
process_cpu_seconds_total 4.0
"""
AFTER = """tsunagu_thread_cpu_seconds{thread="MainThread"} 1.4
tsunagu_thread_cpu_seconds{thread="relay:loans"} 0.7
tsunagu_thread_cpu_seconds{thread="AnyIO worker thread"} 0.9
process_cpu_seconds_total 6.5
"""


def test_per_call_splits_the_process_time_by_thread_and_counts_what_ended_threads_took() -> None:
    shown = per_call(parse(BEFORE), parse(AFTER), calls=100)
    assert next(iter(shown)) == PROCESS
    assert shown[PROCESS] == 25.0  # 2.5 s over 100 calls
    assert shown["AnyIO worker thread"] == 9.0  # started during the run: all of it counts
    assert shown["MainThread"] == 4.0
    assert shown["relay:loans"] == 2.0
    assert "Thread (run)" not in shown  # it ended: its run-time share is in GONE
    assert shown[GONE] == 10.0  # 2.5 s - (0.4 + 0.2 + 0.9)


def test_parse_reads_only_the_thread_and_process_samples() -> None:
    assert parse(BEFORE) == {"MainThread": 1.0, "relay:loans": 0.5, "Thread (run)": 2.0, PROCESS: 4.0}
