"""Handlers of the district support network and the district desk (地区支援チーム・地区支援ネットワーク
会議・福祉なんでも相談窓口): one function per command, each one unit of work.

* :func:`set_team` — the ``district-team-{district_id}`` stream (new or changed; If-Match checks
  the team's version, a lost update is a 409).
* :func:`record_meeting` — a new ``district-meeting-{meeting_id}`` stream; each case discussed is
  recorded under its own case id, so it appears in that case's view.
* :func:`take_desk_consultation` — a new ``district-desk-{consultation_id}`` stream and, in the same
  unit of work, a referral (紹介) from districts to 総合相談窓口 (intake) on districts' own
  ``referral-<id>`` stream (as conferences make their action items referrals): it lands in intake's
  referral inbox. Its details cross to intake on the person's consent given at the desk.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from services.districts.adapters import network as network_rows
from services.districts.domain import network
from services.districts.domain.commands import RecordNetworkMeeting, SetSupportTeam, TakeDeskConsultation
from services.districts.domain.errors import DeskConsultationNotFound, NetworkMeetingNotFound, SupportTeamNotFound
from services.districts.domain.events import DISTRICT_EVENTS
from services.districts.handlers import DEPARTMENT, district_area
from shared.commands import Aggregate, CommandContext, execute_in, saving
from shared.events import DomainEvent
from shared.reference import load_code_lists
from shared.referrals import REFERRAL_EVENTS, MakeReferral, ReferralEvent, ReferralState, decide_make
from shared.referrals import apply as referral_apply
from shared.referrals import projection as referral_projection
from shared.referrals.desk import stream_of
from shared.service import ServiceKit
from shared.uow import Fold, UnitOfWork

__all__ = [
    "DESK",
    "DESK_REASON",
    "MEETING",
    "TEAM",
    "TEAM_FOLD",
    "record_meeting",
    "set_team",
    "take_desk_consultation",
]

DESK_REASON = "district_desk_consultation"
"""The referral reason of a consultation a district desk passes to intake."""
DESK_TARGET = "intake"
DESK_ANSWER_DAYS = 7

TEAM_FOLD = Fold(network.TeamState, network.apply_team, DISTRICT_EVENTS)


TEAM: Aggregate[network.TeamState] = Aggregate(
    name="district support team",
    prefix="district-team",
    fold=TEAM_FOLD,
    not_found=lambda did: SupportTeamNotFound(f"district {did!r} has no support team yet", field="district_id"),
    project=saving(network_rows.save_team),
    id_field="district_id",
)


def _project_meeting(uow: UnitOfWork, _state: Any, events: Sequence[DomainEvent], version: int) -> None:
    network_rows.save_meeting(uow.conn, events, version)


def _meeting_case(state: network.MeetingState, event: DomainEvent) -> str | None:
    """A case discussed belongs to its case (its view shows it); the meeting itself to its own id."""
    case_id = getattr(event, "case_id", None)
    return case_id if isinstance(case_id, str) and case_id else getattr(event, "meeting_id", state.meeting_id)


MEETING: Aggregate[network.MeetingState] = Aggregate(
    name="network meeting",
    prefix="district-meeting",
    fold=Fold(network.MeetingState, network.apply_meeting, DISTRICT_EVENTS),
    not_found=lambda mid: NetworkMeetingNotFound(f"no network meeting {mid!r}", field="meeting_id"),
    case_of=_meeting_case,
    project=_project_meeting,
    id_field="meeting_id",
)


def _project_desk(uow: UnitOfWork, _state: Any, events: Sequence[DomainEvent], _version: int) -> None:
    network_rows.save_desk(uow.conn, events)


DESK: Aggregate[network.DeskState] = Aggregate(
    name="desk consultation",
    prefix="district-desk",
    fold=Fold(network.DeskState, network.apply_desk, DISTRICT_EVENTS),
    not_found=lambda cid: DeskConsultationNotFound(f"no desk consultation {cid!r}", field="consultation_id"),
    case_of=lambda s, _event: s.case_id,
    project=_project_desk,
    id_field="consultation_id",
)


def set_team(kit: ServiceKit, ctx: CommandContext, cmd: SetSupportTeam) -> dict[str, Any]:
    """地区支援チームの編成 (or its change), for a defined district council area."""
    with ctx.unit_of_work(kit.uow) as uow:
        district_area(uow, cmd.district_id)
        outcome = execute_in(
            uow,
            ctx,
            TEAM,
            cmd.district_id,
            lambda s, u: network.decide_set_team(s, cmd, now=u.now(), codes=load_code_lists()),
            new=None,
        )
        uow.commit()
    return outcome.reply("district_id", members=[m.model_dump() for m in outcome.state.members])


def record_meeting(kit: ServiceKit, ctx: CommandContext, cmd: RecordNetworkMeeting) -> dict[str, Any]:
    """地区支援ネットワーク会議の記録, in a district with a support team."""
    meeting_id = kit.uow.ids()
    ids = [kit.uow.ids() for _ in range(len(cmd.issues) + len(cmd.cases))]
    with ctx.unit_of_work(kit.uow) as uow:
        district_area(uow, cmd.district_id)
        team, _version = uow.load(TEAM.stream(cmd.district_id), TEAM.fold)
        outcome = execute_in(
            uow,
            ctx,
            MEETING,
            meeting_id,
            lambda s, u: network.decide_record_meeting(
                s, cmd, now=u.now(), meeting_id=meeting_id, ids=ids, team=team, codes=load_code_lists()
            ),
            new=True,
        )
        uow.commit()
    issue_ids = ids[: len(cmd.issues)]
    discussion_ids = ids[len(cmd.issues) :]
    return outcome.reply("meeting_id", "district_id", issue_ids=issue_ids, discussion_ids=discussion_ids)


def _apply_referral(state: ReferralState | None, event: DomainEvent) -> ReferralState | None:
    return referral_apply(state, event) if isinstance(event, ReferralEvent) else state


REFERRAL_FOLD: Fold[ReferralState | None] = Fold(lambda: None, _apply_referral, REFERRAL_EVENTS)


def take_desk_consultation(kit: ServiceKit, ctx: CommandContext, cmd: TakeDeskConsultation) -> dict[str, Any]:
    """相談受付 at a district desk, and its referral to 総合相談窓口 in the same unit of work."""
    consultation_id = kit.uow.ids()
    referral_id = kit.uow.ids()
    with ctx.unit_of_work(kit.uow) as uow:
        district_area(uow, cmd.district_id)
        outcome = execute_in(
            uow,
            ctx,
            DESK,
            consultation_id,
            lambda s, u: network.decide_take_desk_consultation(
                s, cmd, now=u.now(), consultation_id=consultation_id, referral_id=referral_id, codes=load_code_lists()
            ),
            new=True,
        )
        state = outcome.state
        assert state.case_id is not None
        referral = MakeReferral(
            referral_id=referral_id,
            by=cmd.recorded_by,
            case_id=state.case_id,
            person_id=cmd.person_id or None,
            target_kind="department",
            target=DESK_TARGET,
            reason_category=DESK_REASON,
            reason_detail=cmd.summary,
            deadline=uow.now() + timedelta(days=DESK_ANSWER_DAYS),
            basis_kind="consent" if cmd.consent_to_share else "none",
            basis_reference=f"district-desk-consultation:{consultation_id}" if cmd.consent_to_share else None,
        )
        made = decide_make(None, referral, department=DEPARTMENT, now=uow.now())
        _local, version = uow.load(stream_of(referral_id), REFERRAL_FOLD)
        envelopes = uow.record(stream_of(referral_id), version, made, case_id=state.case_id)
        referral_projection.project(uow.conn, envelopes)
        uow.commit()
    return outcome.reply("consultation_id", "district_id", "case_id", "referral_id")
