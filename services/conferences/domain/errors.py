"""Refusals of case conferences, in their own words.

::

    shared.errors.DomainError
    ├── NotFound
    │   ├── ConferenceNotFound      no conference with that id was scheduled
    │   ├── ActionItemNotFound      the conference has no action item with that id
    │   └── StudyCaseNotFound       the case-study meeting has no presented case with that id
    ├── InvalidCommand
    │   ├── NoSharingBasis          outside participants, but no statutory or consent basis
    │   └── NoSecrecyUndertaking    details named an outside participant who has not undertaken secrecy
    ├── IllegalTransition
    │   ├── AlreadyExists           the conference id is taken
    │   └── WrongConferenceState    e.g. recording a held conference twice, action items before it was held
    └── Forbidden
        └── NotTheAssignee          only conferences staff or the assigned department mark an item done
"""

from __future__ import annotations

from shared import errors as kit
from shared.errors import Forbidden, IllegalTransition, InvalidCommand, NotFound

__all__ = [
    "ActionItemNotFound",
    "AlreadyExists",
    "ConferenceNotFound",
    "NoSecrecyUndertaking",
    "NoSharingBasis",
    "NotTheAssignee",
    "StudyCaseNotFound",
    "WrongConferenceState",
]


class ConferenceNotFound(NotFound):
    """会議なし: no conference with that id was scheduled."""


class ActionItemNotFound(NotFound):
    """役割なし: the conference has no action item with that id."""


class StudyCaseNotFound(NotFound):
    """事例なし: the case-study meeting has no presented case with that id."""


class NoSecrecyUndertaking(InvalidCommand):
    """守秘義務の誓約なし: a record names a participant from outside the council whose secrecy
    undertaking was not recorded: record it first (``POST /conferences/{id}/undertakings``)."""


class NoSharingBasis(InvalidCommand):
    """共有の根拠なし: people from outside the council took part, but no basis to share the case was given."""


class AlreadyExists(kit.AlreadyExists):
    """設定済み: the conference id was already used."""


class WrongConferenceState(IllegalTransition):
    """会議の状態に合わない: the conference's state forbids the command."""


class NotTheAssignee(Forbidden):
    """担当外: only conferences staff or the department the item was assigned to mark it done."""
