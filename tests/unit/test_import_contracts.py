"""The import contracts hold: no service imports another, the kit imports no service, domains stay pure.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``); import-linter follows every
import, indirect ones too. This test runs them on the repository, then runs the *same* contracts
on a miniature of the repository, first with only the imports the platform allows (every contract
kept: none is too broad) and then with one forbidden import added at a time (the contract it
breaks, and only that one, fails: none is misspelt or silently empty).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = REPO / "pyproject.toml"
CONTRACTS = {c["id"]: c for c in tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]}
SERVICE_NAMES = ("intake", "loans", "districts", "conferences", "reporting")


def lint_imports(cwd: Path) -> tuple[dict[str, str], str]:
    """Run ``lint-imports`` in ``cwd`` (its pyproject.toml, its packages); each contract's verdict and the report."""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--no-cache",
            "--no-logo",
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        # Wide, so that each verdict stays on the line of its contract's name.
        env={**os.environ, "COLUMNS": "1000", "PYTHONPATH": str(cwd)},
    )
    by_name = {c["name"]: contract_id for contract_id, c in CONTRACTS.items()}
    verdicts = {}
    for line in run.stdout.splitlines():
        name, _, verdict = line.rpartition(" ")
        if name in by_name and verdict in ("KEPT", "BROKEN"):
            verdicts[by_name[name]] = verdict
    assert verdicts.keys() == CONTRACTS.keys(), f"not every contract was checked:\n{run.stdout}{run.stderr}"
    assert (run.returncode == 0) == ("BROKEN" not in verdicts.values()), run.stdout
    return verdicts, run.stdout


def test_every_import_contract_of_the_repository_is_kept() -> None:
    verdicts, report = lint_imports(REPO)
    assert set(verdicts.values()) == {"KEPT"}, report[report.find("Broken contracts") :]
    assert f"{len(CONTRACTS)} kept, 0 broken" in report


def test_every_service_is_in_the_independence_contract_and_has_a_domain() -> None:
    services = sorted(p.name for p in (REPO / "services").iterdir() if (p / "__init__.py").is_file())
    assert services == sorted(SERVICE_NAMES), "a new service belongs in the independence contract"
    assert sorted(CONTRACTS["services-independent"]["modules"]) == sorted(f"services.{s}" for s in services)
    assert all((REPO / "services" / s / "domain" / "__init__.py").is_file() for s in services)
    assert {"services.*.domain", "services.*.domain.**"} <= set(CONTRACTS["pure-domain"]["source_modules"])


# A miniature of the repository with the imports it may have: a service's handlers run its domain
# through the kit's command pipeline and unit of work, its routes use the kit's HTTP edge and its
# consumers Kafka, the referral desk does I/O, the repo's tools and deploy scripts import services.
PURE_KIT = ("domain", "events", "errors", "checks", "dates", "consent", "text", "areas")
REFERRALS = ("codes", "commands", "conditions", "events", "model", "rules", "view")
ALLOWED = {
    "shared/__init__.py": "",
    **{f"shared/{m}.py": "import pydantic\n" for m in PURE_KIT},
    "shared/reference/__init__.py": "import yaml\n",
    "shared/uow.py": "import sqlalchemy\nfrom shared import events\n",
    "shared/commands.py": "from shared import domain, uow\n",
    "shared/web.py": "import fastapi\nfrom shared import commands\n",
    "shared/registry/__init__.py": "",
    "shared/registry/events.py": "from shared import events\n",
    "shared/registry/commands.py": "from shared.domain import Command\n",
    "shared/registry/model.py": "from shared.registry import commands, events\nfrom shared import checks, dates\n",
    "shared/referrals/__init__.py": "from shared.referrals import model, rules, view\n",
    **{f"shared/referrals/{m}.py": "from shared import errors, reference\n" for m in REFERRALS},
    "shared/referrals/desk.py": "import fastapi\nimport sqlalchemy\nfrom shared.referrals import model\n",
    "services/__init__.py": "",
    **{
        path: text
        for s in SERVICE_NAMES
        for path, text in {
            f"services/{s}/__init__.py": "",
            f"services/{s}/domain/__init__.py": "",
            f"services/{s}/domain/commands.py": "from shared.domain import Command\n",
            f"services/{s}/domain/events.py": "from shared import events\n",
            f"services/{s}/domain/model.py": (
                "from shared.registry import model\nfrom shared import consent\nimport shared.referrals\n"
            ),
            f"services/{s}/handlers.py": f"from services.{s}.domain import model\nfrom shared import commands\n",
            f"services/{s}/api.py": f"from services.{s} import handlers\nfrom shared import web\n",
            f"services/{s}/consumers.py": f"import kafka\nfrom services.{s} import handlers\n",
        }.items()
    },
    "tools/__init__.py": "",
    "tools/catalogue.py": "".join(f"from services.{s}.domain import events\n" for s in SERVICE_NAMES),
    "deploy/__init__.py": "",
    "deploy/run.py": "".join(f"from services.{s} import api\n" for s in SERVICE_NAMES),
    "bench/__init__.py": "",
    "bench/backbone.py": "from shared import uow\nimport kafka\n",
}

