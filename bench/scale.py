"""Replicas under load: two of loans and two of intake on one PostgreSQL and a 3-broker Kafka cluster,
the relay leader of each service SIGKILLed mid-load.

``python -m bench scale [--cases 300] [--workers 6] [--deny-every 2]``

Each service runs as two real processes (``python -m services.<svc>``, each its own HTTP port, the
same database per service, the topics RF 3 / ``min.insync.replicas`` 2 as :func:`create_topics`
makes them on the cluster). A bounded load of cases runs against loans (people, households,
consultations, contacts, applications sent for review and denied: every denial fires the automatic
referral to intake's 家計相談) and intake (people registered), each client thread starting on one
replica and sending a command again to the other replica when its replica is gone. Halfway through
the cases, the replica of each service that holds its relay lease is SIGKILLed.

What it measures (:class:`Outcome`): commands/s, commands answered 2xx that are missing from the
store or from the topic (lost), denials with more or fewer than one referral in intake's store
(doubled, missing), events the relays published twice (consumers dedupe them), how long after the
kill the survivor held the relay lease (takeover) and held all of its consumer groups' partitions.
``tests/integration/scale/test_replicas_under_load.py`` runs the same scenario small and asserts it.
Writes ``var/bench/scale.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, text

REPO = Path(__file__).resolve().parents[1]
SERVICES = ("loans", "intake")
DENIAL_RULE = "loans.denied_to_budget_consultation"
GROUPS = ("loans.referral-rules", "intake.referral-projection")
"""The consumer groups whose partitions the replicas share: the referral rule on loans' own events,
and intake's projection of every department's referrals."""


_BEGAN = time.monotonic()


def say(msg: str) -> None:
    print(f"[bench scale +{time.monotonic() - _BEGAN:5.1f}s] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- replicas


@dataclass
class Replica:
    service: str
    name: str
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL, as when the machine or the container dies: no lease released, no group left."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


class Replicas:
    """``per_service`` processes of each service on their own ports, one database per service."""

    def __init__(
        self,
        var: Path,
        bootstrap: str,
        db_urls: dict[str, str],
        per_service: int = 2,
        env: dict[str, str] | None = None,
    ) -> None:
        from deploy.kafka.tooling import free_ports

        var.mkdir(parents=True, exist_ok=True)
        self.var, self.bootstrap, self.db_urls, self.env = var, bootstrap, db_urls, env or {}
        ports = iter(free_ports(len(db_urls) * per_service))
        self.replicas = [
            Replica(svc, f"{svc}-{letter}", next(ports), var / f"{svc}-{letter}.log")
            for svc in db_urls
            for letter in "abcdefgh"[:per_service]
        ]

    def of(self, service: str) -> list[Replica]:
        return [r for r in self.replicas if r.service == service]

    def named(self, name: str) -> Replica:
        return next(r for r in self.replicas if r.name == name)

    def start(self, timeout: float = 90.0) -> None:
        for r in self.replicas:
            sep = "&" if "?" in self.db_urls[r.service] else "?"
            prefix = r.service.upper()
            env = {
                **os.environ,
                "PYTHONPATH": str(REPO),
                "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
                "TSUNAGU_AUTH": "hs256",
                "TSUNAGU_VAR_DIR": str(self.var / r.name),
                **{f"{prefix}_{k}": v for k, v in self.env.items()},
                f"{prefix}_PORT": str(r.port),
                # application_name tells the replicas' sessions apart in pg_stat_activity (who holds the lease)
                f"{prefix}_DATABASE_URL": f"{self.db_urls[r.service]}{sep}application_name={r.name}",
            }
            out = r.log.open("ab")
            r.proc = subprocess.Popen(
                [sys.executable, "-m", f"services.{r.service}"],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
            out.close()
        deadline = time.monotonic() + timeout
        for r in self.replicas:
            while True:
                if not r.alive():
                    raise RuntimeError(f"{r.name} exited; see {r.log}:\n{r.log.read_text()[-2000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(r.url + "/health", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{r.name} did not answer on {r.url}; see {r.log}")
                time.sleep(0.2)

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM every live replica (each leaves its groups, releases its lease), SIGKILL what lingers."""
        live = [r for r in self.replicas if r.alive()]
        for r in live:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(r.proc.pid, signal.SIGTERM)  # type: ignore[union-attr]
        deadline = time.monotonic() + timeout
        for r in live:
            try:
                r.proc.wait(timeout=max(0.1, deadline - time.monotonic()))  # type: ignore[union-attr]
            except subprocess.TimeoutExpired:
                r.kill()


