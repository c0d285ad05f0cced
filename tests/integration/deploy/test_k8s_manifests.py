"""The cluster manifests (deploy/k8s): rendered by the pinned kustomize, every object validated
offline against the vendored Kubernetes 1.33 and Strimzi/CloudNativePG CRD schemas, the platform's
policy checked, and the settings they give read by the services' own settings classes. Production
runs each service split (components/split): a web Deployment behind its Service and a worker
Deployment on the same database that no Service selects; the base alone is the all-in-one shape.

A broken overlay (a probe removed or moved, a typo, a wrong type, a topic on one replica, a committed
Secret, the issuer on another address, a worker missing or on another database, a Service
selecting workers) is rendered through the same pipeline and each fault is caught. Also: nginx
accepts the front's configuration, the optional monitoring component validates and scrapes the
workers too, and the folders the services' image copies build every service.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from deploy.k8s.check import kustomize_binary, render, validate
from deploy.k8s.derived import REALM_FILE, WEB_CONF, production_realm, stale_derived
from deploy.k8s.layout import BASE, PRODUCTION, SERVICE_PORTS, SPLIT
from deploy.k8s.policy import expected_topics, pod_labels, policy, selects
from shared.lease import StoreLease
from shared.settings import OidcSettings

HERE = Path(__file__).resolve()
REPO = HERE.parents[3]


@pytest.fixture(scope="module")
def objects() -> list[dict[str, Any]]:
    kustomize_binary()  # says how to install it when absent (scripts/bootstrap.sh does)
    return render(PRODUCTION)


def of_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def test_the_production_overlay_renders_and_every_object_matches_its_schema(objects: list[dict[str, Any]]) -> None:
    kinds = {o["kind"] for o in objects}
    assert {"Deployment", "Service", "ConfigMap", "Ingress", "Kafka", "KafkaNodePool", "KafkaTopic", "Cluster"} <= kinds
    assert validate(objects) == []
    assert {o["metadata"].get("namespace") for o in objects if o["kind"] != "Namespace"} == {"tsunagu"}
    assert all(o["metadata"]["labels"]["app.kubernetes.io/part-of"] == "tsunagu" for o in objects)


def test_the_production_overlay_meets_the_platform_policy(objects: list[dict[str, Any]]) -> None:
    assert policy(objects) == []
    deployments = of_kind(objects, "Deployment")
    for service in [*SERVICE_PORTS, *(f"{s}-worker" for s in SERVICE_PORTS), "web"]:
        container = deployments[service]["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        assert deployments[service]["spec"]["replicas"] == 2
    assert not [o for o in objects if o["kind"] == "Secret"]
    topics = of_kind(objects, "KafkaTopic")
    assert sorted(t["spec"]["topicName"] for t in topics.values()) == sorted(expected_topics())
    assert {(t["spec"]["replicas"], t["spec"]["config"]["min.insync.replicas"]) for t in topics.values()} == {(3, 2)}
    (pool,) = of_kind(objects, "KafkaNodePool").values()
    assert pool["spec"]["replicas"] == 3 and "broker" in pool["spec"]["roles"]


def test_every_secret_value_comes_from_a_secret_on_the_cluster(objects: list[dict[str, Any]]) -> None:
    referenced = {
        e["valueFrom"]["secretKeyRef"]["name"]
        for d in of_kind(objects, "Deployment").values()
        for c in d["spec"]["template"]["spec"]["containers"]
        for e in c.get("env", [])
        if "secretKeyRef" in e.get("valueFrom", {})
    }
    # CloudNativePG makes <cluster>-app; the council makes keycloak-admin (README, "On a cluster").
    assert referenced == {f"{s}-db-app" for s in SERVICE_PORTS} | {"keycloak-db-app", "keycloak-admin"}
    rendered = json.dumps(objects)
    assert "tsunagu-demo" not in rendered and "tsunagu-development-secret" not in rendered


def container_env(objects: list[dict[str, Any]], deployment: str) -> dict[str, str]:
    """The environment Kubernetes would give the container: its ConfigMaps, then its env with
    secretKeyRef values as stand-ins and $(VAR) references expanded, as the kubelet does."""
    configs = of_kind(objects, "ConfigMap")
    (container,) = of_kind(objects, "Deployment")[deployment]["spec"]["template"]["spec"]["containers"]
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        env.update(configs[source["configMapRef"]["name"]]["data"])
    for entry in container.get("env", []):
        if "value" in entry:
            env[entry["name"]] = re.sub(r"\$\(([A-Za-z0-9_]+)\)", lambda m: env[m.group(1)], entry["value"])
        else:
            ref = entry["valueFrom"].get("secretKeyRef") or entry["valueFrom"]["configMapKeyRef"]
            env[entry["name"]] = f"{ref['name']}-{ref['key']}"
    return env


@pytest.mark.parametrize("process", ["web", "worker"])
@pytest.mark.parametrize("service", list(SERVICE_PORTS))
def test_each_service_reads_the_settings_its_deployment_gives(
    objects: list[dict[str, Any]], service: str, process: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The env names are the ones the service's config.py reads: its Settings class, fed the
    rendered environment of its web or its worker Deployment, does that process's work, listens on
    every address on its port, uses its own PostgreSQL (the same for both: the web's NOTIFY reaches
    the worker, and the relay's lease is shared: one relay per store), the Strimzi bootstrap and
    only OIDC tokens."""
    import importlib

    env = container_env(objects, service if process == "web" else f"{service}-worker")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = importlib.import_module(f"services.{service}.config").Settings()
    assert settings.process == process
    assert (settings.host, settings.port) == ("0.0.0.0", SERVICE_PORTS[service])
    assert settings.environment == "production" and settings.auth == "oidc" and settings.jwt_secret is None
    assert settings.kafka_bootstrap_servers == "tsunagu-kafka-bootstrap:9092"
    assert settings.database_url == (
        f"postgresql+psycopg://{service}-db-app-username:{service}-db-app-password@{service}-db-rw:5432/{service}"
    )
    topics = {t["spec"]["topicName"] for t in of_kind(objects, "KafkaTopic").values()}
    assert {settings.topic, settings.dead_letter_topic} <= topics  # what its relay and consumers write
    assert set(getattr(settings, "source_topics", [])) <= topics  # what reporting folds
    lease = StoreLease(create_engine(settings.database_url), f"relay:{service}")
    assert lease.shared  # every replica runs a relay; only the lease's holder publishes
    oidc = OidcSettings()
    assert oidc.issuer == "https://tsunagu.example.org/realms/tsunagu"
    assert oidc.jwks_uri == "http://keycloak:8080/realms/tsunagu/protocol/openid-connect/certs"


