"""The first event across services: a consultation opened at intake over HTTP travels through the
outbox relay and Kafka into reporting, which serves it in the case view over HTTP."""

from __future__ import annotations

from tests.e2e.harness import Platform


def test_consultation_opened_at_intake_appears_in_reportings_case_view(platform: Platform) -> None:
    intake = platform.client("intake", department="intake", role="worker", staff_id="s-tracer")
    person = intake.post(
        "/people",
        json={"name_kanji": "追跡 太郎", "name_kana": "ツイセキ タロウ", "birth_date": "1958-04-01"},
    )
    assert person.status_code == 201, person.text
    person_id = person.json()["person_id"]
    opened = intake.post(
        "/consultations",
        json={
            "person_id": person_id,
            "source": "self",
            "channel": "interview",
            "issues": ["employment", "housing"],
            "own_words": "仕事を失い、2週間で住まいを出なければならない",
        },
        headers={"X-Correlation-ID": "tracer-1"},
    )
    assert opened.status_code == 201, opened.text

    reporting = platform.client("reporting", department="intake", role="worker", staff_id="s-tracer")

    def case_view():
        r = reporting.get(f"/cases/{person_id}", params={"purpose": "tracer test"})
        if r.status_code != 200:
            return None
        types = [e["type"] for e in r.json()["timeline"]]
        return r.json() if "intake.ConsultationOpened" in types else None

    view = platform.eventually(case_view, what="the consultation in reporting's case view")
    entry = next(e for e in view["timeline"] if e["type"] == "intake.ConsultationOpened")
    assert entry["department"] == "intake"
    assert entry["actor"] == {"staff_id": "s-tracer", "department": "intake", "role": "worker", "name": None}
    assert entry["data"]["issues"] == ["employment", "housing"]
    assert entry["data"]["own_words"] == "仕事を失い、2週間で住まいを出なければならない"  # intake reads its own record

    # The loan desk reading the same case sees that the consultation exists, not the person's words.
    loans_view = platform.client("reporting", department="loans", role="worker").get(
        f"/cases/{person_id}", params={"purpose": "loan consultation"}
    )
    assert loans_view.status_code == 200
    seen_by_loans = next(e for e in loans_view.json()["timeline"] if e["type"] == "intake.ConsultationOpened")
    assert "own_words" in seen_by_loans["redacted"]
    assert seen_by_loans["data"]["own_words"] != entry["data"]["own_words"]
