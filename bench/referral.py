"""Automatic referral latency: from a loan denial's HTTP 2xx to the referral in intake's inbox over HTTP.

``python -m bench referral [--samples 40] [--load 50] [--split]``

Starts its own Kafka broker and the five services (development tokens, SQLite under
``var/bench-referral``), then for each sample registers a household, opens a loan consultation and an
application, takes it to review and denies it (a manager); the clock starts when the denial answers
2xx and stops when ``GET /referrals/inbox?case_id=<household>`` on intake lists the automatic
referral (polled every 10 ms). The path it measures: loans' store → loans' outbox relay → Kafka →
the referral rule (loans' consumer) → loans' store → relay → Kafka → intake's referral desk consumer →
intake's inbox read.

Run once idle and once under ``--load`` commands per second on loans (contacts recorded on other
consultations, by a background thread). Baseline in the same run: a raw kafka-python round trip on
the same broker (produce one record, a subscribed consumer receives it), which the automatic referral
crosses twice. Aim (issue 14): p95 ≤ 300 ms idle and under 50 commands/s. Writes
``var/bench/referral.json``.

``--split`` runs loans as a ``web`` process (the commands, the background load) and a ``worker``
process (its relay and its referral rule and projection consumers) on one store (``LOANS_PROCESS``),
as :mod:`bench.commands` ``--split`` does.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
POLL_SECONDS = 0.01
"""How often the inbox is read while a referral is awaited: often enough to add at most 10 ms, rarely
enough that the reads are not themselves the load (every 5 ms on two services was ~400 reads/s,
more than the background load the aim names)."""


def say(msg: str) -> None:
    print(f"[bench referral] {msg}", file=sys.stderr, flush=True)


def pct(xs: list[float], q: int) -> float:
    if len(xs) < 2:
        return round(xs[0], 1) if xs else 0.0
    return round(statistics.quantiles(xs, n=100, method="inclusive")[q - 1], 1)


def summary(xs: list[float]) -> dict[str, float]:
    return {"p50_ms": pct(xs, 50), "p95_ms": pct(xs, 95), "max_ms": round(max(xs), 1) if xs else 0.0}


class Desk:
    """One department's staff member over HTTP (development tokens)."""

    def __init__(self, url: str, department: str, role: str = "worker") -> None:
        from shared.auth import mint_token
        from shared.settings import DEV_JWT_SECRET

        token = mint_token(DEV_JWT_SECRET, f"{department}-{role}-bench", department, role)
        self.http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        r = self.http.post(path, json=body)
        if r.status_code >= 300:
            raise RuntimeError(f"POST {path}: {r.status_code} {r.text}")
        return r.json()

    def get(self, path: str, **params: Any) -> Any:
        r = self.http.get(path, params=params)
        if r.status_code >= 300:
            raise RuntimeError(f"GET {path}: {r.status_code} {r.text}")
        return r.json()


def denial_to_inbox(
    loans: Desk, manager: Desk, intake: Desk, n: int, denied: dict[str, float] | None = None
) -> list[float]:
    """Milliseconds from each denial's 2xx to its referral in intake's inbox; ``denied`` gets each
    household's wall-clock 2xx time, for :func:`rule_delays`."""
    out: list[float] = []
    for i in range(n):
        person = loans.post("/people", {"name_kanji": f"試験 {i}"})["person_id"]
        household = loans.post("/households", {"members": [{"person_id": person, "relationship": "本人"}]})[
            "household_id"
        ]
        cid = loans.post(
            "/consultations",
            {
                "household_id": household,
                "person_id": person,
                "channel": "interview",
                "counterpart": "self",
                "initial": True,
                "fund_type": "emergency_small",
                "kind": "new_until_decision",
                "issues": ["debt_arrears"],
                "summary": "ベンチマーク",
            },
        )["consultation_id"]
        aid = loans.post(
            "/applications",
            {
                "household_id": household,
                "person_id": person,
                "consultation_id": cid,
                "fund_type": "emergency_small",
                "requested_amount": 100_000,
                "purpose": "ベンチマーク",
            },
        )["application_id"]
        loans.post(f"/applications/{aid}/review", {})
        manager.post(f"/applications/{aid}/deny", {"reason": "償還の見込みが立たない"})
        began, began_wall = time.perf_counter(), time.time()
        deadline = began + 30
        while True:
            items = intake.get("/referrals/inbox", case_id=household)["items"]
            if items:
                out.append((time.perf_counter() - began) * 1000)
                if denied is not None:
                    denied[household] = began_wall
                break
            if time.perf_counter() > deadline:
                raise RuntimeError(f"no automatic referral for {household} in intake's inbox after 30 s")
            time.sleep(POLL_SECONDS)
    return out


