"""Intake's HTTP routes (総合相談窓口): parse → authorise → call a handler; shared.web maps errors.

Authorisation on every route: intake staff (workers and managers) record; managers alone leave
supervisor comments; intake staff (and auditors) read consultations, search people and read the
consent ledger; other departments may open a person or household record by id, with the
special-care fields redacted.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from services.intake import handlers, queries
from services.intake.domain import commands as c
from services.intake.schemas import (
    AcknowledgeBody,
    AssessmentBody,
    CloseBody,
    CommentBody,
    ConsentBody,
    ContactBody,
    CorrectPersonBody,
    FollowUpBody,
    IdentifyBody,
    JoinBody,
    LeaveBody,
    LinkBody,
    OpenConsultationBody,
    ReferralBody,
    RegisterHouseholdBody,
    RegisterPersonBody,
    ReopenBody,
    StatutorySharingBody,
    SupportPlanBody,
    WithdrawBody,
)
from shared.auth import CurrentActor, require
from shared.envelope import Actor
from shared.errors import InvalidCommand
from shared.referrals.desk import ReferralDesk
from shared.registry import commands as registry_commands
from shared.web import correlation_id as _cid
from shared.web import service_kit as _kit
from shared.web import tagged as _tagged

__all__ = ["router"]

INTAKE = {"intake"}
Writer = Annotated[Actor, Depends(require(departments=INTAKE, roles={"worker", "manager"}))]
Reader = Annotated[Actor, Depends(require(departments=INTAKE, roles={"worker", "manager", "auditor"}))]
Manager = Annotated[Actor, Depends(require(departments=INTAKE, roles={"manager"}))]
IfMatch = Annotated[str | None, Header(description='the version you read, e.g. "3" (or use expected_version)')]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]

router = APIRouter()


def _desk(request: Request) -> ReferralDesk:
    desk: ReferralDesk = request.app.state.desk
    return desk


def _expected(body_version: int | None, if_match: str | None) -> int | None:
    """The client's version from the body or the If-Match header (``3``, ``"3"`` or ``W/"3"``)."""
    if if_match is None:
        return body_version
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise InvalidCommand(f'If-Match {if_match!r} is not a version: send the number you read, e.g. "3"')
    header_version = int(raw)
    if body_version is not None and body_version != header_version:
        raise InvalidCommand(
            f"expected_version {body_version} and If-Match {header_version} disagree: send one",
            field="expected_version",
        )
    return header_version


# --- people (本人) ---------------------------------------------------------------------------------

people = APIRouter(prefix="/people", tags=["people 本人"])


@people.post("", status_code=201, summary="本人登録 / register a person")
def register_person(body: RegisterPersonBody, request: Request, response: Response, actor: Writer) -> dict[str, Any]:
    cmd = registry_commands.RegisterPerson(**body.model_dump(), registered_by=actor.staff_id)
    return _tagged(response, handlers.register_person(_kit(request), actor, cmd, correlation_id=_cid(request)))


