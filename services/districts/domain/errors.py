"""Refusals of district work, in its own words.

::

    shared.errors.DomainError
    ├── NotFound
    │   ├── DistrictCaseNotFound     the district team has no record of the case: raise a concern first
    │   ├── AreaNotFound             no such area (圏域)
    │   ├── DistrictFileNotFound     the district has no file for that fiscal year: open it first
    │   ├── ResourceNotFound         no such registered resource or helper
    │   ├── ScheduledEventNotFound   no such event in the monthly district schedule
    │   ├── SupportTeamNotFound      the district has no support team (地区支援チーム) yet
    │   ├── NetworkMeetingNotFound   no such network meeting (地区支援ネットワーク会議)
    │   ├── DeskConsultationNotFound no such consultation at a district desk
    │   └── ActivityRecordNotFound   no such monthly activity record (地区活動記録)
    ├── InvalidCommand               bad values (code-list misses raise it via CodeLists.require)
    └── IllegalTransition
        ├── WatchOverState           a watch-over is already running / none is running
        └── PersonRefusedContact     the person refused: watch only from a distance until they agree
"""

from __future__ import annotations

from shared.errors import IllegalTransition, NotFound

__all__ = [
    "ActivityRecordNotFound",
    "AreaNotFound",
    "DeskConsultationNotFound",
    "DistrictCaseNotFound",
    "DistrictFileNotFound",
    "NetworkMeetingNotFound",
    "PersonRefusedContact",
    "ResourceNotFound",
    "ScheduledEventNotFound",
    "SupportTeamNotFound",
    "WatchOverState",
]


class DistrictCaseNotFound(NotFound):
    """地区の記録なし: no concern was raised about the case in any district."""


class WatchOverState(IllegalTransition):
    """見守りの状態に合わない: a watch-over is already running, or none is."""


class PersonRefusedContact(IllegalTransition):
    """本人が拒否: no intervention without the person's consent; watch from a distance only."""


class DistrictFileNotFound(NotFound):
    """地区ファイルなし: the district has no file for that fiscal year: open it first."""


class AreaNotFound(NotFound):
    """圏域なし: no area was defined with that id."""


class ResourceNotFound(NotFound):
    """登録なし: no local resource or helper was registered with that id."""


class ScheduledEventNotFound(NotFound):
    """予定なし: no district meeting or event was scheduled with that id."""


class SupportTeamNotFound(NotFound):
    """チーム未編成: the district has no support team (地区支援チーム) yet."""


class NetworkMeetingNotFound(NotFound):
    """会議の記録なし: no network meeting (地区支援ネットワーク会議) was recorded with that id."""


class DeskConsultationNotFound(NotFound):
    """相談の記録なし: no consultation was taken at a district desk with that id."""


class ActivityRecordNotFound(NotFound):
    """活動記録なし: no staff member wrote an activity record with that id."""