def rule_delays(loans_db: Path, denied: dict[str, float]) -> list[float]:
    """The first part of each referral's path: milliseconds from the denial's 2xx until loans' referral
    rule recorded the referral (its event's time in loans' own store, same machine clock), read after
    the run so the loans side is timed without reading loans over HTTP while the referral travels."""
    import sqlite3

    with sqlite3.connect(loans_db) as db:
        rows = db.execute(
            "SELECT case_id, occurred_at FROM events WHERE event_type = 'referral.ReferralMade'"
        ).fetchall()
    made = {case: datetime.fromisoformat(at).timestamp() for case, at in rows}
    return [(made[h] - t) * 1000 for h, t in denied.items() if h in made]


CONTACTS_PER_CONSULTATION = 20
"""A consultation's contacts before a worker opens the next one: every command loads and folds its
stream, so a load that piles thousands of contacts on one consultation times the stream's length
(45 ms a command at 300 contacts, 128 ms at 1,800 on this machine), not a desk's day."""


class Load:
    """``rate`` commands per second on loans (consultations opened and contacts recorded on them, a
    new consultation every ``CONTACTS_PER_CONSULTATION`` contacts), from ``workers`` threads each
    keeping its share of the rate, until stopped."""

    def __init__(self, url: str, rate: float, workers: int = 6) -> None:
        self.url, self.rate, self.workers = url, rate, workers
        self.sent = 0
        self.errors = 0
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._work, daemon=True, name=f"load-{i}") for i in range(workers)]

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def join(self, timeout: float) -> None:
        for t in self._threads:
            t.join(timeout=timeout)

    def _work(self) -> None:
        desk = Desk(self.url, "loans")
        person = desk.post("/people", {"name_kanji": "負荷 太郎"})["person_id"]
        hh = desk.post("/households", {"members": [{"person_id": person, "relationship": "本人"}]})["household_id"]
        body = {
            "household_id": hh,
            "person_id": person,
            "channel": "phone",
            "counterpart": "self",
            "initial": False,
            "fund_type": "other",
            "kind": "contact_coordination",
            "issues": ["housing"],
            "summary": "負荷",
        }
        cid = desk.post("/consultations", body)["consultation_id"]
        contacts = 0
        share = self.rate / self.workers
        began, mine = time.perf_counter(), 0
        contact = {"channel": "phone", "counterpart": "self", "note": "負荷"}
        while not self.stop.is_set():
            pause = began + mine / share - time.perf_counter()
            if pause > 0:
                self.stop.wait(pause)
                continue
            try:
                if contacts == CONTACTS_PER_CONSULTATION:  # a new consultation (a command too)
                    cid, contacts = desk.post("/consultations", body)["consultation_id"], 0
                else:
                    desk.post(f"/consultations/{cid}/contacts", contact)
                    contacts += 1
                with self._lock:
                    self.sent += 1
            except RuntimeError:
                with self._lock:
                    self.errors += 1
            mine += 1

    def achieved(self, seconds: float) -> float:
        return round(self.sent / seconds, 1) if seconds else 0.0


