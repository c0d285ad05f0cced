"""Where the Kafka jars and data live, and the tools to fetch and place them (Maven, free ports)."""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import shutil
import socket
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

KAFKA_DIR = Path(__file__).resolve().parent
REPO_ROOT = KAFKA_DIR.parent.parent
LIB_DIR = KAFKA_DIR / "lib"
LOG4J_CONFIG = KAFKA_DIR / "log4j2.properties"

DEFAULT_SINGLE_DIR = "var/kafka"
DEFAULT_CLUSTER_DIR = "var/kafka-cluster"
DEFAULT_SERVICES = ("intake", "loans", "districts", "conferences", "reporting")
DEFAULT_PARTITIONS = 3
DEFAULT_HEAP = "512m"
INSTALL_HINT = "apt-get install -y openjdk-17-jre-headless maven"
MVN_COMMAND = (
    "mvn",
    "-q",
    "dependency:copy-dependencies",
    "-DoutputDirectory=lib",
    "-DincludeScope=runtime",
)
TOPIC_ALREADY_EXISTS = 36  # Kafka protocol error code

log = logging.getLogger(__name__)


class KafkaError(RuntimeError):
    """A local Kafka could not be provisioned; the message is meant for a human."""


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """Process environment relevant to this module (read in one place only)."""

    external_bootstrap: str | None


def settings() -> Settings:
    """Read the environment: ``KAFKA_BOOTSTRAP_SERVERS`` points at an existing Kafka."""
    value = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    return Settings(external_bootstrap=value or None)


# --------------------------------------------------------------------------- tooling


def resolve_path(path: str | Path) -> Path:
    p = Path(path)
    return p if p.is_absolute() else REPO_ROOT / p


def require_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise KafkaError(f"`{name}` not found on PATH; install it with: {INSTALL_HINT}")
    return found


def ensure_jars() -> Path:
    """Make sure ``deploy/kafka/lib`` holds the Kafka jars, resolving them with Maven if not."""
    require_tool("java")
    if any(LIB_DIR.glob("kafka_2.13-*.jar")):
        return LIB_DIR
    mvn = require_tool("mvn")
    log.info("resolving Kafka jars from Maven Central into %s", LIB_DIR)
    result = subprocess.run([mvn, *MVN_COMMAND[1:]], cwd=KAFKA_DIR, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not any(LIB_DIR.glob("kafka_2.13-*.jar")):
        tail = (result.stdout + result.stderr).strip().splitlines()[-20:]
        raise KafkaError("mvn could not resolve the Kafka jars:\n" + "\n".join(tail))
    return LIB_DIR


def random_cluster_id() -> str:
    """Same format as ``StorageTool random-uuid`` (URL-safe base64 of a v4 UUID, no padding).

    Generated in Python because launching a JVM just for this costs about a second.
    Kafka never hands out ids starting with '-' (they look like CLI flags), nor do we.
    """
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode("ascii").rstrip("=")
        if not cid.startswith("-"):
            return cid


def free_ports(count: int) -> list[int]:
    """Ports currently free on 127.0.0.1; sockets stay open until all are picked so they differ."""
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            s = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            s.bind(("127.0.0.1", 0))
            ports.append(int(s.getsockname()[1]))
        return ports


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0
