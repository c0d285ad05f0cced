"""Confidentiality (守秘義務): the secrecy undertakings of participants from outside the council, and
whether the minutes may show one of them the case's details.

An outside participant sees the details only on a statutory or consent basis *and* once their
undertaking is recorded (:func:`participant_sees_details`); advice in their name needs it too
(:mod:`.case_study`).
"""

from __future__ import annotations

from datetime import datetime

from services.conferences.domain.commands import RecordSecrecyUndertaking
from services.conferences.domain.conference import ConferenceState, require_known
from services.conferences.domain.errors import WrongConferenceState
from services.conferences.domain.events import SecrecyUndertakingRecorded
from services.conferences.domain.values import OUTSIDE_KINDS, Participant
from shared.checks import required_text
from shared.dates import local_date
from shared.errors import InvalidCommand
from shared.events import DomainEvent

__all__ = ["decide_record_undertaking", "participant_sees_details"]


def participant_sees_details(state: ConferenceState, participant: Participant) -> bool:
    """Whether the minutes may show ``participant`` the case's details (守秘義務・共有の根拠).

    Council staff and the person always; a participant from outside the council only when the
    meeting was held on a statutory (支援会議) or consent basis and their secrecy undertaking is
    recorded. A case-study meeting's anonymised cases and advice are shown to a participant from
    outside once their undertaking is recorded, whatever the basis.
    """
    if participant.kind not in OUTSIDE_KINDS:
        return True
    if state.undertaking_of(participant.name, participant.organisation) is None:
        return False
    return state.case_study or state.basis.kind in ("statutory", "consent")


def decide_record_undertaking(
    state: ConferenceState, cmd: RecordSecrecyUndertaking, *, now: datetime
) -> list[DomainEvent]:
    """守秘義務の誓約を記録する: of a participant from outside the council, once, on a day not in the
    future; before the meeting (expected participants) or after it (one who took part)."""
    require_known(state, cmd.conference_id)
    if cmd.participant_kind not in OUTSIDE_KINDS:
        raise InvalidCommand(
            f"participant_kind {cmd.participant_kind!r} is council staff or the person: only participants from "
            f"outside the council ({sorted(OUTSIDE_KINDS)}) give a secrecy undertaking",
            field="participant_kind",
            reason="outside_only",
        )
    name = required_text(cmd.participant_name, "participant_name", "the participant's name or role")
    organisation = required_text(cmd.organisation, "organisation", "the participant's organisation or role")
    if cmd.undertaken_on > local_date(now):
        raise InvalidCommand(
            f"undertaken_on {cmd.undertaken_on.isoformat()} is in the future: record the undertaking once given",
            field="undertaken_on",
            reason="in_future",
        )
    if state.status == "held" and not any(
        p.name == name and p.organisation == organisation for p in state.participants
    ):
        raise InvalidCommand(
            f"{name} ({organisation}) did not take part in conference {cmd.conference_id}: name a participant "
            "as recorded in the minutes",
            field="participant_name",
            reason="not_a_participant",
        )
    if state.undertaking_of(name, organisation) is not None:
        raise WrongConferenceState(
            f"the secrecy undertaking of {name} ({organisation}) is already recorded", reason="already_recorded"
        )
    assert state.conference_id is not None and state.case_id is not None
    return [
        SecrecyUndertakingRecorded.of(
            cmd,
            conference_id=state.conference_id,
            case_id=state.case_id,
            participant_name=name,
            organisation=organisation,
            reference=(cmd.reference or "").strip() or None,
            recorded_at=now,
        )
    ]
