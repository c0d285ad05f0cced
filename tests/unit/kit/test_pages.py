"""A page of a read table (:mod:`shared.pages`): the rows a filter admits, in order, the total and counts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, MetaData, create_engine

from shared.columns import table
from shared.pages import counts_by, equal_to, page_of

metadata = MetaData()
cases = table(
    "cases", metadata, "case_id id key\ndistrict_id id required\nstatus state required\nopened_at time required"
)


@pytest.fixture
def conn() -> Iterator[Connection]:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            cases.insert(),
            [
                {
                    "case_id": f"c-{n}",
                    "district_id": "d-1" if n < 5 else "d-2",
                    "status": status,
                    "opened_at": f"2014-05-0{n}",
                }
                for n, status in enumerate(["open", "open", "closed", "open", "closed", "open"], start=1)
            ],
        )
        yield connection


def test_equal_to_narrows_by_the_filters_given_only(conn: Connection) -> None:
    assert equal_to(cases, district_id=None, status=None) == []
    [clause] = equal_to(cases, district_id="d-1", status=None)
    rows, total = page_of(conn, cases, [clause], (cases.c.case_id,), 10, 0)
    assert total == 4 and [r["case_id"] for r in rows] == ["c-1", "c-2", "c-3", "c-4"]


def test_a_page_is_limit_rows_from_offset_in_order_with_the_total_the_filter_admits(conn: Connection) -> None:
    where = equal_to(cases, status="open")
    rows, total = page_of(conn, cases, where, (cases.c.opened_at.desc(), cases.c.case_id), 2, 1)
    assert total == 4 and [r["case_id"] for r in rows] == ["c-4", "c-2"]
    rows, total = page_of(conn, cases, [], (cases.c.case_id,), 50, 6)
    assert (rows, total) == ([], 6)


def test_counts_by_status_under_the_filter(conn: Connection) -> None:
    assert counts_by(conn, cases.c.status, []) == {"open": 4, "closed": 2}
    assert counts_by(conn, cases.c.status, equal_to(cases, district_id="d-2")) == {"open": 1, "closed": 1}
