"""紹介・つなぎ: the referral mechanism every department shares (pure: no I/O, no clock, no random).

A referral connects a case (person or household) from a **source** department to a **target**:
another department, or an outside agency (``target_kind="external"``)::

                        ┌──► accepted ──► completed (outcome)        [target department]
                        │        │
    made ──(deadline)───┼──► declined (reason)                       [target department]
      │        │        │
      │        └──► expired + escalated to a source manager          [source; still answerable]
      │
      ├──► cancelled (reason)     from made, accepted or expired     [source department]
      └──► completed via ReferralOutcomeRecorded (external targets)  [source department]

The source service records Made, Cancelled, Expired, Escalated and OutcomeRecorded; the target
service records Accepted, Declined and Completed. :func:`apply` folds both sides' events in any
order to the same state; when the two sides cross, the status ranks completed > cancelled >
declined > accepted > expired > made (see :mod:`shared.referrals.model`).

Automatic referrals come from rules stored as data (``rules/*.yaml``, :mod:`shared.referrals.rules`):
:func:`evaluate` turns one cause event into ``ReferralMade`` events with deterministic ids.
:func:`visible_referral` redacts special-care free text for the other side without a basis.
"""

from shared.referrals.codes import ReferralCodes, load_referral_codes
from shared.referrals.commands import (
    AcceptReferral,
    CancelReferral,
    CompleteReferral,
    DeclineReferral,
    MakeReferral,
    RecordExternalOutcome,
)
from shared.referrals.conditions import Condition, ConditionError, matches, parse_condition
from shared.referrals.events import (
    REFERRAL_EVENTS,
    ReferralAccepted,
    ReferralBasis,
    ReferralCancelled,
    ReferralCompleted,
    ReferralDeclined,
    ReferralEscalated,
    ReferralEvent,
    ReferralExpired,
    ReferralMade,
    ReferralOutcomeRecorded,
)
from shared.referrals.model import (
    ReferralState,
    Status,
    apply,
    decide_accept,
    decide_cancel,
    decide_complete,
    decide_decline,
    decide_expire,
    decide_make,
    decide_record_outcome,
    fold,
)
from shared.referrals.rules import (
    AUTOMATIC_ACTOR,
    REFERRAL_NAMESPACE,
    Rule,
    RuleError,
    RuleSet,
    default_rules,
    evaluate,
    load_rules,
    parse_duration,
    referral_id_for,
    rule_set,
)
from shared.referrals.view import ReferralSummary, visible_referral

__all__ = [
    "AUTOMATIC_ACTOR",
    "REFERRAL_EVENTS",
    "REFERRAL_NAMESPACE",
    "AcceptReferral",
    "CancelReferral",
    "CompleteReferral",
    "Condition",
    "ConditionError",
    "DeclineReferral",
    "MakeReferral",
    "RecordExternalOutcome",
    "ReferralAccepted",
    "ReferralBasis",
    "ReferralCancelled",
    "ReferralCodes",
    "ReferralCompleted",
    "ReferralDeclined",
    "ReferralEscalated",
    "ReferralEvent",
    "ReferralExpired",
    "ReferralMade",
    "ReferralOutcomeRecorded",
    "ReferralState",
    "ReferralSummary",
    "Rule",
    "RuleError",
    "RuleSet",
    "Status",
    "apply",
    "decide_accept",
    "decide_cancel",
    "decide_complete",
    "decide_decline",
    "decide_expire",
    "decide_make",
    "decide_record_outcome",
    "default_rules",
    "evaluate",
    "fold",
    "load_referral_codes",
    "load_rules",
    "matches",
    "parse_condition",
    "parse_duration",
    "referral_id_for",
    "rule_set",
    "visible_referral",
]