@people.get("", summary="本人検索 / search people by name (kanji or kana), birth date, address, phone")
def search_people(
    request: Request,
    actor: Reader,
    name: Annotated[str | None, Query(description="kanji or kana, any width, spaces ignored")] = None,
    birth_date: date | None = None,
    address: str | None = None,
    phone: Annotated[str | None, Query(description="digits; hyphens and full-width digits are fine")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return queries.search_people(
        _kit(request),
        actor,
        name=name,
        birth_date=birth_date,
        address=address,
        phone=phone,
        limit=limit,
        offset=offset,
    )


@people.get("/{person_id}", summary="本人情報 / one person (special-care details for intake staff only)")
def get_person(person_id: str, request: Request, response: Response, actor: CurrentActor) -> dict[str, Any]:
    return _tagged(response, queries.person_view(_kit(request), person_id, actor))


@people.patch("/{person_id}", summary="本人情報の訂正 / correct a person's details")
def correct_person(
    person_id: str,
    body: CorrectPersonBody,
    request: Request,
    response: Response,
    actor: Writer,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = registry_commands.CorrectPersonDetails(
        person_id=person_id, **body.model_dump(exclude={"expected_version"}), corrected_by=actor.staff_id
    )
    result = handlers.correct_person_details(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@people.post("/{person_id}/links", summary="同一人物の記録の統合 / link a duplicate record of this person")
def link_records(
    person_id: str, body: LinkBody, request: Request, response: Response, actor: Writer, if_match: IfMatch = None
) -> dict[str, Any]:
    cmd = registry_commands.LinkPersonRecords(
        person_id=person_id, duplicate_person_id=body.duplicate_person_id, reason=body.reason, linked_by=actor.staff_id
    )
    result = handlers.link_person_records(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@people.get("/{person_id}/consents", summary="同意台帳 / the person's consents and statutory sharing")
def get_consents(person_id: str, request: Request, response: Response, actor: Reader) -> dict[str, Any]:
    return _tagged(response, queries.consent_ledger(_kit(request), person_id))


@people.post("/{person_id}/consents", status_code=201, summary="同意取得 / record consent to share")
def give_consent(
    person_id: str, body: ConsentBody, request: Request, response: Response, actor: Writer, if_match: IfMatch = None
) -> dict[str, Any]:
    cmd = c.GiveConsent(
        person_id=person_id, **body.model_dump(exclude={"expected_version"}), recorded_by=actor.staff_id
    )
    result = handlers.give_consent(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@people.post("/{person_id}/consents/{consent_id}/withdraw", summary="同意撤回 / withdraw a consent")
def withdraw_consent(
    person_id: str,
    consent_id: str,
    body: WithdrawBody,
    request: Request,
    response: Response,
    actor: Writer,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = c.WithdrawConsent(
        person_id=person_id,
        consent_id=consent_id,
        **body.model_dump(exclude={"expected_version"}),
        recorded_by=actor.staff_id,
    )
    result = handlers.withdraw_consent(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@people.post("/{person_id}/statutory-sharing", status_code=201, summary="法定の情報共有 / record sharing in a 支援会議")
def record_statutory_sharing(
    person_id: str,
    body: StatutorySharingBody,
    request: Request,
    response: Response,
    actor: Writer,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = c.RecordStatutorySharing(
        person_id=person_id, **body.model_dump(exclude={"expected_version"}), recorded_by=actor.staff_id
    )
    result = handlers.record_statutory_sharing(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


# --- households (世帯) -----------------------------------------------------------------------------

households = APIRouter(prefix="/households", tags=["households 世帯"])


@households.post("", status_code=201, summary="世帯登録 / register a household")
def register_household(
    body: RegisterHouseholdBody, request: Request, response: Response, actor: Writer
) -> dict[str, Any]:
    cmd = registry_commands.RegisterHousehold(**body.model_dump(), registered_by=actor.staff_id)
    return _tagged(response, handlers.register_household(_kit(request), actor, cmd, correlation_id=_cid(request)))


@households.get("", summary="世帯一覧 / list households by address or member")
def list_households(
    request: Request,
    actor: Reader,
    address: str | None = None,
    person_id: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return queries.list_households(
        _kit(request), actor, address=address, person_id=person_id, limit=limit, offset=offset
    )


@households.get("/{household_id}", summary="世帯情報 / one household and its members")
def get_household(household_id: str, request: Request, response: Response, actor: CurrentActor) -> dict[str, Any]:
    return _tagged(response, queries.household_view(_kit(request), household_id, actor))


@households.post("/{household_id}/members", summary="世帯員の加入 / a person joins the household")
def join_household(
    household_id: str, body: JoinBody, request: Request, response: Response, actor: Writer, if_match: IfMatch = None
) -> dict[str, Any]:
    cmd = registry_commands.JoinHousehold(
        household_id=household_id, member=body.member, joined_on=body.joined_on, recorded_by=actor.staff_id
    )
    result = handlers.join_household(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@households.post("/{household_id}/members/{person_id}/leave", summary="世帯員の離脱 / a member leaves")
def leave_household(
    household_id: str,
    person_id: str,
    body: LeaveBody,
    request: Request,
    response: Response,
    actor: Writer,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = registry_commands.LeaveHousehold(
        household_id=household_id,
        person_id=person_id,
        left_on=body.left_on,
        reason=body.reason,
        recorded_by=actor.staff_id,
    )
    result = handlers.leave_household(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


# --- consultations (相談) --------------------------------------------------------------------------

consultations = APIRouter(prefix="/consultations", tags=["consultations 相談"])


@consultations.post("", status_code=201, summary="相談受付 / open a consultation")
def open_consultation(
    body: OpenConsultationBody, request: Request, response: Response, actor: Writer
) -> dict[str, Any]:
    cmd = c.OpenConsultation(**body.model_dump(), opened_by=actor.staff_id)
    return _tagged(response, handlers.open_consultation(_kit(request), actor, cmd, correlation_id=_cid(request)))


@consultations.get("", summary="相談一覧 / list, filter and page consultations (counts by status)")
def list_consultations(
    request: Request,
    actor: Reader,
    status: Literal["open", "closed"] | None = None,
    urgency: Literal["normal", "urgent", "same_day"] | None = None,
    issue: Annotated[str | None, Query(description="household_issue_categories code")] = None,
    source: str | None = None,
    person_id: Annotated[str | None, Query(description="includes the person's linked records")] = None,
    household_id: str | None = None,
    opened_from: date | None = None,
    opened_to: date | None = None,
    unacknowledged_comments: Annotated[
        bool | None, Query(description="supervisor comments awaiting the worker")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return queries.list_consultations(
        _kit(request),
        person_id=person_id,
        limit=limit,
        offset=offset,
        status=status,
        urgency=urgency,
        issue=issue,
        source=source,
        household_id=household_id,
        opened_from=opened_from,
        opened_to=opened_to,
        unacknowledged_comments=unacknowledged_comments,
    )


@consultations.get("/{consultation_id}", summary="相談記録 / one consultation with contacts, plan and referrals")
def get_consultation(consultation_id: str, request: Request, response: Response, actor: Reader) -> dict[str, Any]:
    return _tagged(response, queries.consultation_detail(_kit(request), consultation_id, actor, _desk(request)))


@consultations.post("/{consultation_id}/contacts", status_code=201, summary="相談対応記録 / record a contact")
def record_contact(
    consultation_id: str,
    body: ContactBody,
    request: Request,
    response: Response,
    actor: Writer,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = c.RecordContact(
        consultation_id=consultation_id, **body.model_dump(exclude={"expected_version"}), recorded_by=actor.staff_id
    )
    result = handlers.record_contact(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@consultations.post("/{consultation_id}/assessment", summary="アセスメント / record the assessment")
def record_assessment(
    consultation_id: str,
    body: AssessmentBody,
    request: Request,
    response: Response,
    actor: Writer,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = c.RecordAssessment(
        consultation_id=consultation_id, **body.model_dump(exclude={"expected_version"}), assessed_by=actor.staff_id
    )
    result = handlers.record_assessment(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@consultations.put("/{consultation_id}/support-plan", summary="支援計画 / set the support plan (support ladder)")
def set_support_plan(
    consultation_id: str,
    body: SupportPlanBody,
    request: Request,
    response: Response,
    actor: Writer,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = c.SetSupportPlan(consultation_id=consultation_id, goal=body.goal, steps=body.steps, set_by=actor.staff_id)
    result = handlers.set_support_plan(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@consultations.post(
    "/{consultation_id}/follow-ups", status_code=201, summary="フォローアップ予定 / schedule a follow-up"
)
def schedule_follow_up(
    consultation_id: str,
    body: FollowUpBody,
    request: Request,
    response: Response,
    actor: Writer,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = c.ScheduleFollowUp(
        consultation_id=consultation_id, due_on=body.due_on, purpose=body.purpose, scheduled_by=actor.staff_id
    )
    result = handlers.schedule_follow_up(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@consultations.post("/{consultation_id}/identify", summary="対象者の特定 / the subject is a registered person")
def identify_subject(
    consultation_id: str,
    body: IdentifyBody,
    request: Request,
    response: Response,
    actor: Writer,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = c.IdentifySubject(
        consultation_id=consultation_id,
        person_id=body.person_id,
        household_id=body.household_id,
        identified_by=actor.staff_id,
    )
    result = handlers.identify_subject(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@consultations.post("/{consultation_id}/close", summary="終結 / close with an outcome")
def close_consultation(
    consultation_id: str,
    body: CloseBody,
    request: Request,
    response: Response,
    actor: Writer,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = c.CloseConsultation(
        consultation_id=consultation_id,
        outcome=body.outcome,
        destination=body.destination,
        note=body.note,
        closed_by=actor.staff_id,
    )
    result = handlers.close_consultation(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@consultations.post("/{consultation_id}/reopen", summary="再開 / reopen a closed consultation")
def reopen_consultation(
    consultation_id: str,
    body: ReopenBody,
    request: Request,
    response: Response,
    actor: Writer,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = c.ReopenConsultation(consultation_id=consultation_id, reason=body.reason, reopened_by=actor.staff_id)
    result = handlers.reopen_consultation(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@consultations.post(
    "/{consultation_id}/comments", status_code=201, summary="スーパーバイズ / a manager comments (managers only)"
)
def add_comment(
    consultation_id: str,
    body: CommentBody,
    request: Request,
    response: Response,
    actor: Manager,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = c.AddSupervisorComment(consultation_id=consultation_id, reviewer_id=actor.staff_id, comment=body.comment)
    result = handlers.add_supervisor_comment(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@consultations.post(
    "/{consultation_id}/comments/{comment_id}/acknowledge", summary="スーパーバイズ確認 / the worker read the comment"
)
def acknowledge_comment(
    consultation_id: str,
    comment_id: str,
    body: AcknowledgeBody,
    request: Request,
    response: Response,
    actor: Writer,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    cmd = c.AcknowledgeSupervisorComment(
        consultation_id=consultation_id, comment_id=comment_id, acknowledged_by=actor.staff_id
    )
    result = handlers.acknowledge_supervisor_comment(
        _kit(request),
        actor,
        cmd,
        expected_version=_expected(body.expected_version, if_match),
        correlation_id=_cid(request),
    )
    return _tagged(response, result)


@consultations.post(
    "/{consultation_id}/referrals", status_code=201, summary="紹介する / refer this consultation's case"
)
def refer_consultation(consultation_id: str, body: ReferralBody, request: Request, actor: Writer) -> dict[str, Any]:
    req = body.model_copy(update={"consultation_id": consultation_id})
    return handlers.make_referral(_kit(request), _desk(request), actor, req, correlation_id=_cid(request))


# --- follow-ups and referrals ---------------------------------------------------------------------

work = APIRouter(tags=["follow-ups フォローアップ"])


@work.get("/follow-ups", summary="フォローアップ予定 / follow-ups due (open consultations)")
def due_follow_ups(
    request: Request,
    actor: Reader,
    until: Annotated[date | None, Query(description="due on or before (default: a week from today)")] = None,
    limit: Limit = 100,
) -> dict[str, Any]:
    kit = _kit(request)
    return queries.due_follow_ups(kit, until or (kit.clock.now().date() + timedelta(days=7)), limit)


referrals = APIRouter(prefix="/referrals", tags=["referrals 紹介"])


@referrals.post("", status_code=201, summary="紹介する / make a referral (basis checked in the consent ledger)")
def make_referral(body: ReferralBody, request: Request, actor: Writer) -> dict[str, Any]:
    return handlers.make_referral(_kit(request), _desk(request), actor, body, correlation_id=_cid(request))


router.include_router(people)
router.include_router(households)
router.include_router(consultations)
router.include_router(work)
router.include_router(referrals)
