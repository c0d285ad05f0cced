"""``make run``: the whole platform on one machine, with the demo stories loaded.

Starts a single-node Kafka (KRaft, from the project's Maven Central jars) under ``var/kafka``,
creates the topics, starts the five services as processes on loopback (SQLite files under
``var/run``), loads the seed's demo stories through the services' HTTP APIs once, prints the
URLs and a development token per department, and stays up until Ctrl-C (or ``make stop``).

Data persists between runs; ``make run FRESH=1`` (``--fresh``) starts from nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from deploy.kafka.cluster import attach_single, create_topics, start_single

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var"
RUN_DIR = VAR / "run"
PID_FILE = RUN_DIR / "services.pid"
DEMO_MARK = RUN_DIR / "demo-loaded"


@dataclass(frozen=True)
class ServiceProc:
    name: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


SERVICES = (
    ServiceProc("intake", 8101),
    ServiceProc("loans", 8102),
    ServiceProc("districts", 8103),
    ServiceProc("conferences", 8104),
    ServiceProc("reporting", 8105),
)


def available_services() -> list[ServiceProc]:
    """The services whose package exists (districts and conferences arrive with their issues)."""
    return [s for s in SERVICES if (REPO / "services" / s.name / "__main__.py").exists()]


def start_services(bootstrap: str, services: list[ServiceProc]) -> list[subprocess.Popen[bytes]]:
    procs = []
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    for svc in services:
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "TSUNAGU_VAR_DIR": str(RUN_DIR),
            f"{svc.name.upper()}_PORT": str(svc.port),
            "PYTHONPATH": str(REPO),
        }
        log = (RUN_DIR / f"{svc.name}.log").open("ab")
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", f"services.{svc.name}"],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        )
    PID_FILE.write_text("\n".join(str(p.pid) for p in procs))
    return procs


def wait_healthy(services: list[ServiceProc], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    for svc in services:
        while True:
            try:
                if httpx.get(svc.url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{svc.name} did not answer on {svc.url}; see {RUN_DIR / (svc.name + '.log')}")
            time.sleep(0.3)


def stop_services() -> None:
    if not PID_FILE.exists():
        return
    for line in PID_FILE.read_text().split():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(int(line), signal.SIGTERM)
    PID_FILE.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.run", description=__doc__)
    parser.add_argument("--fresh", action="store_true", help="wipe var/run and var/kafka first")
    parser.add_argument("--stop", action="store_true", help="stop a platform started by another `make run`")
    parser.add_argument("--no-wait", action="store_true", help="start, load, print, and return (for tests)")
    args = parser.parse_args(argv)
    if args.stop:
        stop_services()
        # Only the platform's own broker: test and benchmark brokers under var/ belong to other runs.
        platform_kafka = attach_single(VAR / "kafka")
        if platform_kafka is not None:
            platform_kafka.stop()
        return 0
    fresh = args.fresh or os.environ.get("FRESH") == "1"
    if fresh:
        stop_services()
        shutil.rmtree(RUN_DIR, ignore_errors=True)
    kafka = start_single(VAR / "kafka", port=None, fresh=fresh or not (VAR / "kafka" / "node.json").exists())
    create_topics(kafka.bootstrap_servers)
    services = available_services()
    procs = start_services(kafka.bootstrap_servers, services)
    try:
        wait_healthy(services)
        if not DEMO_MARK.exists():
            from deploy.demo.stories import load_all

            loaded = load_all({s.name: s.url for s in services})
            DEMO_MARK.write_text("\n".join(loaded))
            stories = sorted({item.split(":")[1] if item.count(":") >= 2 else item for item in loaded})
            print(f"demo data loaded: {len(loaded)} records from {len(stories)} stories (ids in {DEMO_MARK})")
        print_banner(services, kafka.bootstrap_servers)
        if args.no_wait:
            return 0
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        print("a service stopped; see var/run/*.log", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        if not args.no_wait:
            stop_services()
            kafka.stop()


def print_banner(services: list[ServiceProc], bootstrap: str) -> None:
    from deploy.demo.stories import dev_token

    print("\nTsunagu つなぐ is running (Ctrl-C or `make stop` to stop)")
    print(f"  {'Kafka':<13}{bootstrap}")
    for svc in services:
        print(f"  {svc.name:<13}{svc.url}/docs")
    print("\nDevelopment tokens (Authorization: Bearer ...):")
    for dept in ("intake", "loans", "districts", "conferences", "reporting"):
        print(f"  {dept:<13}worker   {dev_token(dept, 'worker')}")
    print(f"  {'intake':<13}manager  {dev_token('intake', 'manager')}")


if __name__ == "__main__":
    raise SystemExit(main())
