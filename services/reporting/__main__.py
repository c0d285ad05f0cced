"""``python -m services.reporting [serve|rebuild|case|verify|export]``: run or operate reporting.

- ``serve`` (default): the HTTP service with its consumer and relay
- ``rebuild``: replay every topic from offset 0 into a new generation, verify, switch (blue-green);
  ``--workers N``: N processes in one consumer group share the partitions, one switch when all are done
- ``case ID --purpose P [--as-of T]``: print a case view (audit replay with ``--as-of``); the read is recorded
- ``verify ID``: check the hash chains of a case's streams as archived
- ``export --from D --to D --out DIR``: tables 1–3 as CSV and one Excel workbook
- ``dead-letters list|show P:O|replay``: the projection's dead letters (:mod:`shared.deadletters`)
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError

from services.reporting.config import Settings
from shared.settings import refused_settings


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["dead-letters"]:
        from services.reporting.bootstrap import build
        from shared.deadletters import main as dead_letters

        return dead_letters(argv[1:], build, "reporting")
    parser = argparse.ArgumentParser(prog="python -m services.reporting", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the service (default)")
    sub.add_parser("dead-letters", help="list|show P:O|replay the projection's dead letters (see its --help)")
    rb = sub.add_parser("rebuild", help="replay all topics into a new generation and switch readers to it")
    rb.add_argument("--batch-size", type=int, default=5000)
    rb.add_argument("--no-switch", action="store_true", help="build and verify only")
    rb.add_argument("--keep-old", action="store_true", help="keep the replaced generation's rows")
    rb.add_argument("--checksum", action="store_true", help="print per-table checksums of old and new")
    rb.add_argument(
        "--workers", type=int, default=1, help="N processes sharing the partitions in one consumer group (N > 1)"
    )
    sub.add_parser("rebuild-worker", help="one process of `rebuild --workers N` (started by it)")
    case = sub.add_parser("case", help="print a case view; --as-of for the audit replay")
    case.add_argument("case_id")
    case.add_argument("--purpose", required=True)
    case.add_argument("--as-of", type=datetime.fromisoformat)
    case.add_argument("--staff-id", required=True)
    case.add_argument("--department", required=True)
    case.add_argument("--role", default="auditor")
    case.add_argument("--access-log", action="store_true", help="also print who had read the case by then")
    ver = sub.add_parser("verify", help="verify the hash chains of a case's archived streams")
    ver.add_argument("case_id")
    exp = sub.add_parser("export", help="write tables 1–3 as CSV and an Excel workbook")
    exp.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    exp.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
    exp.add_argument("--out", type=Path, default=Path("var/reporting-export"))
    args = parser.parse_args(argv)

    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"reporting cannot start: {refused_settings(exc)}", file=sys.stderr)
        return 2
    if args.command == "rebuild-worker":
        return _rebuild_worker(settings)
    return _operate(args, settings)


def _rebuild_worker(settings: Settings) -> int:
    """One process of ``rebuild --workers N``. It starts light, in half the time of the other commands:
    no web framework, no migrations (the coordinator that started it ran them)."""
    from services.reporting.rebuild_worker import worker_main
    from shared.db import make_engine

    engine = make_engine(settings.resolved_database_url())
    try:
        return worker_main(engine, settings.kafka_bootstrap_servers, sys.stdin, sys.stdout)
    finally:
        engine.dispose()


def _operate(args: argparse.Namespace, settings: Settings) -> int:
    # imported here, not at the top, so that a rebuild worker starts without the web framework
    from services.reporting import handlers
    from services.reporting.adapters.generations import active_generation, checksums
    from services.reporting.bootstrap import MIGRATIONS, build
    from services.reporting.exports import to_csv, to_xlsx
    from services.reporting.rebuild import RebuildError, rebuild
    from services.reporting.rebuild_parallel import rebuild_parallel
    from shared.db import reading
    from shared.envelope import Actor
    from shared.service import build_kit, serve

    if args.command in (None, "serve"):
        app, kit = build(settings)
        serve(app, kit.settings)
        return 0
    kit = build_kit(settings, [MIGRATIONS], kafka=False)
    try:
        if args.command == "rebuild":
            before = None
            if args.checksum:
                with reading(kit.engine) as conn:
                    before = checksums(conn, active_generation(conn))
            try:
                if args.workers > 1:
                    report, _tallies = rebuild_parallel(
                        kit.engine,
                        settings.kafka_bootstrap_servers,
                        settings.source_topics,
                        workers=args.workers,
                        batch_size=args.batch_size,
                        switch=not args.no_switch,
                        drop_old=not args.keep_old,
                    )
                else:
                    report = rebuild(
                        kit.engine,
                        settings.kafka_bootstrap_servers,
                        settings.source_topics,
                        batch_size=args.batch_size,
                        switch=not args.no_switch,
                        drop_old=not args.keep_old,
                    )
            except RebuildError as exc:
                print(f"rebuild failed verification: {exc}", file=sys.stderr)
                return 2
            print(
                f"generation {report.generation}: {report.events:,} events in {report.seconds:.1f} s "
                f"({report.events_per_second:,.0f} ev/s), {report.skipped} skipped, "
                f"{'switched from ' + str(report.replaced) if report.switched else 'not switched'}"
            )
            for error in report.errors:
                print("  skipped:", error)
            if before is not None:
                with reading(kit.engine) as conn:
                    after = checksums(conn, report.generation)
                for name, digest in after.items():
                    print(f"  {name:<24} {'same' if before.get(name) == digest else 'DIFFERS'} {digest}")
            return 0
        if args.command == "case":
            actor = Actor(staff_id=args.staff_id, department=args.department, role=args.role)
            view = handlers.case_view(kit, args.case_id, actor, args.purpose, args.as_of)
            out: dict[str, object] = {"case": view.model_dump(mode="json")}
            if args.access_log:
                out["access_log"] = [
                    r.model_dump(mode="json") for r in handlers.access_log(kit, args.case_id, actor, args.as_of)
                ]
            print(json.dumps(out, ensure_ascii=False, indent=2))
            return 0
        if args.command == "verify":
            check = handlers.verify_case(kit, args.case_id)
            print(check.model_dump_json(indent=2))
            return 0 if check.ok else 1
        if args.command == "export":
            tables = handlers.statistics_tables(kit, args.start, args.end)
            args.out.mkdir(parents=True, exist_ok=True)
            for table in tables:
                (args.out / f"{table.key}.csv").write_bytes(to_csv(table))
            (args.out / "statistics.xlsx").write_bytes(to_xlsx(tables))
            print(f"wrote {len(tables)} CSV files and statistics.xlsx to {args.out}")
            return 0
    finally:
        kit.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
