"""One KRaft node (config, storage format, start/stop), readiness checks, and handles on running brokers."""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import subprocess
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploy.kafka.processes import terminate
from deploy.kafka.tooling import (
    DEFAULT_HEAP,
    DEFAULT_PARTITIONS,
    LIB_DIR,
    LOG4J_CONFIG,
    KafkaError,
    port_open,
    require_tool,
    resolve_path,
)
from deploy.processes import alive, cmdline, signal_group, wait_gone

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
        if not alive(pid):
            return None
        cmd = cmdline(pid)
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
        java = require_tool("java")
        if (pid := self.running_pid()) is not None:
            raise KafkaError(
                f"a Kafka node from {self.data_dir} is already running (pid {pid}); {stop_hint(self.data_dir)}"
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
                signal_group(pid, signal.SIGKILL)
                wait_gone([pid], 5.0)
            else:
                terminate(pid, timeout)
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


def server_properties(node: KafkaNode, quorum: str, replication: int) -> str:
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


def format_storage(nodes: Sequence[KafkaNode], cluster_id: str, standalone: bool) -> None:
    """Run ``StorageTool format`` for every node (in parallel: each is a JVM launch)."""
    java = require_tool("java")
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


def prepare_dir(data_dir: Path, fresh: bool) -> None:
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
        if all(port_open(n.port) for n in nodes if n.node_id in wanted):
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


def stop_hint(data_dir: Path) -> str:
    return f"stop it with: python -m deploy.kafka.cluster --data-dir {data_dir} stop"


def discover_nodes(root: str | Path = "var") -> list[KafkaNode]:
    """Every node directory (holding ``node.json``) under ``root``, e.g. test leftovers."""
    base = resolve_path(root)
    found = (KafkaNode.load(p.parent) for p in sorted(base.glob("**/node.json")))
    return [node for node in found if node is not None]


def stop_nodes(
    nodes: Sequence[KafkaNode], *, remove_data: bool = False, kill: bool = False, timeout: float = 10.0
) -> None:
    """Stop nodes concurrently (signal all, then wait for each) and optionally delete their dirs."""
    sig = signal.SIGKILL if kill else signal.SIGTERM
    for node in nodes:
        if (pid := node.live_pid()) is not None:
            signal_group(pid, sig)
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
