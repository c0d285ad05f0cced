"""貸付相談: consultations record contacts, household issues, responses and how they closed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.loans.domain import (
    CloseLoanConsultation,
    ConsultationOutcome,
    ConsultationState,
    ConsultationStatus,
    OpenLoanConsultation,
    RecordHouseholdIssues,
    RecordLoanContact,
    RecordResponse,
    apply_consultation,
    decide_close_consultation,
    decide_open_consultation,
    decide_record_contact,
    decide_record_issues,
    decide_record_response,
    fold_consultation,
)
from services.loans.domain.errors import ConsultationClosed, LoanConsultationNotFound
from services.loans.domain.events import (
    HouseholdIssuesRecorded,
    LoanApplicationDenied,
    LoanConsultationClosed,
    LoanConsultationOpened,
    LoanContactRecorded,
    ResponseRecorded,
)
from shared.errors import IllegalTransition, InvalidCommand
from shared.reference import CodeLists

NOW = datetime(2015, 4, 1, 9, 0, tzinfo=UTC)
CID = "c-1"


def open_command(**changes: object) -> OpenLoanConsultation:
    fields: dict[str, object] = {
        "household_id": "hh-1",
        "person_id": "p-1",
        "fund_type": "emergency_small",
        "kind": "new_until_decision",
        "channel": "phone",
        "counterpart": "self",
        "initial": True,
        "issues": ("employment",),
        "summary": "失職して家賃が払えない",
    }
    fields.update(changes)
    return OpenLoanConsultation.model_validate(fields)


@pytest.fixture
def opened(codes: CodeLists) -> ConsultationState:
    return fold_consultation(
        decide_open_consultation(ConsultationState(), open_command(), now=NOW, consultation_id=CID, codes=codes)
    )


def respond(state: ConsultationState, codes: CodeLists, response: str, rid: str) -> ConsultationState:
    command = RecordResponse(consultation_id=CID, response=response)
    return fold_consultation(decide_record_response(state, command, now=NOW, response_id=rid, codes=codes), state)


def close(state: ConsultationState, outcome: ConsultationOutcome) -> LoanConsultationClosed:
    [event] = decide_close_consultation(state, CloseLoanConsultation(consultation_id=CID, outcome=outcome), now=NOW)
    assert isinstance(event, LoanConsultationClosed)
    return event


# --- opening -----------------------------------------------------------------------------------


def test_opening_a_consultation_records_its_first_contact(codes: CodeLists) -> None:
    [event] = decide_open_consultation(ConsultationState(), open_command(), now=NOW, consultation_id=CID, codes=codes)

    assert event == LoanConsultationOpened(
        consultation_id=CID,
        household_id="hh-1",
        person_id="p-1",
        fund_type="emergency_small",
        kind="new_until_decision",
        channel="phone",
        counterpart="self",
        initial=True,
        issues=("employment",),
        summary="失職して家賃が払えない",
        loan_application_id=None,
        opened_at=NOW,
        code_list_version=codes.version,
    )
    state = apply_consultation(ConsultationState(), event)
    assert state.status is ConsultationStatus.OPEN
    assert state.contact_count == 1
    assert state.initial


def test_a_consultation_may_be_opened_without_a_known_person_and_not_as_initial(codes: CodeLists) -> None:
    [event] = decide_open_consultation(
        ConsultationState(),
        open_command(person_id=None, initial=False, counterpart="agency", issues=()),
        now=NOW,
        consultation_id=CID,
        codes=codes,
    )

    assert isinstance(event, LoanConsultationOpened)
    assert (event.person_id, event.initial, event.counterpart, event.issues) == (None, False, "agency", ())


def test_issues_listed_twice_when_opening_are_recorded_once(codes: CodeLists) -> None:
    [event] = decide_open_consultation(
        ConsultationState(),
        open_command(issues=("housing", "employment", "housing")),
        now=NOW,
        consultation_id=CID,
        codes=codes,
    )

    assert isinstance(event, LoanConsultationOpened)
    assert event.issues == ("housing", "employment")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fund_type": "lottery"}, "fund_type"),
        ({"kind": "gossip"}, "kind"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"counterpart": "stranger"}, "counterpart"),
        ({"issues": ("employment", "boredom")}, "issues"),
        ({"household_id": "  "}, "household_id"),
        ({"person_id": ""}, "person_id"),
        ({"loan_application_id": ""}, "loan_application_id"),
    ],
)
def test_opening_with_an_unknown_code_or_empty_id_is_refused(
    codes: CodeLists, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidCommand) as refused:
        decide_open_consultation(
            ConsultationState(), open_command(**changes), now=NOW, consultation_id=CID, codes=codes
        )

    assert refused.value.field == field


def test_an_unknown_code_is_refused_with_the_allowed_codes(codes: CodeLists) -> None:
    with pytest.raises(InvalidCommand, match="borrowing_household"):
        decide_open_consultation(
            ConsultationState(), open_command(kind="gossip"), now=NOW, consultation_id=CID, codes=codes
        )


def test_opening_an_opened_consultation_again_is_refused(opened: ConsultationState, codes: CodeLists) -> None:
    with pytest.raises(IllegalTransition, match="already opened"):
        decide_open_consultation(opened, open_command(), now=NOW, consultation_id=CID, codes=codes)


def test_a_naive_clock_is_a_programming_error(codes: CodeLists) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decide_open_consultation(
            ConsultationState(), open_command(), now=datetime(2015, 4, 1), consultation_id=CID, codes=codes
        )


# --- contacts ----------------------------------------------------------------------------------


def test_a_further_contact_carries_the_consultations_fund_type_and_kind(
    opened: ConsultationState, codes: CodeLists
) -> None:
    command = RecordLoanContact(consultation_id=CID, channel="home_visit", counterpart="family", note="母と面談")
    [event] = decide_record_contact(opened, command, now=NOW, contact_id="k-1", codes=codes)

    assert isinstance(event, LoanContactRecorded)
    assert (event.household_id, event.person_id) == ("hh-1", "p-1")
    assert (event.fund_type, event.kind, event.channel, event.counterpart) == (
        "emergency_small",
        "new_until_decision",
        "home_visit",
        "family",
    )
    assert apply_consultation(opened, event).contact_count == 2


def test_a_contact_may_be_about_another_fund_type(opened: ConsultationState, codes: CodeLists) -> None:
    command = RecordLoanContact(
        consultation_id=CID, channel="phone", counterpart="self", fund_type="comprehensive_support"
    )
    [event] = decide_record_contact(opened, command, now=NOW, contact_id="k-1", codes=codes)

    assert isinstance(event, LoanContactRecorded)
    assert event.fund_type == "comprehensive_support"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"channel": "fax"}, "channel"), ({"counterpart": "cat"}, "counterpart"), ({"fund_type": "x"}, "fund_type")],
)
def test_a_contact_with_an_unknown_code_is_refused(
    opened: ConsultationState, codes: CodeLists, changes: dict[str, str], field: str
) -> None:
    fields = {"consultation_id": CID, "channel": "phone", "counterpart": "self", **changes}
    with pytest.raises(InvalidCommand) as refused:
        decide_record_contact(opened, RecordLoanContact.model_validate(fields), now=NOW, contact_id="k-1", codes=codes)
    assert refused.value.field == field


def test_recording_the_same_contact_twice_is_refused(opened: ConsultationState, codes: CodeLists) -> None:
    command = RecordLoanContact(consultation_id=CID, channel="phone", counterpart="self")
    state = fold_consultation(decide_record_contact(opened, command, now=NOW, contact_id="k-1", codes=codes), opened)

    with pytest.raises(IllegalTransition, match="already recorded"):
        decide_record_contact(state, command, now=NOW, contact_id="k-1", codes=codes)


# --- issues ------------------------------------------------------------------------------------


def test_recording_issues_emits_only_the_new_ones(opened: ConsultationState, codes: CodeLists) -> None:
    command = RecordHouseholdIssues(consultation_id=CID, issues=("employment", "dv_abuse", "housing"))
    [event] = decide_record_issues(opened, command, now=NOW, codes=codes)

    assert isinstance(event, HouseholdIssuesRecorded)
    assert event.issues == ("dv_abuse", "housing")
    assert event.household_id == "hh-1"
    assert apply_consultation(opened, event).issues == ("employment", "dv_abuse", "housing")


def test_recording_already_known_issues_emits_nothing(opened: ConsultationState, codes: CodeLists) -> None:
    command = RecordHouseholdIssues(consultation_id=CID, issues=("employment",))

    assert decide_record_issues(opened, command, now=NOW, codes=codes) == []


def test_recording_no_issue_is_refused(opened: ConsultationState, codes: CodeLists) -> None:
    with pytest.raises(InvalidCommand, match="at least one"):
        decide_record_issues(opened, RecordHouseholdIssues(consultation_id=CID, issues=()), now=NOW, codes=codes)


def test_recording_an_unknown_issue_is_refused(opened: ConsultationState, codes: CodeLists) -> None:
    with pytest.raises(InvalidCommand, match="household_issue_categories"):
        decide_record_issues(
            opened, RecordHouseholdIssues(consultation_id=CID, issues=("aliens",)), now=NOW, codes=codes
        )


# --- responses and closing ---------------------------------------------------------------------


def test_one_consultation_may_get_several_responses(opened: ConsultationState, codes: CodeLists) -> None:
    state = respond(opened, codes, "budget_consultation", "r-1")
    state = respond(state, codes, "public_assistance", "r-2")

    assert state.response_codes == ("budget_consultation", "public_assistance")


def test_a_response_event_carries_the_case_key(opened: ConsultationState, codes: CodeLists) -> None:
    command = RecordResponse(consultation_id=CID, response="legal_aid", note="法テラスを案内")
    [event] = decide_record_response(opened, command, now=NOW, response_id="r-1", codes=codes)

    assert isinstance(event, ResponseRecorded)
    assert (event.household_id, event.response, event.response_id) == ("hh-1", "legal_aid", "r-1")


def test_an_unknown_response_is_refused(opened: ConsultationState, codes: CodeLists) -> None:
    with pytest.raises(InvalidCommand) as refused:
        respond(opened, codes, "magic", "r-1")
    assert refused.value.field == "response"


def test_recording_the_same_response_id_twice_is_refused(opened: ConsultationState, codes: CodeLists) -> None:
    state = respond(opened, codes, "other", "r-1")

    with pytest.raises(IllegalTransition, match="already recorded"):
        respond(state, codes, "other", "r-1")


def test_closing_without_any_response_marks_the_consultation_as_reaching_no_service(
    opened: ConsultationState,
) -> None:
    event = close(opened, ConsultationOutcome.LOST_CONTACT)

    assert event.reached_service is False
    assert event.responses == ()
    assert event.outcome == "lost_contact"
    assert event.household_id == "hh-1"


def test_closing_after_a_response_marks_the_consultation_as_reaching_a_service(
    opened: ConsultationState, codes: CodeLists
) -> None:
    state = respond(opened, codes, "public_assistance", "r-1")
    event = close(state, ConsultationOutcome.SOLVED_BY_OTHER_MEANS)

    assert event.reached_service is True
    assert event.responses == ("public_assistance",)


def test_closing_as_loan_applied_needs_a_loan_application_response(opened: ConsultationState, codes: CodeLists) -> None:
    state = respond(opened, codes, "budget_consultation", "r-1")
    with pytest.raises(InvalidCommand, match="loan_application"):
        close(state, ConsultationOutcome.LOAN_APPLIED)

    state = respond(state, codes, "loan_application", "r-2")
    assert close(state, ConsultationOutcome.LOAN_APPLIED).reached_service


def test_closing_as_solved_by_other_means_needs_a_response_other_than_a_loan(
    opened: ConsultationState, codes: CodeLists
) -> None:
    with pytest.raises(InvalidCommand, match="other than"):
        close(opened, ConsultationOutcome.SOLVED_BY_OTHER_MEANS)

    state = respond(opened, codes, "loan_application", "r-1")
    with pytest.raises(InvalidCommand, match="other than"):
        close(state, ConsultationOutcome.SOLVED_BY_OTHER_MEANS)


def test_closing_with_an_unknown_outcome_is_refused_when_the_command_is_parsed() -> None:
    with pytest.raises(ValueError, match="outcome"):
        CloseLoanConsultation.model_validate({"consultation_id": CID, "outcome": "vanished"})


def test_closing_a_closed_consultation_is_refused(opened: ConsultationState) -> None:
    state = apply_consultation(opened, close(opened, ConsultationOutcome.DECLINED_BY_CLIENT))

    assert state.status is ConsultationStatus.CLOSED
    assert state.reached_service is False
    with pytest.raises(ConsultationClosed, match="open a new consultation"):
        close(state, ConsultationOutcome.LOST_CONTACT)


def test_nothing_can_be_recorded_on_a_closed_consultation(opened: ConsultationState, codes: CodeLists) -> None:
    state = apply_consultation(opened, close(opened, ConsultationOutcome.NO_FITTING_SERVICE))

    with pytest.raises(ConsultationClosed):
        decide_record_contact(
            state,
            RecordLoanContact(consultation_id=CID, channel="phone", counterpart="self"),
            now=NOW,
            contact_id="k-9",
            codes=codes,
        )
    with pytest.raises(ConsultationClosed):
        decide_record_issues(
            state, RecordHouseholdIssues(consultation_id=CID, issues=("housing",)), now=NOW, codes=codes
        )
    with pytest.raises(IllegalTransition):
        respond(state, codes, "other", "r-9")


def test_commands_on_a_consultation_never_opened_are_refused_as_not_found(codes: CodeLists) -> None:
    with pytest.raises(LoanConsultationNotFound, match="open it"):
        respond(ConsultationState(), codes, "other", "r-1")
    with pytest.raises(LoanConsultationNotFound):
        close(ConsultationState(), ConsultationOutcome.LOST_CONTACT)


def test_a_command_for_another_consultation_is_a_programming_error(opened: ConsultationState, codes: CodeLists) -> None:
    with pytest.raises(ValueError, match="decided on the state"):
        decide_record_response(
            opened, RecordResponse(consultation_id="c-2", response="other"), now=NOW, response_id="r", codes=codes
        )


def test_applying_an_event_of_another_aggregate_is_a_programming_error(opened: ConsultationState) -> None:
    event = LoanApplicationDenied(application_id="a", household_id="hh-1", person_id="p-1", reason="x", denied_at=NOW)
    with pytest.raises(TypeError):
        apply_consultation(opened, event)
