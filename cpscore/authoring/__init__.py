"""Authoring indicator systems: printed tables in Excel to system files and back, and diffs."""
