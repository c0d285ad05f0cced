"""Backup and restore of the one-machine platform (``make run``'s SQLite stores), while it runs.

Each service's SQLite file under ``var/run`` holds everything the service knows: its event store
(which is also its outbox: every event it ever published), its read models, its consumers' dedupe
marks and its relay's checkpoint. Kafka holds only copies of those events (and the dead letters),
so a backup is the five stores, taken at **one moment**:

- :func:`create` takes SQLite's write lock (``BEGIN IMMEDIATE``) on every store, in a fixed order,
  and only when it holds all of them begins a read transaction on each, then lets go. No service
  commits while the locks are held, so the five snapshots are one cut: an effect a consumer stored
  (a referral made from a denied loan) is in the backup only with the event that caused it. Copying
  the files one after another would not: a loan denied after loans' copy, whose referral committed
  before intake's, would leave intake a referral about a loan that no longer exists. In WAL mode a
  read transaction keeps its snapshot whatever commits after it, so the copies (SQLite's backup
  API) are read from the snapshots while the services write on: the locks are held about a
  millisecond (``python -m bench backup``). Each copy is checked with ``PRAGMA integrity_check``
  and written with its size and SHA-256 to ``manifest.json``; a backup folder is written as
  ``<name>.partial`` and renamed when whole, so a half-written backup never looks done.
- :func:`restore` (platform stopped) checks the manifest's sums, moves the current ``var/run`` and
  ``var/kafka`` aside (to ``var/replaced/<time>/``: nothing is deleted), puts the stores back and
  prepares them for a new, empty broker: every relay checkpoint goes back to 0, so each service
  publishes its whole event store again, in order; consumers (new groups on the new broker) read
  every topic from the start and skip, by their dedupe marks, every event they had applied; the
  marks ``dead`` are removed, because their dead letters stayed on the old broker, so those events
  are tried once more (and dead-lettered again on the new broker if they still fail).

The identity provider's data (``var/identity``: staff added in Keycloak's console) is not part of a
backup: the realm is kept as code (``deploy/identity/tsunagu-realm.json``); export staff added by
hand with Keycloak's own ``kc.sh export``. On PostgreSQL, use the database's own backups.

``python -m deploy.backup create | list | verify NAME | restore NAME`` (``make backup``, ``make restore BACKUP=NAME``).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deploy.processes import alive
from deploy.run import VAR, Layout

STORES = ("intake", "loans", "districts", "conferences", "reporting")  # the lock order, always the same
LOCK_TIMEOUT = 60.0  # seconds to wait for a service's write transaction to end (the services' busy timeout)
MANIFEST = "manifest.json"
DEMO_MARK = Layout(VAR).demo_mark.name  # make run's list of the loaded demo stories: restored with the stores


class BackupError(Exception):
    """What went wrong, in words an operator can act on."""


@dataclass(frozen=True)
class Store:
    name: str
    path: Path


def stores_in(run_dir: Path) -> list[Store]:
    """The services' SQLite stores in ``run_dir``, in lock order."""
    return [Store(name, run_dir / f"{name}.db") for name in STORES if (run_dir / f"{name}.db").exists()]


@contextlib.contextmanager
def _all_writes_held(stores: Sequence[Store]) -> Iterator[None]:
    """Hold SQLite's write lock on every store at once (taken in :data:`STORES` order)."""
    held: list[sqlite3.Connection] = []
    try:
        for store in stores:
            conn = sqlite3.connect(store.path, timeout=LOCK_TIMEOUT, isolation_level=None)
            held.append(conn)
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise BackupError(
                    f"{store.name}: could not take its write lock in {LOCK_TIMEOUT:.0f} s ({exc})"
                ) from exc
        yield
    finally:
        for conn in held:
            with contextlib.suppress(sqlite3.Error):
                conn.rollback()
            conn.close()


