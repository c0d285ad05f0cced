"""Reporting's pure folds: events in, read models out (no I/O)."""