@pytest.mark.parametrize("service", list(SERVICE_PORTS))
def test_each_service_runs_split_into_a_web_and_a_worker_deployment(
    objects: list[dict[str, Any]], service: str
) -> None:
    """The production shape: <svc> serves HTTP (PROCESS=web) behind the Service and its PDB, and
    <svc>-worker (PROCESS=worker) runs the relay and the consumers with a PDB of its own; the
    Service's selector takes the web pods and not the worker's, and the two differ in nothing else."""
    deployments, services = of_kind(objects, "Deployment"), of_kind(objects, "Service")
    web, worker = deployments[service], deployments[f"{service}-worker"]
    web_env, worker_env = container_env(objects, service), container_env(objects, f"{service}-worker")
    assert web_env.pop(f"{service.upper()}_PROCESS") == "web"
    assert worker_env.pop(f"{service.upper()}_PROCESS") == "worker"
    assert web_env == worker_env  # one store, one configuration: the web's NOTIFY reaches the worker
    assert web["spec"]["replicas"] == worker["spec"]["replicas"] == 2
    web_labels = web["spec"]["template"]["metadata"]["labels"]
    worker_labels = worker["spec"]["template"]["metadata"]["labels"]
    assert (web_labels["app.kubernetes.io/name"], web_labels["app.kubernetes.io/component"]) == (service, "service")
    assert (worker_labels["app.kubernetes.io/name"], worker_labels["app.kubernetes.io/component"]) == (
        f"{service}-worker",
        "worker",
    )
    assert worker["metadata"]["labels"]["app.kubernetes.io/component"] == "worker"
    selector = services[service]["spec"]["selector"]
    assert selects(selector, web_labels) and selector.items() <= web_labels.items()
    assert not selects(selector, worker_labels)
    assert f"{service}-worker" not in services  # nothing routes to a worker
    budgets = of_kind(objects, "PodDisruptionBudget")
    assert budgets[f"{service}-worker"]["spec"]["minAvailable"] == 1
    assert selects(budgets[f"{service}-worker"]["spec"]["selector"], worker_labels)
    assert not selects(budgets[service]["spec"]["selector"], worker_labels)
    (web_container,) = web["spec"]["template"]["spec"]["containers"]
    (worker_container,) = worker["spec"]["template"]["spec"]["containers"]
    assert worker_container["image"] == web_container["image"] == "registry.example.org/tsunagu/services:0.1.0"
    assert worker_container["ports"] == [{"name": "http", "containerPort": SERVICE_PORTS[service]}]
    spread = worker["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert [c["labelSelector"]["matchLabels"]["app.kubernetes.io/name"] for c in spread] == [f"{service}-worker"]


def test_the_base_alone_is_the_all_in_one_shape() -> None:
    """Without components/split every service runs in one kind of pod (PROCESS unset: all), which
    the production policy refuses for want of workers."""
    objects = render(BASE)
    deployments = of_kind(objects, "Deployment")
    assert not [name for name in deployments if name.endswith("-worker")]
    for service in SERVICE_PORTS:
        assert f"{service.upper()}_PROCESS" not in container_env(objects, service)
    assert sorted(e for e in policy(objects) if "-worker: missing" in e) == sorted(
        f"Deployment/{s}-worker: missing; the relay, consumers and periodic tasks run in it" for s in SERVICE_PORTS
    )


def test_the_derived_realm_and_front_configuration_are_current_and_hold_no_demo_staff() -> None:
    assert stale_derived() == []
    realm = json.loads(REALM_FILE.read_text())
    assert realm == production_realm()
    assert "users" not in realm and "credentials" not in REALM_FILE.read_text()
    assert "tsunagu-cli" not in REALM_FILE.read_text()  # nothing refers to the client left out
    (web,) = realm["clients"]
    assert web["clientId"] == "tsunagu-web" and web["redirectUris"] == ["${TSUNAGU_PUBLIC_URL}/*"]
    conf = WEB_CONF.read_text()
    for service, port in SERVICE_PORTS.items():
        assert f"location /api/{service}/ {{\n      proxy_pass http://{service}:{port}/;" in conf
    assert "listen 8080;" in conf and "root /usr/share/nginx/html;" in conf


def test_the_ingress_routes_the_screens_the_api_and_sign_in(objects: list[dict[str, Any]]) -> None:
    (ingress,) = of_kind(objects, "Ingress").values()
    (rule,) = ingress["spec"]["rules"]
    routes = {p["path"]: p["backend"]["service"]["name"] for p in rule["http"]["paths"]}
    assert routes == {"/": "web", "/api/": "web", "/realms/": "keycloak", "/resources/": "keycloak"}


def test_the_images_run_as_the_users_the_pods_declare(objects: list[dict[str, Any]]) -> None:
    services_image = (REPO / "deploy/k8s/Containerfile").read_text()
    assert services_image.startswith("#") and "\nFROM python:3.11-slim\n" in services_image
    assert "\nUSER 10001:10001\n" in services_image
    deployments = of_kind(objects, "Deployment")
    for service in SERVICE_PORTS:
        assert deployments[service]["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == 10001
        assert (REPO / "services" / service / "__main__.py").exists()
    assert "\nUSER 101\n" in (REPO / "deploy/k8s/Containerfile.web").read_text()
    assert deployments["web"]["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == 101


BROKEN_OVERLAY = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - {base}
  - secret.yaml
components:
  - {split}
configMapGenerator:
  - name: tsunagu-platform
    behavior: merge
    literals:
      - TSUNAGU_OIDC_ISSUER=https://elsewhere.example.org/realms/tsunagu
patches:
  - target: {{kind: Deployment, name: loans}}
    patch: |-
      - op: remove
        path: /spec/template/spec/containers/0/readinessProbe
  - target: {{kind: Deployment, name: districts}}
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/livenessProbe/httpGet/path
        value: /ready
  - target: {{kind: Deployment, name: reporting}}
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/imagePullPolicyy
        value: Always
  - target: {{kind: KafkaTopic, name: intake-events}}
    patch: |-
      - op: replace
        path: /spec/replicas
        value: 1
  - target: {{kind: KafkaTopic, name: loans-events-dlq}}
    patch: |-
      - op: replace
        path: /spec/config/min.insync.replicas
        value: 1
  - target: {{kind: Cluster, name: conferences-db}}
    patch: |-
      - op: replace
        path: /spec/instances
        value: two
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: loans-worker
      spec:
        template:
          spec:
            containers:
              - name: loans
                env:
                  - name: LOANS_DATABASE_URL
                    value: postgresql+psycopg://$(PG_USER):$(PG_PASSWORD)@loans-db-rw:5432/loans_copy
  - target: {{kind: Service, name: conferences}}
    patch: |-
      - op: replace
        path: /spec/selector/app.kubernetes.io~1name
        value: conferences-worker
  - patch: |-
      $patch: delete
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: intake-worker
"""

COMMITTED_SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: keycloak-admin
stringData:
  username: admin
  password: changeme
"""


def test_a_broken_overlay_is_caught_fault_by_fault(tmp_path: Path) -> None:
    overlay = tmp_path / "broken"
    overlay.mkdir()
    # kustomize takes the base by a path relative to the overlay (the way a council's overlay does).
    relative = Path(*[".."] * len(overlay.resolve().parts[1:])) / BASE.resolve().relative_to("/")
    split = Path(*[".."] * len(overlay.resolve().parts[1:])) / SPLIT.resolve().relative_to("/")
    (overlay / "kustomization.yaml").write_text(BROKEN_OVERLAY.format(base=relative, split=split))
    (overlay / "secret.yaml").write_text(COMMITTED_SECRET)
    objects = render(overlay)
    schema_errors = "\n".join(validate(objects))
    policy_errors = "\n".join(policy(objects))
    assert "Deployment/reporting: spec.template.spec.containers.0: Additional properties" in schema_errors
    assert "'imagePullPolicyy' was unexpected" in schema_errors
    assert "Cluster/conferences-db: spec.instances: 'two' is not of type 'integer'" in schema_errors
    # A patch that names a service's Deployment takes its worker too (kustomize knows the worker by
    # the name it had before components/split's suffix): both are caught.
    for deployment in ("loans", "loans-worker"):
        assert f"Deployment/{deployment}: container loans has no readinessProbe" in policy_errors
    for deployment in ("districts", "districts-worker"):
        assert f"Deployment/{deployment}: livenessProbe is not GET /health" in policy_errors
    assert "KafkaTopic intake.events: replicas 1, not 3" in policy_errors
    assert "KafkaTopic loans.events.dlq: min.insync.replicas 1, not 2" in policy_errors
    assert "Secret/keycloak-admin: a Secret with committed values" in policy_errors
    assert (
        "Deployment/loans-worker: LOANS_DATABASE_URL is not its web Deployment's database "
        "(loans-db-rw:5432/loans_copy, not loans-db-rw:5432/loans): the web's NOTIFY would not reach it"
    ) in policy_errors
    assert "Deployment/intake-worker: missing; the relay, consumers and periodic tasks run in it" in policy_errors
    assert "Service/conferences: does not select the pods of Deployment/conferences" in policy_errors
    assert "Service/conferences: selects the worker pods of Deployment/conferences-worker" in policy_errors
    assert "TSUNAGU_OIDC_ISSUER=https://elsewhere.example.org/realms/tsunagu, not https://tsunagu.example.org" in (
        policy_errors
    )
    # The production overlay passes the same checks (test_the_production_overlay_*): each fault is
    # what made these fail.
    assert len(policy_errors.splitlines()) == 12, policy_errors


def test_a_service_on_its_own_sqlite_file_breaks_the_one_relay_per_store_rule(objects: list[dict[str, Any]]) -> None:
    broken = json.loads(json.dumps(objects))
    (deployment,) = [o for o in broken if o["kind"] == "Deployment" and o["metadata"]["name"] == "intake"]
    env = deployment["spec"]["template"]["spec"]["containers"][0]["env"]
    env[:] = [e for e in env if e["name"] != "INTAKE_DATABASE_URL"]
    (error,) = policy(broken)
    assert error.startswith("Deployment/intake: INTAKE_DATABASE_URL must name the service's PostgreSQL")


def _worker_on_another_tag(objects: list[dict[str, Any]]) -> None:
    worker = of_kind(objects, "Deployment")["reporting-worker"]
    worker["spec"]["template"]["spec"]["containers"][0]["image"] = "registry.example.org/tsunagu/services:0.0.9"


def _web_in_the_all_shape(objects: list[dict[str, Any]]) -> None:
    env = of_kind(objects, "Deployment")["loans"]["spec"]["template"]["spec"]["containers"][0]["env"]
    env[:] = [e for e in env if e["name"] != "LOANS_PROCESS"]


def _no_worker_replica(objects: list[dict[str, Any]]) -> None:
    of_kind(objects, "Deployment")["districts-worker"]["spec"]["replicas"] = 0


def _worker_without_its_budget(objects: list[dict[str, Any]]) -> None:
    objects[:] = [
        o for o in objects if not (o["kind"] == "PodDisruptionBudget" and o["metadata"]["name"] == "intake-worker")
    ]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            _worker_on_another_tag,
            "Deployment/reporting-worker: runs registry.example.org/tsunagu/services:0.0.9, its web Deployment "
            "runs registry.example.org/tsunagu/services:0.1.0; one release runs both",
        ),
        (_web_in_the_all_shape, "Deployment/loans: LOANS_PROCESS must be web"),
        (_no_worker_replica, "Deployment/districts-worker: no replica; the service's events would never be published"),
        (_worker_without_its_budget, "Deployment/intake-worker: no PodDisruptionBudget selects its pods"),
    ],
)
def test_a_split_fault_in_the_rendered_overlay_is_caught_alone(
    objects: list[dict[str, Any]], fault: Any, message: str
) -> None:
    broken = json.loads(json.dumps(objects))
    fault(broken)
    assert policy(broken) == [message]


