"""The district file aggregate (地区ファイル / 地区カルテ): one stream per district and fiscal year,
``district-file-{district_id}-{fiscal_year}``.

A file is opened for a district council area with the CSW assigned to it (地区担当) and the year's
goal (年度目標); through the year the CSW may change, the population by category (区分別人口) is
entered (a later entry replaces an earlier one), and at the end the goal is evaluated (年度評価).
The district's human and local resources are not copied into the file: they are the registry's
entries for the district (:mod:`.registry`), shown with it.

Fold: :func:`apply`. Decisions: ``decide_*(state, command, *, now, ...) -> events``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from services.districts.domain.commands import (
    AssignDistrictCsw,
    EvaluateDistrictGoal,
    OpenDistrictFile,
    RecordDistrictPopulation,
)
from services.districts.domain.errors import DistrictFileNotFound
from services.districts.domain.events import (
    DistrictCswAssigned,
    DistrictFileOpened,
    DistrictGoalEvaluated,
    DistrictPopulationRecorded,
)
from shared.checks import required_text
from shared.errors import InvalidCommand
from shared.events import DomainEvent, Replay, absorb
from shared.reference import CodeLists

__all__ = [
    "POPULATION",
    "DistrictFileState",
    "apply",
    "decide_assign_csw",
    "decide_evaluate_goal",
    "decide_open_file",
    "decide_record_population",
    "file_id",
    "replay_state",
]

POPULATION = "population_categories"
FIRST_YEAR, LAST_YEAR = 1990, 2100


def file_id(district_id: str, fiscal_year: int) -> str:
    """The id of a district's file for a fiscal year: ``yamato-3chome-2014``."""
    return f"{district_id}-{fiscal_year}"


@dataclass(frozen=True)
class DistrictFileState:
    """A district file; ``DistrictFileState()`` is a stream with no events yet."""

    district_id: str | None = None
    fiscal_year: int | None = None
    csw_id: str | None = None
    goal: str | None = None
    evaluation: str | None = None
    evaluated_at: datetime | None = None
    population_as_of: date | None = None
    population: Mapping[str, int] = field(default_factory=dict)

    @property
    def file_id(self) -> str | None:
        return (
            None
            if self.district_id is None or self.fiscal_year is None
            else file_id(self.district_id, self.fiscal_year)
        )


def apply(state: DistrictFileState, event: DomainEvent) -> DistrictFileState:
    if isinstance(event, DistrictFileOpened):
        return absorb(state, event)
    if isinstance(event, DistrictCswAssigned):
        return replace(state, csw_id=event.csw_id)
    if isinstance(event, DistrictGoalEvaluated):
        return replace(state, evaluation=event.evaluation, evaluated_at=event.evaluated_at)
    if isinstance(event, DistrictPopulationRecorded):
        return replace(state, population_as_of=event.as_of, population=dict(event.counts))
    return state


def _known(state: DistrictFileState, district_id: str, fiscal_year: int) -> tuple[str, int]:
    if state.district_id is None or state.fiscal_year is None:
        raise DistrictFileNotFound(
            f"district {district_id!r} has no file for fiscal year {fiscal_year}: open it first", field="fiscal_year"
        )
    return state.district_id, state.fiscal_year


def _year(fiscal_year: int) -> int:
    if not FIRST_YEAR <= fiscal_year <= LAST_YEAR:
        raise InvalidCommand(
            f"fiscal_year {fiscal_year} is not a fiscal year (年度, e.g. 2014 for April 2014 – March 2015)",
            field="fiscal_year",
            reason="out_of_range_number",
            ctx={"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return fiscal_year


def decide_open_file(state: DistrictFileState, cmd: OpenDistrictFile, *, now: datetime) -> list[DomainEvent]:
    """地区ファイル作成: once per district and year, with a CSW and a goal."""
    return [
        DistrictFileOpened.of(
            cmd,
            fiscal_year=_year(cmd.fiscal_year),
            csw_id=required_text(cmd.csw_id, "csw_id", "the staff id of the district's CSW (地区担当)"),
            goal=required_text(cmd.goal, "goal", "the year's goal for the district (年度目標)"),
            opened_at=now,
        )
    ]


def decide_assign_csw(state: DistrictFileState, cmd: AssignDistrictCsw, *, now: datetime) -> list[DomainEvent]:
    """地区担当の変更: another CSW than the one assigned."""
    district_id, year = _known(state, cmd.district_id, cmd.fiscal_year)
    csw = required_text(cmd.csw_id, "csw_id", "the staff id of the new CSW")
    if csw == state.csw_id:
        raise InvalidCommand(
            f"{csw} is already the district's CSW for {year}", field="csw_id", reason="already_recorded"
        )
    return [
        DistrictCswAssigned(
            district_id=district_id, fiscal_year=year, csw_id=csw, assigned_at=now, assigned_by=cmd.assigned_by
        )
    ]


def decide_evaluate_goal(state: DistrictFileState, cmd: EvaluateDistrictGoal, *, now: datetime) -> list[DomainEvent]:
    """年度評価: what came of the year's goal."""
    district_id, year = _known(state, cmd.district_id, cmd.fiscal_year)
    return [
        DistrictGoalEvaluated(
            district_id=district_id,
            fiscal_year=year,
            evaluation=required_text(cmd.evaluation, "evaluation", "what came of the year's goal"),
            evaluated_at=now,
            evaluated_by=cmd.evaluated_by,
        )
    ]


def decide_record_population(
    state: DistrictFileState, cmd: RecordDistrictPopulation, *, now: datetime, codes: CodeLists
) -> list[DomainEvent]:
    """区分別人口: known categories, whole numbers not below zero, at least one."""
    district_id, year = _known(state, cmd.district_id, cmd.fiscal_year)
    if not cmd.counts:
        raise InvalidCommand(
            "counts is required: give the population of at least one category", field="counts", reason="required"
        )
    for category, count in cmd.counts.items():
        codes.require(POPULATION, category, field_name="counts")
        if count < 0:
            raise InvalidCommand(
                f"counts.{category} is {count}: a population is not below zero",
                field="counts",
                reason="too_small",
                ctx={"min": 0},
            )
    return [
        DistrictPopulationRecorded.of(
            cmd,
            district_id=district_id,
            fiscal_year=year,
            counts=dict(cmd.counts),
            recorded_at=now,
            code_list_version=codes.version,
        )
    ]


replay_state = Replay(DistrictFileState, apply)
