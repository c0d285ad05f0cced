"""Wires the loans desk: settings → kit (database, relay) → referral desk with the loans rules →
handlers' context → app. The one place the service's dependencies are made."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.loans import api
from services.loans.config import Settings
from services.loans.handlers import LoansDeps
from shared.app import build_service
from shared.clock import Clock
from shared.reference import load_code_lists
from shared.referrals.rules import RULES_DIR, load_rules
from shared.service import ServiceKit

MIGRATIONS = Path(__file__).parent / "migrations"
LOANS_RULES = RULES_DIR / "loans.yaml"


def build(
    settings: Settings | None = None, *, kafka: bool = True, clock: Clock | None = None
) -> tuple[FastAPI, ServiceKit]:
    """The app and its kit; ``clock`` lets tests move time (arrears need due dates to pass)."""
    settings = settings or Settings()
    # The desk fires only the loans rules (denied → 家計相談, dv_abuse → urgent, 2 missed instalments)
    # and keeps the referral inbox/outbox; with Kafka off (unit tests) it still answers queries.
    app, kit = build_service(
        settings,
        [MIGRATIONS],
        title="Tsunagu loans (生活福祉資金貸付)",
        description=(
            "The Livelihood Welfare Fund loan desk: consultations (延件数・実数), household issues and "
            "responses, applications, loans, repayment schedules, arrears and grace, and the referrals "
            "that connect borrowing households to the council's other help."
        ),
        routers=[api.router],
        kafka=kafka,
        clock=clock,
        rules=load_rules([LOANS_RULES]),
    )
    app.state.deps = LoansDeps(kit, load_code_lists(settings.code_list_version))
    return app, kit
