"""ケース会議 (case conferences): for now the department's referral desk; its own domain arrives with its issue."""
