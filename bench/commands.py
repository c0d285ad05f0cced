"""Command latency at a fixed rate: one service over HTTP, SQLite and PostgreSQL.

``python -m bench commands [--rates 25,50,100,150,200] [--seconds 10] [--db sqlite|postgresql|both] [--split]
[--threads]``

Starts its own Kafka broker and the loans service (development tokens; SQLite under
``var/bench-commands``, or a database on a PostgreSQL server that it starts in
``var/bench-commands/postgres``). At each rate an open-loop driver schedules one command every
``1/rate`` seconds — a loan consultation opened (受付) for one of 50 registered households — and
hands it to a pool of 64 client threads; each latency runs from the command's *scheduled* time to
its answer, so a server that falls behind shows the queue it builds (no coordinated omission).

Prints p50 / p95 / max per rate and database, the rate actually reached, errors, the service
process's CPU time per command (from ``/proc``: what one command costs, whatever else the machine
runs), and the highest rate whose p95 stays under 100 ms. Baseline in the same run: ``GET /health``
at the same rates (the HTTP stack without a command). Aim (issue 14): p95 ≤ 30 ms at 100 commands/s. Writes
``var/bench/commands.json``.

``--split`` starts loans as two processes on one store (``LOANS_PROCESS``): a ``web`` one that takes
the commands and a ``worker`` one (its own port) that runs the outbox relay, the consumers and the
periodic tasks, woken by the web process's commits (``NOTIFY`` on PostgreSQL, ``PRAGMA
data_version`` on SQLite). The CPU column then shows the web process's and the worker's time per
command. Writes ``var/bench/commands-split.json``.

Each rate also accounts for the whole machine's CPU per command: the loans processes, the database
server (the postmaster and its backends, with those that ended), the Kafka broker, this client, and
all cores together (``/proc/stat``), so a rate the machine cannot carry shows which part takes the
cores.

``--threads`` also reads each loans process's ``/metrics`` (``tsunagu_thread_cpu_seconds``) before and
after each rate's commands and prints the CPU milliseconds per command of each kind of thread: the
event loop, the route's worker threads, the relay, the consumers, kafka-python's own threads.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.referral import Desk, summary
from bench.threads import per_call, scrape
from deploy.run import ServiceProc
from shared.metrics import CLOCK_TICKS, fields_cpu_seconds, stat_cpu_seconds, stat_fields

if TYPE_CHECKING:
    from deploy.postgres.local import PgHandle

REPO = Path(__file__).resolve().parents[1]
HOUSEHOLDS = 50


def say(msg: str) -> None:
    print(f"[bench commands] {msg}", file=sys.stderr, flush=True)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux ``/proc``)."""
    return stat_cpu_seconds(Path(f"/proc/{pid}/stat"))


