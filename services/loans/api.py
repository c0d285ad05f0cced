"""The loans desk's HTTP routes (生活福祉資金貸付): parse → authorise → call a handler.

Who may do what (refusals answer 401/403 with what to do):

* **write** (households, consultations, applications, review, withdrawal, disbursement,
  repayments): loans staff, role ``worker`` or ``manager``;
* **decide** (approve 貸付決定, deny 不承認, grant grace 償還猶予): loans ``manager``;
* **daily arrears check**: loans ``manager`` or ``system``;
* **read**: any authenticated staff; other departments see no free text and no sensitive issue
  codes (see :mod:`services.loans.views`).

Commands on an existing consultation or application take ``expected_version`` (the ``version`` the
caller read): a stale one answers 409 and nothing is written. Illegal transitions answer 409,
unacceptable values 422, both saying what to do instead.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from services.loans import handlers, views
from services.loans.adapters.queries import Search
from services.loans.domain import commands as c
from services.loans.handlers import LoansContext
from shared.auth import CurrentActor, require
from shared.envelope import Actor
from shared.referrals.desk import ReferralDesk
from shared.registry.commands import HouseholdMember, RegisterHousehold, RegisterPerson
from shared.web import correlation_id as _cid

__all__ = ["router"]

router = APIRouter()

LoansStaff = Annotated[Actor, Depends(require(departments={"loans"}, roles={"worker", "manager"}))]
LoansManager = Annotated[Actor, Depends(require(departments={"loans"}, roles={"manager"}))]
ArrearsRunner = Annotated[Actor, Depends(require(departments={"loans"}, roles={"manager", "system"}))]
Row = dict[str, Any]


def _ctx(request: Request) -> LoansContext:
    ctx: LoansContext = request.app.state.loans
    return ctx


def _desk(request: Request) -> ReferralDesk | None:
    desk: ReferralDesk | None = getattr(request.app.state, "referrals", None)
    return desk


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": list(examples)})


Version = Annotated[
    int | None,
    Field(default=None, ge=1, description="the version you read; a stale one is refused with 409 (楽観的排他制御)"),
]


# --- registry ----------------------------------------------------------------------------------


class HouseholdRequest(_Body):
    """世帯登録: a household the desk meets first (members must be registered people)."""

    model_config = _examples(
        {"address": "横須賀市本町2-1", "members": [{"person_id": "p-7f3a", "relationship": "本人"}]}
    )
    address: str | None = Field(default=None, description="special-care personal data (要配慮個人情報)")
    members: list[HouseholdMember] = Field(default_factory=list)


class PersonRequest(_Body):
    """本人登録: a person the desk meets first; a name in kanji or kana is required."""

    model_config = _examples(
        {"name_kanji": "横須賀 一郎", "name_kana": "ヨコスカ イチロウ", "birth_date": "1975-05-01"}
    )
    name_kanji: str | None = None
    name_kana: str | None = None
    birth_date: date | None = None
    address: str | None = None
    phone: str | None = None
    care_notes: str | None = None


@router.post("/households", status_code=201, tags=["households 世帯"], summary="世帯の登録 / register a household")
def register_household(body: HouseholdRequest, request: Request, actor: LoansStaff) -> Row:
    cmd = RegisterHousehold(address=body.address, members=tuple(body.members), registered_by=actor.staff_id)
    return handlers.register_household(_ctx(request), actor, cmd, correlation_id=_cid(request))


@router.post("/persons", status_code=201, tags=["households 世帯"], summary="本人の登録 / register a person")
def register_person(body: PersonRequest, request: Request, actor: LoansStaff) -> Row:
    cmd = RegisterPerson(**body.model_dump(), registered_by=actor.staff_id)
    return handlers.register_person(_ctx(request), actor, cmd, correlation_id=_cid(request))


@router.get(
    "/households/{household_id}/history",
    tags=["households 世帯"],
    summary="世帯の貸付履歴 / a household's consultations, loans (schedule, arrears) and referrals",
)
def household_history(household_id: str, request: Request, actor: CurrentActor) -> Row:
    return views.household_history(_ctx(request), actor, household_id, _desk(request))


# --- consultations -----------------------------------------------------------------------------


class OpenConsultationRequest(_Body):
    """貸付相談の受付: fund type, consultation kind, channel and counterpart are code-list codes."""

    model_config = _examples(
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
    household_id: str = Field(min_length=1)
    person_id: str | None = None
    fund_type: str = Field(description="loan_fund_types code (21 資金種類)")
    kind: str = Field(description="loan_consultation_kinds code")
    channel: str = Field(description="contact_channels code")
    counterpart: str = Field(description="consultation_sources code: who the staff spoke with")
    initial: bool = Field(description="初期相談: counted in 実数")
    issues: list[str] = Field(default_factory=list, description="household_issue_categories codes")
    summary: str = Field(default="", description="special-care personal data")
    loan_application_id: str | None = None


class ContactRequest(_Body):
    model_config = _examples(
        {"channel": "phone", "counterpart": "self", "note": "転居先の候補を確認", "expected_version": 1}
    )
    channel: str
    counterpart: str
    note: str = ""
    fund_type: str | None = None
    expected_version: Version


class IssuesRequest(_Body):
    model_config = _examples({"issues": ["debt_arrears", "household_budget"], "expected_version": 2})
    issues: list[str] = Field(min_length=1)
    expected_version: Version


class ResponseRequest(_Body):
    model_config = _examples({"response": "housing_benefit", "note": "住宅支援給付の窓口へ同行", "expected_version": 2})
    response: str = Field(description="responses code (17 対応, 5 groups)")
    note: str = ""
    expected_version: Version


class CloseConsultationRequest(_Body):
    model_config = _examples(
        {"outcome": "solved_by_other_means", "note": "借入せずに転居先が決まった", "expected_version": 4}
    )
    outcome: c.ConsultationOutcome
    note: str = ""
    expected_version: Version


def _search(
    date_from: Annotated[date | None, Query(alias="from", description="period start (inclusive)")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="period end (inclusive)")] = None,
    fund_type: Annotated[str | None, Query()] = None,
    kind: Annotated[str | None, Query(description="loan_consultation_kinds code")] = None,
    status: Annotated[str | None, Query()] = None,
    household_id: Annotated[str | None, Query()] = None,
    initial: Annotated[bool | None, Query(description="only initial consultations (初期相談)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Search:
    return Search(date_from, date_to, fund_type, kind, status, household_id, initial, limit, offset)


SearchDep = Annotated[Search, Depends(_search)]


@router.post(
    "/consultations",
    status_code=201,
    tags=["consultations 貸付相談"],
    summary="貸付相談の受付 / open a loan consultation",
)
def open_consultation(body: OpenConsultationRequest, request: Request, actor: LoansStaff) -> Row:
    cmd = c.OpenLoanConsultation(**{**body.model_dump(), "issues": tuple(body.issues)})
    return handlers.open_consultation(_ctx(request), actor, cmd, correlation_id=_cid(request))


@router.get(
    "/consultations",
    tags=["consultations 貸付相談"],
    summary="貸付相談の検索 / search consultations; counts: 延件数 (contacts) and 実数 (initial)",
)
def list_consultations(request: Request, actor: CurrentActor, search: SearchDep) -> Row:
    return views.consultations(_ctx(request), actor, search)


@router.get("/consultations/{consultation_id}", tags=["consultations 貸付相談"], summary="貸付相談 / one consultation")
def get_consultation(consultation_id: str, request: Request, actor: CurrentActor) -> Row:
    return views.consultation(_ctx(request), actor, consultation_id)


@router.post(
    "/consultations/{consultation_id}/contacts",
    tags=["consultations 貸付相談"],
    summary="相談対応の記録 / record a contact",
)
def record_contact(consultation_id: str, body: ContactRequest, request: Request, actor: LoansStaff) -> Row:
    cmd = c.RecordLoanContact(consultation_id=consultation_id, **body.model_dump(exclude={"expected_version"}))
    return handlers.record_contact(
        _ctx(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )


@router.post(
    "/consultations/{consultation_id}/issues",
    tags=["consultations 貸付相談"],
    summary="世帯の課題の記録 / record household issues",
)
def record_issues(consultation_id: str, body: IssuesRequest, request: Request, actor: LoansStaff) -> Row:
    cmd = c.RecordHouseholdIssues(consultation_id=consultation_id, issues=tuple(body.issues))
    return handlers.record_issues(
        _ctx(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )


@router.post(
    "/consultations/{consultation_id}/responses",
    tags=["consultations 貸付相談"],
    summary="対応の記録 / record a response",
)
def record_response(consultation_id: str, body: ResponseRequest, request: Request, actor: LoansStaff) -> Row:
    cmd = c.RecordResponse(consultation_id=consultation_id, response=body.response, note=body.note)
    return handlers.record_response(
        _ctx(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )


@router.post(
    "/consultations/{consultation_id}/close",
    tags=["consultations 貸付相談"],
    summary="相談の終結 / close a consultation",
)
def close_consultation(
    consultation_id: str, body: CloseConsultationRequest, request: Request, actor: LoansStaff
) -> Row:
    cmd = c.CloseLoanConsultation(consultation_id=consultation_id, outcome=body.outcome, note=body.note)
    return handlers.close_consultation(
        _ctx(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )


@router.get(
    "/follow-ups",
    tags=["consultations 貸付相談"],
    summary="要フォロー一覧 / consultations closed without reaching any service",
)
def follow_ups(request: Request, actor: CurrentActor, search: SearchDep) -> Row:
    return views.follow_ups(_ctx(request), actor, search)


# --- applications and loans --------------------------------------------------------------------


class ApplicationRequest(_Body):
    model_config = _examples(
        {
            "household_id": "hh-2c1e",
            "person_id": "p-7f3a",
            "fund_type": "emergency_small",
            "requested_amount": 100000,
            "purpose": "家賃の支払い",
            "consultation_id": "c-91d0",
        }
    )
    household_id: str = Field(min_length=1)
    person_id: str = Field(min_length=1)
    fund_type: str
    requested_amount: int = Field(description="integer yen")
    purpose: str = ""
    consultation_id: str | None = None


class VersionRequest(_Body):
    model_config = _examples({"expected_version": 1})
    expected_version: Version


class ApproveRequest(_Body):
    model_config = _examples(
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
    expected_version: Version


class ReasonRequest(_Body):
    model_config = _examples({"reason": "償還の見込みが立たない", "expected_version": 2})
    reason: str = Field(min_length=1)
    expected_version: Version


class WithdrawRequest(_Body):
    model_config = _examples({"reason": "親族から借りられた", "expected_version": 2})
    reason: str = ""
    expected_version: Version


class DisburseRequest(_Body):
    model_config = _examples({"amount": 100000, "disbursed_on": "2026-04-10", "expected_version": 3})
    amount: int
    disbursed_on: date
    expected_version: Version


class RepaymentRequest(_Body):
    model_config = _examples({"amount": 10000, "paid_on": "2026-06-30", "expected_version": 4})
    amount: int = Field(description="integer yen")
    paid_on: date
    expected_version: Version


class GraceRequest(_Body):
    model_config = _examples(
        {"months": 6, "reason": "子の学費の支払いのため", "consultation_id": "c-55aa", "expected_version": 6}
    )
    months: int
    reason: str
    from_instalment: int | None = None
    consultation_id: str | None = None
    expected_version: Version


class ArrearsCheckRequest(_Body):
    model_config = _examples({"as_of": "2026-07-01"})
    as_of: date | None = Field(default=None, description="default: today (UTC)")


@router.post(
    "/applications",
    status_code=201,
    tags=["applications 借入申請"],
    summary="借入申請の受付 / submit a loan application",
)
def submit_application(body: ApplicationRequest, request: Request, actor: LoansStaff) -> Row:
    cmd = c.SubmitLoanApplication(**body.model_dump())
    return handlers.submit_application(_ctx(request), actor, cmd, correlation_id=_cid(request))


@router.get(
    "/applications",
    tags=["applications 借入申請"],
    summary="借入申請・貸付の検索 / search applications and loans (with schedule and arrears)",
)
def list_applications(request: Request, actor: CurrentActor, search: SearchDep) -> Row:
    return views.applications(_ctx(request), actor, search)


@router.get(
    "/applications/{application_id}", tags=["applications 借入申請"], summary="借入申請・貸付 / one application"
)
def get_application(application_id: str, request: Request, actor: CurrentActor) -> Row:
    return views.application(_ctx(request), actor, application_id)


@router.post(
    "/applications/{application_id}/review", tags=["applications 借入申請"], summary="審査に回す / send for review"
)
def start_review(application_id: str, body: VersionRequest, request: Request, actor: LoansStaff) -> Row:
    cmd = c.StartLoanReview(application_id=application_id)
    return handlers.start_review(
        _ctx(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )


@router.post(
    "/applications/{application_id}/approve", tags=["applications 借入申請"], summary="貸付決定 / approve (manager)"
)
def approve(application_id: str, body: ApproveRequest, request: Request, actor: LoansManager) -> Row:
    cmd = c.ApproveLoan(application_id=application_id, **body.model_dump(exclude={"expected_version"}))
    return handlers.approve_loan(
        _ctx(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )


@router.post(
    "/applications/{application_id}/deny",
    tags=["applications 借入申請"],
    summary="貸付不承認 / deny (manager); the household is referred to budget consultation",
)
def deny(application_id: str, body: ReasonRequest, request: Request, actor: LoansManager) -> Row:
    cmd = c.DenyLoanApplication(application_id=application_id, reason=body.reason)
    return handlers.deny_application(
        _ctx(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )


@router.post(
    "/applications/{application_id}/withdraw", tags=["applications 借入申請"], summary="申請の取下げ・辞退 / withdraw"
)
def withdraw(application_id: str, body: WithdrawRequest, request: Request, actor: LoansStaff) -> Row:
    cmd = c.WithdrawLoanApplication(application_id=application_id, reason=body.reason)
    return handlers.withdraw_application(
        _ctx(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )


@router.post("/applications/{application_id}/disbursement", tags=["loans 貸付"], summary="貸付金の交付 / disburse")
def disburse(application_id: str, body: DisburseRequest, request: Request, actor: LoansStaff) -> Row:
    cmd = c.DisburseLoan(application_id=application_id, amount=body.amount, disbursed_on=body.disbursed_on)
    return handlers.disburse_loan(
        _ctx(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )


@router.post(
    "/applications/{application_id}/repayments", tags=["loans 貸付"], summary="償還金の入金 / record a repayment"
)
def repay(application_id: str, body: RepaymentRequest, request: Request, actor: LoansStaff) -> Row:
    cmd = c.RecordRepayment(application_id=application_id, amount=body.amount, paid_on=body.paid_on)
    return handlers.record_repayment(
        _ctx(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )


@router.post("/applications/{application_id}/grace", tags=["loans 貸付"], summary="償還猶予 / grant grace (manager)")
def grace(application_id: str, body: GraceRequest, request: Request, actor: LoansManager) -> Row:
    cmd = c.GrantGrace(application_id=application_id, **body.model_dump(exclude={"expected_version"}))
    return handlers.grant_grace(
        _ctx(request), actor, cmd, expected_version=body.expected_version, correlation_id=_cid(request)
    )


@router.post(
    "/loans/arrears-check",
    tags=["loans 貸付"],
    summary="日次の滞納確認 / mark overdue instalments of every loan being repaid (manager or system)",
)
def arrears_check(body: ArrearsCheckRequest, request: Request, actor: ArrearsRunner) -> Row:
    ctx = _ctx(request)
    as_of = body.as_of or ctx.kit.clock.now().date()
    return handlers.check_arrears_all(ctx, actor, as_of, correlation_id=_cid(request))


@router.get("/code-lists", tags=["reference コード表"], summary="コード表 / the code lists the desk validates against")
def code_lists(request: Request, actor: CurrentActor) -> Row:
    codes = _ctx(request).codes
    names = (
        "loan_fund_types",
        "loan_consultation_kinds",
        "household_issue_categories",
        "responses",
        "response_groups",
        "consultation_sources",
        "contact_channels",
    )
    return {
        "version": codes.version,
        "lists": {
            n: [{"code": x.code, "label": x.label, "group": x.group, "flags": sorted(x.flags)} for x in codes.codes(n)]
            for n in names
        },
    }
