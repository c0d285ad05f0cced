"""地区社協・地区担当 (district work): watch-over concerns, outreach, residents' watch-over, salons, volunteer roles."""
