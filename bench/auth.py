"""The cost of verifying a bearer token: HS256 development tokens vs the provider's RS256 tokens.

``python -m bench auth [--requests N] [--verifications N]``

1. starts the local identity provider (Keycloak, ``var/bench/identity``) and signs in as
   ``intake-worker``; mints an HS256 development token for the same department and role;
2. verification alone, in this process: ``DevelopmentTokens.actor`` (the baseline) vs
   ``OidcVerifier.actor`` with its JWKS cached after the first call, ``--verifications`` times each;
3. one read route over real HTTP (uvicorn on loopback, one keep-alive client): the intake
   service built once with ``TSUNAGU_AUTH=hs256`` (the baseline) and once with ``oidc``, ``GET
   /people?limit=1`` on an empty store, ``--requests`` times each after a warm-up.

Prints each figure with its ratio to the HS256 baseline of the same run and writes
``var/bench/auth.json``. No thresholds: the figures are for reading.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
ROUNDS = 3


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _rate(n: int, call: Callable[[], object]) -> float:
    began = time.perf_counter()
    for _ in range(n):
        call()
    return n / (time.perf_counter() - began)


@contextmanager
def _serving(auth: str, issuer: str) -> Iterator[str]:
    """The intake service with ``TSUNAGU_AUTH=auth`` under uvicorn on a free loopback port."""
    saved = {name: os.environ.get(name) for name in ("TSUNAGU_AUTH", "TSUNAGU_OIDC_ISSUER")}
    os.environ["TSUNAGU_AUTH"] = auth
    os.environ["TSUNAGU_OIDC_ISSUER"] = issuer
    try:
        with _served(auth) as base:
            yield base
    finally:  # the environment is the caller's again (a test process goes on after the benchmark)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _served(auth: str) -> Iterator[str]:
    import uvicorn

    from deploy.kafka.tooling import free_ports
    from services.intake.bootstrap import build
    from services.intake.config import Settings

    with tempfile.TemporaryDirectory() as var:
        app, kit = build(Settings(var_dir=Path(var), log_json=True), kafka=False)  # type: ignore[call-arg]
        assert kit.settings.auth == auth
        [port] = free_ports(1)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            kit.close()


def _route_rate(base: str, token: str, n: int) -> float:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:

        def one() -> None:
            response = client.get("/people", params={"limit": 1})
            if response.status_code != 200:
                raise RuntimeError(f"GET /people answered {response.status_code}: {response.text}")

        for _ in range(min(200, n)):
            one()
        return _rate(n, one)


@contextmanager
def _provider(issuer: str | None) -> Iterator[str]:
    """The identity provider's issuer: the one given (a provider already running, as the test suite's),
    or one started in var/bench/identity and stopped at the end."""
    if issuer is not None:
        yield issuer
        return
    from deploy.identity.local import start

    say("starting the identity provider (var/bench/identity)")
    identity = start(REPO / "var" / "bench" / "identity", port=None)
    try:
        yield identity.issuer
    finally:
        identity.stop()


def run(requests: int, verifications: int, issuer: str | None = None) -> dict[str, Any]:
    """Measure both verifiers; ``issuer`` names a running provider to use instead of starting one."""
    from shared.auth import DevelopmentTokens, mint_token
    from shared.oidc import DEMO_PASSWORD, OidcVerifier, password_grant
    from shared.settings import DEV_JWT_SECRET

    with _provider(issuer) as url:
        rs256 = str(password_grant(url, "tsunagu-cli", "intake-worker", DEMO_PASSWORD)["access_token"])
        hs256 = mint_token(DEV_JWT_SECRET, "s-bench", "intake", "worker")
        development, provider = DevelopmentTokens(DEV_JWT_SECRET), OidcVerifier(url, "tsunagu")
        provider.actor(rs256)  # fetch and cache the keys once
        say(f"verifying each token {verifications:,} times")
        verify_hs = _rate(verifications, lambda: development.actor(hs256))
        verify_rs = _rate(verifications, lambda: provider.actor(rs256))
        jwks_fetches = provider.keys.fetches

        def fresh_token() -> str:  # the provider's tokens live minutes: one per round
            return str(password_grant(url, "tsunagu-cli", "intake-worker", DEMO_PASSWORD)["access_token"])

        say(f"GET /people {requests:,} times over HTTP with each, in {ROUNDS} alternating rounds")
        rounds: dict[str, list[float]] = {"hs256": [], "rs256": []}
        with _serving("hs256", url) as hs_base, _serving("oidc", url) as rs_base:
            for _ in range(ROUNDS):
                rounds["hs256"].append(_route_rate(hs_base, hs256, requests // ROUNDS))
                rs256 = fresh_token()
                rounds["rs256"].append(_route_rate(rs_base, rs256, requests // ROUNDS))
        route_hs, route_rs = statistics.median(rounds["hs256"]), statistics.median(rounds["rs256"])
    return {
        "verifications": verifications,
        "requests": requests,
        "verify_per_s": {"hs256": round(verify_hs), "rs256_cached_jwks": round(verify_rs)},
        "verify_ratio": round(verify_rs / verify_hs, 3),
        "verify_us": {"hs256": round(1e6 / verify_hs, 1), "rs256_cached_jwks": round(1e6 / verify_rs, 1)},
        "route_per_s": {"hs256": round(route_hs), "rs256_cached_jwks": round(route_rs)},
        "route_rounds_per_s": {k: [round(v) for v in vs] for k, vs in rounds.items()},
        "route_ratio": round(route_rs / route_hs, 3),
        "jwks_fetches_during_verification": jwks_fetches,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench auth", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--verifications", type=int, default=20000)
    parser.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "auth.json")
    args = parser.parse_args(argv)
    result = run(args.requests, args.verifications)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    verify, route = result["verify_per_s"], result["route_per_s"]
    rows = [
        ("verify HS256 development token (baseline)", verify["hs256"], None),
        ("verify RS256, JWKS cached", verify["rs256_cached_jwks"], result["verify_ratio"]),
        ("GET /people with HS256 (baseline)", route["hs256"], None),
        ("GET /people with RS256, JWKS cached", route["rs256_cached_jwks"], result["route_ratio"]),
    ]
    print(f"{'figure':<44}{'per s':>10}{'ratio':>8}")
    for name, rate, ratio in rows:
        print(f"{name:<44}{rate:>10,}{'' if ratio is None else format(ratio, '.0%'):>8}")
    print(f"JWKS fetches while verifying: {result['jwks_fetches_during_verification']}; figures in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
