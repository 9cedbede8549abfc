"""Many plants: finding the input files, reading them in parallel processes, evaluating them at
once and writing the association's outputs; the Dask runner for national-scale tables.

May import: cpscore.views, cpscore.engine, cpscore.read, cpscore.system, cpscore.common.
"""
