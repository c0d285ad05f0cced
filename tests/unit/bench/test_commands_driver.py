"""The command-latency driver is open-loop: latencies run from each command's scheduled time."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.commands import (
    cpu_seconds,
    format_table,
    loans_processes,
    machine_cpu_seconds,
    open_loop,
    parse_args,
    tree_cpu_seconds,
)
from deploy.run import ServiceProc


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


def test_loans_runs_as_one_process_unless_split():
    loans = ServiceProc("loans", 8502)
    args = parse_args([])
    assert (args.split, args.out.name) == (False, "commands.json")
    assert loans_processes(loans, args.split, worker_port=9000) == [loans]


def test_split_starts_a_web_process_on_loans_port_and_a_worker_beside_it():
    args = parse_args(["--split", "--db", "sqlite"])
    assert (args.split, args.db, args.out.name) == (True, "sqlite", "commands-split.json")
    web, worker = loans_processes(ServiceProc("loans", 8502), args.split, worker_port=9000)
    assert (web.name, web.port, web.process, web.log_name) == ("loans", 8502, "web", "loans-web.log")
    assert (worker.name, worker.port, worker.process, worker.log_name) == ("loans", 9000, "worker", "loans-worker.log")


def test_the_table_shows_the_workers_cpu_beside_the_web_process():
    row = {"asked_per_s": 100.0, "reached_per_s": 99.0, "p50_ms": 9.0, "p95_ms": 25.0, "max_ms": 40.0, "errors": 0}
    command = {**row, "cpu_ms_per_call": 12.0, "worker_cpu_ms_per_call": 6.5}
    result = {"split": True, "sqlite": {"commands": [command], "health": [row], "highest_rate_p95_under_100ms": 100.0}}
    table = format_table(result)
    assert "CPU ms/command (web + worker)" in table
    assert "sqlite | 100 | 99.0 | 9.0 | 25.0 | 40.0 | 0 | 12.0 + 6.5 | 25.0" in table


def test_threads_adds_each_processs_cpu_per_command_by_thread_under_the_table():
    args = parse_args(["--threads", "--split"])
    assert args.threads and args.split
    row = {"asked_per_s": 50.0, "reached_per_s": 50.0, "p50_ms": 9.0, "p95_ms": 20.0, "max_ms": 30.0, "errors": 0}
    threads = {"web": {"(whole process)": 9.0, "AnyIO worker thread": 6.0}, "worker": {"relay:loans": 2.5}}
    command = {**row, "threads_cpu_ms_per_call": threads}
    result = {"sqlite": {"commands": [command], "health": [row], "highest_rate_p95_under_100ms": 50.0}}
    table = format_table(result)
    assert "sqlite 50/s web: CPU ms per command by thread: (whole process) 9.0, AnyIO worker thread 6.0" in table
    assert "sqlite 50/s worker: CPU ms per command by thread: relay:loans 2.5" in table
    assert not parse_args([]).threads


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_process_tree_counts_its_children_alive_and_ended():
    before = tree_cpu_seconds(os.getpid())
    live = subprocess.Popen([sys.executable, "-c", SPIN.format(0.3) + "\nimport time; time.sleep(30)"])
    ended = subprocess.Popen([sys.executable, "-c", SPIN.format(0.3)])
    try:
        ended.wait(30)  # reaped by us: its time moves into our cutime
        deadline = time.monotonic() + 30
        while cpu_seconds(live.pid) < 0.3 and time.monotonic() < deadline:
            time.sleep(0.05)
        grown = tree_cpu_seconds(os.getpid()) - before
        assert grown >= 0.55, grown  # both children's 0.3 s (and the interpreters' start-up)
    finally:
        live.kill()
        live.wait()


def test_the_machine_cpu_grows_with_busy_work_and_each_rate_lists_the_rest_of_the_machine():
    before = machine_cpu_seconds()
    _spin(0.3)
    assert machine_cpu_seconds() - before >= 0.25
    out = open_loop(20, 0.25, lambda _i: _spin(0.01), others={"this process": lambda: cpu_seconds(os.getpid())})
    assert out["others_cpu_ms_per_call"]["this process"] >= 8  # 10 ms of CPU per call
    result = {"postgresql": {"commands": [out], "health": [out], "highest_rate_p95_under_100ms": 20}}
    assert "postgresql 20/s: CPU ms per command elsewhere: this process" in format_table(result)


SPIN = "import time\nend = time.process_time() + {}\nwhile time.process_time() < end: pass"
