"""The services' OpenAPI documents, as the web client builds against them.

``frontend/openapi/<service>.json`` is what ``openapi-typescript`` turns into the client's types
(``npm run gen:api``), so a changed API changes the client's types and a client that no longer fits
fails ``tsc`` in the build. This tool writes those files from the services themselves (each app is
built without Kafka, on a throw-away SQLite folder) and checks that the committed ones are current::

    python -m tools.openapi write   # after changing an endpoint; then `npm run build` in frontend/
    python -m tools.openapi check   # what tests/unit/test_openapi_current.py asserts
"""

from __future__ import annotations

import importlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

SERVICES = ("intake", "loans", "districts", "conferences", "reporting")
FOLDER = Path(__file__).resolve().parents[1] / "frontend" / "openapi"


def document(service: str) -> dict[str, Any]:
    """The service's OpenAPI document as its running app serves it at ``/openapi.json``."""
    bootstrap = importlib.import_module(f"services.{service}.bootstrap")
    config = importlib.import_module(f"services.{service}.config")
    with tempfile.TemporaryDirectory() as var:
        app, kit = bootstrap.build(config.Settings(var_dir=Path(var)), kafka=False)
        try:
            spec: dict[str, Any] = app.openapi()
        finally:
            kit.close()
    return spec


def rendered(spec: dict[str, Any]) -> str:
    return json.dumps(spec, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def stale(folder: Path = FOLDER) -> list[str]:
    """The services whose committed document differs from what the service serves now."""
    return [
        s
        for s in SERVICES
        if not (folder / f"{s}.json").exists()
        or (folder / f"{s}.json").read_text(encoding="utf-8") != rendered(document(s))
    ]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["write"]:
        FOLDER.mkdir(parents=True, exist_ok=True)
        for service in SERVICES:
            (FOLDER / f"{service}.json").write_text(rendered(document(service)), encoding="utf-8")
        print(f"wrote {len(SERVICES)} documents to {FOLDER}; now run `npm run build` in frontend/")
        return 0
    if args == ["check"]:
        behind = stale()
        if behind:
            print(
                f"frontend/openapi is behind the services: {', '.join(behind)}; "
                "run `python -m tools.openapi write` and rebuild the client (npm run build in frontend/)",
                file=sys.stderr,
            )
            return 1
        print("frontend/openapi matches the services")
        return 0
    print("usage: python -m tools.openapi write|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
