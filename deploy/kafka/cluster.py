"""Run Apache Kafka (KRaft) locally from the Maven Central jars in ``deploy/kafka/lib``.

There is no Docker engine on the development and CI machines, so the broker runs as a
plain JVM process started from Python.  The same module backs the pytest fixtures, the
``Makefile`` and the CLI::

    python -m deploy.kafka.cluster start|start-cluster|stop|stop-node N|start-node N|
                                   create-topics|status|ensure-jars

Layout of a node's data directory (``var/kafka`` for the single broker,
``var/kafka-cluster/node-<id>`` for cluster members)::

    server.properties   generated broker config
    node.json           ports and cluster id, so a restart reuses the formatted storage
    kafka.pid           pid of the JVM (its own process group), read by ``stop`` elsewhere
    kafka.log           broker log (stdout/stderr of the JVM)
    logs/               Kafka log.dirs (KRaft metadata and topic partitions)

Relative data directories are resolved against the repository root, so the CLI and the
fixtures agree on where things live whatever the current directory is.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def _resolve(path: str | Path) -> Path:
    p = Path(path)
    return p if p.is_absolute() else REPO_ROOT / p


def _require_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise KafkaError(f"`{name}` not found on PATH; install it with: {INSTALL_HINT}")
    return found


def ensure_jars() -> Path:
    """Make sure ``deploy/kafka/lib`` holds the Kafka jars, resolving them with Maven if not."""
    _require_tool("java")
    if any(LIB_DIR.glob("kafka_2.13-*.jar")):
        return LIB_DIR
    mvn = _require_tool("mvn")
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


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


# --------------------------------------------------------------------------- processes


def _process_alive(pid: int) -> bool:
    """True when ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no procfs: trust kill(0)
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _signal_group(pid: int, sig: signal.Signals) -> None:
    # The JVM is started with start_new_session=True, so its pgid is its pid.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def _wait_gone(pid: int, proc: subprocess.Popen[bytes] | None, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None:
            if proc.poll() is not None:
                return True
        elif not _process_alive(pid):
            return True
        time.sleep(0.05)
    return False


def terminate(pid: int, proc: subprocess.Popen[bytes] | None = None, timeout: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL it if it is still there after ``timeout``."""
    _signal_group(pid, signal.SIGTERM)
    if _wait_gone(pid, proc, timeout):
        return
    log.warning("pid %s ignored SIGTERM for %.0fs; sending SIGKILL", pid, timeout)
    _signal_group(pid, signal.SIGKILL)
    _wait_gone(pid, proc, 5.0)


# --------------------------------------------------------------------------- nodes


@dataclass
class KafkaNode:
    """One combined broker+controller JVM and its data directory."""

    node_id: int
    port: int
    controller_port: int
    data_dir: Path
    heap: str = DEFAULT_HEAP
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def props_file(self) -> Path:
        return self.data_dir / "server.properties"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "kafka.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "kafka.log"

    @property
    def state_file(self) -> Path:
        return self.data_dir / "node.json"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def running_pid(self) -> int | None:
        """Pid of this node's JVM if it is alive (checked against its command line)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        if not _process_alive(pid):
            return None
        cmd = _cmdline(pid)
        if cmd and str(self.props_file) not in cmd:
            return None  # pid was recycled by an unrelated process
        return pid

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log file)"

    def launch(self) -> None:
        """Start the JVM in the background; returns immediately (see ``wait_ready``)."""
        java = _require_tool("java")
        if (pid := self.running_pid()) is not None:
            raise KafkaError(
                f"a Kafka node from {self.data_dir} is already running (pid {pid}); {_stop_hint(self.data_dir)}"
            )
        cmd = [
            java,
            f"-Xmx{self.heap}",
            f"-Xms{self.heap}",
            # Kafka's own launcher settings (G1, short pauses).  Serial GC and C1-only JIT
            # were measured here and did not start faster, so throughput is not traded away.
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
            "-cp",
            f"{LIB_DIR}/*",
            "kafka.Kafka",
            str(self.props_file),
        ]
        with self.log_file.open("ab") as out:
            self.process = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.data_dir,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{self.process.pid}\n")

    def live_pid(self) -> int | None:
        """Pid of the running JVM, preferring our own child handle (never a reaped, reusable pid)."""
        if self.process is not None:
            return self.process.pid if self.process.poll() is None else None
        return self.running_pid()

    def stop(self, *, kill: bool = False, timeout: float = 10.0) -> None:
        """Stop the JVM by pid: SIGKILL right away when ``kill``, else SIGTERM then SIGKILL."""
        pid = self.live_pid()
        if pid is not None:
            if kill:
                _signal_group(pid, signal.SIGKILL)
                _wait_gone(pid, self.process, 5.0)
            else:
                terminate(pid, self.process, timeout)
        self.process = None
        self.pid_file.unlink(missing_ok=True)

    def check_alive(self) -> None:
        died = self.process.poll() is not None if self.process else self.running_pid() is None
        if died:
            raise KafkaError(
                f"Kafka node {self.node_id} exited during startup; tail of {self.log_file}:\n" + self.log_tail()
            )

    def save_state(self, cluster_id: str) -> None:
        state = {
            "node_id": self.node_id,
            "port": self.port,
            "controller_port": self.controller_port,
            "cluster_id": cluster_id,
        }
        self.state_file.write_text(json.dumps(state, indent=2) + "\n")

    @classmethod
    def load(cls, data_dir: Path, heap: str = DEFAULT_HEAP) -> KafkaNode | None:
        """Node previously formatted in ``data_dir``, or None."""
        try:
            state = json.loads((data_dir / "node.json").read_text())
        except (OSError, ValueError):
            return None
        return cls(
            node_id=int(state["node_id"]),
            port=int(state["port"]),
            controller_port=int(state["controller_port"]),
            data_dir=data_dir,
            heap=heap,
        )


