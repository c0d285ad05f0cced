"""The referral each action item assigned to another department became (役割分担 → 紹介).

Revision ID: conferences_0002
"""

from shared.columns import table_revision

revision = "conferences_0002"
down_revision = "conferences_0001"

upgrade, downgrade = table_revision(
    """
    action_item_referrals:
        referral_id    id    key
        action_id      id    required index
        conference_id  id    required index
        assignee       code  required
    """
)
