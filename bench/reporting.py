"""The reporting benchmark: full rebuild speed and memory, case-view latency, against raw Kafka consume.

``python -m bench.reporting --events 1000000 --cases 100000 [--db postgresql|sqlite] [--steps 250000]``
(or ``python -m bench reporting ...`` once bench/__main__.py dispatches to it).

1. generates a synthetic history (loans consultations with contacts, issues, responses, closures,
   denials; intake consultations; referrals and their answers) over ``--cases`` households, keyed
   by case, on two fresh topics (intake-like and loans-like), in ``--steps`` increments
2. after each step: raw ``KafkaConsumer`` consume of every record (assign + seek_to_beginning),
   then a full rebuild (:func:`services.reporting.rebuild.rebuild`) into a fresh database, in a
   child process so that its peak RSS is its own — flat memory means the two peaks are close
3. after the last step: case-view read latency p50/p95 on the rebuilt model (the model read and
   fold; and the full handler, which also appends the ``reporting.CaseViewed`` access event)

4. with ``--parallel 1,2``: after the last step, the partition-parallel rebuild
   (:func:`services.reporting.rebuild_parallel.rebuild_parallel`, N worker processes in one
   consumer group) into a fresh database for each N, its rate beside the one-process rebuild's

Goals (issue 14): rebuild ≥ 60 % of raw consume at the last step, its peak RSS within ± 10 % of the
first step's; case-view p95 ≤ 20 ms; with ``--parallel``, the best N at ≥ 60 % of the same raw rate and
the rate growing with N. Writes ``var/bench/reporting.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from sqlalchemy import select

REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 4, 1, tzinfo=UTC)
FUNDS = [
    "comprehensive_support",
    "emergency_small",
    "education_support",
    "moving_and_utilities",
    "other",
    "medical_treatment",
    "skill_acquisition",
]
KINDS = ["new_until_decision", "borrowing_household", "contact_coordination"]
ISSUES = [
    "employment",
    "housing",
    "disability",
    "illness_injury",
    "family_relations",
    "debt_arrears",
    "household_budget",
]
RESPONSES = ["loan_application", "budget_consultation", "public_assistance", "legal_aid", "other"]


def say(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# -- synthetic history -------------------------------------------------------------------------


def _record(
    source: str, etype: str, subject: str, version: int, case: str, at: datetime, data: dict[str, Any]
) -> tuple[bytes, list[tuple[str, bytes]], bytes]:
    attrs = {
        "specversion": "1.0",
        "id": f"{subject}-{version}",
        "source": source,
        "type": etype,
        "time": at.isoformat(),
        "subject": subject,
        "caseid": case,
        "actorid": f"{source}-staff",
        "actordept": source,
        "actorrole": "worker",
        "streamversion": str(version),
        "schemaversion": "1",
    }
    headers = [("ce_" + k, v.encode()) for k, v in attrs.items()]
    headers.append(("content-type", b"application/json"))
    return case.encode(), headers, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def history(start: int, n: int, cases: int, seed: int = 1) -> Any:
    """Yields (department, record) for ``n`` events of consultations number ``start``, ``start + 1``, ...

    The consultation counter ``k`` runs on across steps (:func:`produce` returns where it stopped),
    so households ``H{k % cases}`` are all used once the history is long enough."""
    rnd = random.Random(seed * 1_000_003 + start)
    produced, k = 0, start
    while produced < n:
        hh = f"H{k % cases:06d}"
        cid = f"lc-{k}"
        at = T0 + timedelta(minutes=k)
        fund, kind = rnd.choice(FUNDS), rnd.choice(KINDS)
        common = {"consultation_id": cid, "household_id": hh, "person_id": None, "code_list_version": "2014.1"}
        batch = [
            (
                "loans",
                "loans.LoanConsultationOpened",
                cid,
                hh,
                {
                    **common,
                    "fund_type": fund,
                    "kind": kind,
                    "channel": "phone",
                    "counterpart": "self",
                    "initial": rnd.random() < 0.4,
                    "issues": rnd.sample(ISSUES, 2),
                    "summary": "家賃の相談",
                    "loan_application_id": None,
                    "opened_at": at.isoformat(),
                },
            )
        ]
        for j in range(rnd.randint(1, 4)):
            batch.append(
                (
                    "loans",
                    "loans.LoanContactRecorded",
                    cid,
                    hh,
                    {
                        **common,
                        "contact_id": f"c{j}",
                        "fund_type": fund,
                        "kind": rnd.choice(KINDS),
                        "channel": "phone",
                        "counterpart": "self",
                        "note": "電話",
                        "contacted_at": (at + timedelta(hours=j)).isoformat(),
                    },
                )
            )
        batch.append(
            (
                "loans",
                "loans.ResponseRecorded",
                cid,
                hh,
                {
                    **common,
                    "response_id": "r1",
                    "response": rnd.choice(RESPONSES),
                    "note": "",
                    "recorded_at": at.isoformat(),
                },
            )
        )
        batch.append(
            (
                "loans",
                "loans.LoanConsultationClosed",
                cid,
                hh,
                {
                    "consultation_id": cid,
                    "household_id": hh,
                    "person_id": None,
                    "outcome": "solved",
                    "reached_service": rnd.random() < 0.8,
                    "responses": [],
                    "note": "",
                    "closed_at": at.isoformat(),
                },
            )
        )
        rid = f"ref-{k}"
        batch.append(
            (
                "loans",
                "referral.ReferralMade",
                rid,
                hh,
                {
                    "referral_id": rid,
                    "at": at.isoformat(),
                    "case_id": hh,
                    "source_department": "loans",
                    "target_kind": "department",
                    "target": "intake",
                    "reason_category": "household_budget",
                    "deadline": (at + timedelta(days=3)).isoformat(),
                    "made_by": "loans-staff",
                },
            )
        )
        batch.append(
            (
                "intake",
                "referral.ReferralAccepted",
                rid,
                hh,
                {"referral_id": rid, "at": (at + timedelta(hours=5)).isoformat(), "by": "intake-staff"},
            )
        )
        ic = f"ic-{k}"
        batch.append(
            (
                "intake",
                "intake.ConsultationOpened",
                ic,
                hh,
                {
                    "consultation_id": ic,
                    "case_id": hh,
                    "person_id": None,
                    "household_id": hh,
                    "subject_description": None,
                    "source": "self",
                    "source_detail": None,
                    "channel": "phone",
                    "issues": rnd.sample(ISSUES, 1),
                    "own_words": "困っている",
                    "wishes": None,
                    "urgency": "normal",
                    "urgency_reason": None,
                    "isolated": False,
                    "opened_at": at.isoformat(),
                    "opened_by": "intake-staff",
                    "code_list_version": "2014.1",
                },
            )
        )
        for version, (dept, etype, subject, case, data) in enumerate(batch, start=1):
            if produced >= n:
                break
            yield dept, _record(dept, etype, subject, version, case, at, data)
            produced += 1
        k += 1
    yield None, k


def produce(bootstrap: str, topics: dict[str, str], start: int, n: int, cases: int) -> int:
    """Send ``n`` events from consultation ``start`` on; returns the next consultation number."""
    producer = KafkaProducer(
        bootstrap_servers=bootstrap.split(","), linger_ms=20, batch_size=512 * 1024, compression_type=None
    )
    next_k = start
    for dept, item in history(start, n, cases):
        if dept is None:
            next_k = item
            continue
        key, headers, value = item
        producer.send(topics[dept], key=key, value=value, headers=headers)
    producer.flush()
    producer.close()
    return next_k


def raw_consume(bootstrap: str, topics: Sequence[str]) -> tuple[int, float]:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap.split(","),
        group_id=None,
        enable_auto_commit=False,
        max_poll_records=5000,
        fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    tps = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    ends = consumer.end_offsets(tps)
    total = sum(ends.values())
    seen = 0
    began = time.perf_counter()
    while seen < total:
        for records in consumer.poll(timeout_ms=500, max_records=5000).values():
            seen += len(records)
    elapsed = time.perf_counter() - began
    consumer.close()
    return seen, elapsed


# -- child: one rebuild, its own peak memory ---------------------------------------------------


def child_rebuild(db_url: str, bootstrap: str, topics: list[str]) -> dict[str, Any]:
    from services.reporting.bootstrap import MIGRATIONS
    from services.reporting.config import Settings
    from services.reporting.rebuild import rebuild
    from shared.service import build_kit

    settings = Settings(database_url=db_url, topics=topics, log_json=True)  # no broker: the rebuild is given it
    kit = build_kit(settings, [MIGRATIONS], kafka=False)
    rss_before = _vm("VmRSS")
    report = rebuild(kit.engine, bootstrap, topics, progress=sys.stderr, grace_seconds=0)
    kit.close()
    return {
        "events": report.events,
        "seconds": report.seconds,
        "events_per_s": report.events_per_second,
        "skipped": report.skipped,
        "peak_rss_mb": _vm("VmHWM"),
        "rss_before_mb": rss_before,
    }


def child_parallel(db_url: str, bootstrap: str, workers: int, topics: list[str]) -> dict[str, Any]:
    from services.reporting.bootstrap import MIGRATIONS
    from services.reporting.config import Settings
    from services.reporting.rebuild_parallel import rebuild_parallel
    from shared.service import build_kit

    settings = Settings(database_url=db_url, topics=topics, log_json=True)  # no broker: the rebuild is given it
    kit = build_kit(settings, [MIGRATIONS], kafka=False)
    report, tallies = rebuild_parallel(
        kit.engine, bootstrap, topics, workers=workers, progress=sys.stderr, grace_seconds=0
    )
    kit.close()
    return {
        "workers": workers,
        "events": report.events,
        "seconds": report.seconds,
        "events_per_s": report.events_per_second,
        "events_per_worker": [t.events for t in tallies],
        "partitions_per_worker": [len(t.partitions) for t in tallies],
        "joined_s_per_worker": [t.joined_s for t in tallies],
        "replay_s_per_worker": [t.replay_s for t in tallies],
    }


def _vm(field: str) -> float:
    """This process's own memory figure in MB (VmHWM: peak RSS since exec; ru_maxrss survives exec on Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_latency(db_url: str, cases: int, samples: int = 1000) -> dict[str, float]:
    from services.reporting import handlers
    from services.reporting.adapters import queries
    from services.reporting.adapters import readmodel as rm
    from services.reporting.adapters.generations import active_generation
    from services.reporting.bootstrap import MIGRATIONS
    from services.reporting.config import Settings
    from services.reporting.contracts import personal_fields
    from services.reporting.domain.case_view import build_case_view
    from shared.envelope import Actor
    from shared.service import build_kit

    kit = build_kit(Settings(database_url=db_url, log_json=True), [MIGRATIONS], kafka=False)
    actor = Actor(staff_id="bench", department="loans", role="worker")
    rnd = random.Random(5)
    with kit.engine.connect() as conn:
        gen = active_generation(conn)
        known = sorted(conn.execute(select(rm.timeline.c.case_id).where(rm.timeline.c.gen == gen).distinct()).scalars())
        conn.rollback()
    model, full = [], []
    for _ in range(samples):
        case = rnd.choice(known)
        began = time.perf_counter()
        with kit.engine.connect() as conn:
            gen = active_generation(conn)
            ids = queries.case_group(case, queries.live_edges(conn, gen))
            entries = queries.timeline(conn, gen, ids)
            conn.rollback()
        build_case_view(
            case, ids, entries, viewer=actor, purpose="bench", now=datetime.now(UTC), personal_fields=personal_fields
        )
        model.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        handlers.case_view(kit, case, actor, "bench")
        full.append((time.perf_counter() - began) * 1000)
    kit.close()

    def pct(xs: list[float], q: float) -> float:
        return round(statistics.quantiles(xs, n=100)[int(q) - 1], 2)

    return {
        "model_p50_ms": pct(model, 50),
        "model_p95_ms": pct(model, 95),
        "with_access_event_p50_ms": pct(full, 50),
        "with_access_event_p95_ms": pct(full, 95),
    }


