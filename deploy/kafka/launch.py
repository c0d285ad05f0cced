"""Start a single broker or a 3-node cluster, create the topics, attach to what runs, stop it all."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from deploy.kafka.nodes import (
    ClusterHandle,
    KafkaHandle,
    KafkaNode,
    admin_client,
    format_storage,
    prepare_dir,
    server_properties,
    stop_hint,
    wait_ready,
)
from deploy.kafka.tooling import (
    DEFAULT_CLUSTER_DIR,
    DEFAULT_HEAP,
    DEFAULT_PARTITIONS,
    DEFAULT_SERVICES,
    DEFAULT_SINGLE_DIR,
    TOPIC_ALREADY_EXISTS,
    KafkaError,
    ensure_jars,
    free_ports,
    log,
    port_is_free,
    random_cluster_id,
    resolve_path,
    settings,
)

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
    root = resolve_path(data_dir)
    node = None if fresh else KafkaNode.load(root, heap)
    if node is not None and port not in (None, node.port):
        raise KafkaError(f"{root} was formatted for port {node.port}; use fresh=True to change it")
    if node is not None and node.running_pid() is not None:
        # Keeping data means keeping the broker: attach to the one already serving it.
        wait_ready([node], [node.node_id], timeout)
        return KafkaHandle(node.address, node)
    if node is None:
        _ensure_not_running(root, replace=fresh)
        prepare_dir(root, fresh=True)
        broker_port, controller_port = (port, free_ports(1)[0]) if port else free_ports(2)
        if not port_is_free(broker_port):
            raise KafkaError(f"port {broker_port} is already in use")
        node = KafkaNode(1, broker_port, controller_port, root, heap)
        quorum = f"controller.quorum.bootstrap.servers=127.0.0.1:{controller_port}"
        node.props_file.write_text(server_properties(node, quorum, replication=1))
        cluster_id = random_cluster_id()
        format_storage([node], cluster_id, standalone=True)
        node.save_state(cluster_id)
    node.launch()
    try:
        wait_ready([node], [node.node_id], timeout)
    except BaseException:
        node.stop(kill=True)
        raise
    return KafkaHandle(node.address, node)


def _ensure_not_running(root: Path, *, replace: bool) -> None:
    """Refuse to clobber a live node, unless its data is being wiped anyway (``fresh``).

    A leftover broker in a ``fresh`` directory is what an interrupted test run leaves
    behind, so it is killed rather than failing every later run.
    """
    node = KafkaNode.load(root)
    if node is None or (pid := node.running_pid()) is None:
        return
    if not replace:
        raise KafkaError(f"a Kafka node from {root} is already running (pid {pid}); {stop_hint(root)}")
    log.warning("killing leftover Kafka node (pid %s) in %s", pid, root)
    node.stop(kill=True)


def cluster_node_dirs(base: Path) -> list[Path]:
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
    base = resolve_path(base_dir)
    for d in cluster_node_dirs(base):
        _ensure_not_running(d, replace=fresh)
    loaded = [] if fresh else [KafkaNode.load(d, heap) for d in cluster_node_dirs(base)]
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
    prepare_dir(base, fresh=True)
    ports = free_ports(2 * n)
    nodes = []
    for i in range(1, n + 1):
        data_dir = base / f"node-{i}"
        data_dir.mkdir()
        nodes.append(KafkaNode(i, ports[2 * i - 2], ports[2 * i - 1], data_dir, heap))
    voters = ",".join(f"{node.node_id}@127.0.0.1:{node.controller_port}" for node in nodes)
    for node in nodes:
        quorum = f"controller.quorum.voters={voters}"
        node.props_file.write_text(server_properties(node, quorum, replication=min(3, n)))
    cluster_id = random_cluster_id()
    format_storage(nodes, cluster_id, standalone=False)
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
    node = KafkaNode.load(resolve_path(data_dir))
    if node is None or node.running_pid() is None:
        return None
    return KafkaHandle(node.address, node)


def attach_cluster(base_dir: str | Path = DEFAULT_CLUSTER_DIR) -> ClusterHandle | None:
    """Handle for a cluster formatted under ``base_dir`` (running or not), if any."""
    base = resolve_path(base_dir)
    nodes = [KafkaNode.load(d) for d in cluster_node_dirs(base)]
    present = [n for n in nodes if n is not None]
    return ClusterHandle(present, base) if present else None


def default_bootstrap() -> str:
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
