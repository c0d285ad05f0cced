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

The launcher is split along its seams: :mod:`.tooling` (paths, Maven jars, ports),
:mod:`.processes` (the JVMs as processes), :mod:`.nodes` (one node, readiness, handles, stopping)
and :mod:`.launch` (single broker, cluster, topics); this module is the CLI and re-exports them.

Relative data directories are resolved against the repository root, so the CLI and the
fixtures agree on where things live whatever the current directory is.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence

from deploy.kafka.launch import (
    attach_cluster,
    attach_single,
    cluster_node_dirs,
    create_topics,
    default_bootstrap,
    start_cluster,
    start_single,
    topic_names,
)
from deploy.kafka.nodes import (
    ClusterHandle,
    KafkaHandle,
    KafkaNode,
    admin_client,
    discover_nodes,
    stop_all_local,
    stop_nodes,
    wait_ready,
)
from deploy.kafka.processes import (
    terminate,
)
from deploy.kafka.tooling import (
    DEFAULT_CLUSTER_DIR,
    DEFAULT_HEAP,
    DEFAULT_PARTITIONS,
    DEFAULT_SERVICES,
    DEFAULT_SINGLE_DIR,
    INSTALL_HINT,
    KAFKA_DIR,
    LIB_DIR,
    LOG4J_CONFIG,
    MVN_COMMAND,
    REPO_ROOT,
    TOPIC_ALREADY_EXISTS,
    KafkaError,
    Settings,
    ensure_jars,
    free_ports,
    log,
    port_is_free,
    random_cluster_id,
    resolve_path,
    settings,
)

__all__ = [
    "DEFAULT_CLUSTER_DIR",
    "DEFAULT_HEAP",
    "DEFAULT_PARTITIONS",
    "DEFAULT_SERVICES",
    "DEFAULT_SINGLE_DIR",
    "INSTALL_HINT",
    "KAFKA_DIR",
    "LIB_DIR",
    "LOG4J_CONFIG",
    "MVN_COMMAND",
    "REPO_ROOT",
    "TOPIC_ALREADY_EXISTS",
    "ClusterHandle",
    "KafkaError",
    "KafkaHandle",
    "KafkaNode",
    "Settings",
    "admin_client",
    "attach_cluster",
    "attach_single",
    "create_topics",
    "discover_nodes",
    "ensure_jars",
    "free_ports",
    "log",
    "port_is_free",
    "random_cluster_id",
    "settings",
    "start_cluster",
    "start_single",
    "stop_all_local",
    "stop_nodes",
    "terminate",
    "topic_names",
    "wait_ready",
]


def _cmd_start(args: argparse.Namespace) -> None:
    running = None if settings().external_bootstrap else attach_single(args.data_dir)
    if running is not None:
        print(f"already running: {running.bootstrap_servers}")
        return
    port = args.port
    if port is None and (args.fresh or KafkaNode.load(resolve_path(args.data_dir)) is None):
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


def _cmd_stop(args: argparse.Namespace) -> None:
    if args.all:
        nodes = discover_nodes()  # also benches and test leftovers, possibly another session's
    else:
        # Only the directories named on the command line, or both defaults when none is.
        named = args.data_dir or args.base_dir
        single = args.data_dir or (None if named else DEFAULT_SINGLE_DIR)
        base = args.base_dir or (None if named else DEFAULT_CLUSTER_DIR)
        dirs = ([resolve_path(single)] if single else []) + (cluster_node_dirs(resolve_path(base)) if base else [])
        nodes = [n for n in (KafkaNode.load(d) for d in dirs) if n is not None]
    stop_nodes(nodes, remove_data=args.remove_data)
    print(f"kafka stopped ({len(nodes)} node dirs checked)")


def _cluster_or_fail(base_dir: str) -> ClusterHandle:
    cluster = attach_cluster(base_dir)
    if cluster is None:
        raise KafkaError(f"no cluster under {resolve_path(base_dir)}; run start-cluster first")
    return cluster


def _cmd_stop_node(args: argparse.Namespace) -> None:
    _cluster_or_fail(args.base_dir).stop_node(args.node_id, kill=args.kill)
    print(f"node {args.node_id} stopped")


def _cmd_start_node(args: argparse.Namespace) -> None:
    _cluster_or_fail(args.base_dir).start_node(args.node_id)
    print(f"node {args.node_id} started")


def _cmd_create_topics(args: argparse.Namespace) -> None:
    bootstrap = args.bootstrap or default_bootstrap()
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
    single = KafkaNode.load(resolve_path(args.data_dir))
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
