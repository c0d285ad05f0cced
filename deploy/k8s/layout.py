"""Where the cluster manifests live and what their checks share: the folders of ``deploy/k8s``, the
services' ports, and how a problem names an object."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BASE = HERE / "base"
PRODUCTION = HERE / "overlays" / "production"
MONITORING = HERE / "components" / "monitoring"
SPLIT = HERE / "components" / "split"
SCHEMAS = HERE / "schemas"
KUBERNETES_SCHEMAS = SCHEMAS / "kubernetes"
CRD_SCHEMAS = SCHEMAS / "crds"

SERVICE_PORTS = {"intake": 8101, "loans": 8102, "districts": 8103, "conferences": 8104, "reporting": 8105}


def name_of(obj: Mapping[str, Any]) -> str:
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
