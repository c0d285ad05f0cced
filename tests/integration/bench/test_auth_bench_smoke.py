"""The token-verification benchmark runs end to end (tiny counts): both kinds of token pass the
real edge over HTTP, and the provider's keys were fetched once and then served from the cache. It runs
on the session's provider (``keycloak``): the bench's own start and stop of one is ``make bench``'s."""

from __future__ import annotations

from bench.auth import run


def test_the_auth_benchmark_measures_both_verifiers_over_real_http(keycloak) -> None:
    result = run(requests=30, verifications=100, issuer=keycloak.issuer)
    assert set(result["verify_per_s"]) == {"hs256", "rs256_cached_jwks"}
    assert all(rate > 0 for rate in [*result["verify_per_s"].values(), *result["route_per_s"].values()])
    assert result["jwks_fetches_during_verification"] == 1  # cached after the first token
    assert len(result["route_rounds_per_s"]["rs256"]) == 3


def test_the_benchmark_leaves_the_environment_as_it_found_it(monkeypatch, keycloak) -> None:
    import os

    monkeypatch.delenv("TSUNAGU_AUTH", raising=False)
    monkeypatch.setenv("TSUNAGU_OIDC_ISSUER", "http://example.invalid/realms/x")
    run(requests=3, verifications=3, issuer=keycloak.issuer)
    assert "TSUNAGU_AUTH" not in os.environ  # a leak made every later test's services take RS256 only
    assert os.environ["TSUNAGU_OIDC_ISSUER"] == "http://example.invalid/realms/x"