# case: (file, the line added to it, the contracts it breaks)
VIOLATIONS = {
    "a service imports another": (
        "services/loans/handlers.py",
        "from services.intake.domain import model",
        {"services-independent"},
    ),
    "a service reaches another through the catalogue": (
        "services/reporting/handlers.py",
        "from tools import catalogue",
        {"services-independent", "tools-stay-outside"},
    ),
    "a service imports the deploy scripts": (
        "services/districts/api.py",
        "from deploy import run",
        {"services-independent", "tools-stay-outside"},
    ),
    "the kit imports a benchmark": ("shared/uow.py", "import bench", {"tools-stay-outside"}),
    "the kit imports a service": (
        "shared/web.py",
        "from services.reporting import handlers",
        {"kit-knows-no-department", "services-independent"},
    ),
    "a domain imports sqlalchemy": ("services/districts/domain/model.py", "import sqlalchemy", {"pure-domain"}),
    "a domain imports kafka": ("services/conferences/domain/events.py", "from kafka import admin", {"pure-domain"}),
    "a domain imports the command pipeline": (
        "services/loans/domain/commands.py",
        "from shared.commands import execute",
        {"pure-domain"},
    ),
    "the registry reaches sqlalchemy through the unit of work": (
        "shared/registry/events.py",
        "from shared.uow import UnitOfWork",
        {"pure-domain"},
    ),
    "the referral rules import fastapi": ("shared/referrals/rules.py", "import fastapi", {"pure-domain"}),
    "the referrals package imports its desk": (
        "shared/referrals/__init__.py",
        "from shared.referrals import desk",
        {"pure-domain"},
    ),
}


def miniature(root: Path, violation: tuple[str, str] | None = None) -> Path:
    for path, text in ALLOWED.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    if violation:
        path, line = violation
        (root / path).write_text((root / path).read_text() + line + "\n")
    (root / "pyproject.toml").write_text(PYPROJECT.read_text())
    return root


def test_the_miniature_with_only_allowed_imports_keeps_every_contract(tmp_path: Path) -> None:
    verdicts, report = lint_imports(miniature(tmp_path))
    assert set(verdicts.values()) == {"KEPT"}, report


@pytest.mark.parametrize("case", sorted(VIOLATIONS))
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, case: str) -> None:
    path, line, broken = VIOLATIONS[case]
    verdicts, report = lint_imports(miniature(tmp_path, (path, line)))
    assert {c for c, v in verdicts.items() if v == "BROKEN"} == broken, report
    # The module with the added line starts a chain of its own (not only a link in another's).
    importer = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    assert re.search(rf"^-\s+{re.escape(importer)} -> ", report, re.MULTILINE), report


# --- a module's private names stay its own ---------------------------------------------------------

PROJECT_PACKAGES = ("services", "shared", "deploy", "bench", "tools")


def private_imports(source: str) -> list[str]:
    """The ``from <project module> import _name`` lines of ``source``: a name with a leading
    underscore is its module's own; another module that needs it gets a public name instead."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PROJECT_PACKAGES:
            found += [
                f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_") and a.name != "__version__"
            ]
    return found


def test_no_module_imports_another_modules_private_name() -> None:
    offenders = {
        str(path.relative_to(REPO)): names
        for package in PROJECT_PACKAGES
        for path in sorted((REPO / package).rglob("*.py"))
        if (names := private_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, f"give these a public name in their module: {offenders}"


def test_the_private_import_check_finds_one_and_passes_a_public_one() -> None:
    assert private_imports("from services.reporting.rebuild import Replayer, _Writer\n") == [
        "services.reporting.rebuild._Writer"
    ]
    assert private_imports("from collections import _chain\nfrom shared.errors import REASONS\n") == []
