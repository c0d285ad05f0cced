"""The conferences' part of the seed stories (ケース会議・地域ケア会議), played over HTTP.

* **Mrs. A (大和)**: the community care meeting (地域ケア会議) intake asked for — hosted by the
  community support centre, with seven kinds of participants from outside the council (包括, 市行政,
  県保健福祉事務所, 自治会長, 民生委員, 近隣住民, 片づけ業者) and council staff, on the statutory basis
  of the meeting's secrecy duty. She was not there and wants no help: nobody enters her home without
  her consent. Agreed: the centre leads the engagement, residents watch, progress is shared
  periodically; a review is scheduled.
* **Mr. T (葉山)**: the case meeting with あんしんセンター, the 包括 and his friend E, on his consent:
  E is the key person for visits, the district team invites him to the salon, the desk approaches
  daily-life independence support later: each item for a department is a referral in that
  department's inbox, and its answer there completes the item (the referral ends answered).

Each function takes the ids from intake's part and returns the ids it created;
``deploy/demo/intake_stories.py`` plays the whole stories across departments.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from deploy.demo.kit import Staff, Token, ago, today

__all__ = ["load", "mr_t_case_meeting", "mrs_a_community_care_meeting"]

MRS_A_PARTICIPANTS = [
    {"name": "センター長", "organisation": "地域包括支援センター（主催）", "kind": "agency"},
    {"name": "高齢福祉課 担当", "organisation": "市行政", "kind": "agency"},
    {"name": "保健福祉事務所 担当", "organisation": "県保健福祉事務所", "kind": "agency"},
    {"name": "自治会長", "organisation": "自治会", "kind": "resident"},
    {"name": "担当民生委員", "organisation": "民生委員児童委員協議会", "kind": "resident"},
    {"name": "近隣住民", "organisation": "近隣住民", "kind": "resident"},
    {"name": "片づけ業者", "organisation": "片づけ業者", "kind": "agency"},
    {"name": "地区担当CSW", "organisation": "市社協 地域福祉課", "kind": "staff", "department": "districts"},
]


def mrs_a_community_care_meeting(urls: Mapping[str, str], token: Token, conference_referral_id: str) -> dict[str, str]:
    """大和: accept intake's request, hold the 地域ケア会議, assign roles, schedule the review."""
    staff = Staff(urls, token, "conferences", "conferences")
    try:
        staff.wait_for_referral(conference_referral_id)
        staff.post(f"/referrals/{conference_referral_id}/accept", {"note": "包括と日程調整"})
        scheduled = staff.post(
            "/conferences",
            {
                "kind": "community_care_meeting",
                "referral_id": conference_referral_id,
                "purpose": "ネズミ発生家屋対策について。関係者で情報を共有し対応策を検討する",
                "scheduled_for": ago(days=10),
            },
        )
        cid = scheduled["conference_id"]
        due = (today() + timedelta(days=90)).isoformat()
        held = staff.post(
            f"/conferences/{cid}/held",
            {
                "held_at": ago(days=10),
                "participants": MRS_A_PARTICIPANTS,
                "basis": {"kind": "statutory", "reference": "介護保険法第115条の48（地域ケア会議・守秘義務）"},
                "summary": "近隣住民からトタンの飛散、漏電・火事、健康面への心配。本人の思いは確認できていない",
                "decisions": [
                    "本人の希望や思いが確認できるまで、自宅に入り込む介入はしない",
                    "地域包括支援センターが中心となって本人との関わりのきっかけを探る",
                    "近隣住民は外出や散歩の際にようすを気にかける",
                    "定期的に進捗状況を確認し情報を共有する",
                ],
                "person_wishes": "他人の世話にはなりたくない（会議には不参加）",
                "action_items": [
                    {
                        "description": "本人との関わりのきっかけを探る",
                        "assignee_kind": "agency",
                        "assignee": "community_support_centre",
                    },
                    {
                        "description": "近隣住民・自治会・民生委員による見守りの調整",
                        "assignee_kind": "department",
                        "assignee": "districts",
                        "due_on": due,
                    },
                    {
                        "description": "関係者で定期的に進捗を共有する場を設ける",
                        "assignee_kind": "agency",
                        "assignee": "community_support_centre",
                        "due_on": due,
                    },
                ],
            },
        )
        engage, watch, share = held["action_ids"]
        # The item for districts is also a referral in districts' inbox (役割分担 → 紹介): answering it there
        # completes the item.
        record = staff.get(f"/conferences/{cid}")
        [watch_referral] = [a["referral_id"] for a in record["action_items"] if a["action_id"] == watch]
        review = staff.post(
            f"/conferences/{cid}/reviews",
            {"due_on": (today() + timedelta(days=30)).isoformat(), "purpose": "関係者で進捗状況を確認し情報を共有する"},
        )
        staff.post(
            f"/referrals/{conference_referral_id}/complete",
            {"outcome": "support_started", "note": "地域ケア会議を開催。包括が中心に関わり、住民が見守る"},
        )
        return {
            "conference_id": cid,
            "engage_action_id": engage,
            "watch_action_id": watch,
            "share_action_id": share,
            "watch_item_referral_id": watch_referral,
            "review_id": review["review_id"],
        }
    finally:
        staff.close()


