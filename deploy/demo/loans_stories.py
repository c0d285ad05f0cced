"""The seed's loan-desk stories (横須賀 事例1–7), played through every desk they touch.

Each ``story_*`` function takes the services' base URLs and a token factory ``token(department,
role)``, plays one story as the desks' staff would, in the seed's order, and returns a
:class:`~deploy.demo.kit.StoryResult`: the seed digest's number and title, the household to open in
reporting's case view, the roles it acted in and the ids it created. ``make run`` loads them all
with :func:`load`; ``tests/e2e/test_loans_stories.py`` plays the same scripts and checks the
outcomes. Dates are relative to today, because the desk refuses due dates in the past.

A referral to the consultation desk (総合相談, intake) is answered there: intake waits for it to
arrive through Kafka, accepts it, holds the 家計相談 consultation and answers it; the loan desk closes
its own consultation only once it sees that answer. An outside agency's answer is recorded by the
loan desk. No story leaves a referral unanswered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import httpx

from deploy.demo.kit import RoleRecorder, Staff, StoryResult, Token
from deploy.demo.kit import today as kit_today

__all__ = [
    "STORIES",
    "load",
    "story_1_moving_cost_solved_without_a_loan",
    "story_2_pension_mismanagement",
    "story_3_single_mother_budgeting",
    "story_4_multiple_debts",
    "story_5_borrower_tuition_arrears",
    "story_6_borrower_unemployed_son",
]

Ids = dict[str, str]


class _Api:
    """A tiny client of the loan desk that raises with the service's own message when a call is refused."""

    def __init__(self, urls: dict[str, str], token: Token, service: str = "loans") -> None:
        self.base = urls[service]
        self.token = token

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, role: str = "worker") -> Any:
        headers = {"Authorization": f"Bearer {self.token('loans', role)}"}
        r = httpx.request(method, self.base + path, json=body, headers=headers, timeout=30)
        if r.status_code >= 400:
            raise RuntimeError(f"{method} {path} → {r.status_code}: {r.text}")
        return r.json()

    def post(self, path: str, body: dict[str, Any], role: str = "worker") -> Any:
        return self.call("POST", path, body, role)

    def household(self, *people: tuple[str, str]) -> tuple[str, list[str]]:
        """Register people (name, relationship) and their household; returns (household, person ids)."""
        ids = [self.post("/people", {"name_kanji": name})["person_id"] for name, _ in people]
        members = [{"person_id": pid, "relationship": rel} for pid, (_, rel) in zip(ids, people, strict=True)]
        household = self.post("/households", {"members": members})["household_id"]
        return str(household), [str(i) for i in ids]

    def consultation(self, household: str, person: str, **fields: Any) -> str:
        body = {
            "household_id": household,
            "person_id": person,
            "channel": "interview",
            "counterpart": "self",
            "initial": True,
            **fields,
        }
        return str(self.post("/consultations", body)["consultation_id"])

    def loan(self, household: str, person: str, fund_type: str, amount: int, count: int) -> str:
        """An application taken through review, approval (manager) and disbursement today."""
        today = kit_today()  # the council's day (Japan), as the desk counts it
        aid = str(
            self.post(
                "/applications",
                {"household_id": household, "person_id": person, "fund_type": fund_type, "requested_amount": amount},
            )["application_id"]
        )
        self.post(f"/applications/{aid}/review", {})
        first_due = date(today.year + (today.month // 12), today.month % 12 + 1, 28)
        self.post(
            f"/applications/{aid}/approve",
            {"amount": amount, "instalment_count": count, "first_due_date": first_due.isoformat()},
            role="manager",
        )
        self.post(f"/applications/{aid}/disbursement", {"amount": amount, "disbursed_on": today.isoformat()})
        return aid

    def refer(self, household: str, person: str, target_kind: str, target: str, reason: str, detail: str) -> str:
        body = {
            "case_id": household,
            "household_id": household,
            "person_id": person,
            "target_kind": target_kind,
            "target": target,
            "reason_category": reason,
            "reason_detail": detail,
            "deadline_days": 7,
        }
        return str(self.post("/referrals", body)["referral_id"])

    def wait_for_answer(self, referral_id: str) -> None:
        """Wait until the loan desk sees the other desk's answer (it travels back through Kafka)."""
        with Staff({"loans": self.base}, self.token, "loans", "loans") as desk:
            desk.wait_for_status(referral_id, "completed", "declined")


def _budget_consultation_at_intake(
    urls: dict[str, str],
    token: Token,
    referral_id: str,
    household: str,
    person: str,
    *,
    issues: Sequence[str],
    own_words: str,
    contacts: Sequence[dict[str, Any]],
    plan: dict[str, Any],
    answer: dict[str, str],
    before_answer: Callable[[], None] | None = None,
) -> Ids:
    """総合相談's part: the loan desk's referral reaches intake through Kafka; intake accepts it,
    holds the 家計相談 consultation (contacts and a support plan) and answers the referral."""
    with Staff(urls, token, "intake", "intake") as desk:
        desk.wait_for_referral(referral_id)
        desk.post(f"/referrals/{referral_id}/accept", {"note": "家計相談として受理"})
        # The loan desk registered the household; its registry events reach intake through Kafka too.
        desk.wait_until_found(f"/people/{person}")
        desk.wait_until_found(f"/households/{household}")
        opened = desk.post(
            "/consultations",
            {
                "person_id": person,
                "household_id": household,
                "source": "internal_department",
                "source_detail": "生活福祉資金の貸付相談から（家計相談）",
                "channel": "interview",
                "issues": list(issues),
                "own_words": own_words,
            },
        )
        cid = str(opened["consultation_id"])
        for contact in contacts:
            desk.post(f"/consultations/{cid}/contacts", contact)
        desk.put(f"/consultations/{cid}/support-plan", plan)
        if before_answer is not None:
            before_answer()
        desk.post(f"/referrals/{referral_id}/complete", answer)
    return {"budget_consultation_id": cid}


def story_1_moving_cost_solved_without_a_loan(urls: dict[str, str], token: Token) -> StoryResult:
    """事例1: unemployed, staying at a friend's, must leave in two weeks, asks to borrow moving costs.
    Staff lay out six options; the household moves with housing benefit, without a loan."""
    roles = RoleRecorder(token)
    api = _Api(urls, roles)
    household, (person,) = api.household(("横須賀 一郎", "本人"))
    cid = api.consultation(
        household,
        person,
        fund_type="moving_and_utilities",
        kind="new_until_decision",
        issues=["employment", "housing"],
        summary="離職中。知人宅に居住しているが半月後に退去。転居費用を借りたい。",
    )
    api.post(
        f"/consultations/{cid}/contacts",
        {"channel": "phone", "counterpart": "self", "note": "6つの選択肢を整理して提示"},
    )
    api.post(f"/consultations/{cid}/responses", {"response": "housing_benefit", "note": "住宅支援給付の申請へ"})
    api.post(f"/consultations/{cid}/responses", {"response": "unemployment_training", "note": "ハローワークで求職"})
    api.post(f"/consultations/{cid}/close", {"outcome": "solved_by_other_means", "note": "借入せずに転居できた"})
    return StoryResult(
        number=1,
        title_ja="事例1 転居費用の借入相談、借入せずに解決",
        title_en="A loan request a loan cannot solve: moving costs, solved without a loan",
        case_id=household,
        roles=roles.roles,
        ids={"household_id": household, "person_id": person, "consultation_id": cid},
        scripts=("loans_stories.story_1_moving_cost_solved_without_a_loan",),
    )


def story_2_pension_mismanagement(urls: dict[str, str], token: Token) -> StoryResult:
    """事例2: cannot manage the pension, asks to borrow until the next payment. The loan desk refers
    the household to intake's budget consultation (家計相談) and to the community support centre
    (包括); intake accepts, checks judgement capacity jointly with the centre while supporting the
    budget, and answers; the loan desk records the centre's outcome and, once intake's answer is
    back, closes its consultation."""
    roles = RoleRecorder(token)
    api = _Api(urls, roles)
    household, (person,) = api.household(("逗子 花子", "本人"))
    cid = api.consultation(
        household,
        person,
        fund_type="temporary_living",
        kind="new_until_decision",
        issues=["household_budget", "long_term_care"],
        summary="年金の管理ができず、次の支給日まで生活費が足りない。",
    )
    api.post(f"/consultations/{cid}/responses", {"response": "budget_consultation"})
    api.post(f"/consultations/{cid}/responses", {"response": "daily_life_support"})
    to_intake = api.refer(
        household, person, "department", "intake", "household_budget", "年金支給月ごとの家計管理の支援をお願いしたい"
    )
    to_centre = api.refer(
        household,
        person,
        "external",
        "community_support_centre",
        "daily_life_support",
        "判断能力の確認を包括と合同で行う",
    )
    at_intake = _budget_consultation_at_intake(
        urls,
        roles,
        to_intake,
        household,
        person,
        issues=["household_budget", "long_term_care"],
        own_words="年金が入るとすぐになくなってしまう",
        contacts=[
            {
                "channel": "home_visit",
                "party": "community_support_centre",
                "outcome": "reached",
                "summary": "包括と合同訪問。判断能力の有無を確認",
            },
            {
                "channel": "interview",
                "party": "self",
                "outcome": "reached",
                "summary": "年金支給月ごとの家計表を一緒に作成",
            },
        ],
        plan={
            "goal": "年金の範囲で次の支給日まで暮らせる",
            "steps": [
                {
                    "rung": "personal_capacity",
                    "action": "年金支給月ごとの家計表で一緒に家計を管理する",
                    "responsible": {"kind": "department", "name": "intake"},
                },
                {
                    "rung": "existing_mechanisms",
                    "action": "判断能力の確認と見守りを包括と合同で",
                    "responsible": {"kind": "agency", "name": "community_support_centre"},
                },
            ],
        },
        answer={"outcome": "support_started", "note": "包括と合同で判断能力を確認し、家計支援を開始"},
        before_answer=lambda: api.post(
            f"/referrals/{to_centre}/outcome", {"outcome": "support_started", "note": "合同訪問で確認、支援開始"}
        ),
    )
    api.wait_for_answer(to_intake)
    api.post(f"/consultations/{cid}/close", {"outcome": "solved_by_other_means", "note": "借入せず家計支援へ"})
    return StoryResult(
        number=2,
        title_ja="事例2 年金を自分で管理できない、家計支援と包括との判断能力の確認",
        title_en="Pension mismanagement: budget support at intake, judgement capacity checked with the centre",
        case_id=household,
        roles=roles.roles,
        ids={
            "household_id": household,
            "person_id": person,
            "consultation_id": cid,
            "referral_to_intake": to_intake,
            "referral_to_centre": to_centre,
            **at_intake,
        },
        scripts=("loans_stories.story_2_pension_mismanagement",),
    )


def story_3_single_mother_budgeting(urls: dict[str, str], token: Token) -> StoryResult:
    """事例3: a single mother, child in a special-needs class; listening, budgeting around the
    allowances paid every four months, coordination with city desks; support continues."""
    roles = RoleRecorder(token)
    api = _Api(urls, roles)
    household, (mother, child) = api.household(("三浦 由美", "本人"), ("三浦 翔", "長男"))
    cid = api.consultation(
        household,
        mother,
        fund_type="education_support",
        kind="new_until_decision",
        issues=["childcare_education", "household_budget"],
        summary="ひとり親。子は特別支援学級。手当支給月の間の生活費が苦しい。",
    )
    for note in ("手当の支給月に合わせた家計表を一緒に作成", "市の子育て支援課と調整"):
        api.post(f"/consultations/{cid}/contacts", {"channel": "interview", "counterpart": "self", "note": note})
    api.post(f"/consultations/{cid}/responses", {"response": "budget_consultation"})
    api.post(f"/consultations/{cid}/responses", {"response": "single_parent_fund"})
    return StoryResult(
        number=3,
        title_ja="事例3 母子世帯、子は支援級 — 手当の支給月に合わせた家計の継続支援",
        title_en="Single mother, child in a special-needs class: continuing budget support",
        case_id=household,
        roles=roles.roles,
        ids={"household_id": household, "person_id": mother, "child_id": child, "consultation_id": cid},
        scripts=("loans_stories.story_3_single_mother_budgeting",),
    )


def story_4_multiple_debts(urls: dict[str, str], token: Token) -> StoryResult:
    """事例4: mortgage, card loan, car loan, tax and insurance arrears. The loan is denied (the desk
    refers the household to budget consultation automatically); debts are settled with a judicial
    scrivener (法テラス); intake supports the budget with the scrivener present and accompanies the
    tax payment, then answers the referral; only then does the loan desk close its consultation."""
    roles = RoleRecorder(token)
    api = _Api(urls, roles)
    household, (person,) = api.household(("葉山 健", "本人"))
    cid = api.consultation(
        household,
        person,
        fund_type="emergency_small",
        kind="new_until_decision",
        issues=["debt_arrears", "household_budget"],
        summary="住宅ローン、カードローン、車のローン、税と保険料の滞納。",
    )
    aid = str(
        api.post(
            "/applications",
            {
                "household_id": household,
                "person_id": person,
                "consultation_id": cid,
                "fund_type": "emergency_small",
                "requested_amount": 100_000,
                "purpose": "滞納の支払い",
            },
        )["application_id"]
    )
    api.post(f"/consultations/{cid}/responses", {"response": "loan_application"})
    api.post(f"/applications/{aid}/review", {})
    api.post(f"/applications/{aid}/deny", {"reason": "複数の債務があり償還の見込みが立たない"}, role="manager")
    api.post(f"/consultations/{cid}/responses", {"response": "legal_aid", "note": "司法書士による債務整理"})
    api.post(f"/consultations/{cid}/responses", {"response": "budget_consultation"})
    scrivener = api.refer(household, person, "external", "judicial_scrivener", "debt_arrears", "債務整理の相談")
    api.post(f"/referrals/{scrivener}/outcome", {"outcome": "support_started", "note": "司法書士が債務整理を受任"})
    # The denial refers the household to budget consultation automatically (loans.denied_to_budget_consultation).
    with Staff(urls, roles, "intake", "intake") as intake:
        automatic = str(intake.wait_for_referral(case_id=household, status="made")["referral_id"])
    at_intake = _budget_consultation_at_intake(
        urls,
        roles,
        automatic,
        household,
        person,
        issues=["debt_arrears", "household_budget"],
        own_words="もう支払いができない",
        contacts=[
            {
                "channel": "interview",
                "party": "agency",
                "outcome": "reached",
                "summary": "司法書士の同席を得て家計を見直し",
            },
            {
                "channel": "outreach",
                "party": "self",
                "outcome": "reached",
                "summary": "家計支援の結果をもとに、市税の滞納の支払に職員が同行",
            },
        ],
        plan={
            "goal": "債務を整理し、収入の範囲で暮らす",
            "steps": [
                {
                    "rung": "existing_mechanisms",
                    "action": "司法書士による債務整理",
                    "responsible": {"kind": "agency", "name": "judicial_scrivener"},
                },
                {
                    "rung": "personal_capacity",
                    "action": "家計表をもとに滞納分を計画的に支払う",
                    "responsible": {"kind": "person", "name": "本人"},
                },
            ],
        },
        answer={"outcome": "support_started", "note": "司法書士と家計支援を実施。市税の納付に同行"},
    )
    api.wait_for_answer(automatic)
    api.post(
        f"/consultations/{cid}/close",
        {"outcome": "solved_by_other_means", "note": "債務整理（司法書士）と家計支援（総合相談）へ"},
    )
    return StoryResult(
        number=4,
        title_ja="事例4 多重債務 — 貸付は不承認、司法書士と債務整理、家計支援",
        title_en="Multiple debts: loan denied, debt settlement with a judicial scrivener, budget support",
        case_id=household,
        roles=roles.roles,
        ids={
            "household_id": household,
            "person_id": person,
            "consultation_id": cid,
            "application_id": aid,
            "referral_to_scrivener": scrivener,
            "referral_to_intake": automatic,
            **at_intake,
        },
        scripts=("loans_stories.story_4_multiple_debts",),
    )


def story_5_borrower_tuition_arrears(urls: dict[str, str], token: Token) -> StoryResult:
    """事例5: a borrowing household cannot pay the university fees; staff go to the university with
    a repayment plan, and the loan's repayment is postponed (償還猶予). The consultation is about
    the household's loan and says so (``loan_application_id``)."""
    roles = RoleRecorder(token)
    api = _Api(urls, roles)
    household, (parent, student) = api.household(("鎌倉 誠", "本人"), ("鎌倉 遥", "長女"))
    aid = api.loan(household, parent, "education_support", 300_000, 30)
    cid = api.consultation(
        household,
        parent,
        fund_type="education_support",
        kind="borrowing_household",
        initial=False,
        channel="phone",
        issues=["childcare_education", "debt_arrears"],
        summary="大学の学費が払えず、除籍の恐れ。",
        loan_application_id=aid,
    )
    api.post(
        f"/consultations/{cid}/contacts",
        {"channel": "home_visit", "counterpart": "agency", "note": "返済計画を持って大学へ同行"},
    )
    api.post(f"/consultations/{cid}/responses", {"response": "installment_negotiation", "note": "学費の分納を合意"})
    api.post(
        f"/applications/{aid}/grace",
        {"months": 6, "reason": "学費の分納期間中", "consultation_id": cid},
        role="manager",
    )
    return StoryResult(
        number=5,
        title_ja="事例5 借受世帯の学費滞納 — 返済計画を持って大学へ同行",
        title_en="A borrower's tuition arrears: to the university with a repayment plan, grace on the loan",
        case_id=household,
        roles=roles.roles,
        ids={
            "household_id": household,
            "person_id": parent,
            "student_id": student,
            "application_id": aid,
            "consultation_id": cid,
        },
        scripts=("loans_stories.story_5_borrower_tuition_arrears",),
    )


def story_6_borrower_unemployed_son(urls: dict[str, str], token: Token) -> StoryResult:
    """事例6/7: in a borrowing household the adult son has no work; the desk supports his job search
    with the employment office (ハローワーク)."""
    roles = RoleRecorder(token)
    api = _Api(urls, roles)
    household, (borrower, son) = api.household(("藤沢 和子", "本人"), ("藤沢 大輔", "長男"))
    aid = api.loan(household, borrower, "comprehensive_support", 200_000, 20)
    cid = api.consultation(
        household,
        son,
        fund_type="comprehensive_support",
        kind="borrowing_household",
        initial=False,
        counterpart="family",
        issues=["employment"],
        summary="長男が離職後、求職活動をしていない。",
        loan_application_id=aid,
    )
    api.post(f"/consultations/{cid}/responses", {"response": "unemployment_training", "note": "職業訓練の案内"})
    office = api.refer(household, son, "external", "employment_office", "employment", "長男の求職支援")
    api.post(f"/referrals/{office}/outcome", {"outcome": "support_started"})
    api.post(f"/consultations/{cid}/close", {"outcome": "solved_by_other_means"})
    return StoryResult(
        number=6,
        title_ja="事例6・7 借受世帯の無職の息子 — 求職の支援",
        title_en="A borrower's unemployed son: job search support for a household member",
        case_id=household,
        roles=roles.roles,
        ids={
            "household_id": household,
            "borrower_id": borrower,
            "son_id": son,
            "application_id": aid,
            "consultation_id": cid,
            "referral_to_employment_office": office,
        },
        scripts=("loans_stories.story_6_borrower_unemployed_son",),
    )


STORIES: tuple[Callable[[dict[str, str], Token], StoryResult], ...] = (
    story_1_moving_cost_solved_without_a_loan,
    story_2_pension_mismanagement,
    story_3_single_mother_budgeting,
    story_4_multiple_debts,
    story_5_borrower_tuition_arrears,
    story_6_borrower_unemployed_son,
)


def load(urls: dict[str, str], token: Token) -> list[StoryResult]:
    """Play every loan-desk story once (stories 2 and 4 need intake too)."""
    if not {"loans", "intake"} <= set(urls):
        return []
    return [story(urls, token) for story in STORIES]
