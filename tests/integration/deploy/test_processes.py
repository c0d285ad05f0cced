"""The launchers' process helpers (:mod:`deploy.processes`) on real processes: a stopped server is not
taken for a running one, a group stops together, and what outlives a wait is named."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from deploy.processes import alive, cmdline, signal_group, wait_gone


def _sleeper(*, session: bool = True) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=session)


def test_an_exited_child_is_not_alive_and_is_reaped() -> None:
    child = _sleeper()
    deadline = time.monotonic() + 10
    while "time.sleep(60)" not in cmdline(child.pid) and time.monotonic() < deadline:
        time.sleep(0.01)  # between fork and exec the command line is not the program's yet
    assert alive(child.pid) and "time.sleep(60)" in cmdline(child.pid)
    os.kill(child.pid, signal.SIGKILL)
    assert wait_gone([child.pid], 10) == []  # a zombie until reaped: alive() reaps it
    assert not alive(child.pid) and cmdline(child.pid) == ""
    child.wait(timeout=5)  # Popen copes with the child reaped under it


def test_signalling_a_group_stops_the_leader_and_what_it_started() -> None:
    # A script and the program it starts, as kc.sh and its JVM: one group, led by the script.
    leader = subprocess.Popen(
        ["sh", "-c", f"{sys.executable} -c 'import time; time.sleep(60)' & echo $!; wait"],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert leader.stdout is not None
    started = int(leader.stdout.readline())
    assert alive(started) and os.getpgid(started) == leader.pid
    signal_group(leader.pid, signal.SIGTERM)
    assert wait_gone([leader.pid, started], 10) == []
    leader.wait(timeout=5)


def test_a_process_that_leads_no_group_is_signalled_alone_and_a_gone_one_is_no_error() -> None:
    child = _sleeper(session=False)  # in this test's group: signalling "its group" would stop pytest
    signal_group(child.pid, signal.SIGTERM)
    assert wait_gone([child.pid], 10) == []
    child.wait(timeout=5)
    signal_group(child.pid, signal.SIGTERM)  # gone: nothing happens


def test_a_wait_names_the_processes_still_running() -> None:
    running, ended = _sleeper(), _sleeper()
    try:
        ended.kill()
        assert wait_gone([running.pid, ended.pid], 0.5) == [running.pid]
    finally:
        running.kill()
        running.wait(timeout=5)
        ended.wait(timeout=5)
