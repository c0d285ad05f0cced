"""The vendored JSON Schemas (``deploy/k8s/schemas``): their file names, the Kubernetes schemas
copied from kubernetes-validate's wheel, and the CRDs' ``openAPIV3Schema`` made strict JSON Schema."""

from __future__ import annotations

import copy
import json
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from deploy.k8s.layout import CRD_SCHEMAS, KUBERNETES_SCHEMAS

KUBERNETES_VERSION = "v1.33.0"
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


def crd_schema_name(kind: str, api_version: str) -> str:
    """The vendored schema file of a custom resource: ``<kind>-<group>-<version>.json``."""
    group, _, version = api_version.partition("/")
    return f"{kind.lower()}-{group}-{version}.json"


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
        yield crd_schema_name(kind, f"{group}/{version['name']}"), schema


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
