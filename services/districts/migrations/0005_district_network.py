"""The district support network (地区支援チーム・地区支援ネットワーク会議) and the district desk
(福祉なんでも相談窓口): teams, meetings, the cases discussed, desk consultations.

Revision ID: districts_network
"""

from shared.columns import table_revision

revision = "districts_network"
down_revision = "districts_0004_activity"

upgrade, downgrade = table_revision(
    """
    support_teams:
        district_id   code   key
        members       text   required
        note          text
        set_by        code   required
        version       int    required
        updated_at    time   required
    network_meetings:
        meeting_id            id     key
        district_id           code   required index
        held_on               date   required index
        month                 str32  required index
        participants          text   required
        outside_participants  int    required
        team_version          int    required
        issues                text   required
        cases_discussed       int    required
        minutes               text
        recorded_by           code   required
        recorded_at           time   required
        version               int    required
    network_cases:
        discussion_id     id     key
        meeting_id        id     required index
        position          int    required
        district_id       code   required
        case_id           id     index
        held_on           date   required
        basis_kind        state  required
        basis_reference   label
        summary           text   required
        next_steps        text
        recorded_at       time   required
    desk_consultations:
        consultation_id   id     key
        district_id       code   required index
        case_id           id     required index
        person_id         id
        desk              label  required
        taken_at          time   required index
        month             str32  required index
        channel           code   required
        consulter         label
        summary           text   required
        issue_category    code   required
        consent_to_share  bool   required
        referral_id       id     required
        recorded_by       code   required
        recorded_at       time   required
    """
)
