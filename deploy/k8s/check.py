"""The cluster manifests (``deploy/k8s``): render them with kustomize and check them offline.

Nothing here talks to a cluster. :func:`render` runs the pinned kustomize (v5.5.0, the one that
``kubectl`` 1.32 embeds; ``scripts/bootstrap.sh`` builds it from the Go module proxy when absent)
and :func:`validate` checks every rendered object against the JSON Schemas vendored under
``deploy/k8s/schemas``: the Kubernetes 1.33 schemas (strict: an unknown field is an error, as the
API server's strict field validation makes it) and the CRDs of the operators the platform relies
on (Strimzi 1.2 for Kafka, CloudNativePG 1.30 for PostgreSQL, and the Prometheus operator's for the
optional ``components/monitoring``), converted from their
``openAPIV3Schema`` and made strict the same way. :func:`policy` checks what a schema cannot: the
probes, that no secret value is committed, the topics' durability, one relay per store, each
service split into a web and a worker Deployment on one database::

    python -m deploy.k8s.check                        # render overlays/production, validate, policy
    python -m deploy.k8s.check write                  # regenerate the files derived from the repo
    python -m deploy.k8s.check vendor --wheel kubernetes_validate-1.37.0-py3-none-any.whl \\
        --crd 040-Crd-kafka.yaml --crd 043-Crd-kafkatopic.yaml ...   # refresh the vendored schemas

Derived files (``write``): the front's nginx configuration is ``deploy/web/nginx.conf.template``
rendered for the cluster, and the realm is ``deploy/identity/tsunagu-realm.json`` without the demo
staff and the password-grant client, its redirects on the council's address (``TSUNAGU_PUBLIC_URL``,
a placeholder Keycloak fills in from its environment on import), and the PrometheusRule of
``components/monitoring`` is ``deploy/monitoring/alerts.yml``.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import yaml
from referencing import Registry, Resource

from deploy.kafka.launch import topic_names
from deploy.kafka.tooling import DEFAULT_PARTITIONS, DEFAULT_SERVICES
from deploy.web.local import render_config

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BASE = HERE / "base"
PRODUCTION = HERE / "overlays" / "production"
SCHEMAS = HERE / "schemas"
KUBERNETES_SCHEMAS = SCHEMAS / "kubernetes"
CRD_SCHEMAS = SCHEMAS / "crds"
KUBERNETES_VERSION = "v1.33.0"
KUSTOMIZE_MODULE = "sigs.k8s.io/kustomize/kustomize/v5"
KUSTOMIZE_VERSION = "v5.5.0"
INSTALL_HINT = f"scripts/bootstrap.sh builds it: go install {KUSTOMIZE_MODULE}@{KUSTOMIZE_VERSION}"

MONITORING = HERE / "components" / "monitoring"
SPLIT = HERE / "components" / "split"
ALERTS_SOURCE = REPO / "deploy" / "monitoring" / "alerts.yml"
ALERTS_FILE = MONITORING / "prometheusrule.yaml"
REALM_SOURCE = REPO / "deploy" / "identity" / "tsunagu-realm.json"
REALM_FILE = BASE / "identity" / "tsunagu-realm.json"
WEB_CONF = BASE / "web" / "nginx.conf"
WEB_CLIENT = "tsunagu-web"
PUBLIC_URL = "${TSUNAGU_PUBLIC_URL}"  # filled in by Keycloak from its environment when it imports the realm

THIRD_PARTY = {"keycloak"}  # Deployments of images Tsunagu does not build (probed on their own paths)
SERVICE_PORTS = {"intake": 8101, "loans": 8102, "districts": 8103, "conferences": 8104, "reporting": 8105}
# Kinds the manifests use; `vendor` copies their schemas (and the Secret's, for the policy's own test).
CORE_KINDS = (
    ("configmap", "v1"),
    ("deployment", "apps-v1"),
    ("ingress", "networking-v1"),
    ("namespace", "v1"),
    ("networkpolicy", "networking-v1"),
    ("poddisruptionbudget", "policy-v1"),
    ("secret", "v1"),
    ("service", "v1"),
    ("serviceaccount", "v1"),
)


class ManifestError(RuntimeError):
    """The manifests could not be rendered; the message says what to install or fix."""


# -- render ---------------------------------------------------------------------------------------
def _go_bin() -> Path:
    gopath = os.environ.get("GOPATH", "")
    go = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None)
    if not gopath and go:
        result = subprocess.run([go, "env", "GOPATH"], capture_output=True, text=True, check=False, timeout=30)
        gopath = result.stdout.strip()
    return Path(gopath or Path.home() / "go") / "bin"


def kustomize_binary() -> str:
    """``$KUSTOMIZE``, the bootstrap's ``$(go env GOPATH)/bin/kustomize``, or a ``kustomize`` on the PATH."""
    candidates = [os.environ.get("KUSTOMIZE", ""), str(_go_bin() / "kustomize")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("kustomize")
    if found:
        return found
    raise ManifestError(f"kustomize not found; {INSTALL_HINT}")


def render(path: Path = PRODUCTION) -> list[dict[str, Any]]:
    """``kustomize build path``: every object of the kustomization, in kustomize's order."""
    result = subprocess.run(
        [kustomize_binary(), "build", str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        raise ManifestError(f"kustomize build {path} failed: {result.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def name_of(obj: Mapping[str, Any]) -> str:
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"


# -- schemas --------------------------------------------------------------------------------------
def _core_schema_name(kind: str, api_version: str) -> str:
    # apps/v1 -> apps-v1, networking.k8s.io/v1 -> networking-v1, v1 -> v1 (kubernetes-json-schema's names)
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return f"{kind.lower()}-{group_version}.json"


def _crd_schema_name(kind: str, api_version: str) -> str:
    group, _, version = api_version.partition("/")
    return f"{kind.lower()}-{group}-{version}.json"


@cache
def _core_registry() -> Registry[Any]:
    definitions = json.loads((KUBERNETES_SCHEMAS / "_definitions.json").read_text())
    resource: Resource[Any] = Resource.from_contents(definitions)
    return resource @ Registry()


@cache
def validator_for(kind: str, api_version: str) -> jsonschema.protocols.Validator | None:
    """The vendored schema's validator for this kind, or ``None`` when none is vendored."""
    core = KUBERNETES_SCHEMAS / _core_schema_name(kind, api_version)
    if core.exists():
        return jsonschema.Draft202012Validator(json.loads(core.read_text()), registry=_core_registry())
    crd = CRD_SCHEMAS / _crd_schema_name(kind, api_version)
    if crd.exists():
        return jsonschema.Draft7Validator(json.loads(crd.read_text()))
    return None


def validate(objects: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every object against its vendored schema; an object of a kind without one is an error too."""
    errors: list[str] = []
    for obj in objects:
        validator = validator_for(str(obj.get("kind")), str(obj.get("apiVersion")))
        if validator is None:
            errors.append(f"{name_of(obj)}: no schema vendored for {obj.get('apiVersion')} {obj.get('kind')}")
            continue
        for error in sorted(validator.iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path]):
            where = ".".join(str(p) for p in error.absolute_path) or "(object)"
            errors.append(f"{name_of(obj)}: {where}: {error.message}")
    return errors


# -- policy ---------------------------------------------------------------------------------------
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


def check(path: Path = PRODUCTION) -> list[str]:
    objects = render(path)
    return validate(objects) + policy(objects)


# -- derived files --------------------------------------------------------------------------------
def production_realm(source: Path = REALM_SOURCE) -> dict[str, Any]:
    """The realm kept as code, for a council's cluster: no demo staff, no password-grant client,
    the web client's redirects on the council's own address."""
    realm: dict[str, Any] = json.loads(source.read_text())
    realm.pop("users", None)
    realm["clients"] = [c for c in realm["clients"] if not c.get("directAccessGrantsEnabled")]
    for client in realm["clients"]:
        if client["clientId"] == WEB_CLIENT:
            client["redirectUris"] = [f"{PUBLIC_URL}/*"]
            client["webOrigins"] = [PUBLIC_URL]
            client.setdefault("attributes", {})["post.logout.redirect.uris"] = f"{PUBLIC_URL}/*"
    return realm


def realm_text() -> str:
    return json.dumps(production_realm(), ensure_ascii=False, indent=2) + "\n"


def web_conf_text() -> str:
    """``deploy/web/nginx.conf.template`` for the cluster: the services by their Service names, the
    issuer on the request's own host (the Ingress sends /realms/ to Keycloak), logs to the streams."""
    header = "# Generated by `python -m deploy.k8s.check write` from deploy/web/nginx.conf.template; do not edit.\n"
    return header + render_config(
        Path("/tmp/web"),
        8080,
        {name: f"http://{name}:{port}" for name, port in SERVICE_PORTS.items()},
        "https://$host/realms/tsunagu",
        dist=Path("/usr/share/nginx/html"),
        listen="8080",
        error_log="/dev/stderr",
        access_log="/dev/stdout",
    )


def alerts_text() -> str:
    """``deploy/monitoring/alerts.yml`` as the Prometheus operator's PrometheusRule."""
    rule = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "tsunagu"},
        "spec": yaml.safe_load(ALERTS_SOURCE.read_text()),
    }
    header = "# Generated by `python -m deploy.k8s.check write` from deploy/monitoring/alerts.yml; do not edit.\n"
    return header + yaml.safe_dump(rule, sort_keys=False, allow_unicode=True, width=10_000)


DERIVED = {REALM_FILE: realm_text, WEB_CONF: web_conf_text, ALERTS_FILE: alerts_text}


def stale_derived() -> list[Path]:
    return [path for path, text in DERIVED.items() if not path.exists() or path.read_text() != text()]


# -- vendoring ------------------------------------------------------------------------------------
def _strict(node: Any) -> Any:
    """An ``openAPIV3Schema`` as JSON Schema: int-or-string and nullable spelled out, and objects
    with declared properties closed (unless they keep unknown fields), as strict validation does."""
    if isinstance(node, list):
        return [_strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strict(v) for k, v in node.items() if not k.startswith("x-kubernetes-") and k != "nullable"}
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    if (
        out.get("type") == "object"
        and "properties" in out
        and "additionalProperties" not in out
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


def crd_schemas(crd: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """One JSON Schema per served version of a CRD, named ``<kind>-<group>-<version>.json``."""
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    for version in crd["spec"]["versions"]:
        if not version.get("served"):
            continue
        schema = _strict(copy.deepcopy(version["schema"]["openAPIV3Schema"]))
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        props = schema.setdefault("properties", {})
        props["apiVersion"] = {"enum": [f"{group}/{version['name']}"]}
        props["kind"] = {"enum": [kind]}
        props["metadata"] = {"type": "object"}
        schema["required"] = sorted({"apiVersion", "kind", "metadata", *schema.get("required", [])})
        schema["additionalProperties"] = False
        yield _crd_schema_name(kind, f"{group}/{version['name']}"), schema


def vendor(wheel: Path | None, crds: Sequence[Path]) -> list[Path]:
    written: list[Path] = []
    if wheel is not None:
        KUBERNETES_SCHEMAS.mkdir(parents=True, exist_ok=True)
        prefix = f"kubernetes_validate/kubernetes-json-schema/{KUBERNETES_VERSION}-local-strict/"
        with zipfile.ZipFile(wheel) as archive:
            names = ["_definitions.json", *(f"{kind}-{gv}.json" for kind, gv in CORE_KINDS)]
            for name in names:
                target = KUBERNETES_SCHEMAS / name
                target.write_bytes(archive.read(prefix + name))
                written.append(target)
    for crd_file in crds:
        CRD_SCHEMAS.mkdir(parents=True, exist_ok=True)
        for doc in yaml.safe_load_all(crd_file.read_text()):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            for name, schema in crd_schemas(doc):
                target = CRD_SCHEMAS / name
                target.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
                written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.k8s.check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("check", help="render an overlay, validate and check the policy (the default)")
    run.add_argument("path", nargs="?", type=Path, default=PRODUCTION)
    sub.add_parser("write", help="regenerate the derived realm and nginx configuration")
    vend = sub.add_parser("vendor", help="refresh the vendored schemas")
    vend.add_argument("--wheel", type=Path, help="kubernetes-validate's wheel (its Kubernetes JSON Schemas)")
    vend.add_argument("--crd", type=Path, action="append", default=[], help="a CRD's YAML file (repeatable)")
    args = parser.parse_args(argv)
    if args.command == "write":
        for path, text in DERIVED.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text())
            print(f"wrote {path.relative_to(REPO)}")
        return 0
    if args.command == "vendor":
        for path in vendor(args.wheel, args.crd):
            print(f"wrote {path.relative_to(REPO)}")
        return 0
    path = Path(getattr(args, "path", PRODUCTION)).resolve()
    stale = stale_derived()
    problems = [f"{p.relative_to(REPO)} is stale: python -m deploy.k8s.check write" for p in stale]
    try:
        problems += check(path)
    except ManifestError as exc:
        print(exc, file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    print(f"{path.relative_to(REPO)}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
