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

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from services.loans import handlers, views
from services.loans.adapters import queries
from services.loans.adapters.queries import Search
from services.loans.domain import commands as c
from services.loans.handlers import LoansDeps
from services.loans.responses import (
    ApplicationPage,
    ApplicationView,
    ArrearsCheckView,
    ConsultationPage,
    ConsultationView,
    FollowUpPage,
    HouseholdHistory,
    HouseholdSearch,
    HouseholdView,
    PersonRegistered,
)
from services.loans.schemas import (
    ApplicationRequest,
    ApproveRequest,
    ArrearsCheckRequest,
    CloseConsultationRequest,
    ContactRequest,
    DisburseRequest,
    GraceRequest,
    IssuesRequest,
    OpenConsultationRequest,
    ReasonRequest,
    RepaymentRequest,
    ResponseRequest,
    VersionRequest,
    WithdrawRequest,
)
from shared.commands import Outcome
from shared.dates import local_date
from shared.reference.routes import code_lists_body
from shared.referrals.desk import ReferralDesk
from shared.registry.bodies import RegisterHouseholdBody, RegisterPersonBody
from shared.registry.commands import RegisterHousehold, RegisterPerson
from shared.web import Day, Edge, Limit, Offset, edge

__all__ = ["router"]

router = APIRouter()

LoansStaff = Annotated[Edge, edge(departments={"loans"}, roles={"worker", "manager"})]
LoansManager = Annotated[Edge, edge(departments={"loans"}, roles={"manager"})]
ArrearsRunner = Annotated[Edge, edge(departments={"loans"}, roles={"manager", "system"})]
Reader = Annotated[Edge, edge()]
Row = dict[str, Any]


async def _deps(request: Request) -> LoansDeps:
    deps: LoansDeps = request.app.state.deps
    return deps


async def _desk(request: Request) -> ReferralDesk:
    desk: ReferralDesk = request.app.state.desk
    return desk


Deps = Annotated[LoansDeps, Depends(_deps)]
Desk = Annotated[ReferralDesk, Depends(_desk)]


def _consultation(at: Edge, deps: LoansDeps, outcome: Outcome[Any]) -> Row:
    return at.reply(views.consultation(deps, at.actor, outcome.id))


def _application(at: Edge, deps: LoansDeps, outcome: Outcome[Any]) -> Row:
    return at.reply(views.written(deps, queries.application, outcome.id))


# --- registry ----------------------------------------------------------------------------------


@router.post(
    "/households",
    status_code=201,
    tags=["households 世帯"],
    summary="世帯の登録 / register a household",
    response_model=HouseholdView,
)
def register_household(body: RegisterHouseholdBody, deps: Deps, at: LoansStaff) -> Row:
    cmd = RegisterHousehold(address=body.address, members=tuple(body.members), registered_by=at.actor.staff_id)
    outcome = handlers.register_household(deps, at.command(), cmd)
    return at.reply(views.written(deps, queries.household, outcome.id))


@router.post(
    "/people",
    status_code=201,
    tags=["households 世帯"],
    summary="本人の登録 / register a person",
    response_model=PersonRegistered,
)
def register_person(body: RegisterPersonBody, deps: Deps, at: LoansStaff) -> Row:
    cmd = RegisterPerson(**body.model_dump(), registered_by=at.actor.staff_id)
    outcome = handlers.register_person(deps, at.command(), cmd)
    return at.reply({"person_id": outcome.id, "version": outcome.version})


@router.get(
    "/households",
    tags=["households 世帯"],
    summary="世帯の検索 / households registered here with a member of that name (loans staff)",
    response_model=HouseholdSearch,
)
def search_households(
    deps: Deps,
    at: LoansStaff,
    name: Annotated[
        str, Query(min_length=1, max_length=100, description="part of a member's name, in kanji or kana (e.g. 横須賀)")
    ],
    limit: Limit = 20,
) -> Row:
    return at.read(deps.kit, views.households_named(deps, name, limit))


@router.get(
    "/households/{household_id}/history",
    tags=["households 世帯"],
    summary="世帯の貸付履歴 / a household's consultations, loans (schedule, arrears) and referrals",
    response_model=HouseholdHistory,
)
def household_history(household_id: str, deps: Deps, desk: Desk, at: Reader) -> Row:
    return at.read(deps.kit, views.household_history(deps, at.actor, household_id, desk))


# --- consultations -----------------------------------------------------------------------------


