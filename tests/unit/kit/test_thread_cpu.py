"""The per-thread CPU gauge (``tsunagu_thread_cpu_seconds``) names the thread that burnt the time."""

from __future__ import annotations

import threading
import time

from prometheus_client import REGISTRY, generate_latest

from shared.metrics import thread_cpu_seconds, thread_kind


def _burn(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        sum(range(1000))


def test_a_busy_thread_shows_its_cpu_under_its_name_and_an_idle_one_next_to_nothing() -> None:
    done, release = threading.Event(), threading.Event()

    def busy() -> None:
        _burn(0.3)
        done.set()
        release.wait(10)

    def idle() -> None:
        release.wait(10)

    threads = [threading.Thread(target=busy, name="busy-7"), threading.Thread(target=idle, name="idle-8")]
    for t in threads:
        t.start()
    try:
        assert done.wait(10)
        seconds = thread_cpu_seconds()
        assert seconds["busy"] >= 0.2  # the numbered name is summed under its kind
        assert seconds["idle"] < 0.1
        exposed = generate_latest(REGISTRY).decode()
        assert 'tsunagu_thread_cpu_seconds{thread="busy"}' in exposed
    finally:
        release.set()
        for t in threads:
            t.join()


def test_thread_kinds_drop_serial_numbers_only() -> None:
    assert thread_kind("Thread-12 (run)") == "Thread (run)"
    assert thread_kind("AnyIO worker thread") == "AnyIO worker thread"
    assert thread_kind("relay:loans") == "relay:loans"


def test_a_process_stat_reads_as_user_plus_system_seconds_even_with_spaces_in_its_name(tmp_path) -> None:
    import os

    from shared.metrics import stat_cpu_seconds

    tick = os.sysconf("SC_CLK_TCK")
    stat = tmp_path / "stat"
    # pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    stat.write_text(f"42 (python -m x) S 1 42 42 0 -1 4194304 10 0 0 0 {3 * tick} {tick} 0 0 20 0 9 0\n")
    assert stat_cpu_seconds(stat) == 4.0
