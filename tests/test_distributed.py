"""The scoring function runs unchanged over partitions of a Dask DataFrame on a local cluster,
and gives the pandas result row for row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from benchmarks.population import population  # noqa: E402
from cpscore.batch import distributed as dist  # noqa: E402
from cpscore.engine.evaluate import score_frame  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as c,
        distributed.Client(c) as client,
    ):
        yield client


def _plants(system, n: int) -> pd.DataFrame:
    frame = population(system, n, seed=11)
    frame.index.name = "id"
    return frame


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_dask_equals_pandas_row_for_row(cluster, cement, tmp_path: Path, kind: str) -> None:
    plants = _plants(cement, 600)
    src = tmp_path / f"plants.{kind}"
    if kind == "parquet":
        plants.reset_index().to_parquet(src)
    else:
        plants.reset_index().to_csv(src, index=False, encoding="utf-8-sig")
    frame = dist.read_table([str(src)]).repartition(npartitions=5)
    got = dist.score_dask(frame, cement).compute().sort_index()
    want = score_frame(
        cement,
        pd.read_csv(
            src, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=[""]
        ).set_index("id")
        if kind == "csv"
        else plants,
    ).sort_index()
    assert len(got) == len(plants)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_index_type=False)
    assert set(got["class"]) >= {"lagging"}
    assert set(got["status"]) == {"illustrative"}  # every row says the numbers are not official


def test_run_writes_output(cluster, cement, tmp_path: Path) -> None:
    plants = _plants(cement, 200)
    src = tmp_path / "plants.parquet"
    plants.reset_index().to_parquet(src)
    out = tmp_path / "results.csv"
    assert dist.run([str(src)], cement, str(out)) == 200
    written = pd.read_csv(out, encoding="utf-8-sig", index_col=0)
    assert list(written["class"]) == list(score_frame(cement, plants)["class"])


def test_cli_engine_dask(cement, tmp_path: Path) -> None:
    import subprocess
    import sys

    plants = _plants(cement, 300)
    src = tmp_path / "plants.parquet"
    plants.reset_index().to_parquet(src)
    out = tmp_path / "results.csv"
    cmd = [
        sys.executable,
        "-m",
        "cpscore",
        "batch",
        str(src),
        "--sector",
        "cement",
        "--engine",
        "dask",
        "-o",
        str(out),
        "--jobs",
        "2",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "scored 300 plants" in proc.stderr
    written = pd.read_csv(out, encoding="utf-8-sig", index_col=0)
    assert list(written["class"]) == list(score_frame(cement, plants)["class"])
    bad = subprocess.run(
        [*cmd[:-2], "--html", str(tmp_path / "x.html")], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "--engine dask writes one results table" in bad.stderr
