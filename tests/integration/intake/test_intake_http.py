"""Intake's HTTP edge (no Kafka): authorisation per route, 422 that says what to fix, 409 on stale writes."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from fastapi.testclient import TestClient

from services.intake.bootstrap import build
from services.intake.config import Settings
from shared.auth import mint_token
from shared.settings import DEV_JWT_SECRET


@pytest.fixture
def app(tmp_path: Path) -> Any:
    app, kit = build(Settings(var_dir=tmp_path, log_json=False), kafka=False)
    with TestClient(app) as client:
        yield client
    kit.close()


def auth(department: str = "intake", role: str = "worker") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(DEV_JWT_SECRET, f'{department}-{role}', department, role)}"}


def test_every_route_needs_a_token_and_the_right_department(app):
    assert app.get("/consultations").status_code == 401
    assert app.get("/consultations", headers=auth("loans")).status_code == 403
    assert app.get("/people", headers=auth("districts")).status_code == 403
    assert app.post("/people", json={"name_kana": "エー"}, headers=auth("intake", "auditor")).status_code == 403
    assert app.get("/consultations", headers=auth("intake", "auditor")).status_code == 200


def test_other_departments_open_a_person_by_id_with_special_care_fields_redacted(app):
    person = app.post("/people", json={"name_kanji": "山田 花子", "phone": "046-000"}, headers=auth()).json()
    seen = app.get(f"/people/{person['person_id']}", headers=auth("loans")).json()
    assert seen["name_kanji"] is None and sorted(seen["redacted"]) == ["name_kanji", "phone"]
    mine = app.get(f"/people/{person['person_id']}", headers=auth()).json()
    assert mine["name_kanji"] == "山田 花子"


def test_validation_errors_name_the_field_and_what_to_fix(app):
    r = app.post("/consultations", json={"source": "self", "channel": "phone", "issues": []}, headers=auth())
    assert r.status_code == 422 and "issues" in r.json()["message"]
    r = app.post(
        "/consultations",
        json={"subject_description": "女性", "source": "stranger", "channel": "phone", "issues": ["other"]},
        headers=auth(),
    )
    body = r.json()
    assert r.status_code == 422 and body["field"] == "source" and "welfare_commissioner" in body["message"]
    r = app.post("/consultations", json={"source": "self", "channel": "phone", "issues": ["other"]}, headers=auth())
    assert r.status_code == 422 and r.json()["field"] == "subject_description"


def test_a_stale_if_match_gets_409_and_the_current_version_wins(app):
    opened = app.post(
        "/consultations",
        json={"subject_description": "男性", "source": "friend", "channel": "phone", "issues": ["other"]},
        headers=auth(),
    )
    assert opened.status_code == 201 and opened.headers["ETag"] == '"1"'
    cid = opened.json()["consultation_id"]
    contact = {"channel": "phone", "party": "self", "outcome": "reached"}
    first = app.post(f"/consultations/{cid}/contacts", json=contact, headers={**auth(), "If-Match": '"1"'})
    assert first.status_code == 201 and first.json()["version"] == 2
    stale = app.post(f"/consultations/{cid}/contacts", json=contact, headers={**auth(), "If-Match": '"1"'})
    assert stale.status_code == 409 and stale.json()["error"] == "conflict"
    stale_body = app.post(f"/consultations/{cid}/contacts", json={**contact, "expected_version": 1}, headers=auth())
    assert stale_body.status_code == 409
    assert app.get(f"/consultations/{cid}", headers=auth()).json()["contact_count"] == 2


def test_only_managers_leave_supervisor_comments_and_the_worker_sees_them(app):
    cid = app.post(
        "/consultations",
        json={"subject_description": "男性", "source": "friend", "channel": "phone", "issues": ["other"]},
        headers=auth(),
    ).json()["consultation_id"]
    assert app.post(f"/consultations/{cid}/comments", json={"comment": "x"}, headers=auth()).status_code == 403
    added = app.post(
        f"/consultations/{cid}/comments", json={"comment": "見守り体制を確認"}, headers=auth("intake", "manager")
    )
    assert added.status_code == 201
    detail = app.get(f"/consultations/{cid}", headers=auth()).json()
    assert detail["supervisor_comments"][0]["comment"] == "見守り体制を確認"
    # Development tokens carry no display name; the provider's do (the browser tests read them).
    assert detail["supervisor_comments"][0]["reviewer_name"] is None and "opened_by_name" in detail
    listed = app.get("/consultations", params={"unacknowledged_comments": True}, headers=auth()).json()
    assert listed["total"] == 1


def test_openapi_documents_examples_and_japanese_summaries(app):
    spec = app.get("/openapi.json").json()
    op = spec["paths"]["/consultations"]["post"]
    assert op["summary"].startswith("相談受付")
    schema = spec["components"]["schemas"]["OpenConsultationBody"]
    assert schema["examples"][0]["source"] == "welfare_commissioner"
    assert "post" in spec["paths"]["/referrals"] and "/referrals/inbox" in spec["paths"]


def test_every_versioned_intake_resource_sends_its_etag_and_refuses_a_stale_if_match(app):
    """Person, household, consultation and consent ledger: ETag on reads and writes; If-Match checked."""
    person = app.post("/people", json={"name_kana": "ヤマダ"}, headers=auth())
    pid = person.json()["person_id"]
    assert person.headers["ETag"] == '"1"' and app.get(f"/people/{pid}", headers=auth()).headers["ETag"] == '"1"'
    stale = app.patch(
        f"/people/{pid}", json={"phone": "046-1", "reason": "訂正"}, headers={**auth(), "If-Match": '"5"'}
    )
    assert stale.status_code == 409
    fixed = app.patch(
        f"/people/{pid}", json={"phone": "046-1", "reason": "訂正"}, headers={**auth(), "If-Match": '"1"'}
    )
    assert fixed.status_code == 200 and fixed.headers["ETag"] == '"2"'

    household = app.post("/households", json={"address": "大和市"}, headers=auth())
    hid = household.json()["household_id"]
    assert household.headers["ETag"] == '"1"'
    assert app.get(f"/households/{hid}", headers=auth()).headers["ETag"] == '"1"'
    member = {"member": {"person_id": pid, "relationship": "本人"}}
    assert app.post(f"/households/{hid}/members", json=member, headers={**auth(), "If-Match": '"3"'}).status_code == 409
    joined = app.post(f"/households/{hid}/members", json=member, headers={**auth(), "If-Match": '"1"'})
    assert joined.status_code in (200, 201) and joined.headers["ETag"] == '"2"'

    consent = {"recipients": [{"kind": "department", "id": "loans"}], "purposes": ["support_coordination"]}
    given = app.post(f"/people/{pid}/consents", json={**consent, "valid_until": "2099-03-31"}, headers=auth())
    assert given.status_code == 201 and given.headers["ETag"] == '"1"'
    assert app.get(f"/people/{pid}/consents", headers=auth()).headers["ETag"] == '"1"'
    again = app.post(
        f"/people/{pid}/consents", json={**consent, "valid_until": "2099-03-31"}, headers={**auth(), "If-Match": '"0"'}
    )
    assert again.status_code == 409 and app.get(f"/people/{pid}/consents", headers=auth()).headers["ETag"] == '"1"'

    opened = app.post(
        "/consultations",
        json={"person_id": pid, "source": "self", "channel": "phone", "issues": ["other"]},
        headers=auth(),
    )
    cid = opened.json()["consultation_id"]
    assert app.get(f"/consultations/{cid}", headers=auth()).headers["ETag"] == '"1"'
    bad = app.post(f"/consultations/{cid}/contacts", json={"channel": "phone"}, headers={**auth(), "If-Match": "v1"})
    assert bad.status_code == 422 and bad.json()["field"] == "If-Match"


def test_an_intake_auditor_lists_people_without_their_special_care_details(app):
    person = app.post("/people", json={"name_kanji": "山田 花子", "care_notes": "DV避難中"}, headers=auth()).json()
    seen = app.get(f"/people/{person['person_id']}", headers=auth("intake", "auditor")).json()
    assert seen["care_notes"] is None and "care_notes" in seen["redacted"]
    assert (
        app.get(f"/people/{person['person_id']}", headers=auth("intake", "manager")).json()["care_notes"] == "DV避難中"
    )


def stored(app: Any, event_type: str) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from shared.eventstore import events_table

    kit = app.app.state.kit
    with kit.engine.connect() as conn:
        rows = conn.execute(
            select(events_table.c.case_id, events_table.c.data).where(events_table.c.event_type == event_type)
        ).all()
    import json

    return [{"case_id": case_id, **json.loads(data)} for case_id, data in rows]


def test_every_read_of_personal_data_leaves_an_access_event_naming_fields_and_purpose(app):
    pid = app.post("/people", json={"name_kanji": "山田 花子", "phone": "046-000"}, headers=auth()).json()["person_id"]
    assert stored(app, "access.PersonalDataRead") == []

    app.get(f"/people/{pid}", headers={**auth("loans"), "X-Purpose": "loan_review"})
    app.get("/people", params={"name": "山田"}, headers=auth())
    reads = stored(app, "access.PersonalDataRead")
    assert [(r["case_id"], r["viewer_department"], r["route"]) for r in reads] == [
        (pid, "loans", "/people/{person_id}"),
        (pid, "intake", "/people"),
    ]
    by_loans, by_intake = reads
    assert by_loans["purpose"] == "loan_review" and by_intake["purpose"] == "routine_work"
    assert {"name_kanji", "phone"} <= set(by_loans["fields_redacted"]) and "name_kanji" not in by_loans["fields_shown"]
    assert "name_kanji" in by_intake["fields_shown"] and by_intake["fields_redacted"] == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/consultations",
            {"source": "self", "channel": "phone", "issues": ["other"], "person_id": "p-nobody"},
            "person_id",
        ),
        (
            "/consultations",
            {"source": "self", "channel": "phone", "issues": ["other"], "household_id": "hh-none"},
            "household_id",
        ),
        ("/households", {"members": [{"person_id": "p-nobody"}]}, "members[0].person_id"),
    ],
)
def test_a_body_naming_a_person_or_household_that_does_not_exist_gets_422_naming_the_field(app, path, body, field):
    before = len(stored(app, "registry.HouseholdRegistered")) + len(stored(app, "intake.ConsultationOpened"))
    r = app.post(path, json=body, headers=auth())
    assert r.status_code == 422, r.text
    assert (r.json()["error"], r.json()["field"]) == ("unknown_reference", field), r.json()
    after = len(stored(app, "registry.HouseholdRegistered")) + len(stored(app, "intake.ConsultationOpened"))
    assert after == before
    # A URL naming nobody is still a 404.
    consent = {
        "purposes": ["support_coordination"],
        "recipients": [{"kind": "department", "id": "loans"}],
        "valid_until": "2030-01-01",
    }
    missing = app.post("/people/p-nobody/consents", json=consent, headers=auth())
    assert (missing.status_code, missing.json()["field"]) == (404, "person_id"), missing.text


def test_households_consent_ledger_and_due_follow_ups_answer_their_documented_shapes(app):
    """世帯, 同意台帳 and フォローアップ予定 are documented reads: the client's types come from them."""
    pid = app.post("/people", json={"name_kanji": "葉山 花子"}, headers=auth()).json()["person_id"]
    hid = app.post(
        "/households",
        json={"address": "葉山町", "members": [{"person_id": pid, "relationship": "本人"}]},
        headers=auth(),
    ).json()["household_id"]
    page = app.get("/households", params={"person_id": pid}, headers=auth()).json()
    assert page["total"] == 1 and page["items"][0]["household_id"] == hid
    assert page["items"][0]["members"] == [
        {"person_id": pid, "name": "葉山 花子", "relationship": "本人", "joined_on": ANY, "left_on": None}
    ]
    # An auditor reads who is in the household by id, not by name, and is told what is withheld.
    audited = app.get(f"/households/{hid}", headers=auth("intake", "auditor")).json()
    assert audited["members"][0]["name"] is None and audited["redacted"] == ["address", "members.name"]
    assert "葉山" not in app.get("/households", params={"person_id": pid}, headers=auth("intake", "auditor")).text
    left = app.post(f"/households/{hid}/members/{pid}/leave", json={"reason": "転居"}, headers=auth())
    assert left.status_code == 200, left.text
    one = app.get(f"/households/{hid}", headers=auth()).json()
    assert one["members"] == [] and one["former_members"][0]["person_id"] == pid and one["version"] == 3

    consent = {"recipients": [{"kind": "department", "id": "loans"}], "purposes": ["support_coordination"]}
    given = app.post(f"/people/{pid}/consents", json={**consent, "valid_until": "2099-03-31"}, headers=auth())
    withdrawn = app.post(
        f"/people/{pid}/consents/{given.json()['consent_id']}/withdraw", json={"reason": "本人の申し出"}, headers=auth()
    )
    assert withdrawn.status_code == 200, withdrawn.text
    shared = app.post(
        f"/people/{pid}/statutory-sharing",
        json={
            "meeting_id": "mtg-1",
            "recipients": [{"kind": "agency", "id": "community_support_centre"}],
            "secrecy_duty_acknowledged": True,
        },
        headers=auth(),
    )
    assert shared.status_code == 201, shared.text
    ledger = app.get(f"/people/{pid}/consents", headers=auth()).json()
    assert ledger["version"] == 3
    kinds = [(r["kind"], r["in_force"], r["withdrawn_at"] is not None) for r in ledger["records"]]
    assert kinds == [("consent", False, True), ("statutory", True, False)]
    assert ledger["records"][1]["recipients"] == [{"kind": "agency", "id": "community_support_centre"}]

    cid = app.post(
        "/consultations",
        json={"person_id": pid, "source": "self", "channel": "phone", "issues": ["other"]},
        headers=auth(),
    ).json()["consultation_id"]
    due = (date.today() + timedelta(days=2)).isoformat()
    assert (
        app.post(
            f"/consultations/{cid}/follow-ups", json={"due_on": due, "purpose": "様子を確認"}, headers=auth()
        ).status_code
        == 201
    )
    items = app.get("/follow-ups", headers=auth()).json()["items"]
    assert [(i["consultation_id"], i["due_on"], i["purpose"], i["status"]) for i in items] == [
        (cid, due, "様子を確認", "open")
    ]
    spec = app.get("/openapi.json").json()["paths"]
    for path in ("/households", "/households/{household_id}", "/people/{person_id}/consents", "/follow-ups"):
        assert "$ref" in spec[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"], path


def test_a_consultation_lists_its_households_referrals_with_its_own(app):
    """家計相談: a referral made for the household (as the loan desk makes it) shows on the person's consultation."""
    pid = app.post("/people", json={"name_kanji": "逗子 春子"}, headers=auth()).json()["person_id"]
    hid = app.post(
        "/households", json={"members": [{"person_id": pid, "relationship": "本人"}]}, headers=auth()
    ).json()["household_id"]
    cid = app.post(
        "/consultations",
        json={"person_id": pid, "household_id": hid, "source": "self", "channel": "phone", "issues": ["other"]},
        headers=auth(),
    ).json()["consultation_id"]
    referral = {"target_kind": "department", "target": "loans", "reason_category": "household_budget"}
    for_household = app.post("/referrals", json={**referral, "case_id": hid, "household_id": hid}, headers=auth())
    assert for_household.status_code == 201, for_household.text
    for_case = app.post(f"/consultations/{cid}/referrals", json=referral, headers=auth())
    assert for_case.status_code == 201, for_case.text
    listed = app.get(f"/consultations/{cid}", headers=auth()).json()["referrals"]
    assert {r["referral_id"] for r in listed} == {for_household.json()["referral_id"], for_case.json()["referral_id"]}


def test_the_consultation_list_names_each_person_to_intake_staff_and_withholds_it_from_auditors(app):
    """相談一覧 shows whom each consultation is about (a list of ids and dates alone is no use at a desk)."""
    kanji = app.post("/people", json={"name_kanji": "山田 花子", "name_kana": "ヤマダ ハナコ"}, headers=auth()).json()
    kana = app.post("/people", json={"name_kana": "スズキ イチロウ"}, headers=auth()).json()
    opened = {}
    for key, subject in (
        ("kanji", {"person_id": kanji["person_id"]}),
        ("kana", {"person_id": kana["person_id"]}),
        ("unknown", {"subject_description": "3丁目の一人暮らしの高齢女性（氏名不明）"}),
    ):
        r = app.post(
            "/consultations",
            json={**subject, "source": "self", "channel": "phone", "issues": ["other"]},
            headers=auth(),
        )
        assert r.status_code == 201, r.text
        opened[r.json()["consultation_id"]] = key

    def listed(role: str) -> dict[str, tuple[str | None, list[str]]]:
        r = app.get("/consultations", headers=auth("intake", role))
        assert r.status_code == 200, r.text
        return {opened[i["consultation_id"]]: (i["subject_name"], i["redacted"]) for i in r.json()["items"]}

    assert listed("worker") == {"kanji": ("山田 花子", []), "kana": ("スズキ イチロウ", []), "unknown": (None, [])}
    assert listed("manager")["kanji"] == ("山田 花子", [])
    assert listed("auditor") == {
        "kanji": (None, ["subject_name"]),
        "kana": (None, ["subject_name"]),
        "unknown": (None, []),
    }
    # Each row read leaves its access event, naming the name as shown or withheld.
    reads = [r for r in stored(app, "access.PersonalDataRead") if r["route"] == "/consultations"]
    mine = {(r["viewer_role"], r["case_id"]): r for r in reads}
    assert "subject_name" in mine[("worker", kanji["person_id"])]["fields_shown"]
    assert mine[("auditor", kanji["person_id"])]["fields_redacted"] == ["subject_name"]
    assert len(reads) == 3 * 3  # three lists of three rows


def test_an_intake_auditor_reads_a_consultation_as_codes_statuses_and_dates_never_its_narratives(app):
    """The auditor's rule (shared.access): who did what and when, never what the person said."""
    pid = app.post("/people", json={"name_kanji": "監査 花子"}, headers=auth()).json()["person_id"]
    opened = app.post(
        "/consultations",
        json={
            "person_id": pid,
            "source": "neighbour",
            "source_detail": "隣の家の方から",
            "channel": "phone",
            "issues": ["dv_abuse", "household_budget"],
            "own_words": "夫から逃げたい",
            "wishes": "子どもと暮らしたい",
        },
        headers=auth(),
    )
    assert opened.status_code == 201, opened.text
    cid = opened.json()["consultation_id"]
    contact = {"channel": "phone", "party": "self", "outcome": "reached", "summary": "避難先について相談"}
    assert app.post(f"/consultations/{cid}/contacts", json=contact, headers=auth()).status_code == 201
    assessment = {
        "person_picture": "30代女性。子ども2人",
        "obstacles": "収入がない",
        "issues": ["dv_abuse", "household_budget"],
    }
    assert app.post(f"/consultations/{cid}/assessment", json=assessment, headers=auth()).status_code == 200
    comment = {"comment": "安全確認を最優先に"}
    assert (
        app.post(f"/consultations/{cid}/comments", json=comment, headers=auth("intake", "manager")).status_code == 201
    )
    step = {
        "rung": "existing_mechanisms",
        "action": "保護命令の申立てを支援",
        "responsible": {"kind": "department", "name": "intake"},
    }
    plan = app.put(f"/consultations/{cid}/support-plan", json={"goal": "安全な住まい", "steps": [step]}, headers=auth())
    assert plan.status_code == 200, plan.text
    due = app.post(
        f"/consultations/{cid}/follow-ups",
        json={"due_on": "2099-01-10", "purpose": "避難後の生活を確認"},
        headers=auth(),
    )
    assert due.status_code == 201, due.text
    everything_due = {"until": "2099-12-31"}
    due_row = app.get("/follow-ups", params=everything_due, headers=auth()).json()["items"][0]
    assert (due_row["purpose"], due_row["subject_name"]) == ("避難後の生活を確認", "監査 花子")
    audit_due = app.get("/follow-ups", params=everything_due, headers=auth("intake", "auditor")).json()["items"][0]
    assert (audit_due["due_on"], audit_due["purpose"], audit_due["subject_name"], audit_due["redacted"]) == (
        "2099-01-10",
        None,
        None,
        ["purpose", "subject_name"],
    )
    closed = app.post(f"/consultations/{cid}/close", json={"outcome": "solved", "note": "避難完了"}, headers=auth())
    assert closed.status_code == 200, closed.text

    worker = app.get(f"/consultations/{cid}", headers=auth()).json()
    assert worker["own_words"] == "夫から逃げたい" and worker["redacted"] == []
    assert worker["contacts"][-1]["summary"] == "避難先について相談"
    assert worker["supervisor_comments"][0]["comment"] == "安全確認を最優先に"
    assert "dv_abuse" in worker["issues"] and worker["closing_note"] == "避難完了"
    assert worker["support_plan"]["steps"][0]["action"] == "保護命令の申立てを支援"
    assert worker["follow_ups"][0]["purpose"] == "避難後の生活を確認"

    audit = app.get(f"/consultations/{cid}", headers=auth("intake", "auditor"))
    assert audit.status_code == 200, audit.text
    seen = audit.json()
    for name in ("source_detail", "own_words", "wishes", "closing_note"):
        assert seen[name] is None, name
    assert all(c["summary"] is None for c in seen["contacts"])
    assert seen["supervisor_comments"][0]["comment"] is None
    assert seen["assessment"]["person_picture"] is None and seen["assessment"]["obstacles"] is None
    assert seen["issues"] == ["household_budget"] and seen["assessment"]["issues"] == ["household_budget"]
    assert seen["support_plan"]["goal"] is None and seen["support_plan"]["steps"] is None
    assert (seen["follow_ups"][0]["due_on"], seen["follow_ups"][0]["purpose"]) == ("2099-01-10", None)
    assert sorted(seen["redacted"]) == sorted(
        [
            "closing_note",
            "comment",
            "goal",
            "issues",
            "obstacles",
            "own_words",
            "person_picture",
            "purpose",
            "source_detail",
            "steps",
            "summary",
            "urgency_reason",
            "wishes",
        ]
    )
    # What an audit is for stays: who opened and closed it, when, how, the outcome.
    assert (seen["opened_by"], seen["outcome"], seen["channel"], seen["source"]) == (
        worker["opened_by"],
        "solved",
        "phone",
        "neighbour",
    )
    for text in (
        "夫から逃げたい",
        "子どもと暮らしたい",
        "避難",
        "安全確認",
        "収入がない",
        "隣の家",
        "保護命令",
        "安全な住まい",
    ):
        assert text not in audit.text, text
    # The list withholds the DV code from the auditor as well, and says so.
    row = next(
        i
        for i in app.get("/consultations", headers=auth("intake", "auditor")).json()["items"]
        if i["consultation_id"] == cid
    )
    assert row["issues"] == ["household_budget"] and sorted(row["redacted"]) == ["issues", "subject_name"]
