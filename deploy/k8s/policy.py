"""The platform's policy on the rendered manifests: what a schema cannot check (the probes, no
committed secret, the topics' durability, one relay per store, each service split into a web and a
worker Deployment on one database, the names the operators derive)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from deploy.k8s.layout import SERVICE_PORTS, name_of
from deploy.kafka.launch import topic_names
from deploy.kafka.tooling import DEFAULT_PARTITIONS, DEFAULT_SERVICES

THIRD_PARTY = {"keycloak"}  # Deployments of images Tsunagu does not build (probed on their own paths)


def _containers(obj: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(obj["spec"]["template"]["spec"].get("containers", []))


def _env(container: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container.get("env", [])}


def _probe_path(container: Mapping[str, Any], probe: str) -> str | None:
    http = (container.get(probe) or {}).get("httpGet") or {}
    return http.get("path")


def service_database_url(container: Mapping[str, Any], service: str) -> str | None:
    """The service's ``<SERVICE>_DATABASE_URL`` with the ``$(VAR)`` references Kubernetes expands
    filled with stand-ins, so that it parses as the service would read it."""
    env = _env(container)
    entry = env.get(f"{service.upper()}_DATABASE_URL")
    if entry is None or "value" not in entry:
        return None
    return re.sub(r"\$\(([A-Z0-9_]+)\)", lambda m: m.group(1).lower().replace("_", "-"), str(entry["value"]))


def policy(objects: Sequence[Mapping[str, Any]]) -> list[str]:
    """What the platform needs of its manifests beyond their schemas (each rule says why)."""
    errors: list[str] = []
    by_kind: dict[str, list[Mapping[str, Any]]] = {}
    for obj in objects:
        by_kind.setdefault(str(obj.get("kind")), []).append(obj)
    deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}

    # No secret value in the repository: Secrets are created on the cluster (README, "On a cluster")
    # or by the operators (CloudNativePG's <cluster>-app), and referenced by name.
    for secret in by_kind.get("Secret", []):
        if secret.get("data") or secret.get("stringData"):
            errors.append(f"{name_of(secret)}: a Secret with committed values; create it on the cluster instead")
    for deployment in deployments.values():
        for container in _containers(deployment):
            for entry in container.get("env", []):
                name = entry["name"]
                if re.search(r"PASSWORD|SECRET|TOKEN", name) and "valueFrom" not in entry:
                    errors.append(f"{name_of(deployment)}: {name} has a literal value; reference a Secret")
            # Every container is probed: the cluster routes only to a ready one and restarts a dead one;
            # Tsunagu's own (the services, the front) on /ready and /health, Keycloak on its own paths.
            for probe, path in (("readinessProbe", "/ready"), ("livenessProbe", "/health")):
                if not container.get(probe):
                    errors.append(f"{name_of(deployment)}: container {container['name']} has no {probe}")
                elif deployment["metadata"]["name"] not in THIRD_PARTY and _probe_path(container, probe) != path:
                    errors.append(f"{name_of(deployment)}: {probe} is not GET {path}")

    for service, port in SERVICE_PORTS.items():
        # The production shape is split (components/split): a web Deployment <svc> serving HTTP,
        # scaled with staff's requests, and a worker Deployment <svc>-worker running the relay, the
        # consumers and the periodic tasks, scaled with the topics' partitions.
        web, worker = deployments.get(service), deployments.get(f"{service}-worker")
        if web is None:
            errors.append(f"Deployment/{service}: missing")
        if worker is None:
            errors.append(f"Deployment/{service}-worker: missing; the relay, consumers and periodic tasks run in it")
        if web is None or worker is None:
            continue
        # Web processes are stateless HTTP: two at least, so a rollout or a lost node keeps serving.
        if web["spec"].get("replicas", 1) < 2:
            errors.append(f"{name_of(web)}: {web['spec'].get('replicas', 1)} replica(s); a service runs 2 or more")
        # A worker at least: without one nothing is published and no event is consumed.
        if worker["spec"].get("replicas", 1) < 1:
            errors.append(f"{name_of(worker)}: no replica; the service's events would never be published")
        web_errors, web_container = _service_container(web, service, port, "web")
        worker_errors, worker_container = _service_container(worker, service, port, "worker")
        errors += web_errors + worker_errors
        if web_container is None or worker_container is None:
            continue
        # The web processes' NOTIFY wakes the worker's relay only on the same database, and the
        # worker publishes only what the web processes stored there.
        web_url = service_database_url(web_container, service)
        worker_url = service_database_url(worker_container, service)
        if web_url and worker_url and web_url != worker_url:
            errors.append(
                f"{name_of(worker)}: {service.upper()}_DATABASE_URL is not its web Deployment's database "
                f"({_database_of(worker_url)}, not {_database_of(web_url)}): the web's NOTIFY would not reach it"
            )
        # One release: a worker on another image would publish events its web processes do not write.
        if web_container.get("image") != worker_container.get("image"):
            errors.append(f"{name_of(worker)}: runs {worker_container.get('image')}, its web Deployment "
                          f"runs {web_container.get('image')}; one release runs both")  # fmt: skip
        errors += _routing(by_kind, service, web, worker)

    databases = [service_database_url(c, s) for s, d in deployments.items() if s in SERVICE_PORTS
                 for c in _containers(d) if c["name"] == s]  # fmt: skip
    hosts = [re.sub(r"^.*@([^/]+)/.*$", r"\1", u) for u in databases if u]
    if len(set(hosts)) != len(hosts):
        errors.append(f"services share a database server {hosts}: each service owns its store")

    # With the Prometheus operator (components/monitoring): every service pod is scraped, the
    # workers too, as they alone export the relay's and the consumers' series the alert rules read.
    for monitor in by_kind.get("PodMonitor", []):
        for name in (n for s in SERVICE_PORTS for n in (s, f"{s}-worker") if n in deployments):
            if not selects(monitor["spec"].get("selector", {}), pod_labels(deployments[name])):
                errors.append(f"{name_of(monitor)}: does not scrape the pods of Deployment/{name}")
    errors += _kafka_policy(by_kind)
    errors += _wiring(by_kind, deployments)
    return errors


def _service_container(
    deployment: Mapping[str, Any], service: str, port: int, process: str
) -> tuple[list[str], Mapping[str, Any] | None]:
    """The checks a service's container meets in its web and in its worker Deployment, and the container."""
    errors: list[str] = []
    found = [c for c in _containers(deployment) if c["name"] == service]
    if not found:
        return [f"{name_of(deployment)}: no container named {service}"], None
    container = found[0]
    if container.get("command") != ["python", "-m", f"services.{service}"]:
        errors.append(f"{name_of(deployment)}: runs {container.get('command')}, not python -m services.{service}")
    env = _env(container)
    prefix = service.upper()
    # Which of the service's work the process does (shared/settings.py, ServiceSettings.process).
    if env.get(f"{prefix}_PROCESS", {}).get("value") != process:
        errors.append(f"{name_of(deployment)}: {prefix}_PROCESS must be {process}")
    if env.get(f"{prefix}_HOST", {}).get("value") != "0.0.0.0":
        errors.append(f"{name_of(deployment)}: {prefix}_HOST must be 0.0.0.0 (the default is loopback)")
    # The worker answers /health, /ready and /metrics on the same port in its own pod.
    if env.get(f"{prefix}_PORT", {}).get("value") != str(port):
        errors.append(f"{name_of(deployment)}: {prefix}_PORT must be {port}")
    # One relay per store: every worker runs a relay and only the holder of the store's PostgreSQL
    # advisory lock publishes (shared/lease.py). The lease is shared only on PostgreSQL, so each
    # service's processes must share one PostgreSQL database of their own.
    url = service_database_url(container, service)
    if url is None or not url.startswith("postgresql+psycopg://"):
        errors.append(
            f"{name_of(deployment)}: {prefix}_DATABASE_URL must name the service's PostgreSQL "
            "(postgresql+psycopg://...): with replicas the relay's lease needs a shared store"
        )
    security = container.get("securityContext", {})
    pod_security = deployment["spec"]["template"]["spec"].get("securityContext", {})
    if not (security.get("runAsNonRoot") or pod_security.get("runAsNonRoot")):
        errors.append(f"{name_of(deployment)}: does not run as non-root")
    if not security.get("readOnlyRootFilesystem"):
        errors.append(f"{name_of(deployment)}: root filesystem is writable")
    if not container.get("resources", {}).get("requests") or not container.get("resources", {}).get("limits"):
        errors.append(f"{name_of(deployment)}: no resource requests and limits")
    return errors, container


