"""Conferences' read tables: conferences, their action items and follow-up reviews.

Revision ID: conferences_0001
"""

from shared.columns import table_revision

revision = "conferences_0001"
down_revision = None

upgrade, downgrade = table_revision(
    """
    conferences:
        conference_id         id     key
        case_id               id     required index
        kind                  code   required index
        status                state  required index
        scheduled_for         time   required index
        referral_id           id
        held_at               time
        basis_kind            state  required
        participant_count     int    required
        outside_participants  int    required
        open_action_items     int    required
        version               int    required
        updated_at            time   required
    action_items:
        action_id      id     key
        conference_id  id     required index
        case_id        id     required index
        assignee_kind  state  required
        assignee       label  required index
        due_on         date
        done           bool   required index
        completed_at   time
    reviews:
        review_id      id    key
        conference_id  id    required index
        case_id        id    required index
        due_on         date  required index
        purpose        text  required
    """
)
