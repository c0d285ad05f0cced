"""Districts' read tables: the cases each district looks after, salon attendance, volunteer roles.

Revision ID: districts_0001
"""

from shared.columns import table_revision

revision = "districts_0001"
down_revision = None

upgrade, downgrade = table_revision(
    """
    district_cases:
        case_id             id     key
        district_id         code   required index
        status              state  required index
        reported_by         code
        referral_ids        text   required
        concerns            int    required
        visit_count         int    required
        last_visit_outcome  state
        last_visited_at     time
        refused             bool   required
        watch_frequency     state
        watch_approach      state
        watch_started_on    date
        version             int    required
        updated_at          time   required
    salon_attendance:
        attendance_id  id     key
        case_id        id     required index
        district_id    code   required index
        salon_name     label  required index
        attended_on    date   required index
        first_visit    bool   required
    volunteer_roles:
        role_id      id     key
        case_id      id     required index
        district_id  code   required index
        role         label  required
        activity     label  required
        started_on   date   required
    """
)
