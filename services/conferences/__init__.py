"""ケース会議・地域ケア会議・事例検討会 (case conferences): scheduled, held on a basis, action items, reviews."""
