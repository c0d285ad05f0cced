"""Intake's read tables: people search index, households and members, consultations, follow-ups,
the consent ledger projection.

Revision ID: intake_0001
"""

from shared.columns import table_revision

revision = "intake_0001"
down_revision = None

upgrade, downgrade = table_revision(
    """
    people:
        person_id              id    key
        canonical_id           id    required index
        name_kanji             text
        name_kana              text
        birth_date             date  index
        address                text
        phone                  code
        care_notes             text
        name_kanji_key         text  index
        name_kana_key          text  index
        address_key            text
        phone_key              code  index
        registered_by_service  code  required
        registered_at          time  required
        updated_at             time  required
    households:
        household_id           id    key
        address                text
        address_key            text
        registered_by_service  code  required
        registered_at          time  required
        updated_at             time  required
    household_members:
        household_id  id    required index
        person_id     id    required index
        relationship  code
        joined_on     date  required
        left_on       date
    consultations:
        consultation_id          id     key
        case_id                  id     required index
        person_id                id     index
        household_id             id     index
        status                   state  required index
        source                   code   required
        channel                  code   required
        issues                   text   required
        urgency                  state  required
        isolated                 bool   required
        opened_at                time   required index
        opened_by                id     required
        contact_count            int    required
        unacknowledged_comments  int    required
        outcome                  str32
        closed_at                time
        version                  int    required
        updated_at               time   required
    follow_ups:
        follow_up_id        id    key
        consultation_id     id    required index
        case_id             id    required
        due_on              date  required index
        purpose             text  required
        done_by_contact_id  id
    consents:
        record_id     id     key
        person_id     id     required index
        kind          state  required
        basis         code   required
        recipients    text   required
        purposes      text   required
        meeting_id    id
        given_at      time   required
        valid_until   date
        withdrawn_at  time
    """
)
