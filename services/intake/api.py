"""Intake's HTTP routes (総合相談窓口): parse → authorise → call a handler; shared.web maps errors.

Authorisation on every route: intake staff (workers and managers) record; managers alone leave
supervisor comments; intake staff (and auditors) read consultations, search people and read the
consent ledger; other departments may open a person or household record by id, with the
special-care fields redacted.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from services.intake import handlers, queries
from services.intake.domain import commands as c
from services.intake.responses import (
    ConsentLedger,
    ConsultationPage,
    ConsultationView,
    FollowUpsDue,
    HouseholdPage,
    HouseholdView,
    PersonPage,
    PersonView,
)
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
    ReopenBody,
    StatutorySharingBody,
    SupportPlanBody,
    WithdrawBody,
)
from shared.dates import local_date
from shared.referrals.desk import ReferralDesk
from shared.registry import commands as registry_commands
from shared.registry.bodies import RegisterHouseholdBody, RegisterPersonBody
from shared.web import Day, Edge, KitDep, Limit, Offset, edge

__all__ = ["router"]

INTAKE = {"intake"}
Writer = Annotated[Edge, edge(departments=INTAKE, roles={"worker", "manager"})]
Reader = Annotated[Edge, edge(departments=INTAKE, roles={"worker", "manager", "auditor"})]
Manager = Annotated[Edge, edge(departments=INTAKE, roles={"manager"})]
Staff = Annotated[Edge, edge()]

router = APIRouter()


async def _desk(request: Request) -> ReferralDesk:
    desk: ReferralDesk = request.app.state.desk
    return desk


Desk = Annotated[ReferralDesk, Depends(_desk)]


# --- people (本人) ---------------------------------------------------------------------------------

people = APIRouter(prefix="/people", tags=["people 本人"])


@people.post("", status_code=201, summary="本人登録 / register a person")
def register_person(body: RegisterPersonBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = registry_commands.RegisterPerson.of(body, registered_by=at.actor.staff_id)
    return at.submit(handlers.register_person, kit, cmd, body)


@people.get(
    "",
    summary="本人検索 / search people by name (kanji or kana), birth date, address, phone",
    response_model=PersonPage,
)
def search_people(
    kit: KitDep,
    at: Reader,
    name: Annotated[str | None, Query(description="kanji or kana, any width, spaces ignored")] = None,
    birth_date: date | None = None,
    address: str | None = None,
    phone: Annotated[str | None, Query(description="digits; hyphens and full-width digits are fine")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.read(
        kit,
        queries.search_people(
            kit,
            at.actor,
            name=name,
            birth_date=birth_date,
            address=address,
            phone=phone,
            limit=limit,
            offset=offset,
        ),
    )


@people.get(
    "/{person_id}",
    summary="本人情報 / one person (special-care details for intake staff only)",
    response_model=PersonView,
)
def get_person(person_id: str, kit: KitDep, at: Staff) -> dict[str, Any]:
    return at.read(kit, queries.person_view(kit, person_id, at.actor))


@people.patch("/{person_id}", summary="本人情報の訂正 / correct a person's details")
def correct_person(person_id: str, body: CorrectPersonBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = registry_commands.CorrectPersonDetails.of(body, person_id=person_id, corrected_by=at.actor.staff_id)
    return at.submit(handlers.correct_person_details, kit, cmd, body)


@people.post("/{person_id}/links", summary="同一人物の記録の統合 / link a duplicate record of this person")
def link_records(person_id: str, body: LinkBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = registry_commands.LinkPersonRecords.of(body, person_id=person_id, linked_by=at.actor.staff_id)
    return at.submit(handlers.link_person_records, kit, cmd, body)


@people.get(
    "/{person_id}/consents",
    summary="同意台帳 / the person's consents and statutory sharing",
    response_model=ConsentLedger,
)
def get_consents(person_id: str, kit: KitDep, at: Reader) -> dict[str, Any]:
    return at.read(kit, queries.consent_ledger(kit, person_id))


@people.post("/{person_id}/consents", status_code=201, summary="同意取得 / record consent to share")
def give_consent(person_id: str, body: ConsentBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.GiveConsent.of(body, person_id=person_id, recorded_by=at.actor.staff_id)
    return at.submit(handlers.give_consent, kit, cmd, body)


@people.post("/{person_id}/consents/{consent_id}/withdraw", summary="同意撤回 / withdraw a consent")
def withdraw_consent(person_id: str, consent_id: str, body: WithdrawBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.WithdrawConsent.of(body, person_id=person_id, consent_id=consent_id, recorded_by=at.actor.staff_id)
    return at.submit(handlers.withdraw_consent, kit, cmd, body)


@people.post("/{person_id}/statutory-sharing", status_code=201, summary="法定の情報共有 / record sharing in a 支援会議")
def record_statutory_sharing(person_id: str, body: StatutorySharingBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RecordStatutorySharing.of(body, person_id=person_id, recorded_by=at.actor.staff_id)
    return at.submit(handlers.record_statutory_sharing, kit, cmd, body)


# --- households (世帯) -----------------------------------------------------------------------------

households = APIRouter(prefix="/households", tags=["households 世帯"])


@households.post("", status_code=201, summary="世帯登録 / register a household")
def register_household(body: RegisterHouseholdBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = registry_commands.RegisterHousehold.of(body, registered_by=at.actor.staff_id)
    return at.submit(handlers.register_household, kit, cmd, body)


@households.get("", summary="世帯一覧 / list households by address or member", response_model=HouseholdPage)
def list_households(
    kit: KitDep,
    at: Reader,
    address: str | None = None,
    person_id: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.read(
        kit, queries.list_households(kit, at.actor, address=address, person_id=person_id, limit=limit, offset=offset)
    )


@households.get("/{household_id}", summary="世帯情報 / one household and its members", response_model=HouseholdView)
def get_household(household_id: str, kit: KitDep, at: Staff) -> dict[str, Any]:
    return at.read(kit, queries.household_view(kit, household_id, at.actor))


@households.post("/{household_id}/members", summary="世帯員の加入 / a person joins the household")
def join_household(household_id: str, body: JoinBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = registry_commands.JoinHousehold.of(body, household_id=household_id, recorded_by=at.actor.staff_id)
    return at.submit(handlers.join_household, kit, cmd, body)


@households.post("/{household_id}/members/{person_id}/leave", summary="世帯員の離脱 / a member leaves")
def leave_household(household_id: str, person_id: str, body: LeaveBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = registry_commands.LeaveHousehold.of(
        body, household_id=household_id, person_id=person_id, recorded_by=at.actor.staff_id
    )
    return at.submit(handlers.leave_household, kit, cmd, body)


# --- consultations (相談) --------------------------------------------------------------------------

consultations = APIRouter(prefix="/consultations", tags=["consultations 相談"])


@consultations.post("", status_code=201, summary="相談受付 / open a consultation")
def open_consultation(body: OpenConsultationBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.OpenConsultation.of(body, opened_by=at.actor.staff_id)
    return at.submit(handlers.open_consultation, kit, cmd, body)


@consultations.get(
    "", summary="相談一覧 / list, filter and page consultations (counts by status)", response_model=ConsultationPage
)
def list_consultations(
    kit: KitDep,
    at: Reader,
    status: Literal["open", "closed"] | None = None,
    urgency: Literal["normal", "urgent", "same_day"] | None = None,
    issue: Annotated[str | None, Query(description="household_issue_categories code")] = None,
    source: str | None = None,
    person_id: Annotated[str | None, Query(description="includes the person's linked records")] = None,
    household_id: str | None = None,
    opened_from: Day | None = None,
    opened_to: Day | None = None,
    unacknowledged_comments: Annotated[
        bool | None, Query(description="supervisor comments awaiting the worker")
    ] = None,
    commented: Annotated[
        bool | None, Query(description="ever commented on by a supervisor (false: never reviewed)")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return at.read(
        kit,
        queries.list_consultations(
            kit,
            at.actor,
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
            commented=commented,
        ),
    )


@consultations.get(
    "/{consultation_id}",
    summary="相談記録 / one consultation with contacts, plan and referrals",
    response_model=ConsultationView,
)
def get_consultation(consultation_id: str, kit: KitDep, desk: Desk, at: Reader) -> dict[str, Any]:
    return at.read(kit, queries.consultation_detail(kit, consultation_id, at.actor, desk))


@consultations.post("/{consultation_id}/contacts", status_code=201, summary="相談対応記録 / record a contact")
def record_contact(consultation_id: str, body: ContactBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RecordContact.of(body, consultation_id=consultation_id, recorded_by=at.actor.staff_id)
    return at.submit(handlers.record_contact, kit, cmd, body)


@consultations.post("/{consultation_id}/assessment", summary="アセスメント / record the assessment")
def record_assessment(consultation_id: str, body: AssessmentBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.RecordAssessment.of(body, consultation_id=consultation_id, assessed_by=at.actor.staff_id)
    return at.submit(handlers.record_assessment, kit, cmd, body)


@consultations.put("/{consultation_id}/support-plan", summary="支援計画 / set the support plan (support ladder)")
def set_support_plan(consultation_id: str, body: SupportPlanBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.SetSupportPlan.of(body, consultation_id=consultation_id, set_by=at.actor.staff_id)
    return at.submit(handlers.set_support_plan, kit, cmd, body)


@consultations.post(
    "/{consultation_id}/follow-ups", status_code=201, summary="フォローアップ予定 / schedule a follow-up"
)
def schedule_follow_up(consultation_id: str, body: FollowUpBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.ScheduleFollowUp.of(body, consultation_id=consultation_id, scheduled_by=at.actor.staff_id)
    return at.submit(handlers.schedule_follow_up, kit, cmd, body)


@consultations.post("/{consultation_id}/identify", summary="対象者の特定 / the subject is a registered person")
def identify_subject(consultation_id: str, body: IdentifyBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.IdentifySubject.of(body, consultation_id=consultation_id, identified_by=at.actor.staff_id)
    return at.submit(handlers.identify_subject, kit, cmd, body)


@consultations.post("/{consultation_id}/close", summary="終結 / close with an outcome")
def close_consultation(consultation_id: str, body: CloseBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.CloseConsultation.of(body, consultation_id=consultation_id, closed_by=at.actor.staff_id)
    return at.submit(handlers.close_consultation, kit, cmd, body)


@consultations.post("/{consultation_id}/reopen", summary="再開 / reopen a closed consultation")
def reopen_consultation(consultation_id: str, body: ReopenBody, kit: KitDep, at: Writer) -> dict[str, Any]:
    cmd = c.ReopenConsultation.of(body, consultation_id=consultation_id, reopened_by=at.actor.staff_id)
    return at.submit(handlers.reopen_consultation, kit, cmd, body)


@consultations.post(
    "/{consultation_id}/comments", status_code=201, summary="スーパーバイズ / a manager comments (managers only)"
)
def add_comment(consultation_id: str, body: CommentBody, kit: KitDep, at: Manager) -> dict[str, Any]:
    cmd = c.AddSupervisorComment.of(body, consultation_id=consultation_id, reviewer_id=at.actor.staff_id)
    return at.submit(handlers.add_supervisor_comment, kit, cmd, body)


@consultations.post(
    "/{consultation_id}/comments/{comment_id}/acknowledge", summary="スーパーバイズ確認 / the worker read the comment"
)
def acknowledge_comment(
    consultation_id: str, comment_id: str, body: AcknowledgeBody, kit: KitDep, at: Writer
) -> dict[str, Any]:
    cmd = c.AcknowledgeSupervisorComment.of(
        body, consultation_id=consultation_id, comment_id=comment_id, acknowledged_by=at.actor.staff_id
    )
    return at.submit(handlers.acknowledge_supervisor_comment, kit, cmd, body)


@consultations.post(
    "/{consultation_id}/referrals", status_code=201, summary="紹介する / refer this consultation's case"
)
def refer_consultation(consultation_id: str, body: ReferralBody, kit: KitDep, desk: Desk, at: Writer) -> dict[str, Any]:
    req = body.model_copy(update={"consultation_id": consultation_id})
    return handlers.make_referral(kit, desk, at.command(), req)


# --- follow-ups and referrals ---------------------------------------------------------------------

work = APIRouter(tags=["follow-ups フォローアップ"])


@work.get(
    "/follow-ups", summary="フォローアップ予定 / follow-ups due (open consultations)", response_model=FollowUpsDue
)
def due_follow_ups(
    kit: KitDep,
    at: Reader,
    until: Annotated[date | None, Query(description="due on or before (default: a week from today)")] = None,
    limit: Limit = 100,
) -> dict[str, Any]:
    return at.read(
        kit, queries.due_follow_ups(kit, at.actor, until or (local_date(kit.clock.now()) + timedelta(days=7)), limit)
    )


referrals = APIRouter(prefix="/referrals", tags=["referrals 紹介"])


@referrals.post("", status_code=201, summary="紹介する / make a referral (basis checked in the consent ledger)")
def make_referral(body: ReferralBody, kit: KitDep, desk: Desk, at: Writer) -> dict[str, Any]:
    return handlers.make_referral(kit, desk, at.command(), body)


router.include_router(people)
router.include_router(households)
router.include_router(consultations)
router.include_router(work)
router.include_router(referrals)
