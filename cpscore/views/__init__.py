"""Renderers that compute nothing: the terminal text, the Excel scorecard, the list workbook, CSV,
JSON lines and HTML, the plant templates, the system table; text neutralised for every writer.
A view takes the result document (or the Evaluation) and never recomputes a score.

May import: cpscore.engine, cpscore.read, cpscore.system, cpscore.common.
"""
