"""Local PostgreSQL server management; see local.py."""
