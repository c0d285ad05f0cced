"""Loans service: the Livelihood Welfare Fund desk (生活福祉資金貸付).

The municipal council takes loan consultations (貸付相談) and applications; the prefecture council
is the lender. ``domain/`` holds the pure rules; infrastructure lives beside it.
"""
