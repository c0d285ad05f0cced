"""What keeps a local Keycloak's start short, kept under ``var/identity`` and shared by its instances.

- **The build**: Quarkus' build step (about 15 s) runs once per distribution; its options are recorded
  in the distribution (:func:`is_built`), and later starts skip it (``-Dkc.config.built=true``).
- **The class-data archive** (CDS, ``var/identity/cds``): written by the JVM at an instance's first
  clean stop, published with an atomic rename, mapped by every later start.
- **The seed** (``var/identity/seed``): the database as it stands right after the realm's import, per
  realm file, distribution and admin, so a fresh data directory copies it instead of creating the
  schema and importing again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

from deploy.identity.tooling import REALM_FILE, REPO_ROOT, java_release, settings

CDS_DIR = REPO_ROOT / "var" / "identity" / "cds"
SEED_DIR = REPO_ROOT / "var" / "identity" / "seed"
CLASS_DUMP = "classes.jsa"  # the JVM's class archive written at the first clean stop, before it is published
# Build-time options: changing them makes Keycloak rebuild (about 15 s) before it starts.
FEATURES_DISABLED = ("kerberos", "ciba", "device-flow", "par", "organization", "impersonation")
BUILD_OPTIONS = {"kc.db": "dev-file", "kc.profile": "dev", "kc.features-disabled": ",".join(FEATURES_DISABLED)}
# The database kind is a build-time option: an instance on PostgreSQL runs from a distribution of its
# own (``keycloak-<version>-postgres``), built once with these, so neither build undoes the other.
POSTGRES_BUILD_OPTIONS = {**BUILD_OPTIONS, "kc.db": "postgres"}
PERSISTED_OPTIONS = "META-INF/keycloak-persisted.properties"


def is_built(dist: Path, options: dict[str, str] = BUILD_OPTIONS) -> bool:
    """True when the distribution was already built (Quarkus augmentation) with ``options``."""
    try:
        with zipfile.ZipFile(dist / "lib" / "quarkus" / "generated-bytecode.jar") as jar:
            text = jar.read(PERSISTED_OPTIONS).decode()
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    recorded = dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))
    return {k: v for k, v in recorded.items() if k.startswith("kc.")} == options


def class_archive(java_home: Path, dist: Path) -> Path:
    """The CDS archive for this distribution on this very JDK build (its ``release`` file's digest)."""
    jdk = hashlib.sha256((java_home / "release").read_bytes()).hexdigest()[:8]
    return CDS_DIR / f"{dist.name}-java{java_release(java_home)}-{jdk}.jsa"


def publish_class_archive(data_dir: Path, target: object) -> None:
    dump = data_dir / CLASS_DUMP
    if not dump.exists():
        return
    if isinstance(target, str) and not Path(target).exists():
        CDS_DIR.mkdir(parents=True, exist_ok=True)
        staging = Path(target).with_name(f".{Path(target).name}.{os.getpid()}")
        shutil.move(dump, staging)
        os.replace(staging, target)
    dump.unlink(missing_ok=True)


@contextlib.contextmanager
def build_lock(dist: Path) -> Iterator[None]:
    """Two first starts must not both rebuild the shared distribution: the second waits."""
    with (dist.parent / f".{dist.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def seed_dir(dist: Path) -> Path:
    """Where the database right after the import is kept, per distribution, realm file and admin."""
    env = settings()
    key = hashlib.sha256(
        b"\0".join(
            [REALM_FILE.read_bytes(), dist.name.encode(), env.admin_username.encode(), env.admin_password.encode()]
        )
    ).hexdigest()[:16]
    return SEED_DIR / key


def copy_seed(seed: Path, home: Path) -> bool:
    if not (seed / "h2").is_dir():
        return False
    shutil.copytree(seed / "h2", home / "data" / "h2")
    return True


def save_seed(home: Path, seed: Path) -> None:
    if (seed / "h2").is_dir() or not (home / "data" / "h2").is_dir():
        return
    staging = seed.with_name(f"{seed.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(home / "data" / "h2", staging / "h2")
    try:
        staging.rename(seed)  # atomic: a concurrent start sees the whole seed or none
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # another start saved it first