def _stamp(moment: datetime) -> str:
    """A backup's (or a replaced folder's) name: sortable, to the microsecond."""
    return moment.strftime("%Y%m%dT%H%M%S.%fZ")


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _checked(path: Path) -> tuple[int, int]:
    """The events and head position of one copied store, once it passes SQLite's integrity check."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the copy {path} fails SQLite's integrity check: {check}")
        if "events" not in _tables(conn):
            return 0, 0
        events, head = conn.execute("SELECT count(*), coalesce(max(position), 0) FROM events").fetchone()
        return int(events), int(head)
    finally:
        conn.close()


@contextlib.contextmanager
def _snapshots(stores: Sequence[Store]) -> Iterator[list[sqlite3.Connection]]:
    """A read transaction on every store, all begun while every write lock is held: one moment.

    In WAL mode a read transaction keeps seeing the database as it was when it began, whatever is
    committed after, so the locks are released as soon as every snapshot is taken (milliseconds),
    and the copies are read from the snapshots while the services write on."""
    readers: list[sqlite3.Connection] = []
    try:
        with _all_writes_held(stores):
            for store in stores:
                reader = sqlite3.connect(store.path, timeout=LOCK_TIMEOUT, isolation_level=None)
                readers.append(reader)
                reader.execute("BEGIN")
                reader.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
        yield readers
    finally:
        for reader in readers:
            with contextlib.suppress(sqlite3.Error):
                reader.rollback()
            reader.close()


def _facts(path: Path) -> dict[str, Any]:
    """Size, SHA-256, event count and head position of one copied store (checked first)."""
    events, head = _checked(path)
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": _sha256(path), "events": events, "head": head}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def create(run_dir: Path, backups: Path, *, now: datetime | None = None) -> Path:
    """Copy every store of ``run_dir`` at one moment into a new folder of ``backups``; return it."""
    stores = stores_in(run_dir)
    if not stores:
        raise BackupError(
            f"no service stores (<service>.db) in {run_dir}: nothing to back up (on PostgreSQL, use its own backups)"
        )
    taken = now or datetime.now(UTC)
    name = _stamp(taken)
    partial = backups / f"{name}.partial"
    partial.mkdir(parents=True)
    try:
        with _snapshots(stores) as readers:
            for store, reader in zip(stores, readers, strict=True):
                copy = sqlite3.connect(partial / store.path.name)
                try:
                    reader.backup(copy)  # the reader's snapshot, page by page, while services write on
                finally:
                    copy.close()
        manifest = {
            "taken_at": taken.isoformat(),
            "stores": {store.name: _facts(partial / store.path.name) for store in stores},
        }
        if (run_dir / DEMO_MARK).exists():
            shutil.copy2(run_dir / DEMO_MARK, partial / DEMO_MARK)
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        done = backups / name
        partial.rename(done)
        return done
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def read_manifest(backup: Path) -> dict[str, Any]:
    path = backup / MANIFEST
    if not path.exists():
        raise BackupError(f"{backup} is not a backup: it has no {MANIFEST}")
    manifest: dict[str, Any] = json.loads(path.read_text())
    return manifest


def verify(backup: Path, *, integrity: bool = False) -> dict[str, Any]:
    """The manifest, once every store in it has its recorded SHA-256 (and, with ``integrity``,
    passes SQLite's integrity check again)."""
    manifest = read_manifest(backup)
    for name, facts in manifest["stores"].items():
        copy = backup / facts["file"]
        if not copy.exists():
            raise BackupError(f"{name}: {copy} is missing from the backup")
        if _sha256(copy) != facts["sha256"]:
            raise BackupError(f"{name}: {copy} does not match the SHA-256 its manifest recorded: the copy is damaged")
        if integrity:
            _checked(copy)
    return manifest


def running(var: Path) -> list[str]:
    """What of the platform in ``var`` still runs (a restore must wait for ``make stop``)."""
    from deploy.kafka.cluster import attach_single

    layout = Layout(var)
    found = []
    for pid_file in (layout.platform_pid, layout.services_pid):
        if pid_file.exists():
            live = [p for p in pid_file.read_text().split() if p.isdigit() and alive(int(p))]
            if live:
                found.append(f"{pid_file.name}: pid{'s' if len(live) > 1 else ''} {', '.join(live)}")
    if attach_single(var / "kafka") is not None:
        found.append(f"the broker of {var / 'kafka'}")
    return found


def restore(backup: Path, var: Path, *, now: datetime | None = None) -> Path | None:
    """Put ``backup``'s stores in ``var/run``, ready for a new broker; return where the replaced
    ``run`` and ``kafka`` folders went (``None`` when there were none)."""
    manifest = verify(backup)
    layout = Layout(var)
    still = running(var)
    if still:
        raise BackupError("the platform still runs (" + "; ".join(still) + "): stop it first (make stop)")
    aside = None
    moved = [d for d in (layout.run_dir, var / "kafka") if d.exists()]
    if moved:
        aside = var / "replaced" / _stamp(now or datetime.now(UTC))
        aside.mkdir(parents=True)
        for folder in moved:
            folder.rename(aside / folder.name)
    run_dir = layout.run_dir
    run_dir.mkdir(parents=True)
    for facts in manifest["stores"].values():
        shutil.copy2(backup / facts["file"], run_dir / facts["file"])
        _for_a_new_broker(run_dir / facts["file"])
    if (backup / DEMO_MARK).exists():
        shutil.copy2(backup / DEMO_MARK, run_dir / DEMO_MARK)
    return aside


def _for_a_new_broker(path: Path) -> None:
    """Relays publish the whole store again; events marked ``dead`` are tried again."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        tables = _tables(conn)
        if "relay_checkpoints" in tables:
            conn.execute("UPDATE relay_checkpoints SET position = 0")
        if "processed_events" in tables:
            conn.execute("DELETE FROM processed_events WHERE status = 'dead'")
        conn.execute("COMMIT")
    finally:
        conn.close()


def backups_in(backups: Path) -> list[Path]:
    """The whole backups in ``backups``, oldest first (a ``.partial`` folder is not one)."""
    if not backups.exists():
        return []
    return sorted(p for p in backups.iterdir() if p.is_dir() and (p / MANIFEST).exists())


def prune(backups: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; return the deleted ones."""
    old = backups_in(backups)[:-keep] if keep > 0 else []
    for path in old:
        shutil.rmtree(path)
    return old


def _describe(backup: Path) -> str:
    manifest = read_manifest(backup)
    stores = manifest["stores"]
    events = sum(f["events"] for f in stores.values())
    size = sum(f["bytes"] for f in stores.values())
    return f"{backup.name}  taken {manifest['taken_at']}  {len(stores)} stores, {events} events, {size / 1e6:.1f} MB"


def _chosen(backup: str, backups: Path) -> Path:
    chosen = Path(backup) if Path(backup).is_dir() else backups / backup
    if not chosen.is_dir():
        raise BackupError(f"no backup {backup!r} in {backups} (python -m deploy.backup list)")
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--var", type=Path, default=VAR, help="the platform's folder (default var/)")
    parser.add_argument("--to", type=Path, help="where backups are kept (default <var>/backups)")
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("create", help="back up every store at one moment, while the platform runs or not")
    make.add_argument("--keep", type=int, default=0, help="then delete all but the newest KEEP backups (0: keep all)")
    sub.add_parser("list", help="the backups, oldest first")
    check = sub.add_parser("verify", help="check a backup's sums and SQLite's integrity, without restoring it")
    check.add_argument("backup", help="a backup's name (from list) or its folder")
    back = sub.add_parser("restore", help="with the platform stopped: put a backup's stores back for a new broker")
    back.add_argument("backup", help="a backup's name (from list) or its folder")
    args = parser.parse_args(argv)
    var = args.var.resolve()
    backups = (args.to or var / "backups").resolve()
    try:
        if args.command == "create":
            done = create(Layout(var).run_dir, backups)
            print(f"backed up: {_describe(done)}\n  in {done}")
            for old in prune(backups, args.keep):
                print(f"deleted the older backup {old.name}")
        elif args.command == "list":
            found = backups_in(backups)
            print("\n".join(_describe(p) for p in found) if found else f"no backups in {backups}")
        elif args.command == "verify":
            chosen = _chosen(args.backup, backups)
            verify(chosen, integrity=True)
            print(f"whole: {_describe(chosen)}")
        else:
            chosen = _chosen(args.backup, backups)
            aside = restore(chosen, var)
            print(f"restored {_describe(chosen)}\n  into {var / 'run'}")
            if aside is not None:
                print(f"  the replaced run and kafka folders are in {aside}")
            print("  start the platform (make run): each service publishes its events again to a new broker")
            if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
                print(
                    "  KAFKA_BOOTSTRAP_SERVERS names a cluster: delete and create its topics before the services "
                    "start, or they will apply again the events published after the backup",
                    file=sys.stderr,
                )
    except BackupError as exc:
        print(f"{parser.prog} {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