def _database_of(url: str) -> str:
    return re.sub(r"^.*@", "", url)


def pod_labels(deployment: Mapping[str, Any]) -> dict[str, str]:
    return dict(deployment["spec"]["template"]["metadata"].get("labels", {}))


def selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """Whether a label selector takes pods with these labels: a Service's plain map, or a
    ``matchLabels``/``matchExpressions`` selector (PodDisruptionBudget, PodMonitor)."""
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        selector = {"matchLabels": selector}
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        matched = {
            "In": key in labels and labels[key] in values,
            "NotIn": labels.get(key) not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }.get(operator, False)
        if not matched:
            return False
    return True


def _routing(
    by_kind: Mapping[str, list[Mapping[str, Any]]],
    service: str,
    web: Mapping[str, Any],
    worker: Mapping[str, Any],
) -> list[str]:
    """The service's Service routes staff's HTTP to its web pods and never to a worker; each
    Deployment has a PodDisruptionBudget of its own, so a node drain keeps one pod of each."""
    errors: list[str] = []
    services = {s["metadata"]["name"]: s for s in by_kind.get("Service", [])}
    if service not in services:
        return [f"Service/{service}: missing"]
    selector = services[service]["spec"].get("selector", {})
    if not selector or not selects(selector, pod_labels(web)):
        errors.append(f"Service/{service}: does not select the pods of {name_of(web)}")
    for deployment in by_kind.get("Deployment", []):
        if deployment["metadata"]["name"].endswith("-worker") and selects(selector, pod_labels(deployment)):
            errors.append(f"Service/{service}: selects the worker pods of {name_of(deployment)}; HTTP goes to web pods")
    budgets = by_kind.get("PodDisruptionBudget", [])
    for deployment in (web, worker):
        if not any(selects(b["spec"].get("selector", {}), pod_labels(deployment)) for b in budgets):
            errors.append(f"{name_of(deployment)}: no PodDisruptionBudget selects its pods")
    return errors