def _server_properties(node: KafkaNode, quorum: str, replication: int) -> str:
    """Broker config; ``quorum`` is a ``controller.quorum.*`` line (standalone or static voters)."""
    isr = min(2, replication)
    props = {
        "process.roles": "broker,controller",
        "node.id": node.node_id,
        "listeners": f"PLAINTEXT://127.0.0.1:{node.port},CONTROLLER://127.0.0.1:{node.controller_port}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{node.port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": node.data_dir / "logs",
        "num.partitions": DEFAULT_PARTITIONS,
        "default.replication.factor": replication,
        "min.insync.replicas": isr,
        # Internal topics must fit the node count, and fewer partitions make the first
        # consumer-group join (which creates __consumer_offsets) fast.
        "offsets.topic.replication.factor": replication,
        "offsets.topic.num.partitions": 5,
        "transaction.state.log.replication.factor": replication,
        "transaction.state.log.min.isr": isr,
        "transaction.state.log.num.partitions": 5,
        "share.coordinator.state.topic.replication.factor": replication,
        "share.coordinator.state.topic.min.isr": isr,
        # Topics are part of the contract: a typo must fail, not create a topic.
        "auto.create.topics.enable": "false",
        "group.initial.rebalance.delay.ms": 0,
        "num.network.threads": 2,
        "num.io.threads": 4,
        "num.recovery.threads.per.data.dir": 1,
        # Let a restarted member rejoin quickly in fault tests.
        "controller.quorum.fetch.timeout.ms": 2000,
        "controller.quorum.election.timeout.ms": 1000,
        "broker.session.timeout.ms": 6000,
        "broker.heartbeat.interval.ms": 1000,
    }
    lines = [f"{key}={value}" for key, value in props.items()]
    return "\n".join([*lines, quorum, ""])


def _format_storage(nodes: Sequence[KafkaNode], cluster_id: str, standalone: bool) -> None:
    """Run ``StorageTool format`` for every node (in parallel: each is a JVM launch)."""
    java = _require_tool("java")
    procs = []
    for node in nodes:
        cmd = [
            java,
            f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
            "-cp",
            f"{LIB_DIR}/*",
            "kafka.tools.StorageTool",
            "format",
            "-t",
            cluster_id,
            "-c",
            str(node.props_file),
            *(["--standalone"] if standalone else []),
        ]
        procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    for node, proc in zip(nodes, procs, strict=True):
        out, _ = proc.communicate(timeout=120)
        if proc.returncode != 0:
            text = out.decode(errors="replace").strip()
            raise KafkaError(f"StorageTool format failed for node {node.node_id}:\n{text}")


