"""Wires districts: settings → kit (its database, relay) → referral desk → routes → app."""

from __future__ import annotations

from pathlib import Path

from services.districts import activity_api, api
from services.districts.config import Settings
from shared.app import service_builder

MIGRATIONS = Path(__file__).parent / "migrations"

build = service_builder(
    Settings,
    [MIGRATIONS],
    title="Tsunagu districts (地区社協・地区担当)",
    description=(
        "District work: watch-over concerns from residents and 民生委員, outreach visits, residents' "
        "watch-over, salon participation and volunteer roles; areas (圏域: city, daily-life, district "
        "council and community-care areas) and the address lookup; district files (地区ファイル) per "
        "fiscal year; the registry of local resources and helpers; the monthly district schedule "
        "(地域事業月間スケジュール) with each department's answer; the staff's monthly activity records "
        "(地区活動記録) approved by the 地域福祉課長 and the 局長; the department's referral desk "
        "(紹介の受付・回答), where intake's isolation outreach referrals arrive."
    ),
    routers=[api.router, activity_api.router],
)
