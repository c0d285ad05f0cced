from datetime import UTC, datetime, timedelta

import pytest

from shared.auth import AuthError, decode_token, mint_token

SECRET = "test-secret-long-enough-for-hs256-keys!"


def test_minted_token_decodes_to_the_actor():
    token = mint_token(SECRET, "s-001", "loans", "manager")
    actor = decode_token(SECRET, token)
    assert (actor.staff_id, actor.department, actor.role) == ("s-001", "loans", "manager")


def test_expired_token_is_refused_with_401():
    token = mint_token(SECRET, "s-001", "loans", "worker", now=datetime.now(UTC) - timedelta(days=2))
    with pytest.raises(AuthError) as err:
        decode_token(SECRET, token)
    assert err.value.status == 401 and "expired" in err.value.message


def test_token_signed_with_another_secret_is_refused():
    token = mint_token("another-secret-long-enough-for-hs256-keys", "s-001", "loans", "worker")
    with pytest.raises(AuthError, match="not valid"):
        decode_token(SECRET, token)


def test_unknown_department_cannot_be_minted():
    with pytest.raises(ValueError, match="department"):
        mint_token(SECRET, "s", "police", "worker")