def test_the_schemas_are_vendored_with_their_provenance() -> None:
    readme = textwrap.dedent((REPO / "deploy/k8s/schemas/README.md").read_text())
    assert "kubernetes-validate 1.37.0" in readme and "strimzi" in readme.lower() and "cloudnative-pg" in readme


def test_the_fronts_configuration_is_one_nginx_accepts(tmp_path: Path) -> None:
    """``nginx -t`` on the cluster's configuration, the Services' names pointed at loopback (they
    resolve only inside the cluster) and its runtime folder moved under tmp_path."""
    from deploy.web.local import ensure_installed

    nginx = ensure_installed()
    conf = re.sub(r"http://[a-z]+:(\d+)/", r"http://127.0.0.1:\1/", WEB_CONF.read_text())
    conf = conf.replace("/tmp/web", str(tmp_path))
    (tmp_path / "tmp").mkdir()
    (tmp_path / "nginx.conf").write_text(conf)
    result = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_monitoring_component_scrapes_the_services_and_loads_the_alert_rules(tmp_path: Path) -> None:
    """components/monitoring (for a cluster with the Prometheus operator) on the production overlay:
    valid against the operator's CRDs, job "tsunagu" as the rules expect, the rules of alerts.yml."""
    import yaml

    from deploy.k8s.derived import ALERTS_SOURCE
    from deploy.k8s.layout import MONITORING

    overlay = tmp_path / "monitored"
    overlay.mkdir()
    up = Path(*[".."] * len(overlay.resolve().parts[1:]))
    (overlay / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: tsunagu\n"
        f"resources:\n  - {up / PRODUCTION.resolve().relative_to('/')}\n"
        f"components:\n  - {up / MONITORING.resolve().relative_to('/')}\n"
    )
    objects = render(overlay)
    assert validate(objects) == [] and policy(objects) == []
    (monitor,) = of_kind(objects, "PodMonitor").values()
    (rule,) = of_kind(objects, "PrometheusRule").values()
    assert monitor["metadata"]["namespace"] == rule["metadata"]["namespace"] == "tsunagu"
    assert monitor["spec"]["jobLabel"] == "app.kubernetes.io/part-of"
    # The web pods and the worker pods, which alone run the relay and the consumers, all as job
    # "tsunagu" on their port "http"; the monitor selects nothing else (Kafka, Keycloak, the front).
    deployments = of_kind(objects, "Deployment")
    scraped = sorted(n for n, d in deployments.items() if selects(monitor["spec"]["selector"], pod_labels(d)))
    assert scraped == sorted([*SERVICE_PORTS, *(f"{s}-worker" for s in SERVICE_PORTS)])
    for name in scraped:
        assert pod_labels(deployments[name])["app.kubernetes.io/part-of"] == "tsunagu"  # the job
        (container,) = deployments[name]["spec"]["template"]["spec"]["containers"]
        assert "http" in {port["name"] for port in container["ports"]}
    assert rule["spec"] == yaml.safe_load(ALERTS_SOURCE.read_text())
    expressions = {r["expr"] for g in rule["spec"]["groups"] for r in g["rules"]}
    assert 'up{job="tsunagu"} == 0' in expressions
    # Every series the rules read is one the services export (shared/metrics.py), and no rule
    # narrows it to a job or a pod label the worker pods do not carry.
    from prometheus_client import REGISTRY

    import shared.metrics  # noqa: F401  (registers the series)

    families = list(REGISTRY.collect())
    exported = {m.name for m in families} | {f"{m.name}_total" for m in families if m.type == "counter"}
    read = {name for e in expressions for name in re.findall(r"\b(tsunagu_[a-z_]+)", e)}
    assert {"tsunagu_relay_backlog", "tsunagu_consumer_lag"} <= read and read <= exported, read - exported
    assert not [e for e in expressions if re.search(r"tsunagu_[a-z_]+\{", e)]
    # The selector of before the split (web pods only) leaves the workers unscraped: caught.
    monitor["spec"]["selector"] = {"matchLabels": {"app.kubernetes.io/component": "service"}}
    assert sorted(policy(objects)) == sorted(
        f"PodMonitor/tsunagu-services: does not scrape the pods of Deployment/{s}-worker" for s in SERVICE_PORTS
    )


