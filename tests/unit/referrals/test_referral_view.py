"""Redaction: the other side sees a referral's existence and routing, and free text only with a basis."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from shared.errors import Forbidden, NotFound
from shared.referrals import (
    ReferralAccepted,
    ReferralCompleted,
    ReferralDeclined,
    ReferralMade,
    ReferralOutcomeRecorded,
    ReferralState,
    ReferralSummary,
    Status,
    apply,
    decide_expire,
    fold,
    visible_referral,
)
from tests.unit.referrals.referral_builders import DEADLINE, T0, made, state_of

DETAIL = "年金を管理できず、月末に食費が尽きる"


def test_receiving_department_without_disclosure_sees_routing_but_not_the_detail(internal: ReferralState) -> None:
    view = visible_referral(internal, "intake", disclosure_allowed=False)
    assert view["reason_detail"] is None and view["redacted"] == ["reason_detail"]
    assert view["reason_category"] == "household_budget"
    assert view["priority"] == "normal"
    assert view["status"] == "made"
    assert view["deadline"] == DEADLINE.isoformat()
    assert (view["source_department"], view["target"], view["case_id"]) == ("loans", "intake", "hh-1")
    assert DETAIL not in json.dumps(view, ensure_ascii=False)


def test_receiving_department_with_disclosure_sees_the_detail(internal: ReferralState) -> None:
    view = visible_referral(internal, "intake", disclosure_allowed=True)
    assert view["reason_detail"] == DETAIL and view["redacted"] == []


def test_the_source_always_sees_the_detail_it_wrote(internal: ReferralState) -> None:
    assert visible_referral(internal, "loans", disclosure_allowed=False)["reason_detail"] == DETAIL


def test_every_special_care_field_of_the_events_is_redacted_somewhere() -> None:
    assert ReferralMade.personal_fields == {"reason_detail"}
    assert ReferralAccepted.personal_fields == ReferralCompleted.personal_fields == {"note"}
    assert ReferralOutcomeRecorded.personal_fields == {"note"}
    assert ReferralDeclined.personal_fields == frozenset()


def test_the_targets_notes_go_back_to_the_source_only_with_disclosure(internal: ReferralState) -> None:
    state = fold(
        [
            ReferralAccepted(referral_id="ref-1", by="staff-intake-1", note="精神科通院中", at=T0),
            ReferralCompleted(
                referral_id="ref-1",
                by="staff-intake-1",
                outcome="support_started",
                note="家計表を作成",
                at=T0 + timedelta(days=1),
            ),
        ],
        internal,
    )
    assert state is not None
    hidden = visible_referral(state, "loans", disclosure_allowed=False)
    assert hidden["outcome"] == "support_started" and hidden["status"] == "completed"
    assert hidden["accept_note"] is None and hidden["outcome_note"] is None
    assert hidden["redacted"] == ["accept_note", "outcome_note"]
    shown = visible_referral(state, "loans", disclosure_allowed=True)
    assert (shown["accept_note"], shown["outcome_note"]) == ("精神科通院中", "家計表を作成")
    own = visible_referral(state, "intake", disclosure_allowed=False)
    assert own["outcome_note"] == "家計表を作成" and own["redacted"] == ["reason_detail"]


def test_the_source_sees_a_decline_reason_and_its_own_external_outcome_note(external: ReferralState) -> None:
    state = apply(
        external, ReferralOutcomeRecorded(referral_id="ref-1", by="s", outcome="resolved", note="包括が訪問", at=T0)
    )
    view = visible_referral(state, "loans", disclosure_allowed=False)
    assert view["outcome"] == "resolved" and view["outcome_note"] == "包括が訪問"
    declined = apply(state_of(made()), ReferralDeclined(referral_id="ref-1", by="s", reason="対象外", at=T0))
    assert visible_referral(declined, "loans", disclosure_allowed=False)["decline_reason"] == "対象外"


def test_an_escalation_shows_who_it_went_to(internal: ReferralState) -> None:
    state = fold(decide_expire(internal, DEADLINE + timedelta(hours=1)), internal)
    assert state is not None
    view = visible_referral(state, "intake", disclosure_allowed=False)
    assert view["status"] == "expired" and view["escalated_to"] == "loans:manager"


def test_a_department_outside_the_referral_sees_nothing(internal: ReferralState) -> None:
    with pytest.raises(Forbidden):
        visible_referral(internal, "districts", disclosure_allowed=True)


def test_a_referral_not_yet_made_cannot_be_viewed() -> None:
    with pytest.raises(NotFound):
        visible_referral(state_of(ReferralAccepted(referral_id="r", by="s", at=T0)), "intake", True)


def test_the_view_is_plain_json() -> None:
    json.dumps(visible_referral(state_of(made()), "intake", disclosure_allowed=True))


def test_summary_counts_referrals_by_status_and_overdue() -> None:
    open_one = state_of(made(referral_id="a"))
    overdue = state_of(made(referral_id="b", deadline=T0 + timedelta(hours=1)))
    accepted = state_of(made(referral_id="c"), ReferralAccepted(referral_id="c", by="s", at=T0))
    expired = fold(decide_expire(open_one, DEADLINE + timedelta(days=1)), state_of(made(referral_id="a")))
    assert expired is not None
    unknown = state_of(ReferralAccepted(referral_id="d", by="s", at=T0))
    summary = ReferralSummary.of([open_one, overdue, accepted, expired, unknown], now=T0 + timedelta(hours=2))
    assert summary.by_status[Status.MADE] == 2
    assert summary.by_status[Status.ACCEPTED] == 1
    assert summary.by_status[Status.EXPIRED] == 1
    assert summary.by_status[Status.COMPLETED] == 0
    assert (summary.total, summary.open, summary.overdue, summary.escalated) == (4, 4, 1, 1)
    assert ReferralSummary.of([overdue]).overdue == 0


def test_a_special_care_reason_category_is_withheld_from_the_target_without_a_basis() -> None:
    """dv_abuse, illness_injury and disability name special-care data (要配慮個人情報) by themselves."""
    dv = state_of(made(department="intake", target="loans", reason_category="dv_abuse", priority="same_day"))
    hidden = visible_referral(dv, "loans", disclosure_allowed=False)
    assert hidden["reason_category"] is None and "reason_category" in hidden["redacted"]
    assert hidden["priority"] == "same_day" and "dv_abuse" not in json.dumps(hidden)
    assert visible_referral(dv, "loans", disclosure_allowed=True)["reason_category"] == "dv_abuse"
    assert visible_referral(dv, "intake", disclosure_allowed=False)["reason_category"] == "dv_abuse"  # its author


def test_an_auditor_of_either_side_reads_the_referrals_routing_and_answers_never_its_notes() -> None:
    """An auditor (or admin) reads no personal details at all (shared.access), even of its own
    department's referrals and even with a basis: who referred whom, when, and how it ended."""
    dv = state_of(
        made(department="intake", target="loans", reason_category="dv_abuse", reason_detail=DETAIL),
        ReferralAccepted(referral_id="ref-1", by="staff-loans-1", note="精神科通院中", at=T0),
    )
    for department, basis in (("intake", False), ("loans", True)):
        view = visible_referral(dv, department, disclosure_allowed=basis, reads_details=False)
        assert view["reason_detail"] is None and view["accept_note"] is None and view["reason_category"] is None
        assert sorted(view["redacted"]) == ["accept_note", "reason_category", "reason_detail"]
        assert (view["status"], view["accepted_by"], view["source_department"]) == (
            "accepted",
            "staff-loans-1",
            "intake",
        )
        assert DETAIL not in json.dumps(view, ensure_ascii=False) and "精神科" not in json.dumps(
            view, ensure_ascii=False
        )
    # The same referral's staff still read what their side may read.
    assert visible_referral(dv, "intake", disclosure_allowed=False)["reason_detail"] == DETAIL
