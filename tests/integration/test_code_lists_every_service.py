"""Every service serves the same code lists (GET /code-lists), with a label for every reason
category a referral accepts: the referral reasons and the household issue categories alike."""

from __future__ import annotations

import importlib

import pytest
from fastapi.testclient import TestClient

from shared.auth import mint_token
from shared.referrals.codes import load_referral_codes
from shared.settings import DEV_JWT_SECRET

SERVICES = ["intake", "loans", "reporting", "districts", "conferences"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_referral_reason_has_a_japanese_label_in_every_service(service: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bootstrap = importlib.import_module(f"services.{service}.bootstrap")
    config = importlib.import_module(f"services.{service}.config")
    app, kit = bootstrap.build(config.Settings(var_dir=tmp_path), kafka=False)
    try:
        token = mint_token(DEV_JWT_SECRET, "s-1", service, "worker")
        response = TestClient(app).get("/code-lists", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        reasons = {e["code"]: e for e in response.json()["lists"]["referral_reasons"]}
        # every reason a referral may carry is labelled, and nothing else is listed
        assert set(reasons) == set(load_referral_codes().reasons)
        assert reasons["isolation_outreach"]["label"] == "孤立・アウトリーチと見守り"
        assert reasons["household_budget"]["label"] == "家計管理"  # a household issue category (story 4's reason)
        assert reasons["dv_abuse"]["label"] == "DV・虐待" and "sensitive" in reasons["dv_abuse"]["flags"]
        assert reasons["other"]["label"] == "その他"
        assert all(e["label"] and e["label"] != e["code"] for e in reasons.values())
    finally:
        kit.close()