def lease_holder(engine: Engine, service: str) -> str | None:
    """The replica (its ``application_name``) whose session holds ``relay:<service>``'s advisory lock."""
    from shared.lease import lock_key

    key = lock_key(f"relay:{service}") & 0xFFFFFFFFFFFFFFFF
    query = text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :hi AND l.objid = :lo AND l.objsubid = 1"
    )
    with engine.connect() as conn:
        names = [str(n) for n in conn.execute(query, {"hi": key >> 32, "lo": key & 0xFFFFFFFF}).scalars()]
    return names[0] if names else None


def holds(engine: Engine, service: str, replica: str) -> bool:
    return lease_holder(engine, service) == replica


def group_members(bootstrap: str, group: str) -> list[set[tuple[str, int]]] | None:
    """The partitions assigned to each member of a consumer group, as its coordinator says; ``None``
    while the group rebalances (only a ``Stable`` group's assignment is the one its members act on)."""
    from deploy.kafka.cluster import admin_client

    with admin_client(bootstrap) as admin:
        described = admin.describe_groups([group])[group]
    if described.get("group_state") != "Stable":
        return None
    members = []
    for member in described.get("members") or ():
        assignment = member.get("member_assignment") or {}
        owned: set[tuple[str, int]] = set()
        for topic in assignment.get("assigned_partitions") or ():
            owned |= {(str(topic["topic"]), int(p)) for p in topic["partitions"]}
        members.append(owned)
    return members


def stall_report(bootstrap: str, group: str, engine: Engine, replicas: Sequence[Replica]) -> str:
    """What a group that did not settle looks like: its coordinator's description, the service
    database's sessions (who waits on what), and the end of each replica's log."""
    from deploy.kafka.cluster import admin_client

    lines = []
    try:
        with admin_client(bootstrap) as admin:
            described = admin.describe_groups([group])[group]
        lines.append(f"group {group}: state {described.get('group_state')}")
        for m in described.get("members") or ():
            parts = (m.get("member_assignment") or {}).get("assigned_partitions") or ()
            owned = sorted(f"{t['topic']}/{p}" for t in parts for p in t["partitions"])
            lines.append(f"  member {m.get('client_id')} {m.get('client_host')}: {owned}")
    except Exception as exc:  # a report of a failure must not hide it
        lines.append(f"group {group}: not described ({type(exc).__name__}: {exc})")
    try:
        query = text(
            "SELECT application_name, state, wait_event_type, wait_event, "
            "round(extract(epoch FROM now() - xact_start)::numeric, 1) AS xact_s, left(query, 120) AS query "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        with engine.connect() as conn:
            lines += [f"  session {dict(r._mapping)}" for r in conn.execute(query)]
    except Exception as exc:
        lines.append(f"sessions not read ({type(exc).__name__}: {exc})")
    for r in replicas:
        tail = r.log.read_text(errors="replace").splitlines()[-25:] if r.log.exists() else []
        lines.append(f"{r.name} ({'alive' if r.alive() else 'dead'}), log tail:")
        lines += [f"  {line[:300]}" for line in tail]
        if r.alive() and r.proc is not None:
            size = r.log.stat().st_size
            os.kill(r.proc.pid, signal.SIGUSR1)  # the service dumps its threads' stacks to its log
            time.sleep(1.0)
            with r.log.open("rb") as f:
                f.seek(size)
                lines.append(f"{r.name} threads:")
                lines += [f"  {line}" for line in f.read().decode(errors="replace").splitlines()]
    return "\n".join(lines)


def wait_for(what: str, check: Callable[[], Any], timeout: float, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            if got := check():
                return got
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not after {timeout:.0f} s")
        time.sleep(every)


def shared_by(
    bootstrap: str, group: str, n: int, partitions: set[tuple[str, int]] | None = None
) -> list[set[tuple[str, int]]] | None:
    """The group's assignment once it is stable with exactly ``n`` members, each owning some
    partitions, none owned twice (and, given ``partitions``, all of them owned)."""
    members = group_members(bootstrap, group)
    if members is None:
        return None
    owned = [p for m in members for p in m]
    if len(members) != n or not all(members) or len(owned) != len(set(owned)):
        return None
    return members if partitions is None or set(owned) == partitions else None


# --------------------------------------------------------------------------- load


class Client:
    """One staff member over HTTP against a service's replicas: a command whose replica is gone
    (connection refused or cut, 5xx) is sent again to the next one. Each attempt carries its own
    ``X-Correlation-ID``, so a 2xx answer names the events it stored."""

    def __init__(self, urls: Sequence[str], department: str, role: str = "worker", first: int = 0) -> None:
        from shared.auth import mint_token
        from shared.settings import DEV_JWT_SECRET

        token = mint_token(DEV_JWT_SECRET, f"{department}-{role}-scale", department, role)
        self.urls = list(urls)
        self.at = first % len(self.urls)
        self.http = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30)
        self.retries = 0

    def post(self, path: str, body: dict[str, Any], acked: list[str]) -> dict[str, Any] | None:
        """The answer's body when a replica answered 2xx (its correlation id appended to ``acked``),
        ``None`` when the command was refused (e.g. 409 after a retry of one that had been applied)."""
        deadline = time.monotonic() + 60
        while True:
            cid = uuid.uuid4().hex
            try:
                r = self.http.post(self.urls[self.at] + path, json=body, headers={"X-Correlation-ID": cid})
                if r.status_code < 500:
                    if r.status_code < 300:
                        acked.append(cid)
                        return dict(r.json())
                    return None
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"POST {path}: no replica answered for 60 s")
            self.retries += 1
            self.at = (self.at + 1) % len(self.urls)
            time.sleep(0.05)


