"""Which JDK runs Keycloak, and what the distribution's recorded build says (no JVM launched)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from deploy.identity.caches import BUILD_OPTIONS, PERSISTED_OPTIONS, is_built
from deploy.identity.tooling import IdentityError, find_java_home, keycloak_version


def fake_jdk(root: Path, name: str, version: str) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "java").write_text("#!/bin/sh\n")
    (home / "release").write_text(f'IMPLEMENTOR="test"\nJAVA_VERSION="{version}"\n')
    return home


def test_newest_jdk_of_at_least_21_is_chosen(tmp_path: Path) -> None:
    fake_jdk(tmp_path, "java-17-openjdk-amd64", "17.0.15")
    fake_jdk(tmp_path, "java-21-openjdk-amd64", "21.0.8")
    newest = fake_jdk(tmp_path, "temurin-25-jdk-amd64", "25.0.1")

    assert find_java_home(jvm_root=tmp_path) == newest.resolve()


def test_no_jdk_21_is_a_clear_error_naming_what_to_install(tmp_path: Path) -> None:
    fake_jdk(tmp_path, "java-17-openjdk-amd64", "17.0.15")
    (tmp_path / "broken").mkdir()  # no release file: not a JDK

    with pytest.raises(IdentityError, match=r"Java 21\+ .*openjdk-21-jre-headless.*KEYCLOAK_JAVA_HOME"):
        find_java_home(jvm_root=tmp_path)


def test_version_comes_from_the_pom() -> None:
    assert keycloak_version().startswith(("26.4.", "26.5."))


def write_build(dist: Path, options: dict[str, str]) -> None:
    (dist / "lib" / "quarkus").mkdir(parents=True)
    with zipfile.ZipFile(dist / "lib" / "quarkus" / "generated-bytecode.jar", "w") as jar:
        body = "# Auto-generated\n" + "".join(f"{k}={v}\n" for k, v in options.items())
        jar.writestr(PERSISTED_OPTIONS, body)


def test_a_distribution_built_with_our_options_is_started_without_rebuilding(tmp_path: Path) -> None:
    write_build(tmp_path / "same", {**BUILD_OPTIONS, "quarkus.profile": "dev"})
    write_build(tmp_path / "other", {**BUILD_OPTIONS, "kc.features-disabled": "kerberos"})
    write_build(tmp_path / "prod", {"kc.db": "postgres", "kc.profile": "prod"})

    assert is_built(tmp_path / "same")
    assert not is_built(tmp_path / "other")
    assert not is_built(tmp_path / "prod")
    assert not is_built(tmp_path / "never-built")
