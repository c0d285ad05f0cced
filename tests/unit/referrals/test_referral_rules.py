"""Automatic referral rules: the shipped files, their firing, deterministic ids, and load-time errors."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.errors import InvalidCommand
from shared.referrals import (
    AUTOMATIC_ACTOR,
    REFERRAL_NAMESPACE,
    ReferralMade,
    RuleError,
    RuleSet,
    default_rules,
    evaluate,
    fold,
    load_rules,
    parse_duration,
    referral_id_for,
    rule_set,
)

AT = datetime(2015, 6, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def fire(rules: RuleSet, event_type: str, data: dict[str, Any], event_id: str = "ev-1") -> list[ReferralMade]:
    return evaluate(rules, event_type, event_id, "hh-1", data, AT)


def fired_ids(rules: RuleSet, event_type: str, data: dict[str, Any]) -> list[str | None]:
    return [r.rule_id for r in fire(rules, event_type, data)]


# -- the shipped rule files ------------------------------------------------------------------------


def test_shipped_rule_files_load_with_versions_and_a_checksum(rules: RuleSet) -> None:
    assert {r.id for r in rules} == {
        "intake.dv_abuse_same_day",
        "intake.dv_abuse_found_at_assessment",
        "intake.isolated_person_outreach",
        "loans.denied_to_budget_consultation",
        "loans.dv_abuse_urgent",
        "loans.missed_instalments_to_budget_consultation",
    }
    assert rules.versions == {"intake": "2025.2", "loans": "2025.1"}
    assert len(rules.checksum) == 64 and rules.version.endswith(rules.checksum[:12])
    assert rules.version.startswith("intake@2025.2 loans@2025.1")
    assert default_rules().checksum == rules.checksum


def test_shipped_rules_await_a_managers_review(rules: RuleSet) -> None:
    assert len(rules.awaiting_review()) == len(rules)


def test_consultation_carrying_dv_abuse_goes_to_intake_urgent_response_the_same_day(rules: RuleSet) -> None:
    for event_type, field, rule_id in (
        ("intake.ConsultationOpened", "issues", "intake.dv_abuse_same_day"),
        ("intake.AssessmentRecorded", "issues_added", "intake.dv_abuse_found_at_assessment"),
    ):
        (referral,) = fire(rules, event_type, {field: ["housing", "dv_abuse"], "person_id": "p-1"})
        assert referral.rule_id == rule_id and referral.rule_version == 1
        assert (referral.source_department, referral.target_kind, referral.target) == ("intake", "department", "intake")
        assert (referral.priority, referral.reason_category) == ("same_day", "dv_abuse")
        assert referral.deadline == AT + timedelta(hours=8)
        assert (referral.case_id, referral.person_id, referral.household_id) == ("hh-1", "p-1", None)
        assert (referral.cause_event_id, referral.cause_event_type) == ("ev-1", event_type)
        assert referral.made_by == AUTOMATIC_ACTOR and referral.at == AT and referral.reason_detail is None


@pytest.mark.parametrize("data", [{"issues": ["housing"]}, {}, {"issues": "dv_abuse"}, {"issues": None}])
def test_consultation_without_dv_abuse_makes_no_urgent_referral(rules: RuleSet, data: dict[str, Any]) -> None:
    assert fired_ids(rules, "intake.ConsultationOpened", data) == []


def test_an_assessment_repeating_known_dv_abuse_makes_no_second_referral(rules: RuleSet) -> None:
    data = {"issues": ["dv_abuse"], "issues_added": []}
    assert fired_ids(rules, "intake.AssessmentRecorded", data) == []


@pytest.mark.parametrize("source", ["neighbour", "welfare_commissioner"])
def test_isolated_person_raised_by_neighbour_or_commissioner_goes_to_districts_outreach(
    rules: RuleSet, source: str
) -> None:
    (referral,) = fire(rules, "intake.ConsultationOpened", {"source": source, "isolated": True})
    assert referral.rule_id == "intake.isolated_person_outreach"
    assert (referral.target, referral.reason_category, referral.priority) == (
        "districts",
        "isolation_outreach",
        "normal",
    )
    assert referral.deadline == AT + timedelta(days=3)


@pytest.mark.parametrize(
    "data",
    [
        {"source": "self", "isolated": True},
        {"source": "neighbour", "isolated": False},
        {"source": "neighbour", "isolated": "true"},
        {"source": "neighbour", "isolated": 1},
        {"source": "neighbour"},
    ],
)
def test_isolation_rule_needs_both_the_source_and_the_isolated_flag(rules: RuleSet, data: dict[str, Any]) -> None:
    assert fired_ids(rules, "intake.ConsultationOpened", data) == []


def test_isolation_rule_ignores_later_issue_records(rules: RuleSet) -> None:
    data = {"source": "neighbour", "isolated": True}
    assert fired_ids(rules, "intake.HouseholdIssuesRecorded", data) == []


def test_denied_loan_refers_household_to_budget_consultation(rules: RuleSet) -> None:
    (referral,) = fire(rules, "loans.LoanApplicationDenied", {"household_id": "hh-1", "application_id": "a-1"})
    assert referral.rule_id == "loans.denied_to_budget_consultation"
    assert (referral.source_department, referral.target, referral.reason_category) == (
        "loans",
        "intake",
        "household_budget",
    )
    assert referral.priority == "normal" and referral.deadline == AT + timedelta(days=3)
    assert referral.household_id == "hh-1"


@pytest.mark.parametrize("event_type", ["loans.LoanConsultationOpened", "loans.HouseholdIssuesRecorded"])
def test_loan_consultation_carrying_dv_abuse_goes_urgently_to_intake(rules: RuleSet, event_type: str) -> None:
    (referral,) = fire(rules, event_type, {"issues": ["debt_arrears", "dv_abuse"]})
    assert referral.rule_id == "loans.dv_abuse_urgent"
    assert (referral.target, referral.priority, referral.deadline) == ("intake", "urgent", AT + timedelta(days=1))
    assert fired_ids(rules, event_type, {"issues": ["debt_arrears"]}) == []


@pytest.mark.parametrize(
    ("missed", "fires"), [(1, False), (2, True), (5, True), ("2", False), (True, False), (None, False)]
)
def test_two_or_more_missed_instalments_refer_to_budget_consultation(
    rules: RuleSet, missed: object, fires: bool
) -> None:
    ids = fired_ids(rules, "loans.InstalmentMissed", {"missed_count": missed})
    assert ids == (["loans.missed_instalments_to_budget_consultation"] if fires else [])


def test_events_no_rule_names_make_no_referral(rules: RuleSet) -> None:
    assert fired_ids(rules, "loans.LoanApproved", {"issues": ["dv_abuse"]}) == []
    assert fired_ids(rules, "districts.ConsultationOpened", {"issues": ["dv_abuse"]}) == []


# -- deterministic ids -----------------------------------------------------------------------------


def test_a_redelivered_cause_makes_the_same_referral(rules: RuleSet) -> None:
    first = fire(rules, "loans.LoanApplicationDenied", {}, event_id="ev-9")
    again = fire(rules, "loans.LoanApplicationDenied", {}, event_id="ev-9")
    assert first == again
    assert first[0].referral_id == str(uuid.uuid5(REFERRAL_NAMESPACE, "loans.denied_to_budget_consultation:ev-9"))
    assert fold(first + again) == fold(first)


def test_different_causes_make_different_referrals(rules: RuleSet) -> None:
    a = fire(rules, "loans.LoanApplicationDenied", {}, event_id="ev-1")
    b = fire(rules, "loans.LoanApplicationDenied", {}, event_id="ev-2")
    assert a[0].referral_id != b[0].referral_id


def test_two_rules_on_one_cause_make_two_referrals_with_two_ids(rules: RuleSet) -> None:
    data = {"issues": ["dv_abuse"], "source": "neighbour", "isolated": True}
    referrals = fire(rules, "intake.ConsultationOpened", data)
    assert [r.rule_id for r in referrals] == ["intake.dv_abuse_same_day", "intake.isolated_person_outreach"]
    assert referrals[0].referral_id != referrals[1].referral_id
    assert [r.referral_id for r in referrals] == [referral_id_for(r.rule_id or "", "ev-1") for r in referrals]


def test_a_new_rule_version_keeps_the_referral_id(rules: RuleSet) -> None:
    text = LOANS_RULE.replace("version: 1", "version: 2")
    (old,) = fire(rules, "loans.LoanApplicationDenied", {})
    (new,) = evaluate(rule_set({"x.yaml": text}), "loans.LoanApplicationDenied", "ev-1", "hh-1", {}, AT)
    assert new.rule_version == 2 and new.referral_id == old.referral_id


def test_evaluating_needs_an_aware_time_and_the_cause_ids(rules: RuleSet) -> None:
    with pytest.raises(InvalidCommand):
        evaluate(rules, "loans.LoanApplicationDenied", "ev-1", "hh-1", {}, AT.replace(tzinfo=None))
    with pytest.raises(InvalidCommand):
        evaluate(rules, "loans.LoanApplicationDenied", "", "hh-1", {}, AT)


# -- rule files: format and errors -----------------------------------------------------------------

LOANS_RULE = """
version: "t1"
rules:
  - id: loans.denied_to_budget_consultation
    version: 1
    description: 貸付不承認 → 家計相談
    trigger: loans.LoanApplicationDenied
    target_kind: department
    target: intake
    reason_category: household_budget
    priority: normal
    deadline: P3D
