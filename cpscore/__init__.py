"""cpscore: score plants against China's sector clean-production evaluation indicator systems."""

from cpscore.common.version import __version__

__all__ = ["__version__", "evaluate_frame", "evaluate_plant", "load", "load_system"]


def __getattr__(name: str):
    # Lazy re-exports: `cpscore --help` and `cpscore systems` must not import pandas.
    if name in ("evaluate_frame", "evaluate_plant"):
        from cpscore.engine import evaluate

        return getattr(evaluate, name)
    if name == "load_system":
        from cpscore.system.loader import load_system

        return load_system
    if name == "load":
        from cpscore.system.catalog import load

        return load
    raise AttributeError(name)
