"""地区担当・地域福祉 (district work): for now the department's referral desk; its own domain arrives with its issue."""
