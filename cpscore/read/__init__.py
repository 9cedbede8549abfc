"""From files to plant records: the safety inspection of a workbook's bytes, the plant and wide
workbook readers, one cell's value and the answers plants type, and the plant inputs as arrays.

May import: cpscore.system, cpscore.common.
"""
