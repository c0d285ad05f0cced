"""The monthly activity records (地区活動記録) and their approval status, per staff member and month.

Revision ID: districts_0004_activity
"""

from shared.columns import table_revision

revision = "districts_0004_activity"
down_revision = "districts_0003"

upgrade, downgrade = table_revision(
    """
    district_activity_records:
        record_id            id     key
        staff_id             id     required index
        author_name          label
        month                str32  required index
        status               state  required index
        entry_count          int    required
        submissions          int    required
        manager_approved_by  id
        director_approved_by id
        entries              text   required
        remarks              text   required
        version              int    required
        updated_at           time   required
    """
)
