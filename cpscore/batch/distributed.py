"""The same scoring function over partitions of a Dask DataFrame: a national run is a Dask job,
not a new code path.

Inputs are parquet or CSV files with one row per plant (columns: plant id, fact ids, indicator
ids); each partition goes through :func:`cpscore.engine.evaluate.score_frame` unchanged. Workers load
the system from its file (and compile its rules) once per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from cpscore.common.errors import UsageError
from cpscore.common.i18n import Msg
from cpscore.engine.evaluate import score_frame
from cpscore.system.model import System

ID_COLUMNS = ("id", "plant_id", "企业编号")


@lru_cache(maxsize=8)
def _system(path: str) -> System:
    from cpscore.system.loader import load_system

    return load_system(path)


def score_partition(part: pd.DataFrame, system_path: str) -> pd.DataFrame:
    """What each Dask worker runs: the pandas scoring function on one partition."""
    return score_frame(_system(system_path), part)


def _with_index(frame: Any) -> Any:
    for col in ID_COLUMNS:
        if col in frame.columns:
            return frame.set_index(col, sorted=False)
    raise UsageError(Msg("the input needs a plant id column ({join})", join=" / ".join(ID_COLUMNS)))


def read_table(paths: list[str]) -> Any:
    """A Dask DataFrame over parquet or CSV files (all of one kind)."""
    import dask.dataframe as dd

    kinds = {Path(p).suffix.lower() for p in paths}
    if kinds <= {".parquet", ".pq"}:
        frame = dd.read_parquet(paths)
    elif kinds <= {".csv"}:
        frame = dd.read_csv(
            paths, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=[""]
        )
    else:
        raise UsageError(
            Msg("--engine dask reads parquet or CSV files, got {x1}", x1=sorted(kinds))
        )
    return _with_index(frame)


def meta_for(system: System) -> pd.DataFrame:
    """An empty result frame with the right columns and dtypes (Dask's ``meta``)."""
    # Take one empty plant through the real path, so the columns can never drift from it.
    probe = score_frame(system, pd.DataFrame(index=pd.Index(["_"], name="id")))
    return probe.iloc[0:0]


def score_dask(frame: Any, system: System) -> Any:
    """Map the scoring function over every partition of a Dask DataFrame (lazy)."""
    return frame.map_partitions(score_partition, str(system.path), meta=meta_for(system))


def run(paths: list[str], system: System, output: str, scheduler: str | None = None) -> int:
    """Score parquet/CSV inputs with Dask and write the results (parquet or CSV); returns rows."""
    results = score_dask(read_table(paths), system)
    out = Path(output)
    if out.suffix.lower() in (".parquet", ".pq"):
        results.to_parquet(str(out), compute=True, scheduler=scheduler)
    elif out.suffix.lower() == ".csv":
        results.to_csv(
            str(out), single_file=True, encoding="utf-8-sig", compute=True, scheduler=scheduler
        )
    else:
        raise UsageError(Msg("the Dask output must be a .parquet folder or a .csv file"))
    return int(results.shape[0].compute(scheduler=scheduler))


def run_on_cluster(
    paths: list[str],
    system: System,
    output: str,
    address: str | None = None,
    workers: int | None = None,
) -> int:
    """`cpscore batch --engine dask`: connect to a scheduler (or start a local cluster) and run."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError(
            Msg("--engine dask needs the dask extra: pip install 'cpscore[dask]'")
        ) from None
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(Msg("no such input: {join}", join=", ".join(missing)))
    if address:
        with Client(address):
            return run(paths, system, output)
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster),
    ):
        return run(paths, system, output)