async def _search(
    date_from: Annotated[Day | None, Query(alias="from", description="period start (inclusive)")] = None,
    date_to: Annotated[Day | None, Query(alias="to", description="period end (inclusive)")] = None,
    fund_type: Annotated[str | None, Query()] = None,
    kind: Annotated[str | None, Query(description="loan_consultation_kinds code")] = None,
    status: Annotated[str | None, Query()] = None,
    household_id: Annotated[str | None, Query()] = None,
    initial: Annotated[bool | None, Query(description="only initial consultations (初期相談)")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Search:
    return Search(date_from, date_to, fund_type, kind, status, household_id, initial, limit, offset)


SearchDep = Annotated[Search, Depends(_search)]


@router.post(
    "/consultations",
    status_code=201,
    tags=["consultations 貸付相談"],
    summary="貸付相談の受付 / open a loan consultation",
    response_model=ConsultationView,
)
def open_consultation(body: OpenConsultationRequest, deps: Deps, at: LoansStaff) -> Row:
    cmd = c.OpenLoanConsultation(**{**body.model_dump(), "issues": tuple(body.issues)})
    return _consultation(at, deps, handlers.open_consultation(deps, at.command(), cmd))


@router.get(
    "/consultations",
    tags=["consultations 貸付相談"],
    summary="貸付相談の検索 / search consultations; counts: 延件数 (contacts) and 実数 (initial)",
    response_model=ConsultationPage,
)
def list_consultations(deps: Deps, at: Reader, search: SearchDep) -> Row:
    return at.read(deps.kit, views.consultations(deps, at.actor, search))


@router.get(
    "/consultations/{consultation_id}",
    tags=["consultations 貸付相談"],
    summary="貸付相談 / one consultation",
    response_model=ConsultationView,
)
def get_consultation(consultation_id: str, deps: Deps, at: Reader) -> Row:
    return at.read(deps.kit, views.consultation(deps, at.actor, consultation_id))


@router.post(
    "/consultations/{consultation_id}/contacts",
    tags=["consultations 貸付相談"],
    summary="相談対応の記録 / record a contact",
    response_model=ConsultationView,
)
def record_contact(consultation_id: str, body: ContactRequest, deps: Deps, at: LoansStaff) -> Row:
    cmd = c.RecordLoanContact(consultation_id=consultation_id, **body.model_dump(exclude={"expected_version"}))
    return _consultation(at, deps, handlers.record_contact(deps, at.command(body.expected_version), cmd))


@router.post(
    "/consultations/{consultation_id}/issues",
    tags=["consultations 貸付相談"],
    summary="世帯の課題の記録 / record household issues",
    response_model=ConsultationView,
)
def record_issues(consultation_id: str, body: IssuesRequest, deps: Deps, at: LoansStaff) -> Row:
    cmd = c.RecordHouseholdIssues(consultation_id=consultation_id, issues=tuple(body.issues))
    return _consultation(at, deps, handlers.record_issues(deps, at.command(body.expected_version), cmd))


@router.post(
    "/consultations/{consultation_id}/responses",
    tags=["consultations 貸付相談"],
    summary="対応の記録 / record a response",
    response_model=ConsultationView,
)
def record_response(consultation_id: str, body: ResponseRequest, deps: Deps, at: LoansStaff) -> Row:
    cmd = c.RecordResponse(consultation_id=consultation_id, response=body.response, note=body.note)
    return _consultation(at, deps, handlers.record_response(deps, at.command(body.expected_version), cmd))


@router.post(
    "/consultations/{consultation_id}/close",
    tags=["consultations 貸付相談"],
    summary="相談の終結 / close a consultation",
    response_model=ConsultationView,
)
def close_consultation(consultation_id: str, body: CloseConsultationRequest, deps: Deps, at: LoansStaff) -> Row:
    cmd = c.CloseLoanConsultation(consultation_id=consultation_id, outcome=body.outcome, note=body.note)
    return _consultation(at, deps, handlers.close_consultation(deps, at.command(body.expected_version), cmd))


@router.get(
    "/follow-ups",
    tags=["consultations 貸付相談"],
    summary="要フォロー一覧 / consultations closed without reaching any service",
    response_model=FollowUpPage,
)
def follow_ups(deps: Deps, at: Reader, search: SearchDep) -> Row:
    return at.read(deps.kit, views.follow_ups(deps, at.actor, search))


# --- applications and loans --------------------------------------------------------------------


@router.post(
    "/applications",
    status_code=201,
    tags=["applications 借入申請"],
    summary="借入申請の受付 / submit a loan application",
    response_model=ApplicationView,
)
def submit_application(body: ApplicationRequest, deps: Deps, at: LoansStaff) -> Row:
    cmd = c.SubmitLoanApplication(**body.model_dump())
    return _application(at, deps, handlers.submit_application(deps, at.command(), cmd))


@router.get(
    "/applications",
    tags=["applications 借入申請"],
    summary="借入申請・貸付の検索 / search applications and loans (with schedule and arrears)",
    response_model=ApplicationPage,
)
def list_applications(deps: Deps, at: Reader, search: SearchDep) -> Row:
    return at.read(deps.kit, views.applications(deps, at.actor, search))


@router.get(
    "/applications/{application_id}",
    tags=["applications 借入申請"],
    summary="借入申請・貸付 / one application",
    response_model=ApplicationView,
)
def get_application(application_id: str, deps: Deps, at: Reader) -> Row:
    return at.read(deps.kit, views.application(deps, at.actor, application_id))


@router.post(
    "/applications/{application_id}/review",
    tags=["applications 借入申請"],
    summary="審査に回す / send for review",
    response_model=ApplicationView,
)
def start_review(application_id: str, body: VersionRequest, deps: Deps, at: LoansStaff) -> Row:
    cmd = c.StartLoanReview(application_id=application_id)
    return _application(at, deps, handlers.start_review(deps, at.command(body.expected_version), cmd))


@router.post(
    "/applications/{application_id}/approve",
    tags=["applications 借入申請"],
    summary="貸付決定 / approve (manager)",
    response_model=ApplicationView,
)
def approve(application_id: str, body: ApproveRequest, deps: Deps, at: LoansManager) -> Row:
    cmd = c.ApproveLoan(application_id=application_id, **body.model_dump(exclude={"expected_version"}))
    return _application(at, deps, handlers.approve_loan(deps, at.command(body.expected_version), cmd))


@router.post(
    "/applications/{application_id}/deny",
    tags=["applications 借入申請"],
    summary="貸付不承認 / deny (manager); the household is referred to budget consultation",
    response_model=ApplicationView,
)
def deny(application_id: str, body: ReasonRequest, deps: Deps, at: LoansManager) -> Row:
    cmd = c.DenyLoanApplication(application_id=application_id, reason=body.reason)
    return _application(at, deps, handlers.deny_application(deps, at.command(body.expected_version), cmd))


@router.post(
    "/applications/{application_id}/withdraw",
    tags=["applications 借入申請"],
    summary="申請の取下げ・辞退 / withdraw",
    response_model=ApplicationView,
)
def withdraw(application_id: str, body: WithdrawRequest, deps: Deps, at: LoansStaff) -> Row:
    cmd = c.WithdrawLoanApplication(application_id=application_id, reason=body.reason)
    return _application(at, deps, handlers.withdraw_application(deps, at.command(body.expected_version), cmd))


@router.post(
    "/applications/{application_id}/disbursement",
    tags=["loans 貸付"],
    summary="貸付金の交付 / disburse",
    response_model=ApplicationView,
)
def disburse(application_id: str, body: DisburseRequest, deps: Deps, at: LoansStaff) -> Row:
    cmd = c.DisburseLoan(application_id=application_id, amount=body.amount, disbursed_on=body.disbursed_on)
    return _application(at, deps, handlers.disburse_loan(deps, at.command(body.expected_version), cmd))


@router.post(
    "/applications/{application_id}/repayments",
    tags=["loans 貸付"],
    summary="償還金の入金 / record a repayment",
    response_model=ApplicationView,
)
def repay(application_id: str, body: RepaymentRequest, deps: Deps, at: LoansStaff) -> Row:
    cmd = c.RecordRepayment(application_id=application_id, amount=body.amount, paid_on=body.paid_on)
    return _application(at, deps, handlers.record_repayment(deps, at.command(body.expected_version), cmd))


@router.post(
    "/applications/{application_id}/grace",
    tags=["loans 貸付"],
    summary="償還猶予 / grant grace (manager)",
    response_model=ApplicationView,
)
def grace(application_id: str, body: GraceRequest, deps: Deps, at: LoansManager) -> Row:
    cmd = c.GrantGrace(application_id=application_id, **body.model_dump(exclude={"expected_version"}))
    return _application(at, deps, handlers.grant_grace(deps, at.command(body.expected_version), cmd))


@router.post(
    "/loans/arrears-check",
    tags=["loans 貸付"],
    summary="日次の滞納確認 / mark overdue instalments of every loan being repaid (manager or system)",
    response_model=ArrearsCheckView,
)
def arrears_check(body: ArrearsCheckRequest, deps: Deps, at: ArrearsRunner) -> Row:
    as_of = body.as_of or local_date(deps.kit.clock.now())
    return handlers.check_arrears_all(deps, at.command(), as_of)


@router.get("/code-lists", tags=["reference コード表"], summary="コード表 / the code lists the desk validates against")
def code_lists(deps: Deps, at: Reader) -> Row:
    return code_lists_body(deps.codes)