def _prepare_dir(data_dir: Path, fresh: bool) -> None:
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)


# --------------------------------------------------------------------------- readiness


@contextlib.contextmanager
def admin_client(bootstrap: str, timeout_ms: int = 10_000) -> Iterator[Any]:
    """A kafka-python KafkaAdminClient that is always closed."""
    from kafka.admin import KafkaAdminClient

    client = KafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="tsunagu-deploy",
        request_timeout_ms=timeout_ms,
        bootstrap_timeout_ms=timeout_ms,
    )
    try:
        yield client
    finally:
        client.close()


def _active_brokers(bootstrap: str) -> set[int]:
    with admin_client(bootstrap, timeout_ms=5_000) as admin:
        brokers = admin.describe_cluster()["brokers"]
    return {int(b["broker_id"]) for b in brokers if not b.get("is_fenced", False)}


def wait_ready(nodes: Sequence[KafkaNode], expect: Iterable[int], timeout: float = 60.0) -> None:
    """Block until the cluster answers a metadata request listing every broker in ``expect``."""
    from kafka.errors import KafkaConfigurationError

    wanted = set(expect)
    deadline = time.monotonic() + timeout
    bootstrap = ",".join(n.address for n in nodes if n.node_id in wanted)
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        for node in nodes:
            if node.node_id in wanted:
                node.check_alive()
        if all(_port_open(n.port) for n in nodes if n.node_id in wanted):
            try:
                active = _active_brokers(bootstrap)
                if wanted <= active:
                    return
                last_error = f"brokers registered: {sorted(active)}, waiting for {sorted(wanted)}"
            except KafkaConfigurationError:
                raise  # a bug in this module, not a slow broker
            except Exception as exc:  # any other client error just means "not ready yet"
                last_error = f"{type(exc).__name__}: {exc}"
        time.sleep(0.2)
    tails = "\n".join(f"--- node {n.node_id} ({n.log_file}):\n{n.log_tail()}" for n in nodes)
    raise KafkaError(f"Kafka not ready after {timeout:.0f}s ({last_error}).\n{tails}")


# --------------------------------------------------------------------------- handles


class KafkaHandle:
    """A single local broker (or an external one from ``KAFKA_BOOTSTRAP_SERVERS``)."""

    def __init__(self, bootstrap_servers: str, node: KafkaNode | None = None) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.node = node

    @property
    def external(self) -> bool:
        """True when nothing was started here; ``stop`` is then a no-op."""
        return self.node is None

    @property
    def data_dir(self) -> Path | None:
        return self.node.data_dir if self.node else None

    def stop(self, *, remove_data: bool = False, timeout: float = 10.0) -> None:
        if self.node is None:
            return
        self.node.stop(timeout=timeout)
        if remove_data:
            shutil.rmtree(self.node.data_dir, ignore_errors=True)

    def __enter__(self) -> KafkaHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"KafkaHandle({self.bootstrap_servers!r}, data_dir={self.data_dir})"


class ClusterHandle:
    """Several combined broker+controller nodes, addressed by Kafka node id (1..n)."""

    def __init__(self, nodes: Sequence[KafkaNode], base_dir: Path) -> None:
        self.nodes = {n.node_id: n for n in nodes}
        self.base_dir = base_dir

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(n.address for n in self.nodes.values())

    def stop_node(self, node_id: int, *, kill: bool = False, timeout: float = 10.0) -> None:
        """Stop one node; ``kill=True`` sends SIGKILL (a crash, no controlled shutdown)."""
        self.nodes[node_id].stop(kill=kill, timeout=timeout)

    def start_node(self, node_id: int, *, timeout: float = 60.0) -> None:
        """Restart a stopped node on its formatted storage and wait until it is registered."""
        node = self.nodes[node_id]
        node.launch()
        wait_ready(list(self.nodes.values()), [node_id], timeout)

    def stop(self, *, remove_data: bool = False, kill: bool = False, timeout: float = 10.0) -> None:
        """Stop every node at once (sequential SIGTERMs can hang on a lost quorum)."""
        stop_nodes(list(self.nodes.values()), kill=kill, timeout=timeout)
        if remove_data:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> ClusterHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"ClusterHandle({self.bootstrap_servers!r}, base_dir={self.base_dir})"


