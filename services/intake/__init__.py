"""Intake (総合相談窓口): the council's one-stop consultation desk."""
