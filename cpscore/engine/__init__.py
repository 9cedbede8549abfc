"""Scores and decisions: the vectorised scoring, the classification rules (durable-rules), the
evaluation and its explanation, the result document, the path to the next class, reduction
potential and the ranked sector list as data.

May import: cpscore.read, cpscore.system, cpscore.common.
"""