"""


def one_rule(**changes: Any) -> str:
    """A rule file with one rule, fields replaced (None removes a field)."""
    import yaml

    raw = yaml.safe_load(LOANS_RULE)
    for key, value in changes.items():
        if value is None:
            raw["rules"][0].pop(key, None)
        else:
            raw["rules"][0][key] = value
    return str(yaml.safe_dump(raw, allow_unicode=True))


def test_a_disabled_rule_never_fires() -> None:
    rules = rule_set({"loans.yaml": one_rule(enabled=False)})
    assert evaluate(rules, "loans.LoanApplicationDenied", "ev-1", "hh-1", {}, AT) == []


def test_a_reviewed_rule_records_who_approved_it_and_when() -> None:
    (rule,) = rule_set({"loans.yaml": one_rule(reviewed_by="mgr-1", approved_at=date(2025, 4, 1))}).rules
    assert rule.reviewed and rule.approved_at == date(2025, 4, 1)


def test_the_checksum_changes_with_the_rules_but_not_with_comments() -> None:
    base = rule_set({"loans.yaml": LOANS_RULE}).checksum
    assert rule_set({"loans.yaml": "# reviewed\n" + LOANS_RULE}).checksum == base
    assert rule_set({"loans.yaml": one_rule(priority="urgent")}).checksum != base


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"condition": {"field": "missed_count", "greater": 2}}, "unknown operator 'greater'"),
        ({"condition": {"equals": 2}}, "missing 'field'"),
        ({"condition": {"field": "x", "gte": "two"}}, "'gte' compares numbers"),
        ({"condition": {"field": "x", "in": "neighbour"}}, "'in' needs a non-empty list"),
        ({"condition": {"field": "x", "equals": 1, "gte": 1}}, "exactly one operator"),
        ({"condition": {"all": [{"field": "x", "exists": "yes"}]}}, "condition.all[0]: 'exists' takes true or false"),
        ({"condition": {"all": {"field": "x", "equals": 1}}}, "'all' needs a list"),
        ({"condition": {"not": {"field": "x", "equals": 1}, "any": []}}, "stands alone"),
        ({"condition": ["field", "x"]}, "a condition is a mapping"),
        ({"target": None}, "missing field 'target'"),
        ({"deadline": None}, "missing field 'deadline'"),
        ({"conditon": {"field": "x", "equals": 1}}, "unknown field 'conditon'"),
        ({"target": "finance"}, "unknown department 'finance'"),
        ({"target_kind": "external", "target": "the_mayor"}, "unknown external agency 'the_mayor'"),
        ({"reason_category": "bored"}, "unknown reason category 'bored'"),
        ({"priority": "asap"}, "unknown priority 'asap'"),
        ({"deadline": "P1M"}, "not a duration"),
        ({"deadline": "3 days"}, "not a duration"),
        ({"trigger": "LoanApplicationDenied"}, "not an event type"),
        ({"trigger": ["loans.LoanApplicationDenied", "intake.ConsultationOpened"]}, "one department"),
        ({"trigger": "reporting.CaseClosed"}, "unknown department 'reporting'"),
        ({"version": "1"}, "'version' is a whole number"),
        ({"id": "Denied Rule"}, "'id' must look like"),
        ({"reviewed_by": "mgr-1"}, "both 'reviewed_by' and 'approved_at'"),
        ({"enabled": "yes"}, "'enabled' is true or false"),
        ({"basis": {"kind": "statutory"}}, "basis"),
    ],
)
def test_invalid_rule_files_are_refused_naming_the_file_rule_and_fix(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError) as exc:
        rule_set({"loans.yaml": one_rule(**changes)})
    assert message in exc.value.message
    assert exc.value.message.startswith("loans.yaml: rules[0]")


def test_a_rule_id_may_be_used_only_once_across_files() -> None:
    with pytest.raises(RuleError, match=r"already used in a\.yaml"):
        rule_set({"a.yaml": LOANS_RULE, "b.yaml": LOANS_RULE})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [", "not valid YAML"),
        ("- a\n- b\n", "a mapping with 'version' and 'rules'"),
        ("rules: []\n", "'version' is a quoted text"),
        ('version: "1"\nrules: {}\n', "'rules' is a list"),
        ('version: "1"\nrules: []\nextra: 1\n', "a mapping with 'version' and 'rules'"),
    ],
)
def test_a_malformed_rule_file_is_refused(text: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        rule_set({"bad.yaml": text})


def test_rule_errors_are_invalid_commands_for_a_managers_upload() -> None:
    assert issubclass(RuleError, InvalidCommand)


@pytest.mark.parametrize(
    ("raw", "delta"),
    [
        ("P1D", timedelta(days=1)),
        ("PT8H", timedelta(hours=8)),
        ("P1DT12H", timedelta(days=1, hours=12)),
        ("PT90M", timedelta(minutes=90)),
        ("P2W", timedelta(weeks=2)),
        ({"days": 3}, timedelta(days=3)),
        ({"days": 1, "hours": 4}, timedelta(days=1, hours=4)),
    ],
)
def test_deadlines_are_iso_durations_or_unit_mappings(raw: object, delta: timedelta) -> None:
    assert parse_duration(raw) == delta


@pytest.mark.parametrize(
    "raw",
    ["P1M", "P1Y", "P", "PT", "P1DT", "P0D", "1d", {"months": 1}, {"days": -1}, {"days": 0}, {"days": 1.5}, 3, None],
)
def test_deadlines_refuse_ambiguous_empty_or_negative_durations(raw: object) -> None:
    with pytest.raises(RuleError):
        parse_duration(raw)