# -- driver --------------------------------------------------------------------------------------


def run(
    events: int,
    cases: int,
    steps: list[int],
    db: str,
    bootstrap: str,
    pg: Any,
    samples: int = 1000,
    parallel: Sequence[int] = (),
) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:6]
    topics = {"intake": f"bench-intake-{tag}.events", "loans": f"bench-loans-{tag}.events"}
    from deploy.kafka.cluster import create_topics

    create_topics(bootstrap, topics=list(topics.values()), partitions=3)
    result: dict[str, Any] = {"events": events, "cases": cases, "db": db, "steps": []}
    produced = next_k = 0
    db_url = ""
    sqlite_files: list[Path] = []
    for target in [*steps, events]:
        if target <= produced:
            continue
        say(f"producing events {produced:,}..{target:,}")
        next_k = produce(bootstrap, topics, next_k, target - produced, cases)
        produced = target
        n, secs = raw_consume(bootstrap, list(topics.values()))
        say(f"raw consume: {n:,} records in {secs:.1f} s = {n / secs:,.0f}/s")
        if db == "postgresql":
            name = f"bench_rep_{tag}_{target}"
            pg.create_database(name)
            db_url = str(pg.url(name))
        else:
            path = REPO / "var" / "bench" / f"reporting-{tag}-{target}.db"
            path.parent.mkdir(parents=True, exist_ok=True)
            db_url = f"sqlite:///{path}"
            sqlite_files += [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        say(f"rebuild of {n:,} events ({db}) in a child process")
        out = subprocess.run(
            [sys.executable, "-m", "bench.reporting", "_child", db_url, bootstrap, *topics.values()],
            cwd=REPO,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        child = json.loads(out.stdout.strip().splitlines()[-1])
        step = {
            "events": n,
            "raw_consume_per_s": round(n / secs),
            **child,
            "rebuild_share_of_raw": round(child["events_per_s"] / (n / secs), 3),
        }
        say(json.dumps(step))
        result["steps"].append(step)
    for workers in parallel:
        if db == "postgresql":
            name = f"bench_rep_{tag}_par{workers}"
            pg.create_database(name)
            par_url = str(pg.url(name))
        else:
            path = REPO / "var" / "bench" / f"reporting-{tag}-par{workers}.db"
            par_url = f"sqlite:///{path}"
            sqlite_files += [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        say(f"partition-parallel rebuild of {produced:,} events with {workers} worker process(es)")
        out = subprocess.run(
            [sys.executable, "-m", "bench.reporting", "_parallel", par_url, bootstrap, str(workers), *topics.values()],
            cwd=REPO,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        figure = json.loads(out.stdout.strip().splitlines()[-1])
        figure["share_of_one_process_rebuild"] = round(figure["events_per_s"] / result["steps"][-1]["events_per_s"], 2)
        figure["share_of_raw"] = round(figure["events_per_s"] / result["steps"][-1]["raw_consume_per_s"], 3)
        say(json.dumps(figure))
        result.setdefault("parallel", []).append(figure)
    say("case-view latency on the rebuilt model")
    result["case_view"] = case_latency(db_url, cases, samples)
    for path in sqlite_files:
        path.unlink(missing_ok=True)
    result["goals"] = goals(result["steps"], result["case_view"], result.get("parallel", ()))
    return result


def goals(
    steps: Sequence[dict[str, Any]], case_view: dict[str, Any], parallel: Sequence[dict[str, Any]] = ()
) -> dict[str, bool]:
    """Issue 14's aims on the last step (the largest history): the rebuild at ≥ 60 % of the raw consume
    rate, its peak RSS within ± 10 % of the first step's (flat memory), and the case view's p95 ≤ 20 ms.
    With ``--parallel``: the partition-parallel rebuild's best N at ≥ 60 % of the same raw rate, and its
    rate growing with every N measured."""
    first, last = steps[0], steps[-1]
    verdict = {
        "rebuild_ge_60pct_raw": last["rebuild_share_of_raw"] >= 0.6,
        "peak_rss_flat_within_10pct": abs(last["peak_rss_mb"] - first["peak_rss_mb"]) <= 0.1 * first["peak_rss_mb"],
        "case_view_p95_le_20ms": case_view["model_p95_ms"] <= 20,
    }
    if parallel:
        by_n = sorted(parallel, key=lambda f: f["workers"])
        verdict["parallel_rebuild_ge_60pct_raw"] = max(f["share_of_raw"] for f in by_n) >= 0.6
        verdict["parallel_rate_grows_with_n"] = all(
            b["events_per_s"] > a["events_per_s"] for a, b in itertools.pairwise(by_n)
        )
    return verdict


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "_child":
        print(json.dumps(child_rebuild(argv[1], argv[2], argv[3:])))
        return 0
    if argv and argv[0] == "_parallel":
        print(json.dumps(child_parallel(argv[1], argv[2], int(argv[3]), argv[4:])))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.reporting", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--steps", type=lambda s: [int(x) for x in s.split(",") if x], default=[250_000])
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--bootstrap", default=None, help="an existing Kafka broker")
    parser.add_argument(
        "--parallel",
        type=lambda s: [int(x) for x in s.split(",") if x],
        default=[],
        help="after the last step, the partition-parallel rebuild with each of these worker counts (e.g. 1,2)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "reporting.json")
    args = parser.parse_args(argv)
    from deploy.kafka.cluster import start_single

    kafka = pg = None
    try:
        bootstrap = args.bootstrap
        if bootstrap is None:
            say("starting Kafka (var/bench-reporting-kafka)")
            kafka = start_single(REPO / "var" / "bench-reporting-kafka", fresh=True)
            bootstrap = kafka.bootstrap_servers
        if args.db == "postgresql":
            from deploy.postgres.local import start as start_postgres

            say("starting PostgreSQL (var/bench-reporting-postgres)")
            pg = start_postgres(REPO / "var" / "bench-reporting-postgres")
        steps = [s for s in args.steps if s < args.events]
        result = run(args.events, args.cases, steps, args.db, bootstrap, pg, parallel=args.parallel)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
        return 0
    finally:
        if pg is not None:
            pg.stop()
        if kafka is not None:
            kafka.stop(remove_data=True)


if __name__ == "__main__":
    sys.exit(main())
