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

The module is split along its seams: :mod:`deploy.k8s.layout` (the folders, the services' ports),
:mod:`deploy.k8s.policy` (what a schema cannot check), :mod:`deploy.k8s.derived` (the files ``write``
regenerates) and :mod:`deploy.k8s.vendoring` (the vendored schemas' names and their refresh); this
module renders, validates and is the CLI.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource

from deploy.k8s.derived import DERIVED, stale_derived
from deploy.k8s.layout import CRD_SCHEMAS, KUBERNETES_SCHEMAS, PRODUCTION, REPO, name_of
from deploy.k8s.policy import policy
from deploy.k8s.vendoring import crd_schema_name, vendor

KUSTOMIZE_MODULE = "sigs.k8s.io/kustomize/kustomize/v5"
KUSTOMIZE_VERSION = "v5.5.0"
INSTALL_HINT = f"scripts/bootstrap.sh builds it: go install {KUSTOMIZE_MODULE}@{KUSTOMIZE_VERSION}"


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


# -- schemas --------------------------------------------------------------------------------------
def _core_schema_name(kind: str, api_version: str) -> str:
    # apps/v1 -> apps-v1, networking.k8s.io/v1 -> networking-v1, v1 -> v1 (kubernetes-json-schema's names)
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return f"{kind.lower()}-{group_version}.json"


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
    crd = CRD_SCHEMAS / crd_schema_name(kind, api_version)
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


def check(path: Path = PRODUCTION) -> list[str]:
    objects = render(path)
    return validate(objects) + policy(objects)


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