# --------------------------------------------------------------------------- start


def start_single(
    data_dir: str | Path = DEFAULT_SINGLE_DIR,
    port: int | None = None,
    *,
    fresh: bool = True,
    heap: str = DEFAULT_HEAP,
    timeout: float = 60.0,
) -> KafkaHandle:
    """Start one KRaft broker+controller on 127.0.0.1 and wait until it answers.

    ``port=None`` picks a free port.  ``fresh=True`` (the default, for tests) wipes
    ``data_dir`` first; with ``fresh=False`` a previously formatted directory is restarted
    on its recorded ports, keeping its topics and events.  When ``KAFKA_BOOTSTRAP_SERVERS``
    is set nothing is started and the handle points there.
    """
    external = settings().external_bootstrap
    if external:
        return KafkaHandle(external)
    ensure_jars()
    root = _resolve(data_dir)
    node = None if fresh else KafkaNode.load(root, heap)
    if node is not None and port not in (None, node.port):
        raise KafkaError(f"{root} was formatted for port {node.port}; use fresh=True to change it")
    if node is not None and node.running_pid() is not None:
        # Keeping data means keeping the broker: attach to the one already serving it.
        wait_ready([node], [node.node_id], timeout)
        return KafkaHandle(node.address, node)
    if node is None:
        _ensure_not_running(root, replace=fresh)
        _prepare_dir(root, fresh=True)
        broker_port, controller_port = (port, free_ports(1)[0]) if port else free_ports(2)
        if not port_is_free(broker_port):
            raise KafkaError(f"port {broker_port} is already in use")
        node = KafkaNode(1, broker_port, controller_port, root, heap)
        quorum = f"controller.quorum.bootstrap.servers=127.0.0.1:{controller_port}"
        node.props_file.write_text(_server_properties(node, quorum, replication=1))
        cluster_id = random_cluster_id()
        _format_storage([node], cluster_id, standalone=True)
        node.save_state(cluster_id)
    node.launch()
    try:
        wait_ready([node], [node.node_id], timeout)
    except BaseException:
        node.stop(kill=True)
        raise
    return KafkaHandle(node.address, node)


def _stop_hint(data_dir: Path) -> str:
    return f"stop it with: python -m deploy.kafka.cluster --data-dir {data_dir} stop"


def _ensure_not_running(root: Path, *, replace: bool) -> None:
    """Refuse to clobber a live node, unless its data is being wiped anyway (``fresh``).

    A leftover broker in a ``fresh`` directory is what an interrupted test run leaves
    behind, so it is killed rather than failing every later run.
    """
    node = KafkaNode.load(root)
    if node is None or (pid := node.running_pid()) is None:
        return
    if not replace:
        raise KafkaError(f"a Kafka node from {root} is already running (pid {pid}); {_stop_hint(root)}")
    log.warning("killing leftover Kafka node (pid %s) in %s", pid, root)
    node.stop(kill=True)


def _cluster_node_dirs(base: Path) -> list[Path]:
    return sorted(p for p in base.glob("node-*") if p.is_dir())


def start_cluster(
    n: int = 3,
    base_dir: str | Path = DEFAULT_CLUSTER_DIR,
    *,
    fresh: bool = True,
    heap: str = DEFAULT_HEAP,
    timeout: float = 90.0,
) -> ClusterHandle:
    """Start ``n`` combined nodes with static ``controller.quorum.voters`` on loopback.

    Replication factor defaults to ``min(3, n)`` with ``min.insync.replicas=2``, so a
    3-node cluster keeps accepting ``acks=all`` writes with one node down.  Always local:
    ``KAFKA_BOOTSTRAP_SERVERS`` is ignored because fault tests need nodes to kill.
    """
    ensure_jars()
    base = _resolve(base_dir)
    for d in _cluster_node_dirs(base):
        _ensure_not_running(d, replace=fresh)
    loaded = [] if fresh else [KafkaNode.load(d, heap) for d in _cluster_node_dirs(base)]
    nodes = [node for node in loaded if node is not None]
    if len(nodes) != n:
        nodes = _format_cluster(n, base, heap)
    for node in nodes:
        node.launch()
    handle = ClusterHandle(nodes, base)
    try:
        wait_ready(nodes, [node.node_id for node in nodes], timeout)
    except BaseException:
        handle.stop(kill=True)
        raise
    return handle


