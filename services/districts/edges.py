"""Who may call districts' routes: the edges the route modules share (one definition each).

Writers are district staff (workers, managers); managers alone define areas (圏域); any department
reads; staff of any department mark whether they take a scheduled event; managers and directors of
any department see the events nobody took. A district's activity records (活動記録) are approved by
its managers and directors and read by all its staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from shared.web import Edge, edge

__all__ = ["AnyDepartmentStaff", "AnyManager", "Approver", "DistrictStaff", "FiscalYear", "Manager", "Reader", "Writer"]

Writer = Annotated[Edge, edge(departments={"districts"}, roles={"worker", "manager"})]
Manager = Annotated[Edge, edge(departments={"districts"}, roles={"manager"})]
Reader = Annotated[Edge, edge()]
AnyDepartmentStaff = Annotated[Edge, edge(roles={"worker", "manager"})]
AnyManager = Annotated[Edge, edge(roles={"manager", "director"})]
Approver = Annotated[Edge, edge(departments={"districts"}, roles={"manager", "director"})]
DistrictStaff = Annotated[Edge, edge(departments={"districts"}, roles={"worker", "manager", "director"})]
FiscalYear = Annotated[int, Path(ge=1990, le=2100, description="年度: 2014 for April 2014 – March 2015")]
