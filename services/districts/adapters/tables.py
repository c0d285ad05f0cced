"""SQLAlchemy Core tables of districts' read models.

Created by ``migrations/0001_districts.py``, ``0002_district_records.py`` and ``0003_district_schedule.py``.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.columns import table

metadata = MetaData()

district_cases = table(
    "district_cases",
    metadata,
    """
    case_id             id     key
    district_id         code   required
    status              state  required
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
    """,
)

salon_attendance = table(
    "salon_attendance",
    metadata,
    """
    attendance_id  id     key
    case_id        id     required
    district_id    code   required
    salon_name     label  required
    attended_on    date   required
    first_visit    bool   required
    resource_id    id     # districts_0002
    """,
)

volunteer_roles = table(
    "volunteer_roles",
    metadata,
    """
    role_id      id     key
    case_id      id     required
    district_id  code   required
    role         label  required
    activity     label  required
    started_on   date   required
    resource_id  id     # districts_0002
    """,
)

district_areas = table(
    "district_areas",
    metadata,
    """
    area_id           code   key
    kind              state  required
    name              label  required
    parent_id         code
    address_prefixes  text   required   # one prefix a line
    version           int    required
    defined_at        time   required
    """,
)

district_files = table(
    "district_files",
    metadata,
    """
    file_id           id     key
    district_id       code   required
    fiscal_year       int    required
    csw_id            id     required
    goal              text   required
    evaluation        text
    evaluated_at      time
    population_as_of  date
    population        text   # JSON {category: count}
    version           int    required
    updated_at        time   required
    """,
)

local_resources = table(
    "local_resources",
    metadata,
    """
    resource_id    id     key
    district_id    code   required
    kind           code   required
    name           label  required
    address        text
    contact        text
    serves         text
    registered_at  time   required
    """,
)

district_helpers = table(
    "district_helpers",
    metadata,
    """
    helper_id      id     key
    district_id    code   required
    kind           code   required
    name           label  required
    contact        text
    resource_id    id
    registered_at  time   required
    """,
)

district_schedule = table(
    "district_schedule",
    metadata,
    """
    event_id      id     key
    district_id   code   required
    title         label  required
    kind          code   required
    held_on       date   required
    month         str32  required   # YYYY-MM of held_on
    place         label
    handled_by    text   required   # departments, comma-separated
    declined_by   text   required
    status        state  required   # open, handled, escalated
    version       int    required
    updated_at    time   required
    """,
)

# Created by ``migrations/0004_activity_records.py``.
activity_records = table(
    "district_activity_records",
    metadata,
    """
    record_id            id     key
    staff_id             id     required
    author_name          label
    month                str32  required   # YYYY-MM
    status               state  required   # draft | submitted | manager_approved | approved | returned
    entry_count          int    required
    submissions          int    required
    manager_approved_by  id
    director_approved_by id
    entries              text   required   # JSON: the entries (date, district, purpose, done, impressions)
    remarks              text   required   # JSON: comments, returns and approvals, oldest first
    version              int    required
    updated_at           time   required
    """,
)