def _format_cluster(n: int, base: Path, heap: str) -> list[KafkaNode]:
    _prepare_dir(base, fresh=True)
    ports = free_ports(2 * n)
    nodes = []
    for i in range(1, n + 1):
        data_dir = base / f"node-{i}"
        data_dir.mkdir()
        nodes.append(KafkaNode(i, ports[2 * i - 2], ports[2 * i - 1], data_dir, heap))
    voters = ",".join(f"{node.node_id}@127.0.0.1:{node.controller_port}" for node in nodes)
    for node in nodes:
        quorum = f"controller.quorum.voters={voters}"
        node.props_file.write_text(_server_properties(node, quorum, replication=min(3, n)))
    cluster_id = random_cluster_id()
    _format_storage(nodes, cluster_id, standalone=False)
    for node in nodes:
        node.save_state(cluster_id)
    return nodes


# --------------------------------------------------------------------------- topics


def topic_names(services: Iterable[str] = DEFAULT_SERVICES) -> list[str]:
    """``<service>.events`` and its dead-letter topic ``<service>.events.dlq`` per service."""
    return [name for s in services for name in (f"{s}.events", f"{s}.events.dlq")]


def create_topics(
    bootstrap: str,
    services: Iterable[str] = DEFAULT_SERVICES,
    *,
    topics: Iterable[str] | None = None,
    partitions: int = DEFAULT_PARTITIONS,
    replication: int | None = None,
    configs: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> list[str]:
    """Create topics idempotently and return the names that did not exist before.

    By default the per-service event and DLQ topics; pass ``topics`` for an arbitrary list.
    Event topics are the system of record, hence ``retention.ms=-1`` (never delete).
    ``replication=None`` uses the broker's ``default.replication.factor``.
    """
    names = list(topics) if topics is not None else topic_names(services)
    topic_configs = {"retention.ms": "-1", **(configs or {})}
    spec = {
        name: {
            "num_partitions": partitions,
            "replication_factor": replication if replication is not None else -1,
            "configs": topic_configs,
        }
        for name in names
    }
    timeout_ms = int(timeout * 1000)
    with admin_client(bootstrap, timeout_ms) as admin:
        result = admin.create_topics(spec, timeout_ms=timeout_ms, raise_errors=False)
        created, failures = [], []
        for topic in result["topics"]:
            code = int(topic["error_code"])
            if code == 0:
                created.append(str(topic["name"]))
            elif code != TOPIC_ALREADY_EXISTS:
                failures.append(f"{topic['name']}: error {code} {topic.get('error_message') or ''}")
        if failures:
            raise KafkaError("could not create topics: " + "; ".join(failures))
        # Producers right after this call must find a leader for every partition.
        admin.wait_for_topics(names, timeout_ms=timeout_ms)
    return created


# --------------------------------------------------------------------------- attach / CLI


def attach_single(data_dir: str | Path = DEFAULT_SINGLE_DIR) -> KafkaHandle | None:
    """Handle for a broker started from ``data_dir`` by another process, if it is running."""
    node = KafkaNode.load(_resolve(data_dir))
    if node is None or node.running_pid() is None:
        return None
    return KafkaHandle(node.address, node)


def attach_cluster(base_dir: str | Path = DEFAULT_CLUSTER_DIR) -> ClusterHandle | None:
    """Handle for a cluster formatted under ``base_dir`` (running or not), if any."""
    base = _resolve(base_dir)
    nodes = [KafkaNode.load(d) for d in _cluster_node_dirs(base)]
    present = [n for n in nodes if n is not None]
    return ClusterHandle(present, base) if present else None


def _default_bootstrap() -> str:
    external = settings().external_bootstrap
    if external:
        return external
    single = attach_single()
    if single is not None:
        return single.bootstrap_servers
    cluster = attach_cluster()
    if cluster is not None and any(n.running_pid() for n in cluster.nodes.values()):
        return cluster.bootstrap_servers
    raise KafkaError("no running Kafka found; start one with: python -m deploy.kafka.cluster start")


def _cmd_start(args: argparse.Namespace) -> None:
    running = None if settings().external_bootstrap else attach_single(args.data_dir)
    if running is not None:
        print(f"already running: {running.bootstrap_servers}")
        return
    port = args.port
    if port is None and (args.fresh or KafkaNode.load(_resolve(args.data_dir)) is None):
        # A new broker gets the conventional port; a formatted one keeps its recorded port.
        port = 9092 if port_is_free(9092) or not args.any_port else None
    began = time.monotonic()
    handle = start_single(args.data_dir, port, fresh=args.fresh)
    print(f"kafka ready at {handle.bootstrap_servers} in {time.monotonic() - began:.1f}s")
    if args.topics:
        created = create_topics(handle.bootstrap_servers, partitions=args.partitions)
        print(f"topics created: {', '.join(created) or '(all existed)'}")


def _cmd_start_cluster(args: argparse.Namespace) -> None:
    began = time.monotonic()
    handle = start_cluster(args.nodes, args.base_dir, fresh=args.fresh)
    print(f"cluster ready at {handle.bootstrap_servers} in {time.monotonic() - began:.1f}s")


def discover_nodes(root: str | Path = "var") -> list[KafkaNode]:
    """Every node directory (holding ``node.json``) under ``root``, e.g. test leftovers."""
    base = _resolve(root)
    found = (KafkaNode.load(p.parent) for p in sorted(base.glob("**/node.json")))
    return [node for node in found if node is not None]


def stop_nodes(
    nodes: Sequence[KafkaNode], *, remove_data: bool = False, kill: bool = False, timeout: float = 10.0
) -> None:
    """Stop nodes concurrently (signal all, then wait for each) and optionally delete their dirs."""
    sig = signal.SIGKILL if kill else signal.SIGTERM
    for node in nodes:
        if (pid := node.live_pid()) is not None:
            _signal_group(pid, sig)
    for node in nodes:
        node.stop(kill=kill, timeout=timeout)
    if remove_data:
        for node in nodes:
            shutil.rmtree(node.data_dir, ignore_errors=True)
            with contextlib.suppress(OSError):
                node.data_dir.parent.rmdir()  # the cluster base dir, once empty


def stop_all_local(root: str | Path = "var", *, remove_data: bool = False) -> int:
    """Stop every local node under ``root`` (single, cluster, benches, test leftovers).

    Returns how many node dirs were found.  This includes brokers that a concurrent test
    or bench session is using, so it is for an explicit "stop everything" only.
    """
    nodes = discover_nodes(root)
    stop_nodes(nodes, remove_data=remove_data)
    return len(nodes)


def _cmd_stop(args: argparse.Namespace) -> None:
    if args.all:
        nodes = discover_nodes()  # also benches and test leftovers, possibly another session's
    else:
        # Only the directories named on the command line, or both defaults when none is.
        named = args.data_dir or args.base_dir
        single = args.data_dir or (None if named else DEFAULT_SINGLE_DIR)
        base = args.base_dir or (None if named else DEFAULT_CLUSTER_DIR)
        dirs = ([_resolve(single)] if single else []) + (_cluster_node_dirs(_resolve(base)) if base else [])
        nodes = [n for n in (KafkaNode.load(d) for d in dirs) if n is not None]
    stop_nodes(nodes, remove_data=args.remove_data)
    print(f"kafka stopped ({len(nodes)} node dirs checked)")


def _cluster_or_fail(base_dir: str) -> ClusterHandle:
    cluster = attach_cluster(base_dir)
    if cluster is None:
        raise KafkaError(f"no cluster under {_resolve(base_dir)}; run start-cluster first")
    return cluster


def _cmd_stop_node(args: argparse.Namespace) -> None:
    _cluster_or_fail(args.base_dir).stop_node(args.node_id, kill=args.kill)
    print(f"node {args.node_id} stopped")


def _cmd_start_node(args: argparse.Namespace) -> None:
    _cluster_or_fail(args.base_dir).start_node(args.node_id)
    print(f"node {args.node_id} started")


def _cmd_create_topics(args: argparse.Namespace) -> None:
    bootstrap = args.bootstrap or _default_bootstrap()
    created = create_topics(
        bootstrap,
        topics=args.topic or None,
        partitions=args.partitions,
        replication=args.replication,
    )
    print(f"topics created: {', '.join(created) or '(all existed)'}")


def _cmd_status(args: argparse.Namespace) -> None:
    external = settings().external_bootstrap
    if external:
        print(f"external (KAFKA_BOOTSTRAP_SERVERS): {external}")
    single = KafkaNode.load(_resolve(args.data_dir))
    clustered = attach_cluster(args.base_dir)
    nodes = [("single", single)] if single else []
    nodes += [("cluster", n) for n in (clustered.nodes.values() if clustered else [])]
    if not nodes:
        print("no local Kafka has been started")
    for kind, node in nodes:
        pid = node.running_pid()
        state = f"running pid {pid}" if pid else "stopped"
        print(f"{kind} node {node.node_id} {node.address} {state} ({node.data_dir})")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deploy.kafka.cluster", description=__doc__)
    parser.add_argument("--data-dir", help=f"single-node data dir (default {DEFAULT_SINGLE_DIR})")
    parser.add_argument("--base-dir", help=f"cluster base dir (default {DEFAULT_CLUSTER_DIR})")
    sub = parser.add_subparsers(dest="command", required=True)

    start = sub.add_parser("start", help="start (or keep) the single local broker")
    start.add_argument("--port", type=int, default=None, help="default 9092 (or the recorded port)")
    start.add_argument("--any-port", action="store_true", help="use a free port if --port is busy")
    start.add_argument("--fresh", action="store_true", help="wipe the data dir first")
    start.add_argument("--no-topics", dest="topics", action="store_false")
    start.add_argument("--partitions", type=int, default=DEFAULT_PARTITIONS)
    start.set_defaults(func=_cmd_start)

    cluster = sub.add_parser("start-cluster", help="start a multi-node local cluster")
    cluster.add_argument("--nodes", type=int, default=3)
    cluster.add_argument("--fresh", action="store_true", help="wipe the cluster dirs first")
    cluster.set_defaults(func=_cmd_start_cluster)

    stop = sub.add_parser("stop", help="stop the single broker and the cluster started from the data dirs")
    stop.add_argument("--remove-data", action="store_true")
    stop.add_argument("--all", action="store_true", help="every node dir under var/ (benches, test leftovers)")
    stop.set_defaults(func=_cmd_stop)

    stop_node = sub.add_parser("stop-node", help="stop one cluster node")
    stop_node.add_argument("node_id", type=int)
    stop_node.add_argument("--kill", action="store_true", help="SIGKILL instead of SIGTERM")
    stop_node.set_defaults(func=_cmd_stop_node)

    start_node = sub.add_parser("start-node", help="restart one cluster node")
    start_node.add_argument("node_id", type=int)
    start_node.set_defaults(func=_cmd_start_node)

    topics = sub.add_parser("create-topics", help="create the service topics (idempotent)")
    topics.add_argument("--bootstrap", help="default: env or the running local broker")
    topics.add_argument("--partitions", type=int, default=DEFAULT_PARTITIONS)
    topics.add_argument("--replication", type=int, default=None)
    topics.add_argument("--topic", action="append", help="explicit topic name (repeatable)")
    topics.set_defaults(func=_cmd_create_topics)

    jars = sub.add_parser("ensure-jars", help="resolve the Kafka jars with Maven if missing")
    jars.set_defaults(func=lambda _args: print(f"kafka jars in {ensure_jars()}"))

    status = sub.add_parser("status", help="show local brokers")
    status.set_defaults(func=_cmd_status)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command != "stop":  # stop tells "not given" apart from the defaults
        args.data_dir = args.data_dir or DEFAULT_SINGLE_DIR
        args.base_dir = args.base_dir or DEFAULT_CLUSTER_DIR
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        args.func(args)
    except KafkaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
