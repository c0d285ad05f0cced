"""The import contracts hold: no service imports another, the kit imports no service, domains stay pure.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``); this test runs import-linter on
the repository, and shows on a throwaway tree that a broken contract does fail it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path, *args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(LINT_IMPORTS.parent), "PYTHONPATH": str(pythonpath or cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_every_import_contract_of_the_repository_is_kept() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_a_service_that_imports_another_breaks_the_build(tmp_path: Path) -> None:
    for package in ("services", "services/intake", "services/loans", "services/loans/domain", "shared"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "services/intake/registry.py").write_text("X = 1\n")
    (tmp_path / "services/loans/handlers.py").write_text("from services.intake.registry import X\n")
    (tmp_path / "services/loans/domain/model.py").write_text("import sqlalchemy\n")
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [tool.importlinter]
            root_packages = ["services", "shared"]
            include_external_packages = true

            [[tool.importlinter.contracts]]
            name = "independent"
            type = "independence"
            modules = ["services.intake", "services.loans"]

            [[tool.importlinter.contracts]]
            name = "pure"
            type = "forbidden"
            source_modules = ["services.loans.domain"]
            forbidden_modules = ["sqlalchemy"]
            """
        )
    )
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "independent BROKEN" in result.stdout and "pure BROKEN" in result.stdout
    assert "services.loans.handlers -> services.intake.registry" in result.stdout
