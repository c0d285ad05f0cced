"""Case-study meetings (事例検討会): cases presented without identifying details, and the advice of
the participants on each.

Any department presents a case (also one that reached no service); advice is recorded per case in
the name of a participant, one from outside the council only once their secrecy undertaking
(:mod:`.secrecy`) is recorded.
"""

from __future__ import annotations

from datetime import datetime

from services.conferences.domain.commands import PresentStudyCase, RecordAdvice
from services.conferences.domain.conference import ConferenceState, require_held, require_known
from services.conferences.domain.errors import NoSecrecyUndertaking, StudyCaseNotFound, WrongConferenceState
from services.conferences.domain.events import CaseStudyAdviceRecorded, CaseStudyCasePresented
from services.conferences.domain.values import OUTSIDE_KINDS
from shared.checks import required_text
from shared.errors import InvalidCommand
from shared.events import DomainEvent

__all__ = ["decide_present_study_case", "decide_record_advice"]


def decide_present_study_case(
    state: ConferenceState, cmd: PresentStudyCase, *, now: datetime, study_case_id: str
) -> list[DomainEvent]:
    """事例を出す: only at a case-study meeting; a summary without identifying details, a case id optional."""
    require_known(state, cmd.conference_id)
    if not state.case_study:
        raise WrongConferenceState(
            f"conference {cmd.conference_id} is a {state.kind}, not a case-study meeting (事例検討会): "
            "present cases at a meeting of kind case_study",
            reason="not_case_study",
        )
    assert state.conference_id is not None and state.case_id is not None
    return [
        CaseStudyCasePresented.of(
            cmd,
            conference_id=state.conference_id,
            case_id=state.case_id,
            study_case_id=study_case_id,
            discussed_case_id=(cmd.discussed_case_id or "").strip() or None,
            summary=required_text(cmd.summary, "summary", "the case in a few lines, without names"),
            presented_at=now,
        )
    ]


def decide_record_advice(state: ConferenceState, cmd: RecordAdvice, *, now: datetime) -> list[DomainEvent]:
    """助言を記録する: on a presented case of a held case-study meeting, in the name of a participant;
    one from outside the council only once their secrecy undertaking is recorded."""
    require_held(state, cmd.conference_id, "recording advice")
    case = state.study_case(cmd.study_case_id)
    if case is None:
        raise StudyCaseNotFound(
            f"conference {cmd.conference_id} has no presented case {cmd.study_case_id!r}", field="study_case_id"
        )
    adviser = next((p for p in state.participants if p.name == cmd.adviser_name), None)
    if adviser is None:
        raise InvalidCommand(
            f"adviser_name {cmd.adviser_name!r} did not take part: name a participant as recorded in the minutes",
            field="adviser_name",
            reason="not_a_participant",
        )
    if adviser.kind in OUTSIDE_KINDS and state.undertaking_of(adviser.name, adviser.organisation) is None:
        raise NoSecrecyUndertaking(
            f"{adviser.name} ({adviser.organisation}) has no secrecy undertaking (守秘義務) recorded: record it "
            "before recording advice in their name",
            field="adviser_name",
            reason="secrecy_undertaking",
        )
    assert state.conference_id is not None and state.case_id is not None
    return [
        CaseStudyAdviceRecorded.of(
            cmd,
            conference_id=state.conference_id,
            case_id=state.case_id,
            study_case_id=case.study_case_id,
            adviser_name=adviser.name,
            adviser_organisation=adviser.organisation,
            advice=required_text(cmd.advice, "advice", "what the adviser advised"),
            recorded_at=now,
        )
    ]
