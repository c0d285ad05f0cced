"""Every transition of one referral and every refusal, decided by the pure domain."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.errors import Forbidden, IllegalTransition, InvalidCommand, NotFound
from shared.referrals import (
    AcceptReferral,
    CancelReferral,
    CompleteReferral,
    DeclineReferral,
    RecordExternalOutcome,
    ReferralAccepted,
    ReferralCancelled,
    ReferralCompleted,
    ReferralDeclined,
    ReferralOutcomeRecorded,
    ReferralState,
    Status,
    apply,
    decide_accept,
    decide_cancel,
    decide_complete,
    decide_decline,
    decide_expire,
    decide_make,
    decide_record_outcome,
)
from tests.unit.referrals.referral_builders import DEADLINE, T0, made, make_command, state_of

LATER = T0 + timedelta(hours=2)


def accept(state: ReferralState, department: str = "intake") -> ReferralState:
    (event,) = decide_accept(
        state,
        AcceptReferral(referral_id="ref-1", by="staff-intake-1", note="面談予定"),
        department=department,
        now=LATER,
    )
    return apply(state, event)


def expire(state: ReferralState) -> ReferralState:
    for event in decide_expire(state, DEADLINE + timedelta(minutes=1)):
        state = apply(state, event)
    return state


# -- made ------------------------------------------------------------------------------------------


def test_making_a_referral_records_the_acting_department_as_source() -> None:
    event = made(department="loans")
    assert event.source_department == "loans"
    assert event.event_type == "referral.ReferralMade"
    assert (event.target_kind, event.target, event.priority) == ("department", "intake", "normal")
    assert event.basis.kind == "consent" and event.basis.reference == "consent-7"
    assert event.deadline == DEADLINE and event.at == T0
    assert not event.automatic
    assert state_of(event).status is Status.MADE


def test_a_referral_may_go_to_the_same_department_and_to_an_outside_agency() -> None:
    assert made(department="intake", target="intake").target == "intake"
    assert made(target_kind="external", target="legal_aid").target_kind == "external"


def test_making_the_same_referral_twice_is_an_illegal_transition(internal: ReferralState) -> None:
    with pytest.raises(IllegalTransition) as refused:
        decide_make(internal, make_command(), department="loans", now=T0)
    assert refused.value.reason == "already_recorded"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target": "finance"}, "target"),
        ({"target_kind": "external", "target": "intake"}, "target"),
        ({"target_kind": "agency"}, "target_kind"),
        ({"reason_category": "bored"}, "reason_category"),
        ({"priority": "asap"}, "priority"),
        ({"basis_kind": "hunch"}, "basis_kind"),
        ({"basis_kind": "statutory", "basis_reference": None}, "basis_reference"),
        ({"deadline": T0}, "deadline"),
        ({"deadline": T0.replace(tzinfo=None) + timedelta(days=1)}, "deadline"),
        ({"case_id": " "}, "case_id"),
        ({"by": ""}, "by"),
    ],
)
def test_making_a_referral_refuses_bad_input_naming_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidCommand) as exc:
        decide_make(None, make_command(**overrides), department="loans", now=T0)
    assert exc.value.field == field


def test_making_a_referral_from_an_unknown_department_is_refused() -> None:
    with pytest.raises(InvalidCommand):
        decide_make(None, make_command(), department="reporting", now=T0)


def test_a_basis_of_none_drops_a_stray_reference_and_blank_detail_becomes_none() -> None:
    event = made(basis_kind="none", basis_reference="x", reason_detail="  ")
    assert event.basis.reference is None and event.reason_detail is None


# -- accepted / declined ---------------------------------------------------------------------------


def test_target_department_accepts_a_made_referral(internal: ReferralState) -> None:
    state = accept(internal)
    assert state.status is Status.ACCEPTED
    assert isinstance(state.accepted, ReferralAccepted) and state.accepted.note == "面談予定"


def test_target_department_declines_with_a_reason(internal: ReferralState) -> None:
    (event,) = decide_decline(
        internal,
        DeclineReferral(referral_id="ref-1", by="staff-intake-1", reason="既に支援中"),
        department="intake",
        now=LATER,
    )
    assert isinstance(event, ReferralDeclined)
    assert apply(internal, event).status is Status.DECLINED


def test_declining_without_a_reason_is_refused(internal: ReferralState) -> None:
    with pytest.raises(InvalidCommand) as exc:
        decide_decline(
            internal, DeclineReferral(referral_id="ref-1", by="s", reason="  "), department="intake", now=LATER
        )
    assert exc.value.field == "reason"


@pytest.mark.parametrize("department", ["loans", "districts"])
def test_only_the_target_department_may_accept_or_decline(internal: ReferralState, department: str) -> None:
    with pytest.raises(Forbidden) as refused:
        accept(internal, department=department)
    assert refused.value.reason == "referral_not_yours"
    with pytest.raises(Forbidden):
        decide_decline(
            internal, DeclineReferral(referral_id="ref-1", by="s", reason="r"), department=department, now=LATER
        )


def test_no_department_may_accept_a_referral_to_an_outside_agency(external: ReferralState) -> None:
    with pytest.raises(Forbidden, match="outside agency") as refused:
        accept(external, department="community_support_centre")
    assert refused.value.reason == "referral_outside_agency"


def test_an_accepted_referral_cannot_be_accepted_or_declined_again(internal: ReferralState) -> None:
    state = accept(internal)
    with pytest.raises(IllegalTransition) as refused:
        accept(state)
    # The status it found, for the screen to name by its label (「受理」).
    assert (refused.value.reason, refused.value.ctx) == ("referral_status", {"status": "accepted"})
    with pytest.raises(IllegalTransition):
        decide_decline(state, DeclineReferral(referral_id="ref-1", by="s", reason="r"), department="intake", now=LATER)


def test_an_expired_referral_can_still_be_accepted_late(internal: ReferralState) -> None:
    state = accept(expire(internal))
    assert state.status is Status.ACCEPTED
    assert state.expired is not None and state.escalated is not None


# -- completed -------------------------------------------------------------------------------------


def test_target_department_completes_an_accepted_referral_with_an_outcome(internal: ReferralState) -> None:
    (event,) = decide_complete(
        accept(internal),
        CompleteReferral(referral_id="ref-1", by="staff-intake-1", outcome="support_started", note="家計表作成"),
        department="intake",
        now=LATER,
    )
    assert isinstance(event, ReferralCompleted) and event.outcome == "support_started"
    assert apply(accept(internal), event).status is Status.COMPLETED


def test_completing_before_accepting_is_an_illegal_transition(internal: ReferralState) -> None:
    with pytest.raises(IllegalTransition, match="it is made"):
        decide_complete(
            internal, CompleteReferral(referral_id="ref-1", by="s", outcome="resolved"), department="intake", now=LATER
        )


def test_completing_with_an_unknown_outcome_code_is_refused(internal: ReferralState) -> None:
    with pytest.raises(InvalidCommand) as exc:
        decide_complete(
            accept(internal),
            CompleteReferral(referral_id="ref-1", by="s", outcome="happy"),
            department="intake",
            now=LATER,
        )
    assert exc.value.field == "outcome"


def test_only_the_target_department_may_complete(internal: ReferralState) -> None:
    with pytest.raises(Forbidden):
        decide_complete(
            accept(internal),
            CompleteReferral(referral_id="ref-1", by="s", outcome="resolved"),
            department="loans",
            now=LATER,
        )


# -- cancelled -------------------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["made", "accepted", "expired"])
def test_source_department_cancels_an_open_referral(internal: ReferralState, step: str) -> None:
    state = {"made": internal, "accepted": accept(internal), "expired": expire(internal)}[step]
    (event,) = decide_cancel(
        state, CancelReferral(referral_id="ref-1", by="staff-loans-1", reason="転居"), department="loans", now=LATER
    )
    assert isinstance(event, ReferralCancelled)
    assert apply(state, event).status is Status.CANCELLED


def test_only_the_source_department_may_cancel(internal: ReferralState) -> None:
    with pytest.raises(Forbidden, match="source department 'loans'"):
        decide_cancel(internal, CancelReferral(referral_id="ref-1", by="s", reason="r"), department="intake", now=LATER)


def test_cancelling_without_a_reason_is_refused(internal: ReferralState) -> None:
    with pytest.raises(InvalidCommand):
        decide_cancel(internal, CancelReferral(referral_id="ref-1", by="s", reason=""), department="loans", now=LATER)


def test_a_declined_or_cancelled_referral_cannot_be_cancelled(internal: ReferralState) -> None:
    declined = apply(internal, ReferralDeclined(referral_id="ref-1", by="s", reason="r", at=LATER))
    cancelled = apply(internal, ReferralCancelled(referral_id="ref-1", by="s", reason="r", at=LATER))
    for state in (declined, cancelled):
        with pytest.raises(IllegalTransition):
            decide_cancel(state, CancelReferral(referral_id="ref-1", by="s", reason="r"), department="loans", now=LATER)


def test_a_cancelled_referral_cannot_be_accepted_or_completed(internal: ReferralState) -> None:
    cancelled = apply(accept(internal), ReferralCancelled(referral_id="ref-1", by="s", reason="r", at=LATER))
    with pytest.raises(IllegalTransition):
        accept(apply(internal, ReferralCancelled(referral_id="ref-1", by="s", reason="r", at=LATER)))
    with pytest.raises(IllegalTransition):
        decide_complete(
            cancelled, CompleteReferral(referral_id="ref-1", by="s", outcome="resolved"), department="intake", now=LATER
        )


# -- external outcome ------------------------------------------------------------------------------


def test_source_records_what_an_outside_agency_did(external: ReferralState) -> None:
    (event,) = decide_record_outcome(
        external,
        RecordExternalOutcome(referral_id="ref-1", by="staff-loans-1", outcome="support_started"),
        department="loans",
        now=LATER,
    )
    assert isinstance(event, ReferralOutcomeRecorded)
    state = apply(external, event)
    assert state.status is Status.COMPLETED and state.outcome == event


def test_an_outside_agencys_late_answer_is_recorded_after_expiry(external: ReferralState) -> None:
    (event,) = decide_record_outcome(
        expire(external),
        RecordExternalOutcome(referral_id="ref-1", by="s", outcome="resolved"),
        department="loans",
        now=DEADLINE + timedelta(days=1),
    )
    assert apply(expire(external), event).status is Status.COMPLETED


def test_only_the_source_department_records_an_external_outcome(external: ReferralState) -> None:
    with pytest.raises(Forbidden):
        decide_record_outcome(
            external,
            RecordExternalOutcome(referral_id="ref-1", by="s", outcome="resolved"),
            department="intake",
            now=LATER,
        )


def test_a_department_referral_gets_no_external_outcome(internal: ReferralState) -> None:
    with pytest.raises(IllegalTransition, match="department 'intake'"):
        decide_record_outcome(
            internal,
            RecordExternalOutcome(referral_id="ref-1", by="s", outcome="resolved"),
            department="loans",
            now=LATER,
        )


def test_an_external_outcome_is_recorded_once_with_a_known_code(external: ReferralState) -> None:
    with pytest.raises(InvalidCommand):
        decide_record_outcome(
            external, RecordExternalOutcome(referral_id="ref-1", by="s", outcome="??"), department="loans", now=LATER
        )
    done = apply(external, ReferralOutcomeRecorded(referral_id="ref-1", by="s", outcome="resolved", at=LATER))
    with pytest.raises(IllegalTransition):
        decide_record_outcome(
            done, RecordExternalOutcome(referral_id="ref-1", by="s", outcome="resolved"), department="loans", now=LATER
        )


# -- unknown referrals -----------------------------------------------------------------------------


def test_deciding_on_an_unknown_referral_is_not_found() -> None:
    with pytest.raises(NotFound):
        decide_accept(None, AcceptReferral(referral_id="ref-1", by="s"), department="intake", now=LATER)
    only_answer = state_of(ReferralAccepted(referral_id="ref-1", by="s", at=LATER))
    with pytest.raises(NotFound):
        decide_cancel(
            only_answer, CancelReferral(referral_id="ref-1", by="s", reason="r"), department="loans", now=LATER
        )


def test_a_command_for_another_referral_is_refused(internal: ReferralState) -> None:
    with pytest.raises(InvalidCommand) as exc:
        decide_accept(internal, AcceptReferral(referral_id="ref-2", by="s"), department="intake", now=LATER)
    assert exc.value.field == "referral_id"


def test_decisions_refuse_a_naive_clock(internal: ReferralState) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decide_accept(
            internal, AcceptReferral(referral_id="ref-1", by="s"), department="intake", now=LATER.replace(tzinfo=None)
        )