def raw_round_trip(bootstrap: str, n: int) -> list[float]:
    """One record produced, then received by a subscribed consumer: Kafka's own hop, same broker."""
    from kafka import KafkaConsumer, KafkaProducer

    from deploy.kafka.cluster import create_topics

    topic = f"bench-rtt-{uuid.uuid4().hex[:6]}"
    create_topics(bootstrap, topics=[topic], partitions=1)
    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=0)
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=topic, auto_offset_reset="latest")
    while not consumer.assignment():
        consumer.poll(timeout_ms=100)
    out = []
    for i in range(n):
        began = time.perf_counter()
        producer.send(topic, value=str(i).encode()).get(timeout=10)
        got = False
        while not got:
            got = any(consumer.poll(timeout_ms=1000).values())
        out.append((time.perf_counter() - began) * 1000)
    producer.close()
    consumer.close()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench referral", description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--load", type=float, default=50.0, help="background commands per second (0: idle only)")
    parser.add_argument("--split", action="store_true", help="loans as a web and a worker process on one store")
    parser.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "referral.json")
    args = parser.parse_args(argv)

    import shutil

    from deploy.kafka.cluster import create_topics, start_single
    from deploy.run import Layout, available_services, start_services, stop_services, wait_healthy

    var = REPO / "var" / "bench-referral"
    shutil.rmtree(var / "run", ignore_errors=True)
    say("starting Kafka and the five services")
    kafka = start_single(var / "kafka", port=None, fresh=True)
    layout = Layout(var)
    procs: list[Any] = []
    result: dict[str, Any] = {"samples": args.samples, "split": args.split}
    try:
        create_topics(kafka.bootstrap_servers)
        services = available_services(port_base=8401)
        if args.split:
            from deploy.kafka.tooling import free_ports

            worker_port = free_ports(1)[0]
            services = [p for s in services for p in (s.split(worker_port) if s.name == "loans" else [s])]
        procs = start_services(layout, kafka.bootstrap_servers, services, {"TSUNAGU_AUTH": "hs256"})
        wait_healthy(layout, services, timeout=120)
        urls = {s.name: s.url for s in services if s.process != "worker"}
        loans, manager, intake = (
            Desk(urls["loans"], "loans"),
            Desk(urls["loans"], "loans", "manager"),
            Desk(urls["intake"], "intake"),
        )
        say("warming up (consumer groups joined, first referral through)")
        denial_to_inbox(loans, manager, intake, 2)
        result["raw_kafka_round_trip"] = summary(raw_round_trip(kafka.bootstrap_servers, args.samples))
        say(f"raw round trip: {result['raw_kafka_round_trip']}")
        denied: dict[str, float] = {}
        idle = denial_to_inbox(loans, manager, intake, args.samples, denied)
        result["idle"] = {
            **summary(idle),
            "until_the_rule_decided": summary(rule_delays(layout.run_dir / "loans.db", denied)),
        }
        say(f"idle: {result['idle']}")
        if args.load > 0:
            load = Load(urls["loans"], args.load)
            load.start()
            time.sleep(2)
            began = time.perf_counter()
            busy = denial_to_inbox(loans, manager, intake, args.samples)
            seconds = time.perf_counter() - began
            load.stop.set()
            load.join(timeout=10)
            result["under_load"] = {
                **summary(busy),
                "load_commands_per_s": load.achieved(seconds + 2),
                "load_errors": load.errors,
            }
            say(f"under load: {result['under_load']}")
        raw_p50 = result["raw_kafka_round_trip"]["p50_ms"]
        result["idle_p50_in_raw_round_trips"] = round(result["idle"]["p50_ms"] / raw_p50, 1) if raw_p50 else None
        result["aim_p95_le_300ms"] = all(result[k]["p95_ms"] <= 300 for k in ("idle", "under_load") if k in result)
    finally:
        if procs:
            stop_services(layout)
        kafka.stop(remove_data=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
