"""The read models: append-only tables, one row set per *generation* (blue-green).

Every read-model table carries ``gen``. ``rm_active`` (one row) names the generation readers use;
``rm_generations`` lists them (``building`` → ``active`` → ``retired``). A rebuild fills a new
generation from offset 0 and switches ``rm_active`` in one transaction, so readers never see a
half-built model. The live consumer locks the pointer row ``FOR SHARE`` while it writes, which is
what lets the switch wait for in-flight batches (see :mod:`services.reporting.rebuild`).

Rows are a pure function of one event each (the handlers in :mod:`services.reporting.projection`)
and every primary key holds the event id, so inserts are ``ON CONFLICT DO NOTHING``: duplicate
delivery changes nothing, arrival order changes nothing, and a rebuilt generation equals the
live-built one row for row (:func:`.generations.checksums`). Everything that depends on *several*
events — status, joins, counts — is computed at query time.

This module declares the tables; the rows are written by :mod:`.rows` and the generations are kept
by :mod:`.generations`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import Index, MetaData, Table

from shared import columns as spec

metadata = MetaData()


generations = spec.table(
    "rm_generations",
    metadata,
    """
    gen          int    key
    state        state  required          # building | active | retired
    created_at   time   required
    switched_at  time
    """,
)
active = spec.table(
    "rm_active",
    metadata,
    """
    id   int  key
    gen  int  required
    """,
)

timeline = spec.table(
    "rm_timeline",
    metadata,
    """
    gen               int    key
    event_id          code   key
    case_id           id     required
    at                time   required
    source            code   required
    type              label  required
    subject           id     required
    stream_version    int    required
    actor_id          id     required
    actor_department  code   required
    actor_role        code   required
    actor_name        label
    data              text   required
    """,
    Index("ix_rm_timeline_case", "gen", "case_id", "at"),
)
links = spec.table(
    "rm_links",
    metadata,
    """
    gen       int    key
    event_id  code   key
    a         id     required
    b         id     required
    kind      state  required          # same | member
    at        time   required
    """,
    Index("ix_rm_links_a", "gen", "a"),
    Index("ix_rm_links_b", "gen", "b"),
)
loan_consultations = spec.table(
    "rm_loan_consultations",
    metadata,
    """
    gen              int   key
    consultation_id  code  key
    household_id     id    required
    opened_at        time  required
    fund_type        code  required
    kind             code  required
    initial          bool  required
    """,
)
loan_contacts = spec.table(
    "rm_loan_contacts",
    metadata,
    """
    gen              int   key
    event_id         code  key
    consultation_id  code  required
    at               time  required
    fund_type        code  required
    kind             code  required
    """,
    Index("ix_rm_loan_contacts_at", "gen", "at"),
)
issues = spec.table(
    "rm_issues",
    metadata,
    """
    gen              int   key
    event_id         code  key
    category         code  key
    department       code  required
    consultation_id  code  required
    case_id          id    required
    at               time  required
    """,
    Index("ix_rm_issues_consultation", "gen", "consultation_id"),
)
loan_responses = spec.table(
    "rm_loan_responses",
    metadata,
    """
    gen              int   key
    event_id         code  key
    consultation_id  code  required
    response         code  required
    at               time  required
    """,
    Index("ix_rm_loan_responses_consultation", "gen", "consultation_id"),
)
closures = spec.table(
    "rm_closures",
    metadata,
    """
    gen              int   key
    event_id         code  key
    department       code  required
    consultation_id  code  required
    case_id          id    required
    at               time  required
    outcome          code  required
    reached_service  bool  required
    """,
)
denials = spec.table(
    "rm_denials",
    metadata,
    """
    gen             int   key
    event_id        code  key
    application_id  code  required
    case_id         id    required
    at              time  required
    """,
)
referral_steps = spec.table(
    "rm_referral_steps",
    metadata,
    """
    gen                int    key
    event_id           code   key
    referral_id        code   required
    step               state  required          # made | accepted | declined | completed | cancelled | expired
    at                 time   required
    case_id            id
    source_department  code
    target             id
    deadline           time
    cause_event_id     code
    """,
    Index("ix_rm_referral_steps_referral", "gen", "referral_id"),
)
case_districts = spec.table(
    "rm_case_districts",
    metadata,
    """
    gen          int   key
    event_id     code  key
    case_id      id    required
    district_id  code  required
    at           time  required
    """,
)
district_events = spec.table(
    "rm_district_events",
    metadata,
    """
    gen          int    key
    event_id     code   key
    schedule_id  code   required          # the district event's own id (地域事業)
    district_id  code   required
    held_on      date   required
    kind         code   required
    at           time   required
    """,
    Index("ix_rm_district_events_held", "gen", "held_on"),
)
district_event_steps = spec.table(
    "rm_district_event_steps",
    metadata,
    """
    gen          int    key
    event_id     code   key
    schedule_id  code   required
    district_id  code   required
    step         state  required          # handles | declines | escalated
    department   code                     # the marking department (handles | declines)
    at           time   required
    """,
    Index("ix_rm_district_event_steps_schedule", "gen", "schedule_id"),
)
district_resources = spec.table(
    "rm_district_resources",
    metadata,
    """
    gen          int    key
    event_id     code   key
    district_id  code   required
    category     state  required          # resource (地域資源) | helper (担い手)
    item_id      code   required
    kind         code   required
    at           time   required
    """,
    Index("ix_rm_district_resources_district", "gen", "district_id"),
)
district_files = spec.table(
    "rm_district_files",
    metadata,
    """
    gen          int    key
    event_id     code   key
    district_id  code   required
    fiscal_year  int    required
    step         state  required          # opened | csw | evaluated
    csw_id       code                     # opened | csw: the district's CSW (地区担当)
    text         text                     # opened: the yearly goal (年度目標); evaluated: the evaluation
    at           time   required
    """,
    Index("ix_rm_district_files_district", "gen", "district_id", "fiscal_year"),
)
district_issues = spec.table(
    "rm_district_issues",
    metadata,
    """
    gen          int    key
    event_id     code   key
    item_id      code   key               # the issue's id (meeting) or the consultation's id (desk)
    district_id  code   required
    month        str32  required          # YYYY-MM (JST) the issue was raised in
    source       state  required          # meeting (地区支援ネットワーク会議) | desk (福祉なんでも相談窓口)
    category     code   required          # district_issue_categories code
    at           time   required
    """,
    Index("ix_rm_district_issues_month", "gen", "month"),
)
areas = spec.table(
    "rm_areas",
    metadata,
    """
    gen          int    key
    event_id     code   key
    area_id      code   required
    kind         state  required          # city | daily_life | district_council | community_care
    parent_id    code
    at           time   required
    """,
)
area_prefixes = spec.table(
    "rm_area_prefixes",
    metadata,
    """
    gen               int    key
    event_id          code   key
    area_id           code   required
    name              label                    # AreaDefined: the area's name; AreaAddressesChanged: none
    address_prefixes  text   required          # JSON list of the normalised prefixes (町名・丁目), replaced whole
    at                time   required
    """,
)
activity_records = spec.table(
    "rm_activity_records",
    metadata,
    """
    gen             int    key
    event_id        code   key
    record_id       id     required          # the monthly activity record (地区活動記録)
    staff_id        id     required          # its author
    author_name     label                    # written: the author's display name
    month           str32  required          # YYYY-MM
    step            state  required          # written | submitted | commented | manager_approved | approved | returned
    stream_version  int    required          # the record's stream version: the latest step decides the status
    at              time   required
    """,
    Index("ix_rm_activity_records_month", "gen", "month"),
)

READ_MODELS: tuple[Table, ...] = (
    timeline,
    links,
    loan_consultations,
    loan_contacts,
    issues,
    loan_responses,
    closures,
    denials,
    referral_steps,
    case_districts,
    district_events,
    district_event_steps,
    district_resources,
    district_files,
    activity_records,
    areas,
    district_issues,
    area_prefixes,
)
TABLES: dict[str, Table] = {t.name: t for t in READ_MODELS}


@lru_cache(maxsize=4096)
def ts(moment: datetime) -> str:
    """Fixed-width UTC text, so that string order is time order in both databases.

    Cached: the projection asks for one event's time several times (timeline, links, districts,
    steps), and a cache hit is a fifth of the conversion."""
    utc = moment.astimezone(UTC)
    if utc.year >= 1000:  # isoformat is several times faster than strftime; same text ("...+00:00" -> "Z")
        return utc.isoformat(timespec="microseconds")[:-6] + "Z"
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
