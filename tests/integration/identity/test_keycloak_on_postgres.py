"""The identity provider with its realm in the PostgreSQL of ``deploy/postgres`` instead of dev-file
storage: it starts, its demo staff sign in, the services' verifier takes the token, and the realm's
rows are in that database (not in an H2 file under the instance's directory)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from deploy.identity.local import REALM_FILE, Database, start
from shared.oidc import DEMO_PASSWORD, OidcVerifier, password_grant


def test_keycloak_keeps_the_realm_in_postgresql_and_its_tokens_verify(postgres: Any, tmp_path: Path) -> None:
    name = f"keycloak_{uuid.uuid4().hex[:8]}"
    database = Database.on(postgres, name)
    handle = start(tmp_path / "identity", port=None, fresh=True, database=database)
    try:
        token = password_grant(handle.issuer, "tsunagu-cli", "loans-manager", DEMO_PASSWORD)["access_token"]
        staff = OidcVerifier(handle.issuer, "tsunagu").verify(str(token))
        assert (staff.actor.department, staff.actor.role, staff.display_name) == ("loans", "manager", "貸付 花子")
        engine = create_engine(postgres.url(name))
        with engine.connect() as conn:
            realms = set(conn.execute(text("SELECT name FROM realm")).scalars())
            users = conn.execute(
                text("SELECT count(*) FROM user_entity u JOIN realm r ON r.id = u.realm_id WHERE r.name = 'tsunagu'")
            ).scalar_one()
        engine.dispose()
        demo_users = len(json.loads(REALM_FILE.read_text(encoding="utf-8"))["users"])  # 16 with the 局長
        assert "tsunagu" in realms and users == demo_users
        assert not list((tmp_path / "identity").rglob("*.mv.db")), "no H2 file: the realm lives in PostgreSQL"
    finally:
        handle.stop()