def test_what_the_services_image_copies_is_enough_to_build_every_service(tmp_path: Path) -> None:
    """The folders the Containerfile COPYs, alone in a folder, build each service's app (migrated
    store, contracts, code lists, rules) and answer /health and /ready's database part: nothing the
    services need lives elsewhere in the repository."""
    copies = re.findall(r"^COPY (\S+) \./\S*$", (REPO / "deploy/k8s/Containerfile").read_text(), re.MULTILINE)
    assert {"shared", "services", "schemas"} <= set(copies)
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    for name in copies:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, app_dir / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, app_dir / name)
    probe = textwrap.dedent(
        """
        import importlib, os, sys
        from fastapi.testclient import TestClient
        from shared.contracts import EventContracts
        assert EventContracts.load().schemas, "no event contracts"  # reporting validates with them
        for service in sys.argv[1:]:
            module = importlib.import_module(f"services.{service}.bootstrap")
            assert module.__file__.startswith(os.getcwd() + "/services/"), module.__file__
            app, kit = module.build(kafka=False)
            with TestClient(app) as client:
                assert client.get("/health").status_code == 200, service
            print(service, "ok")
        """
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(app_dir),
        "TSUNAGU_VAR_DIR": str(tmp_path / "var"),
        "MPLCONFIGDIR": str(tmp_path / "mpl"),
    }
    result = subprocess.run(
        [sys.executable, "-c", probe, *SERVICE_PORTS],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == [w for s in SERVICE_PORTS for w in (s, "ok")]