def _wiring(by_kind: Mapping[str, list[Mapping[str, Any]]], deployments: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The names the operators derive line up: CloudNativePG's ``<cluster>-rw`` Service and
    ``<cluster>-app`` Secret, Strimzi's ``<kafka>-kafka-bootstrap`` Service."""
    errors: list[str] = []
    clusters = {c["metadata"]["name"] for c in by_kind.get("Cluster", [])}
    for deployment in deployments.values():
        for container in _containers(deployment):
            for entry in container.get("env", []):
                ref = entry.get("valueFrom", {}).get("secretKeyRef", {}).get("name", "")
                if ref.endswith("-app") and ref.removesuffix("-app") not in clusters:
                    errors.append(f"{name_of(deployment)}: {entry['name']} reads {ref}, no Cluster makes it")
                value = str(entry.get("value", ""))
                for host in re.findall(r"@([a-z0-9-]+)-rw[:/]", value):
                    if host not in clusters:
                        errors.append(f"{name_of(deployment)}: {entry['name']} names {host}-rw, no Cluster {host}")
    kafkas = by_kind.get("Kafka", [])
    bootstraps = {
        f"{k['metadata']['name']}-kafka-bootstrap:{listener['port']}"
        for k in kafkas
        for listener in k["spec"]["kafka"]["listeners"]
        if not listener.get("tls")
    }
    for config in by_kind.get("ConfigMap", []):
        servers = config.get("data", {}).get("KAFKA_BOOTSTRAP_SERVERS")
        if servers is not None and servers not in bootstraps:
            errors.append(f"{name_of(config)}: KAFKA_BOOTSTRAP_SERVERS={servers}; Kafka serves {sorted(bootstraps)}")
        # One address for the council: the Ingress's host, Keycloak's hostname, the tokens' issuer.
        public = config.get("data", {}).get("TSUNAGU_PUBLIC_URL")
        if public is None:
            continue
        issuer = config["data"].get("TSUNAGU_OIDC_ISSUER")
        if issuer != f"{public}/realms/tsunagu":
            errors.append(f"{name_of(config)}: TSUNAGU_OIDC_ISSUER={issuer}, not {public}/realms/tsunagu")
        host = urlsplit(public).hostname
        for ingress in by_kind.get("Ingress", []):
            hosts = {r.get("host") for r in ingress["spec"].get("rules", [])}
            hosts |= {h for t in ingress["spec"].get("tls", []) for h in t.get("hosts", [])}
            if hosts != {host}:
                errors.append(f"{name_of(ingress)}: serves {sorted(map(str, hosts))}, the platform's address is {host}")
    return errors


def expected_topics() -> list[str]:
    """The topics the services use: ``<service>.events`` and its dead letters, as deploy/kafka creates them."""
    return topic_names(DEFAULT_SERVICES)


def _kafka_policy(by_kind: Mapping[str, list[Mapping[str, Any]]]) -> list[str]:
    errors: list[str] = []
    pools = by_kind.get("KafkaNodePool", [])
    brokers = sum(p["spec"]["replicas"] for p in pools if "broker" in p["spec"].get("roles", []))
    if brokers < 3:
        errors.append(f"Kafka: {brokers} broker(s); topics of replication factor 3 need 3")
    for kafka in by_kind.get("Kafka", []):
        config = kafka["spec"]["kafka"].get("config", {})
        if int(config.get("min.insync.replicas", 1)) < 2:
            errors.append(f"{name_of(kafka)}: min.insync.replicas below 2")
        if str(config.get("auto.create.topics.enable", "true")).lower() != "false":
            errors.append(f"{name_of(kafka)}: auto.create.topics.enable must be false (topics are KafkaTopics)")
    topics = {t["spec"].get("topicName", t["metadata"]["name"]): t for t in by_kind.get("KafkaTopic", [])}
    missing = sorted(set(expected_topics()) - set(topics))
    if missing:
        errors.append(f"KafkaTopic: missing {missing}")
    for name, topic in topics.items():
        spec = topic["spec"]
        config = spec.get("config", {})
        if spec.get("replicas") != 3:
            errors.append(f"KafkaTopic {name}: replicas {spec.get('replicas')!r}, not 3")
        if str(config.get("min.insync.replicas")) != "2":
            errors.append(f"KafkaTopic {name}: min.insync.replicas {config.get('min.insync.replicas')!r}, not 2")
        if spec.get("partitions") != DEFAULT_PARTITIONS:
            errors.append(f"KafkaTopic {name}: {spec.get('partitions')} partitions, not {DEFAULT_PARTITIONS}")
        # Event topics are the system of record (deploy/kafka create_topics): never deleted.
        if str(config.get("retention.ms")) != "-1":
            errors.append(f"KafkaTopic {name}: retention.ms {config.get('retention.ms')}, not -1")
    return errors
