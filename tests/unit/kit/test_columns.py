"""Column specs (:mod:`shared.columns`): one line a column, words with fixed meanings."""

from __future__ import annotations

import pytest
from sqlalchemy import BigInteger, Date, Integer, MetaData, String, Text

from shared.columns import columns, row_of, table, tables


def test_a_spec_line_is_name_type_and_flags_in_order() -> None:
    made = columns(
        """
        case_id     id     key
        status      state  required index    # open | closed
        note        text
        amount      bigint required
        due         day
        """
    )
    assert [c.name for c in made] == ["case_id", "status", "note", "amount", "due"]
    case_id, status, note, amount, due = made
    assert case_id.primary_key and isinstance(case_id.type, String) and case_id.type.length == 128
    assert not status.nullable and status.index and isinstance(status.type, String) and status.type.length == 16
    assert note.nullable and isinstance(note.type, Text)
    assert not amount.nullable and isinstance(amount.type, BigInteger)
    assert isinstance(due.type, Date)


def test_the_words_keep_their_widths() -> None:
    spec = "a id\nb code\nc state\nd label\ne time\nf date"
    widths = {c.name: getattr(c.type, "length", None) for c in columns(spec)}
    assert widths == {"a": 128, "b": 64, "c": 16, "d": 200, "e": 40, "f": 10}


def test_a_table_gets_its_columns_then_the_extras() -> None:
    metadata = MetaData()
    t = table("t", metadata, "gen int key\nevent_id code key\ncount int unique")
    assert [c.name for c in t.primary_key.columns] == ["gen", "event_id"]
    assert isinstance(t.c["count"].type, Integer) and t.c["count"].unique
    assert metadata.tables["t"] is t


@pytest.mark.parametrize("line", ["case_id", "case_id uuid", "case_id id mandatory"])
def test_an_unknown_word_names_the_line(line: str) -> None:
    with pytest.raises(ValueError, match=line):
        columns(f"\n{line}\n")


def test_several_tables_are_named_by_their_header_lines_in_order() -> None:
    found = tables(
        """
        people:
            person_id  id  key
        members:
            household_id  id  required index
            person_id     id  required
        """
    )
    assert list(found) == ["people", "members"]
    assert [c.name for c in found["members"]] == ["household_id", "person_id"]
    with pytest.raises(ValueError, match="before the first"):
        tables("person_id id key\npeople:")


def test_a_row_takes_the_fields_of_the_same_names_with_dates_as_iso_text() -> None:
    from dataclasses import dataclass
    from datetime import UTC, date, datetime

    @dataclass
    class Attended:
        attendance_id: str
        attended_on: date
        at: datetime
        due: date
        note: str  # no such column: left out

    t = table("t", MetaData(), "attendance_id id key\nattended_on date\nat time\ndue day\nfirst_visit bool required")
    attended = Attended("a1", date(2015, 4, 1), datetime(2015, 4, 1, 9, tzinfo=UTC), date(2015, 5, 1), "x")
    assert row_of(attended, t) == {
        "attendance_id": "a1",
        "attended_on": "2015-04-01",
        "at": "2015-04-01T09:00:00+00:00",
        "due": date(2015, 5, 1),  # a real DATE column keeps the date
    }
    assert row_of(attended, t, first_visit=True, attendance_id="a2") == {
        "attendance_id": "a2",
        "attended_on": "2015-04-01",
        "at": "2015-04-01T09:00:00+00:00",
        "due": date(2015, 5, 1),
        "first_visit": True,
    }


def test_put_row_inserts_a_streams_row_once_with_its_first_values_then_updates_it() -> None:
    from sqlalchemy import create_engine, select

    from shared.columns import put_row

    metadata = MetaData()
    t = table("cases", metadata, "case_id id key\nstatus state required\nopened_by id\nversion int required")
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:
        put_row(conn, t, "case_id", "c-1", {"status": "open", "version": 1}, opened_by="s-1")
        put_row(conn, t, "case_id", "c-1", {"status": "closed", "version": 2}, opened_by="s-2")
        put_row(conn, t, "case_id", "c-2", {"status": "open", "version": 1})
        rows = [dict(r) for r in conn.execute(select(t).order_by(t.c.case_id)).mappings()]
    assert rows == [
        {"case_id": "c-1", "status": "closed", "opened_by": "s-1", "version": 2},
        {"case_id": "c-2", "status": "open", "opened_by": None, "version": 1},
    ]


def test_a_row_may_set_columns_named_source_or_table() -> None:
    from types import SimpleNamespace

    t = table("consultations", MetaData(), "consultation_id id key\nsource code required\ntable str32")
    row = row_of(SimpleNamespace(consultation_id="k-1", source=None), t, source="", table="t-1")
    assert row == {"consultation_id": "k-1", "source": "", "table": "t-1"}
