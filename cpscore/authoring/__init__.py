"""Authoring indicator systems: printed tables (Excel) to system files and back, and diffs.

Owns reading a table laid out as published into a validated system file (``import-table``),
writing a system back in that layout (``export-table``) and comparing two versions (``diff``).

May import: cpscore.system, cpscore.common (and the stages below the layer it shares with batch).
"""
