"""What the loans desk's reads and writes answer, as documented models: the web client's types are
generated from them.

The rows are built by :mod:`services.loans.adapters.queries` and :mod:`services.loans.views`; these
models only document (and check) their shape. Free text and sensitive issue codes withheld from
staff of other departments are ``null`` (or left out of ``issues``) and named in ``redacted``, so a
screen says 非開示 rather than showing nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from shared.referrals.routes import ReferralView
from shared.views import PageView, View

__all__ = [
    "ApplicationPage",
    "ApplicationView",
    "ArrearsCheckView",
    "ConsultationPage",
    "ConsultationView",
    "FollowUpPage",
    "HouseholdHistory",
    "HouseholdView",
    "PersonRegistered",
]

ApplicationStatus = Literal["new", "submitted", "under_review", "approved", "denied", "withdrawn", "repaying", "repaid"]


SubjectName = Annotated[
    str | None,
    Field(
        description="相談者・申請者: the person's name (kanji, else kana), else the household's first member's, as "
        "this desk registered them; null when withheld (see redacted) or registered at another desk"
    ),
]


class HouseholdView(View):
    """世帯: a household as the loans desk registered it."""

    household_id: str
    member_ids: list[str]
    registered_at: str
    version: int


class PersonRegistered(View):
    person_id: str
    version: int


class ContactView(View):
    """相談対応: one contact of a consultation (counted in 延件数)."""

    contact_id: str
    channel: str
    counterpart: str
    fund_type: str
    kind: str
    initial: bool
    contacted_at: str


class ConsultationRow(View):
    """貸付相談: one line of the consultation list."""

    consultation_id: str
    household_id: str
    person_id: str | None = None
    subject_name: SubjectName = None
    fund_type: str
    kind: str
    initial: bool = Field(description="初期相談: counted in 実数")
    status: Literal["open", "closed"]
    outcome: str | None = None
    reached_service: bool | None = None
    issues: list[str] = Field(description="household_issue_categories codes")
    responses: list[str] = Field(description="responses codes, in the order given")
    contact_count: int = Field(description="延件数 of this consultation")
    summary: str | None = Field(default=None, description="null when withheld (see redacted)")
    loan_application_id: str | None = None
    opened_at: str
    closed_at: str | None = None
    version: int
    redacted: list[str] = Field(default=[])


class ConsultationView(ConsultationRow):
    """貸付相談: one consultation with its contacts, oldest first."""

    contacts: list[ContactView] = Field(default=[])


class FundCounts(View):
    contacts: int
    initial: int


class ContactCounts(View):
    """延件数 (every contact) and 実数 (initial consultations) of the period, per fund type too."""

    contacts: int
    initial: int
    by_fund_type: dict[str, FundCounts]


class ConsultationPage(PageView):
    items: list[ConsultationRow]
    counts: ContactCounts


class InstalmentView(View):
    """償還計画の一回分."""

    number: int
    due_date: date
    amount: int
    paid: int
    remaining: int
    postponed_months: int
    missed: bool


class ApplicationView(View):
    """借入申請・貸付: the application and the loan it became, with its repayment schedule."""

    application_id: str
    household_id: str
    person_id: str
    subject_name: SubjectName = None
    consultation_id: str | None = None
    fund_type: str
    status: ApplicationStatus
    requested_amount: int
    purpose: str | None = Field(default=None, description="null when withheld (see redacted)")
    amount: int | None = None
    instalment_count: int | None = None
    monthly_amount: int | None = None
    first_due_date: date | None = None
    grace_months: int | None = None
    disbursed_on: date | None = None
    outstanding: int
    missed_count: int
    arrears_count: int
    arrears_amount: int
    decision_reason: str | None = None
    submitted_at: str
    updated_at: str
    schedule: list[InstalmentView]
    version: int
    redacted: list[str] = Field(default=[])


class ApplicationCounts(View):
    by_status: dict[str, int]


class ApplicationPage(PageView):
    items: list[ApplicationView]
    counts: ApplicationCounts


class FollowUpRow(View):
    """要フォロー: a consultation closed without reaching any service."""

    consultation_id: str
    household_id: str
    person_id: str | None = None
    subject_name: SubjectName = None
    fund_type: str
    kind: str
    issues: list[str]
    outcome: str
    closed_at: str
    redacted: list[str] = Field(default=[])


class FollowUpPage(PageView):
    items: list[FollowUpRow]


class HistorySummary(View):
    consultations: int
    contacts: int
    applications: int
    loans_repaying: int
    outstanding: int
    in_arrears: bool
    arrears_amount: int
    missed_instalments: int
    open_referrals: int


class HouseholdMember(View):
    """世帯員: a member of a household the desk registered."""

    person_id: str
    name: str | None = Field(default=None, description="氏名 (kanji, else kana); null when withheld (see redacted)")
    redacted: list[str] = Field(default=[])


class HouseholdFound(View):
    """One household the search found, with its members' names."""

    household_id: str
    registered_at: str
    members: list[HouseholdMember]


class HouseholdSearch(View):
    """世帯の検索: households the desk registered with a member of that name, newest first."""

    name: str
    items: list[HouseholdFound]


class HouseholdHistory(View):
    """世帯の貸付履歴: consultations, applications and loans, follow-ups and referrals."""

    household_id: str
    registered_here: bool
    members: list[HouseholdMember] = Field(default=[], description="its members, when the desk registered it")
    consultations: list[ConsultationRow]
    applications: list[ApplicationView]
    follow_ups: list[FollowUpRow]
    referrals: list[ReferralView]
    summary: HistorySummary


class MissedInstalment(View):
    application_id: str
    household_id: str | None = None
    instalment_number: int
    missed_count: int


class ArrearsCheckView(View):
    as_of: str
    checked: int
    missed: list[MissedInstalment]
