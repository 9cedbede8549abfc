"""cpscore: score plants against China's sector clean-production evaluation indicator systems.

The public API, re-exported lazily from the stage that owns each name (``cpscore --help`` and
``cpscore systems`` must not import pandas).
"""

from cpscore.common.version import __version__

_EXPORTS = {
    "load": "cpscore.system.catalog",
    "load_system": "cpscore.system.loader",
    "evaluate_frame": "cpscore.engine.evaluate",
    "evaluate_plant": "cpscore.engine.evaluate",
    "score_frame": "cpscore.engine.evaluate",
    "evaluate_workbook": "cpscore.pipeline",
    "evaluate_records": "cpscore.pipeline",
    "run_batch": "cpscore.batch.run",
    "write_outputs": "cpscore.batch.outputs",
    "score_dask": "cpscore.batch.distributed",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
