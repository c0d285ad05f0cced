"""A service outside development refuses to start unless it verifies the identity provider's tokens:
HS256 tokens are signed with a shared secret (the development one is in the source), so a council's
service that accepted them would accept forged identities. Each of the five is started as an
operator starts it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from shared.settings import DEV_JWT_SECRET

SERVICES = ["intake", "loans", "districts", "conferences", "reporting"]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("secret", [None, DEV_JWT_SECRET])
def test_a_production_service_taking_hs256_tokens_exits_naming_the_setting(service, secret, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TSUNAGU_JWT_SECRET"}
    env.update({"TSUNAGU_ENVIRONMENT": "production", "TSUNAGU_VAR_DIR": str(tmp_path)})
    if secret is not None:
        env["TSUNAGU_JWT_SECRET"] = secret
    run = subprocess.run(
        [sys.executable, "-m", f"services.{service}"], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2, run.stderr
    assert f"{service} cannot start" in run.stderr and "TSUNAGU_AUTH=oidc" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert not list(tmp_path.glob("*.db")), "nothing is created before the settings are valid"
