"""A page of a read table: the list every desk's screens page through.

A list route answers ``items`` (at most ``limit`` rows from ``offset``, in a stable order), the
``total`` its filter admits and, for a status column, how many rows of each status the filter
admits. Every service reads its tables the same way::

    where = equal_to(conferences, case_id=case_id, kind=kind, status=status)
    rows, total = page_of(conn, conferences, where, (c.scheduled_for.desc(), c.conference_id), limit, offset)
    return page(rows, total, limit, offset)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, Table, func, select


def equal_to(table: Table, **filters: Any) -> list[ColumnElement[bool]]:
    """One equality clause per filter given; a filter left ``None`` does not narrow."""
    return [table.c[name] == value for name, value in filters.items() if value is not None]


def page_of(
    conn: Connection,
    table: Table,
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[Any],
    limit: int,
    offset: int,
) -> tuple[list[RowMapping], int]:
    """The rows of ``table`` that ``where`` admits, in ``order_by`` (end it with the key, so that a
    page is stable), ``limit`` of them from ``offset``; and how many it admits in all."""
    total = conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
    rows = conn.execute(select(table).where(*where).order_by(*order_by).limit(limit).offset(offset)).mappings()
    return list(rows), int(total)


def counts_by(conn: Connection, column: ColumnElement[Any], where: Sequence[ColumnElement[bool]]) -> dict[str, int]:
    """How many rows ``where`` admits per value of ``column`` (a status: ``{"open": 3, ...}``)."""
    return {
        str(value): int(n) for value, n in conn.execute(select(column, func.count()).where(*where).group_by(column))
    }


def page(items: Sequence[Any], total: int, limit: int, offset: int, **extra: Any) -> dict[str, Any]:
    """A list route's answer (``shared.views.PageView``): the page's ``items``, the ``total`` the
    filter admits, the ``limit`` and ``offset`` asked for, then ``extra`` (``counts``, ``month``...)."""
    return {"items": items, "total": total, "limit": limit, "offset": offset, **extra}
