from datetime import UTC, datetime, timedelta

import jwt
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


def _signed(**claims):
    now = datetime.now(UTC)
    body = {"sub": "s-001", "dept": "loans", "role": "worker", "iat": now, "exp": now + timedelta(hours=1), **claims}
    return jwt.encode(body, SECRET, algorithm="HS256")


@pytest.mark.parametrize(
    ("claims", "says"),
    [
        ({"sub": ""}, "sub"),
        ({"sub": "   "}, "sub"),
        ({"sub": "s\n001"}, "sub"),
        ({"sub": 17}, "Subject"),
        ({"dept": ["loans", "intake"]}, "department"),
        ({"dept": {"name": "loans"}}, "department"),
        ({"role": ["worker", "manager"]}, "role"),
        ({"role": None}, "role"),
    ],
)
def test_a_signed_token_with_a_blank_staff_id_or_a_list_for_a_department_is_refused_with_401(claims, says):
    with pytest.raises(AuthError) as err:
        decode_token(SECRET, _signed(**claims))
    assert err.value.status == 401 and says in err.value.message


def test_a_token_expiring_beyond_the_maximum_lifetime_is_refused_and_one_within_it_is_taken():
    now = datetime.now(UTC)
    far = _signed(exp=now + timedelta(days=365))
    with pytest.raises(AuthError, match="too far in the future"):
        decode_token(SECRET, far)
    with pytest.raises(AuthError, match="too far in the future"):
        decode_token(SECRET, _signed(exp=now + timedelta(hours=3)), max_lifetime=timedelta(hours=2))
    assert decode_token(SECRET, _signed(exp=now + timedelta(hours=3))).staff_id == "s-001"


def test_the_staff_id_is_taken_as_signed():
    assert decode_token(SECRET, _signed(sub="s-0042")).staff_id == "s-0042"
