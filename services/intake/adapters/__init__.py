"""Intake's SQL: read tables and their queries. Nothing here commits; the unit of work does."""
