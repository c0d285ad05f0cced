"""Where the Keycloak distribution lives, how Maven fetches it, and which JDK runs it.

The distribution (``org.keycloak:keycloak-quarkus-dist``, about 180 MB unpacked) is resolved from Maven
Central by ``deploy/identity/pom.xml`` into ``var/identity/dist/keycloak-<version>``, like the Kafka jars:
downloaded once per checkout, never committed. Keycloak 26 needs Java 21 or newer; the newest JDK under
``/usr/lib/jvm`` (or ``KEYCLOAK_JAVA_HOME``) is used, so a machine whose default ``java`` is 17 for Kafka
still runs Keycloak; when there is none, :func:`ensure_java` installs Debian's if apt offers it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

IDENTITY_DIR = Path(__file__).resolve().parent
REPO_ROOT = IDENTITY_DIR.parent.parent
POM = IDENTITY_DIR / "pom.xml"
REALM_FILE = IDENTITY_DIR / "tsunagu-realm.json"
DIST_ROOT = REPO_ROOT / "var" / "identity" / "dist"
JVM_ROOT = Path("/usr/lib/jvm")
MIN_JAVA = 21
JAVA_HINT = (
    "install a JDK 21+ (Debian 13 / Ubuntu 24.04: apt-get install -y openjdk-21-jre-headless; "
    "elsewhere Temurin 21 or 25 from https://adoptium.net) or point KEYCLOAK_JAVA_HOME at one"
)
MVN_HINT = "apt-get install -y maven"
APT_JAVA_PACKAGES = ("openjdk-25-jre-headless", "openjdk-21-jre-headless")

log = logging.getLogger(__name__)


class IdentityError(RuntimeError):
    """The local identity provider could not be provisioned; the message is meant for a human."""


@dataclass(frozen=True)
class Settings:
    """Process environment relevant to the identity provider (read in one place only)."""

    java_home: Path | None
    admin_username: str
    admin_password: str


def settings() -> Settings:
    """``KEYCLOAK_JAVA_HOME`` picks the JDK; ``KC_BOOTSTRAP_ADMIN_USERNAME/PASSWORD`` the master admin."""
    java_home = os.environ.get("KEYCLOAK_JAVA_HOME", "").strip()
    return Settings(
        java_home=Path(java_home) if java_home else None,
        admin_username=os.environ.get("KC_BOOTSTRAP_ADMIN_USERNAME", "").strip() or "admin",
        admin_password=os.environ.get("KC_BOOTSTRAP_ADMIN_PASSWORD", "").strip() or "tsunagu-admin",
    )


# --------------------------------------------------------------------------- distribution


def keycloak_version() -> str:
    """The version pinned in ``pom.xml`` (its ``keycloak.version`` property): the one source of truth."""
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    node = ET.parse(POM).getroot().find("m:properties/m:keycloak.version", ns)
    if node is None or not (node.text or "").strip():
        raise IdentityError(f"{POM} has no <keycloak.version> property")
    return (node.text or "").strip()


def dist_home(version: str | None = None) -> Path:
    return DIST_ROOT / f"keycloak-{version or keycloak_version()}"


def ensure_postgres_dist() -> Path:
    """A copy of the distribution for instances on PostgreSQL (its build differs: see caches)."""
    home = dist_home().with_name(dist_home().name + "-postgres")
    if not (home / "bin" / "kc.sh").is_file():
        staging = home.with_name(home.name + f".{os.getpid()}")
        shutil.copytree(ensure_dist(), staging, symlinks=True)
        os.replace(staging, home)
    return home


def ensure_dist() -> Path:
    """The unpacked distribution's home (holding ``bin/kc.sh``), resolving it with Maven if absent."""
    home = dist_home()
    if (home / "bin" / "kc.sh").is_file():
        return home
    mvn = shutil.which("mvn")
    if mvn is None:
        raise IdentityError(f"`mvn` not found on PATH (needed once to fetch Keycloak); install it with: {MVN_HINT}")
    log.info("resolving Keycloak %s from Maven Central into %s", keycloak_version(), DIST_ROOT)
    DIST_ROOT.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [mvn, "-q", "dependency:unpack", f"-Dkeycloak.home={DIST_ROOT}"],
        cwd=IDENTITY_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not (home / "bin" / "kc.sh").is_file():
        tail = (result.stdout + result.stderr).strip().splitlines()[-20:]
        raise IdentityError("mvn could not resolve org.keycloak:keycloak-quarkus-dist:\n" + "\n".join(tail))
    return home


# --------------------------------------------------------------------------- Java


def java_release(java_home: Path) -> int | None:
    """The feature release of the JDK at ``java_home`` (from its ``release`` file: no JVM launched)."""
    try:
        text = (java_home / "release").read_text()
    except OSError:
        return None
    match = re.search(r'^JAVA_VERSION="(?:1\.)?(\d+)', text, re.MULTILINE)
    return int(match.group(1)) if match and (java_home / "bin" / "java").is_file() else None


def ensure_java(minimum: int = MIN_JAVA) -> Path:
    """:func:`find_java_home`, installing Debian's JDK 21+ runtime first when none is there and apt has one."""
    try:
        return find_java_home(minimum)
    except IdentityError:
        package = _apt_candidate(APT_JAVA_PACKAGES) if settings().java_home is None else None
        if package is None:
            raise
    log.info("installing %s for Keycloak", package)
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(
        [*prefix, "apt-get", "install", "-y", "-q", package], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-10:])
        raise IdentityError(f"apt-get install {package} failed ({JAVA_HINT}):\n{tail}")
    return find_java_home(minimum)


def _apt_candidate(packages: tuple[str, ...]) -> str | None:
    """The first of ``packages`` that apt can install (Debian 13 and Ubuntu 24.04 have them; Debian 12 not)."""
    if shutil.which("apt-cache") is None:
        return None
    for package in packages:
        shown = subprocess.run(["apt-cache", "policy", package], capture_output=True, text=True, check=False)
        match = re.search(r"Candidate:\s*(\S+)", shown.stdout)
        if match and match.group(1) != "(none)":
            return package
    return None


def find_java_home(minimum: int = MIN_JAVA, *, jvm_root: Path = JVM_ROOT) -> Path:
    """``KEYCLOAK_JAVA_HOME`` if set, else the newest JDK of at least ``minimum`` under ``jvm_root``."""
    configured = settings().java_home
    if configured is not None:
        release = java_release(configured)
        if release is None or release < minimum:
            raise IdentityError(f"KEYCLOAK_JAVA_HOME={configured} is not a Java {minimum}+ home; {JAVA_HINT}")
        return configured
    found: dict[Path, int] = {}
    if jvm_root.is_dir():
        for candidate in jvm_root.iterdir():
            release = java_release(candidate.resolve())
            if release is not None and release >= minimum:
                found[candidate.resolve()] = release
    if not found:
        raise IdentityError(f"Keycloak needs Java {minimum}+ and none was found under {jvm_root}: {JAVA_HINT}")
    return max(found, key=lambda home: (found[home], str(home)))
