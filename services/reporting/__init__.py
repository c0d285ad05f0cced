"""Reporting (記録と共有 / ケースの積み上げ): the cross-department view, rebuilt from events alone."""