def mr_t_case_meeting(
    urls: Mapping[str, str], token: Token, conference_referral_id: str, consent_id: str
) -> dict[str, str]:
    """葉山: the case meeting with あんしんセンター, 包括 and friend E, on his consent."""
    staff = Staff(urls, token, "conferences", "conferences")
    try:
        staff.wait_for_referral(conference_referral_id)
        staff.post(f"/referrals/{conference_referral_id}/accept", {})
        scheduled = staff.post(
            "/conferences",
            {
                "kind": "case_conference",
                "referral_id": conference_referral_id,
                "purpose": "判断能力の低下と孤立。訪問の方法と地域での見守り",
                "scheduled_for": ago(days=45),
            },
        )
        cid = scheduled["conference_id"]
        held = staff.post(
            f"/conferences/{cid}/held",
            {
                "held_at": ago(days=45),
                "participants": [
                    {
                        "name": "住民福祉センター職員",
                        "organisation": "町社協 地域福祉総合相談（調整役）",
                        "kind": "staff",
                        "department": "intake",
                    },
                    {"name": "あんしんセンター職員", "organisation": "町社協 あんしんセンター", "kind": "staff"},
                    {"name": "包括 職員", "organisation": "地域包括支援センター", "kind": "agency"},
                    {"name": "Eさん", "organisation": "友人（キーパーソン）", "kind": "resident"},
                ],
                "basis": {"kind": "consent", "reference": consent_id},
                "decisions": [
                    "友人のEさんをキーパーソンとして同行訪問する",
                    "包括が「高齢者宅の巡回」として訪問し信頼関係をつくる",
                    "地域での見守りとサロン参加を検討する",
                ],
                "action_items": [
                    {
                        "description": "Eさんと同行訪問し、サロン参加を勧める",
                        "assignee_kind": "department",
                        "assignee": "districts",
                    },
                    {
                        "description": "高齢者宅の巡回として定期訪問",
                        "assignee_kind": "agency",
                        "assignee": "community_support_centre",
                    },
                    {
                        "description": "判断能力の様子を見ながら、あんしんセンターの利用に少しずつアプローチ",
                        "assignee_kind": "department",
                        "assignee": "intake",
                        "due_on": (today() + timedelta(days=60)).isoformat(),
                    },
                ],
            },
        )
        visit_with_e, _, daily_life = held["action_ids"]
        # The item for the desk is also a referral in intake's inbox (役割分担 → 紹介).
        record = staff.get(f"/conferences/{cid}")
        [daily_life_referral] = [a["referral_id"] for a in record["action_items"] if a["action_id"] == daily_life]
        [visit_referral] = [a["referral_id"] for a in record["action_items"] if a["action_id"] == visit_with_e]
        review = staff.post(
            f"/conferences/{cid}/reviews",
            {"due_on": (today() + timedelta(days=60)).isoformat(), "purpose": "サロン参加後のようすと判断能力の確認"},
        )
        staff.post(f"/referrals/{conference_referral_id}/complete", {"outcome": "support_started"})
        return {
            "conference_id": cid,
            "visit_action_id": visit_with_e,
            "daily_life_action_id": daily_life,
            "daily_life_item_referral_id": daily_life_referral,
            "visit_item_referral_id": visit_referral,
            "review_id": review["review_id"],
        }
    finally:
        staff.close()


def load(urls: Mapping[str, str], token: Token) -> list[str]:
    """Nothing of its own: the conferences are played within the whole stories that
    ``deploy/demo/intake_stories.py`` loads (they need intake's ids)."""
    return []
