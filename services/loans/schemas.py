"""Request bodies of the loans desk's HTTP API, with OpenAPI examples (the actor comes from the token).

Every change to an existing consultation or application takes ``expected_version`` (or If-Match):
the version the caller read; a stale one answers 409 and nothing is written.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from services.loans.domain import commands as c
from shared.bodies import Body, VersionedBody, examples
from shared.text import Code, Line, Ref, Text

__all__ = [
    "ApplicationRequest",
    "ApproveRequest",
    "ArrearsCheckRequest",
    "CloseConsultationRequest",
    "ContactRequest",
    "DisburseRequest",
    "GraceRequest",
    "IssuesRequest",
    "OpenConsultationRequest",
    "ReasonRequest",
    "RepaymentRequest",
    "ResponseRequest",
    "VersionRequest",
    "WithdrawRequest",
]


class OpenConsultationRequest(Body):
    """貸付相談の受付: fund type, consultation kind, channel and counterpart are code-list codes."""

    model_config = examples(
        {
            "household_id": "hh-2c1e",
            "person_id": "p-7f3a",
            "fund_type": "moving_and_utilities",
            "kind": "new_until_decision",
            "channel": "interview",
            "counterpart": "self",
            "initial": True,
            "issues": ["employment", "housing"],
            "summary": "離職中、知人宅に居住。半月後に退去。転居費用を借りたい。",
        }
    )
    household_id: Ref = Field(min_length=1)
    person_id: Ref | None = None
    fund_type: Code = Field(description="loan_fund_types code (21 資金種類)")
    kind: Code = Field(description="loan_consultation_kinds code")
    channel: Code = Field(description="contact_channels code")
    counterpart: Code = Field(description="consultation_sources code: who the staff spoke with")
    initial: bool = Field(description="初期相談: counted in 実数")
    issues: list[Code] = Field(default_factory=list, description="household_issue_categories codes")
    summary: Text = Field(default="", description="special-care personal data")
    loan_application_id: Ref | None = None


class ContactRequest(VersionedBody):
    model_config = examples(
        {"channel": "phone", "counterpart": "self", "note": "転居先の候補を確認", "expected_version": 1}
    )
    channel: Code
    counterpart: Code
    note: Text = ""
    fund_type: Code | None = None


class IssuesRequest(VersionedBody):
    model_config = examples({"issues": ["debt_arrears", "household_budget"], "expected_version": 2})
    issues: list[Code] = Field(min_length=1)


class ResponseRequest(VersionedBody):
    model_config = examples({"response": "housing_benefit", "note": "住宅支援給付の窓口へ同行", "expected_version": 2})
    response: Code = Field(description="responses code (17 対応, 5 groups)")
    note: Text = ""


class CloseConsultationRequest(VersionedBody):
    model_config = examples(
        {"outcome": "solved_by_other_means", "note": "借入せずに転居先が決まった", "expected_version": 4}
    )
    outcome: c.ConsultationOutcome
    note: Text = ""


class ApplicationRequest(Body):
    model_config = examples(
        {
            "household_id": "hh-2c1e",
            "person_id": "p-7f3a",
            "fund_type": "emergency_small",
            "requested_amount": 100000,
            "purpose": "家賃の支払い",
            "consultation_id": "c-91d0",
        }
    )
    household_id: Ref = Field(min_length=1)
    person_id: Ref = Field(min_length=1)
    fund_type: Code
    requested_amount: int = Field(description="integer yen")
    purpose: Line = ""
    consultation_id: Ref | None = None


class VersionRequest(VersionedBody):
    model_config = examples({"expected_version": 1})


class ApproveRequest(VersionedBody):
    model_config = examples(
        {
            "amount": 100000,
            "instalment_count": 10,
            "first_due_date": "2026-06-30",
            "grace_months": 2,
            "expected_version": 2,
        }
    )
    amount: int = Field(description="integer yen")
    instalment_count: int
    first_due_date: date
    monthly_amount: int | None = Field(default=None, description="default: amount // instalment_count")
    grace_months: int = Field(default=0, description="据置期間")


class ReasonRequest(VersionedBody):
    model_config = examples({"reason": "償還の見込みが立たない", "expected_version": 2})
    reason: Line = Field(min_length=1)


class WithdrawRequest(VersionedBody):
    model_config = examples({"reason": "親族から借りられた", "expected_version": 2})
    reason: Line = ""


class DisburseRequest(VersionedBody):
    model_config = examples({"amount": 100000, "disbursed_on": "2026-04-10", "expected_version": 3})
    amount: int
    disbursed_on: date


class RepaymentRequest(VersionedBody):
    model_config = examples({"amount": 10000, "paid_on": "2026-06-30", "expected_version": 4})
    amount: int = Field(description="integer yen")
    paid_on: date


class GraceRequest(VersionedBody):
    model_config = examples(
        {"months": 6, "reason": "子の学費の支払いのため", "consultation_id": "c-55aa", "expected_version": 6}
    )
    months: int
    reason: Line
    from_instalment: int | None = None
    consultation_id: Ref | None = None


class ArrearsCheckRequest(Body):
    model_config = examples({"as_of": "2026-07-01"})
    as_of: date | None = Field(default=None, description="default: today (UTC)")
