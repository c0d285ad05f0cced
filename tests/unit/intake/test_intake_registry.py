"""Person and household registry: decisions, refusals and folds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.errors import AlreadyExists, IllegalTransition, InvalidCommand
from shared.registry.commands import (
    CorrectPersonDetails,
    HouseholdMember,
    JoinHousehold,
    LeaveHousehold,
    LinkPersonRecords,
    RegisterHousehold,
    RegisterPerson,
)
from shared.registry.errors import HouseholdNotFound, PersonNotFound
from shared.registry.events import (
    HouseholdRegistered,
    MemberJoinedHousehold,
    MemberLeftHousehold,
    PersonDetailsCorrected,
    PersonRecordsLinked,
    PersonRegistered,
)
from shared.registry.model import (
    HouseholdState,
    PersonState,
    apply_person,
    decide_correct_person_details,
    decide_join_household,
    decide_leave_household,
    decide_link_person_records,
    decide_register_household,
    decide_register_person,
    replay_household,
    replay_person,
)

NOW = datetime(2015, 4, 1, 0, 30, tzinfo=UTC)  # 09:30 in Japan
TODAY = date(2015, 4, 1)


def register(person_id: str = "p1", **fields: object) -> PersonState:
    command = RegisterPerson.model_validate(
        {"name_kanji": "山田 花子", "name_kana": "やまだ はなこ", "registered_by": "s1", **fields}
    )
    return replay_person(decide_register_person(PersonState(), command, now=NOW, person_id=person_id))


def household(
    members: tuple[HouseholdMember, ...] = (HouseholdMember(person_id="p1", relationship="本人"),),
) -> HouseholdState:
    command = RegisterHousehold(address="大和市中央1-1", members=members, registered_by="s1")
    return replay_household(decide_register_household(HouseholdState(), command, now=NOW, household_id="h1"))


# --- persons ----------------------------------------------------------------------------------------


def test_registering_a_person_records_the_details_with_the_given_id() -> None:
    command = RegisterPerson(
        name_kanji="山田 花子",
        name_kana="ヤマダ ハナコ",
        birth_date=date(1940, 5, 6),
        address="大和市中央1-1",
        phone="046-000-0000",
        care_notes="認知症の疑い",
        registered_by="s1",
    )
    [event] = decide_register_person(PersonState(), command, now=NOW, person_id="p1")
    assert event == PersonRegistered(
        person_id="p1",
        name_kanji="山田 花子",
        name_kana="ヤマダ ハナコ",
        birth_date=date(1940, 5, 6),
        address="大和市中央1-1",
        phone="046-000-0000",
        care_notes="認知症の疑い",
        registered_at=NOW,
        registered_by="s1",
    )
    state = apply_person(PersonState(), event)
    assert state.registered and state.details.care_notes == "認知症の疑い"


def test_registering_a_person_without_any_name_is_refused_and_points_to_subject_description() -> None:
    with pytest.raises(InvalidCommand) as refused:
        decide_register_person(
            PersonState(), RegisterPerson(name_kanji="  ", registered_by="s1"), now=NOW, person_id="p1"
        )
    assert refused.value.field == "name_kanji"
    assert "subject_description" in refused.value.message


def test_registering_with_a_kana_name_only_is_accepted() -> None:
    assert register(name_kanji=None).details.name_kana == "やまだ はなこ"


def test_registering_a_birth_date_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidCommand) as refused:
        register(birth_date=TODAY + timedelta(days=1))
    assert refused.value.field == "birth_date"


def test_registering_the_same_person_id_twice_is_refused() -> None:
    with pytest.raises(AlreadyExists):
        decide_register_person(
            register(), RegisterPerson(name_kanji="別人", registered_by="s1"), now=NOW, person_id="p1"
        )


def test_correction_records_only_the_fields_that_change() -> None:
    command = CorrectPersonDetails(
        person_id="p1", name_kanji="山田 花子", phone="046-111-1111", reason="電話番号変更", corrected_by="s2"
    )
    [event] = decide_correct_person_details(register(), command, now=NOW)
    assert isinstance(event, PersonDetailsCorrected)
    assert event.phone == "046-111-1111" and event.name_kanji is None
    assert event.reason == "電話番号変更" and event.corrected_by == "s2"


def test_correction_can_clear_a_field_and_the_fold_empties_it() -> None:
    state = register(phone="046-000-0000")
    command = CorrectPersonDetails(person_id="p1", clear=("phone",), reason="解約", corrected_by="s2")
    events = decide_correct_person_details(state, command, now=NOW)
    assert replay_person(events, state).details.phone is None


def test_correction_refuses_clearing_both_names() -> None:
    command = CorrectPersonDetails(person_id="p1", clear=("name_kanji", "name_kana"), reason="x", corrected_by="s2")
    with pytest.raises(InvalidCommand) as refused:
        decide_correct_person_details(register(), command, now=NOW)
    assert refused.value.field == "clear"


def test_correction_refuses_unknown_clear_field_and_giving_and_clearing_one_field() -> None:
    with pytest.raises(InvalidCommand, match="unknown field"):
        decide_correct_person_details(
            register(), CorrectPersonDetails(person_id="p1", clear=("income",), reason="x", corrected_by="s2"), now=NOW
        )
    with pytest.raises(InvalidCommand) as refused:
        decide_correct_person_details(
            register(),
            CorrectPersonDetails(person_id="p1", phone="1", clear=("phone",), reason="x", corrected_by="s2"),
            now=NOW,
        )
    assert refused.value.field == "phone"


def test_correction_without_a_change_or_without_a_reason_is_refused() -> None:
    with pytest.raises(InvalidCommand, match="nothing to correct"):
        decide_correct_person_details(
            register(),
            CorrectPersonDetails(person_id="p1", name_kanji="山田 花子", reason="x", corrected_by="s"),
            now=NOW,
        )
    with pytest.raises(InvalidCommand) as refused:
        decide_correct_person_details(
            register(), CorrectPersonDetails(person_id="p1", phone="1", reason=" ", corrected_by="s"), now=NOW
        )
    assert refused.value.field == "reason"


def test_correcting_an_unregistered_person_is_refused_as_not_found() -> None:
    with pytest.raises(PersonNotFound):
        decide_correct_person_details(
            PersonState(), CorrectPersonDetails(person_id="p9", phone="1", reason="x", corrected_by="s"), now=NOW
        )


def test_linking_duplicate_records_is_explicit_audited_and_folds_into_both_records() -> None:
    kept, duplicate = register("p1"), register("p2")
    command = LinkPersonRecords(
        person_id="p1", duplicate_person_id="p2", reason="同姓同名・同生年月日、住所一致", linked_by="s3"
    )
    [event] = decide_link_person_records(kept, duplicate, command, now=NOW)
    assert event == PersonRecordsLinked(
        person_id="p1", duplicate_person_id="p2", reason="同姓同名・同生年月日、住所一致", linked_at=NOW, linked_by="s3"
    )
    assert apply_person(kept, event).linked_person_ids == {"p2"}
    assert apply_person(duplicate, event).linked_person_ids == {"p1"}


def test_linking_a_record_to_itself_is_refused() -> None:
    with pytest.raises(InvalidCommand) as refused:
        decide_link_person_records(
            register(),
            register(),
            LinkPersonRecords(person_id="p1", duplicate_person_id="p1", reason="x", linked_by="s"),
            now=NOW,
        )
    assert refused.value.field == "duplicate_person_id"


@pytest.mark.parametrize("kept_id, dup_id", [("p1", "p2"), ("p2", "p1")])
def test_linking_an_already_linked_pair_is_refused_in_either_direction(kept_id: str, dup_id: str) -> None:
    link = PersonRecordsLinked(person_id="p1", duplicate_person_id="p2", reason="x", linked_at=NOW, linked_by="s")
    kept, duplicate = apply_person(register(kept_id), link), apply_person(register(dup_id), link)
    with pytest.raises(IllegalTransition, match="already linked"):
        decide_link_person_records(
            kept,
            duplicate,
            LinkPersonRecords(person_id=kept_id, duplicate_person_id=dup_id, reason="y", linked_by="s"),
            now=NOW,
        )


def test_linking_needs_a_reason_and_both_records_registered() -> None:
    command = LinkPersonRecords(person_id="p1", duplicate_person_id="p2", reason="", linked_by="s")
    with pytest.raises(InvalidCommand) as refused:
        decide_link_person_records(register("p1"), register("p2"), command, now=NOW)
    assert refused.value.field == "reason"
    with pytest.raises(PersonNotFound) as missing:
        decide_link_person_records(register("p1"), PersonState(), command, now=NOW)
    assert missing.value.field == "duplicate_person_id"
    with pytest.raises(PersonNotFound):
        decide_link_person_records(PersonState(), register("p2"), command, now=NOW)


# --- households -------------------------------------------------------------------------------------


def test_registering_a_household_with_members_emits_one_join_per_member_dated_today() -> None:
    members = (
        HouseholdMember(person_id="p1", relationship="本人"),
        HouseholdMember(person_id="p2", relationship="長男"),
    )
    events = decide_register_household(
        HouseholdState(),
        RegisterHousehold(address="葉山町1", members=members, registered_by="s1"),
        now=NOW,
        household_id="h1",
    )
    assert events[0] == HouseholdRegistered(household_id="h1", address="葉山町1", registered_at=NOW, registered_by="s1")
    assert [(e.person_id, e.joined_on) for e in events[1:] if isinstance(e, MemberJoinedHousehold)] == [
        ("p1", TODAY),
        ("p2", TODAY),
    ]
    assert [m.person_id for m in replay_household(events).members] == ["p1", "p2"]


def test_registering_a_household_listing_a_person_twice_or_an_existing_id_is_refused() -> None:
    twice = (HouseholdMember(person_id="p1"), HouseholdMember(person_id="p1"))
    with pytest.raises(InvalidCommand) as refused:
        decide_register_household(
            HouseholdState(), RegisterHousehold(members=twice, registered_by="s"), now=NOW, household_id="h1"
        )
    assert refused.value.field == "members"
    with pytest.raises(AlreadyExists):
        decide_register_household(household(), RegisterHousehold(registered_by="s"), now=NOW, household_id="h1")


def test_a_person_joins_a_household_on_the_given_date() -> None:
    command = JoinHousehold(
        household_id="h1",
        member=HouseholdMember(person_id="p2", relationship="妻"),
        joined_on=date(2015, 3, 1),
        recorded_by="s",
    )
    [event] = decide_join_household(household(), command, now=NOW)
    assert isinstance(event, MemberJoinedHousehold) and event.joined_on == date(2015, 3, 1)


def test_joining_twice_in_the_future_or_an_unknown_household_is_refused() -> None:
    with pytest.raises(IllegalTransition):
        decide_join_household(
            household(),
            JoinHousehold(household_id="h1", member=HouseholdMember(person_id="p1"), recorded_by="s"),
            now=NOW,
        )
    with pytest.raises(InvalidCommand) as refused:
        decide_join_household(
            household(),
            JoinHousehold(
                household_id="h1",
                member=HouseholdMember(person_id="p2"),
                joined_on=TODAY + timedelta(days=1),
                recorded_by="s",
            ),
            now=NOW,
        )
    assert refused.value.field == "joined_on"
    with pytest.raises(HouseholdNotFound):
        decide_join_household(
            HouseholdState(),
            JoinHousehold(household_id="h1", member=HouseholdMember(person_id="p2"), recorded_by="s"),
            now=NOW,
        )


def test_a_member_leaves_and_becomes_a_former_member() -> None:
    events = decide_leave_household(
        household(), LeaveHousehold(household_id="h1", person_id="p1", reason="施設入所", recorded_by="s"), now=NOW
    )
    assert events == [
        MemberLeftHousehold(
            household_id="h1", person_id="p1", left_on=TODAY, reason="施設入所", recorded_at=NOW, recorded_by="s"
        )
    ]
    state = replay_household(events, household())
    assert state.members == () and state.former_members[0].left_on == TODAY


def test_leaving_is_refused_for_a_non_member_before_joining_or_in_the_future() -> None:
    with pytest.raises(IllegalTransition):
        decide_leave_household(household(), LeaveHousehold(household_id="h1", person_id="p9", recorded_by="s"), now=NOW)
    for left_on in (TODAY - timedelta(days=1), TODAY + timedelta(days=1)):
        with pytest.raises(InvalidCommand) as refused:
            decide_leave_household(
                household(),
                LeaveHousehold(household_id="h1", person_id="p1", left_on=left_on, recorded_by="s"),
                now=NOW,
            )
        assert refused.value.field == "left_on"
    with pytest.raises(HouseholdNotFound):
        decide_leave_household(
            HouseholdState(), LeaveHousehold(household_id="h1", person_id="p1", recorded_by="s"), now=NOW
        )


def test_registry_folds_ignore_events_of_other_aggregates() -> None:
    joined = MemberJoinedHousehold(
        household_id="h1", person_id="p1", relationship=None, joined_on=TODAY, recorded_at=NOW, recorded_by="s"
    )
    assert apply_person(register(), joined) == register()
    assert replay_household([joined]) == HouseholdState()
