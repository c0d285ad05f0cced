"""The monthly district schedule (地域事業月間スケジュール): events and which departments handle them.

Revision ID: districts_0003
"""

from shared.columns import table_revision

revision = "districts_0003"
down_revision = "districts_0002"

upgrade, downgrade = table_revision(
    """
    district_schedule:
        event_id      id     key
        district_id   code   required index
        title         label  required
        kind          code   required
        held_on       date   required index
        month         str32  required index
        place         label
        handled_by    text   required
        declined_by   text   required
        status        state  required index
        version       int    required
        updated_at    time   required
    """
)
