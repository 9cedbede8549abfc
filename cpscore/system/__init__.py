"""The indicator system (清洁生产评价指标体系): its model, loading with schema and semantic checks,
the catalogue of bundled systems and their versions, conditions and expressions, units, library
coverage and the national plan's targets.

May import: cpscore.common.
"""