def machine_cpu_seconds() -> float:
    """Busy CPU seconds of every core together since boot (``/proc/stat``: all but idle and iowait)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds of ``root``, of the children it has reaped and of those alive (a PostgreSQL
    server: the postmaster, its backends that ended, and the connections open now)."""
    total = stat_cpu_seconds(Path(f"/proc/{root}/stat"), reaped=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            child = stat_fields(stat)
        except OSError:  # ended meanwhile: its time is in the root's cutime now, or lost (a few ms)
            continue
        if int(child[1]) == root:
            total += fields_cpu_seconds(child)
    return total


def _postmaster_pid(pg: PgHandle | None) -> int | None:
    """The local PostgreSQL server's postmaster (the first line of ``postmaster.pid``); none for an external one."""
    if pg is None or pg.data_dir is None:
        return None
    try:
        return int((pg.data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


CpuReaders = dict[str, Callable[[], float]]


def machine_readers(pg_pid: int | None, kafka_pid: int | None) -> CpuReaders:
    """What else ``open_loop`` accounts for per command besides the service: the database server,
    the broker, this client, and every core together."""
    readers: CpuReaders = {}
    if pg_pid is not None:
        readers["database server"] = lambda: tree_cpu_seconds(pg_pid)
    if kafka_pid is not None:
        readers["Kafka broker"] = lambda: cpu_seconds(kafka_pid)
    readers["bench client"] = lambda: cpu_seconds(os.getpid())
    readers["machine (all cores)"] = machine_cpu_seconds
    return readers


def open_loop(
    rate: float,
    seconds: float,
    call: Callable[[int], None],
    threads: int = 64,
    pid: int | None = None,
    worker_pid: int | None = None,
    others: CpuReaders | None = None,
) -> dict[str, Any]:
    """Run ``call(i)`` at ``rate`` per second for ``seconds``; latencies from each scheduled time;
    with ``pid``, that process's CPU milliseconds per completed call (``worker_pid``: a split
    service's worker process's, as ``worker_cpu_ms_per_call``); ``others``: CPU readers by name,
    as ``others_cpu_ms_per_call``."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    total = max(1, int(rate * seconds))

    def one(i: int, scheduled: float) -> None:
        try:
            call(i)
        except Exception as exc:  # counted, and the first few kept for the report
            with lock:
                errors.append(str(exc)[:200])
            return
        took = (time.perf_counter() - scheduled) * 1000
        with lock:
            latencies.append(took)

    cpu_before = cpu_seconds(pid) if pid else 0.0
    worker_before = cpu_seconds(worker_pid) if worker_pid else 0.0
    others_before = {name: read() for name, read in (others or {}).items()}
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for i in range(total):
            scheduled = began + i / rate
            pause = scheduled - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            pool.submit(one, i, scheduled)
    elapsed = time.perf_counter() - began
    done = max(1, len(latencies))
    cpu: dict[str, Any] = {"cpu_ms_per_call": round((cpu_seconds(pid) - cpu_before) * 1000 / done, 2)} if pid else {}
    if worker_pid:
        cpu["worker_cpu_ms_per_call"] = round((cpu_seconds(worker_pid) - worker_before) * 1000 / done, 2)
    if others:
        cpu["others_cpu_ms_per_call"] = {
            name: round((read() - others_before[name]) * 1000 / done, 2) for name, read in others.items()
        }
    return {
        "asked_per_s": rate,
        "completed": len(latencies),
        "reached_per_s": round(len(latencies) / elapsed, 1),
        **summary(latencies),
        **cpu,
        "errors": len(errors),
        "first_errors": errors[:3],
    }


def measure(
    url: str,
    rates: Sequence[float],
    seconds: float,
    pid: int | None = None,
    worker_pid: int | None = None,
    threads_of: dict[str, str] | None = None,
    others: CpuReaders | None = None,
) -> dict[str, Any]:
    """``threads_of``: process label → base URL whose ``/metrics`` is read around each rate's commands,
    for the CPU milliseconds per command of each of its threads (:mod:`bench.threads`); ``others``:
    the rest of the machine's CPU readers (:func:`machine_readers`)."""
    desk = Desk(url, "loans")
    households = []
    for i in range(HOUSEHOLDS):
        person = desk.post("/people", {"name_kanji": f"速度 {i}"})["person_id"]
        hh = desk.post("/households", {"members": [{"person_id": person, "relationship": "本人"}]})
        households.append((person, hh["household_id"]))
    local = threading.local()

    def client() -> Desk:
        if not hasattr(local, "desk"):
            local.desk = Desk(url, "loans")
        desk: Desk = local.desk
        return desk

    def open_consultation(i: int) -> None:
        person, hh = households[i % HOUSEHOLDS]
        client().post(
            "/consultations",
            {
                "household_id": hh,
                "person_id": person,
                "channel": "phone",
                "counterpart": "self",
                "initial": i % 3 == 0,
                "fund_type": "other",
                "kind": "contact_coordination",
                "issues": ["housing"],
                "summary": "速度の測定",
            },
        )

    def health(_i: int) -> None:
        r = client().http.get("/health")
        if r.status_code != 200:
            raise RuntimeError(f"GET /health: {r.status_code}")

    open_loop(20, 2, open_consultation)  # warm up: connections, caches, the first writes
    out: dict[str, Any] = {"commands": [], "health": []}
    for rate in rates:
        say(f"{rate}/s: GET /health, then open consultation, {seconds:.0f} s each")
        out["health"].append(open_loop(rate, seconds, health, pid=pid, worker_pid=worker_pid))
        before = {label: scrape(base) for label, base in (threads_of or {}).items()}
        out["commands"].append(
            open_loop(rate, seconds, open_consultation, pid=pid, worker_pid=worker_pid, others=others)
        )
        if threads_of:
            done = out["commands"][-1]["completed"]
            out["commands"][-1]["threads_cpu_ms_per_call"] = {
                label: per_call(before[label], scrape(base), done) for label, base in threads_of.items()
            }
        say(f"  {out['commands'][-1]}")
    under = [r["asked_per_s"] for r in out["commands"] if r["p95_ms"] < 100 and r["errors"] == 0]
    out["highest_rate_p95_under_100ms"] = max(under) if under else None
    at_100 = [r for r in out["commands"] if r["asked_per_s"] == 100]
    out["aim_p95_le_30ms_at_100_per_s"] = bool(at_100) and at_100[0]["p95_ms"] <= 30
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench commands", description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="25,50,100,150,200", help="commands per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--split",
        action="store_true",
        help="loans as two processes on one store: web (HTTP) and worker (relay, consumers, periodic tasks)",
    )
    parser.add_argument(
        "--threads",
        action="store_true",
        help="also CPU ms per command by thread of each loans process (tsunagu_thread_cpu_seconds on /metrics)",
    )
    parser.add_argument("--out", type=Path, help="default var/bench/commands.json (commands-split.json with --split)")
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = REPO / "var" / "bench" / ("commands-split.json" if args.split else "commands.json")
    return args


def loans_processes(loans: ServiceProc, split: bool, worker_port: int) -> list[ServiceProc]:
    """The loans processes to start: one doing everything, or a web one on loans' port and a worker."""
    if not split:
        return [loans]
    return loans.split(worker_port)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    dbs = ("sqlite", "postgresql") if args.db == "both" else (args.db,)

    from deploy.kafka.cluster import create_topics, start_single
    from deploy.kafka.tooling import free_ports
    from deploy.run import Layout, available_services, start_services, stop_services, wait_healthy

    var = REPO / "var" / "bench-commands"
    say("starting Kafka")
    kafka = start_single(var / "kafka", port=None, fresh=True)
    pg = None
    result: dict[str, Any] = {"rates": rates, "seconds": args.seconds, "split": args.split}
    try:
        create_topics(kafka.bootstrap_servers)
        [loans] = [s for s in available_services(port_base=8501) if s.name == "loans"]
        for db in dbs:
            env = {"TSUNAGU_AUTH": "hs256"}
            if db == "postgresql":
                from deploy.postgres.local import start as start_postgres

                say("starting PostgreSQL")
                pg = start_postgres(var / "postgres")
                pg.create_database("bench_commands")
                env["LOANS_DATABASE_URL"] = str(pg.url("bench_commands"))
            layout = Layout(var / db)
            shutil.rmtree(layout.run_dir, ignore_errors=True)
            procs = loans_processes(loans, args.split, free_ports(1)[0])
            say(f"starting loans on {db}: " + ", ".join(f"{p.process} on {p.port}" for p in procs))
            started = start_services(layout, kafka.bootstrap_servers, procs, env)
            try:
                wait_healthy(layout, procs, timeout=120)
                worker = started[1].pid if args.split else None
                threads_of = {p.process: p.url for p in procs} if args.threads else None
                postmaster = _postmaster_pid(pg) if db == "postgresql" else None
                others = machine_readers(postmaster, kafka.node.running_pid() if kafka.node else None)
                result[db] = measure(
                    loans.url,
                    rates,
                    args.seconds,
                    pid=started[0].pid,
                    worker_pid=worker,
                    threads_of=threads_of,
                    others=others,
                )
            finally:
                stop_services(layout)
    finally:
        if pg is not None:
            pg.stop(remove_data=True)
        kafka.stop(remove_data=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(format_table(result))
    print(f"\nwritten: {args.out}")
    return 0


def format_table(result: dict[str, Any]) -> str:
    split = " (web + worker)" if result.get("split") else ""
    lines = [f"db | asked/s | reached/s | p50 ms | p95 ms | max ms | errors | CPU ms/command{split} | /health p95 ms"]
    for db in ("sqlite", "postgresql"):
        if db not in result:
            continue
        for cmd, health in zip(result[db]["commands"], result[db]["health"], strict=True):
            cpu = str(cmd.get("cpu_ms_per_call", ""))
            if "worker_cpu_ms_per_call" in cmd:
                cpu += f" + {cmd['worker_cpu_ms_per_call']}"
            lines.append(
                f"{db} | {cmd['asked_per_s']:.0f} | {cmd['reached_per_s']} | {cmd['p50_ms']} | {cmd['p95_ms']} | "
                f"{cmd['max_ms']} | {cmd['errors']} | {cpu} | {health['p95_ms']}"
            )
        lines.append(f"{db}: highest rate with p95 < 100 ms: {result[db]['highest_rate_p95_under_100ms']}/s")
    return "\n".join(lines + machine_table(result) + threads_table(result))


def machine_table(result: dict[str, Any]) -> list[str]:
    """Per database and rate, the CPU milliseconds per command of the rest of the machine."""
    lines: list[str] = []
    for db in ("sqlite", "postgresql"):
        for cmd in result.get(db, {}).get("commands", []):
            if shown := cmd.get("others_cpu_ms_per_call"):
                parts = ", ".join(f"{name} {ms}" for name, ms in shown.items())
                lines.append(f"{db} {cmd['asked_per_s']:.0f}/s: CPU ms per command elsewhere: {parts}")
    return ["", *lines] if lines else []


def threads_table(result: dict[str, Any]) -> list[str]:
    """With ``--threads``: per database, rate and process, CPU ms per command by thread, largest first."""
    lines: list[str] = []
    for db in ("sqlite", "postgresql"):
        for cmd in result.get(db, {}).get("commands", []):
            for label, shown in cmd.get("threads_cpu_ms_per_call", {}).items():
                parts = ", ".join(f"{name} {ms}" for name, ms in shown.items())
                lines.append(f"{db} {cmd['asked_per_s']:.0f}/s {label}: CPU ms per command by thread: {parts}")
    return ["", *lines] if lines else []


if __name__ == "__main__":
    sys.exit(main())