@dataclass
class Load:
    """``cases`` cases over ``workers`` threads; every ``deny_every``-th case ends in a denial."""

    loans: list[str]
    intake: list[str]
    cases: int
    workers: int
    deny_every: int = 2
    acked: dict[str, list[str]] = field(default_factory=lambda: {"loans": [], "intake": []})
    denials_acked: list[str] = field(default_factory=list)
    done: int = 0
    refused: int = 0
    retries: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self._next = itertools.count()
        self._lock = threading.Lock()

    def run(self) -> None:
        began = time.perf_counter()
        threads = [threading.Thread(target=self._work, args=(i,), daemon=True) for i in range(self.workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.seconds = time.perf_counter() - began

    @property
    def commands(self) -> int:
        return sum(len(v) for v in self.acked.values())

    def _work(self, i: int) -> None:
        loans = Client(self.loans, "loans", first=i)
        manager = Client(self.loans, "loans", "manager", first=i + 1)
        intake = Client(self.intake, "intake", first=i)
        try:
            while (n := next(self._next)) < self.cases:
                if not self._case(n, loans, manager, intake):
                    with self._lock:
                        self.refused += 1
                with self._lock:
                    self.done += 1
        except Exception as exc:  # reported, and the scenario fails on it
            self.errors.append(repr(exc))
        finally:
            with self._lock:
                self.retries += loans.retries + manager.retries + intake.retries

    def _case(self, n: int, loans: Client, manager: Client, intake: Client) -> bool:
        """One case; ``False`` when a command was refused (a retried command that had been applied)."""
        acked, acked_intake = self.acked["loans"], self.acked["intake"]
        if intake.post("/people", {"name_kanji": f"負荷 {n}"}, acked_intake) is None:
            return False
        person = loans.post("/people", {"name_kanji": f"負荷 {n}"}, acked)
        if person is None:
            return False
        members = [{"person_id": person["person_id"], "relationship": "本人"}]
        household = loans.post("/households", {"members": members}, acked)
        if household is None:
            return False
        hid = household["household_id"]
        body = {
            "household_id": hid,
            "person_id": person["person_id"],
            "channel": "interview",
            "counterpart": "self",
            "initial": True,
            "fund_type": "emergency_small",
            "kind": "new_until_decision",
            "issues": ["debt_arrears"],
            "summary": "負荷",
        }
        consultation = loans.post("/consultations", body, acked)
        if consultation is None:
            return False
        cid = consultation["consultation_id"]
        contact = {"channel": "phone", "counterpart": "self", "note": "負荷"}
        if loans.post(f"/consultations/{cid}/contacts", contact, acked) is None:
            return False
        if n % self.deny_every:
            return True
        application = {
            "household_id": hid,
            "person_id": person["person_id"],
            "consultation_id": cid,
            "fund_type": "emergency_small",
            "requested_amount": 100_000,
            "purpose": "負荷",
        }
        made = loans.post("/applications", application, acked)
        if made is None:
            return False
        aid = made["application_id"]
        if loans.post(f"/applications/{aid}/review", {}, acked) is None:
            return False
        if manager.post(f"/applications/{aid}/deny", {"reason": "償還の見込みが立たない"}, acked) is None:
            return False
        with self._lock:
            self.denials_acked.append(hid)
        return True


# --------------------------------------------------------------------------- verification


def store_events(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT event_id, event_type, case_id, correlation_id, stream_id FROM events"))
        return [dict(r._mapping) for r in rows]


def topic_event_ids(bootstrap: str, topic: str, expect: set[str], timeout: float) -> Counter[str]:
    """Every record's event id on ``topic`` from the beginning, read until ``expect`` are all there."""
    from kafka import KafkaConsumer, TopicPartition

    from shared.envelope import from_kafka

    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False)
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        seen: Counter[str] = Counter()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            polled = consumer.poll(timeout_ms=500)
            for batch in polled.values():
                seen.update(from_kafka(r.key, r.headers, r.value).id for r in batch)
            if not polled and expect <= set(seen):
                break
        return seen
    finally:
        consumer.close()


def intake_referrals(engine: Engine) -> Counter[str]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT case_id FROM referrals WHERE rule_id = :r"), {"r": DENIAL_RULE})
        return Counter(str(c) for c in rows.scalars())


@dataclass
class Outcome:
    cases: int
    commands: int
    commands_per_s: float
    refused: int
    client_retries: int
    denials: int
    lost_from_store: int
    lost_from_topic: int
    published_twice: int
    referrals_doubled: int
    referrals_missing: int
    takeover_s: dict[str, float]
    partitions_taken_over_s: dict[str, float]
    killed: list[str]
    shared_before: dict[str, list[list[str]]]
    held_after: dict[str, list[list[str]]]
    load_errors: list[str]

    def summary(self) -> str:
        return (
            f"{self.commands} commands in {self.cases} cases at {self.commands_per_s} commands/s, "
            f"{self.denials} denials, {self.client_retries} commands sent again to the survivor; "
            f"lost {self.lost_from_store} (store) / {self.lost_from_topic} (topic), "
            f"doubled {self.referrals_doubled}, missing {self.referrals_missing}, "
            f"published twice {self.published_twice}; relay takeover {self.takeover_s} s, "
            f"partitions taken over {self.partitions_taken_over_s} s"
        )


def _names(members: list[set[tuple[str, int]]]) -> list[list[str]]:
    return [sorted(f"{t}/{p}" for t, p in m) for m in members]


def run_scenario(
    var: Path,
    bootstrap: str,
    db_urls: dict[str, str],
    *,
    cases: int,
    workers: int,
    deny_every: int = 2,
    settle_timeout: float = 60.0,
    session_timeout: float | None = None,
) -> Outcome:
    """Start two replicas of loans and intake, load them, kill each relay leader halfway, verify.

    ``session_timeout``: the replicas' consumer session timeout (their default when ``None``),
    which is how long the groups wait for a killed member before its partitions move."""
    engines = {svc: create_engine(url, pool_size=2) for svc, url in db_urls.items()}
    env = {} if session_timeout is None else {"CONSUMER_SESSION_TIMEOUT_SECONDS": str(session_timeout)}
    replicas = Replicas(var, bootstrap, db_urls, env=env)
    try:
        say(f"starting {len(replicas.replicas)} replicas")
        replicas.start()
        say("replicas answer /health")
        shared_before = {
            g: wait_for(f"{g} shared by 2", partial(shared_by, bootstrap, g, 2), settle_timeout) for g in GROUPS
        }
        leaders = {
            svc: wait_for(f"{svc} lease held", partial(lease_holder, engines[svc], svc), settle_timeout)
            for svc in SERVICES
        }
        say(f"groups shared: {shared_before}; relay leaders: {leaders}")
        load = Load(
            [r.url for r in replicas.of("loans")],
            [r.url for r in replicas.of("intake")],
            cases=cases,
            workers=workers,
            deny_every=deny_every,
        )
        runner = threading.Thread(target=load.run, daemon=True)
        runner.start()
        wait_for("half the cases done", lambda: load.done >= cases // 2 or not runner.is_alive(), 600, every=0.02)
        killed_at = time.monotonic()
        for svc in SERVICES:
            replicas.named(leaders[svc]).kill()
        say(f"killed {sorted(leaders.values())} after {load.done} cases")
        survivors = {svc: next(r.name for r in replicas.of(svc) if r.alive()) for svc in SERVICES}
        takeover: dict[str, float] = {}
        for svc in SERVICES:
            wait_for(f"{svc} lease on {survivors[svc]}", partial(holds, engines[svc], svc, survivors[svc]), 60, 0.05)
            takeover[svc] = round(time.monotonic() - killed_at, 2)
            say(f"{survivors[svc]} holds the relay lease")
        held_after: dict[str, list[set[tuple[str, int]]]] = {}
        taken_over: dict[str, float] = {}
        for g in GROUPS:
            every: set[tuple[str, int]] = set().union(*shared_before[g])
            try:
                held_after[g] = wait_for(f"{g} held by 1", partial(shared_by, bootstrap, g, 1, every), 90)
            except TimeoutError as exc:
                svc = g.split(".", 1)[0]
                raise TimeoutError(f"{exc}\n{stall_report(bootstrap, g, engines[svc], replicas.of(svc))}") from None
            taken_over[g] = round(time.monotonic() - killed_at, 2)
            say(f"{g}: every partition on the survivor")
        runner.join(timeout=600)
        say(f"load done: {load.commands} commands answered 2xx in {load.seconds:.1f} s")

        loans_events = store_events(engines["loans"])
        intake_events = store_events(engines["intake"])
        stored = {e["correlation_id"] for e in loans_events} | {e["correlation_id"] for e in intake_events}
        acked = load.acked["loans"] + load.acked["intake"]
        lost_store = sum(1 for cid in acked if cid not in stored)
        lost_topic = published_twice = 0
        for svc, events in (("loans", loans_events), ("intake", intake_events)):
            ids = {e["event_id"] for e in events}
            seen = topic_event_ids(bootstrap, f"{svc}.events", ids, settle_timeout)
            lost_topic += len(ids - set(seen))
            published_twice += sum(n - 1 for n in seen.values())
        denied = Counter(e["case_id"] for e in loans_events if e["event_type"] == "loans.LoanApplicationDenied")
        missing_acked = [h for h in load.denials_acked if h not in denied]
        lost_store += len(missing_acked)

        def arrived() -> Counter[str] | None:
            got = intake_referrals(engines["intake"])
            return got if all(got[c] >= n for c, n in denied.items()) else None

        with contextlib.suppress(TimeoutError):
            wait_for("every referral in intake", arrived, settle_timeout, 0.2)
        say("verified the stores and topics")
        got = intake_referrals(engines["intake"])
        # loans' own store: one referral stream per denial as well (the rule fired once per cause)
        made = Counter(
            e["case_id"] for e in loans_events if e["event_type"].endswith("ReferralMade") and e["case_id"] in denied
        )
        doubled = sum(max(0, got[c] - n) + max(0, made[c] - n) for c, n in denied.items())
        missing = sum(max(0, n - got[c]) for c, n in denied.items())
        return Outcome(
            cases=load.done,
            commands=len(acked),
            commands_per_s=round(len(acked) / load.seconds, 1) if load.seconds else 0.0,
            refused=load.refused,
            client_retries=load.retries,
            denials=sum(denied.values()),
            lost_from_store=lost_store,
            lost_from_topic=lost_topic,
            published_twice=published_twice,
            referrals_doubled=doubled,
            referrals_missing=missing,
            takeover_s=takeover,
            partitions_taken_over_s=taken_over,
            killed=sorted(leaders.values()),
            shared_before={g: _names(m) for g, m in shared_before.items()},
            held_after={g: _names(m) for g, m in held_after.items()},
            load_errors=load.errors,
        )
    finally:
        replicas.stop()
        for engine in engines.values():
            engine.dispose()


@contextlib.contextmanager
def platform(var: Path) -> Iterator[tuple[str, Any]]:
    """A fresh 3-broker cluster with the project's topics and a PostgreSQL server, under ``var``."""
    from deploy.kafka.cluster import create_topics, start_cluster
    from deploy.postgres.local import start

    cluster = start_cluster(3, var / "kafka", fresh=True)
    try:
        create_topics(cluster.bootstrap_servers)
        pg = start(var / "postgres")
        try:
            yield cluster.bootstrap_servers, pg
        finally:
            pg.stop(remove_data=True)
    finally:
        cluster.stop(remove_data=True, kill=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scale", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--deny-every", type=int, default=2, help="every n-th case ends in a denial")
    parser.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "scale.json")
    args = parser.parse_args(argv)
    var = REPO / "var" / "bench-scale"
    say("starting a 3-broker Kafka cluster and PostgreSQL")
    with platform(var) as (bootstrap, pg):
        urls = {}
        for svc in SERVICES:
            pg.create_database(f"scale_{svc}")
            urls[svc] = str(pg.url(f"scale_{svc}"))
        outcome = run_scenario(
            var / "run", bootstrap, urls, cases=args.cases, workers=args.workers, deny_every=args.deny_every
        )
    say(outcome.summary())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(asdict(outcome), indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(asdict(outcome), indent=2, ensure_ascii=False))
    return 0 if not outcome.load_errors else 1


if __name__ == "__main__":
    sys.exit(main())
